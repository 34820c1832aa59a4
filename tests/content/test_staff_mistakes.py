"""Everyday mistakes of the staff who edit the content (found by exploratory testing): each is refused or
warned about with its file, its line and what to do, never passed silently or blamed on a correct file."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content.catalogue import load_catalogue, validate_content
from bot.content.check import run_check
from tests.content.loading import edit, errors_of

ROOT = Path(__file__).resolve().parents[2]


def refused(content_dir: Path, ending: str, at: str = "") -> None:
    """Loading `content_dir` fails with an error that starts with `at` (the field) and ends with `ending`."""
    errors = errors_of(content_dir)
    assert any(e.startswith(at) and e.endswith(ending) for e in errors), errors


def check_output(content_dir: Path, *, strict: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = run_check(content_dir, strict=strict, accept=False, out=out, email_replies_relayed=False)
    return code, out.getvalue()


# --- emergency numbers ---------------------------------------------------------------------------------


def test_content_without_the_emergency_file_is_refused_naming_the_file(shipped: Path) -> None:
    (shipped / "emergency.yaml").unlink()
    code, out = check_output(shipped)
    assert code == 1
    assert "emergency.yaml: keine Notrufnummern – der Notfall-Bildschirm wäre leer" in out
    assert "Datei emergency.yaml fehlt – wiederherstellen" in out
    assert "Inhalt in Ordnung" not in out


def test_an_emptied_emergency_file_is_refused(shipped: Path) -> None:
    (shipped / "emergency.yaml").write_text("# leer\nemergency: {}\n", encoding="utf-8")
    refused(
        shipped,
        "emergency.yaml: keine Notrufnummern – der Notfall-Bildschirm wäre leer; "
        "Einträge unter 'emergency:' wiederherstellen",
    )


def test_emergency_numbers_without_the_police_are_refused(shipped: Path) -> None:
    edit(shipped / "emergency.yaml", 'number: "110"', 'number: "116 117"')
    refused(shipped, "emergency.yaml: Notrufnummer 110 (Polizei) fehlt – Eintrag wiederherstellen")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (
            '"11O"',
            "keine gültige Telefonnummer '11O' – nur Ziffern, Leerzeichen und + - / ( ) erlaubt, "
            "nicht 'O' (Buchstabe O statt Ziffer 0?)",
        ),
        ('"Polizei anrufen"', "keine gültige Telefonnummer 'Polizei anrufen' – nur Ziffern"),
        (
            '"0800 111 0 1111 2"',
            "keine gültige Telefonnummer '0800 111 0 1111 2' – 13 Ziffern, erwartet 3 bis 11",
        ),
    ],
)
def test_an_undialable_emergency_number_names_its_line(shipped: Path, number: str, message: str) -> None:
    edit(shipped / "emergency.yaml", 'number: "110"', f"number: {number}")
    errors = errors_of(shipped)
    assert any(
        e.startswith("emergency.polizei.number in ") and "emergency.yaml, Zeile 13: " + message in e
        for e in errors
    ), errors


def test_the_shipped_numbers_and_addresses_pass() -> None:
    catalogue, _ = load_catalogue(ROOT / "content")
    assert [e.number for e in catalogue.emergency.values()][:2] == ["110", "112"]
    assert catalogue.partners["quartiersmanagement"].phone == "0000 000000"


# --- partner contact details ---------------------------------------------------------------------------


def test_a_partner_phone_with_a_letter_o_names_value_and_line(shipped: Path) -> None:
    edit(shipped / "partners.yaml", "    phone: 0000 000000", "    phone: 05341 83O-12")
    refused(
        shipped,
        "partners.yaml, Zeile 15: keine gültige Telefonnummer '05341 83O-12' – nur Ziffern, "
        "Leerzeichen und + - / ( ), danach eine Bemerkung in Klammern erlaubt, nicht 'O' "
        "(Buchstabe O statt Ziffer 0?)",
        at="partners.quartiersmanagement.phone in ",
    )


@pytest.mark.parametrize("phone", ["05341 839-0 (Zentrale)", "0000 000000 (Beispiel)", "+49 5341 839-0"])
def test_a_partner_phone_with_a_note_in_brackets_after_it_passes(shipped: Path, phone: str) -> None:
    """Staff write what a number is for after it; the other districts' content does ("(Beispiel)")."""
    edit(shipped / "partners.yaml", "    phone: 0000 000000", f"    phone: {phone}")
    catalogue, _ = load_catalogue(shipped)
    assert catalogue.partners["quartiersmanagement"].phone == phone


@pytest.mark.parametrize(
    ("phone", "wrong"),
    [("05341 83O-12 (Zentrale)", "'O' (Buchstabe O statt Ziffer 0?)"), ("Zentrale anrufen", "'Zentraluf'")],
)
def test_a_note_does_not_excuse_a_letter_in_the_number(shipped: Path, phone: str, wrong: str) -> None:
    edit(shipped / "partners.yaml", "    phone: 0000 000000", f"    phone: {phone}")
    errors = errors_of(shipped)
    assert any(f"'{phone}'" in e and e.endswith(f"nicht {wrong}") for e in errors), errors


@pytest.mark.parametrize("district", ["dev-goettingen-grone", "wolfsburg-westhagen"])
def test_the_other_districts_content_loads(district: str) -> None:
    """The evaluation sets' content (bench/eval) is staff-written content of other districts: a rule that
    refuses it refuses what staff write."""
    load_catalogue(ROOT / "bench" / "eval" / district / "content")


def test_an_email_address_that_is_not_one_names_its_line(shipped: Path) -> None:
    edit(
        shipped / "partners.yaml", "      email: gemeinde@example.org", "      email: gemeinde(at)example.org"
    )
    refused(
        shipped,
        "partners.yaml, Zeile 285: keine gültige E-Mail-Adresse 'gemeinde(at)example.org' – "
        "Form name@beispiel.de, ohne Leerzeichen",
        at="partners.",
    )


def test_a_group_id_without_its_minus_sign_is_refused(shipped: Path) -> None:
    edit(shipped / "partners.yaml", "telegram_chat_id: -1000000000002", "telegram_chat_id: 1000000000002")
    refused(
        shipped,
        "partners.yaml, Zeile 183: Chat-ID 1000000000002 ist keine Gruppe – Gruppen-IDs beginnen mit "
        "-100 – Minuszeichen vergessen?",
    )


# --- where requests go ---------------------------------------------------------------------------------


def test_a_catch_all_partner_without_destination_is_an_error(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        extra="""
        partners:
          beratung:
            name: {de: Beratung}
            description: {de: Beratung}
        """
    )
    base = content_dir / "base.yaml"
    edit(base, "    requests: {telegram_chat_id: -100123}\n", "")
    errors = errors_of(content_dir)
    assert len(errors) == 1, errors
    assert errors[0].startswith("partners.quartiersmanagement.requests in ")
    assert errors[0].endswith(
        "base.yaml, Zeile 19: Anfragen haben kein Ziel – requests.telegram_chat_id oder "
        "requests.email angeben: "
        "dieser Partner (catch_all) bekommt alle Anfragen, die sonst niemand bekommt; ohne Ziel kann kein "
        "Bewohner eine Anfrage senden"
    ), errors
    # An ordinary partner without destination stays a warning: its requests go to the catch-all.
    _, out = check_output(content_dir)
    assert "partners.beratung.requests in " in out and "Anfragen haben kein Ziel" in out


def test_a_district_office_without_destination_is_an_error(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        extra="""
        partners:
          buero-fredenberg:
            name: {de: Büro Fredenberg}
            description: {de: Stadtteilbüro}
        """
    )
    edit(
        content_dir / "base.yaml",
        "    name: {de: Fredenberg}\n",
        "    name: {de: Fredenberg}\n    office: buero-fredenberg\n",
    )
    refused(
        content_dir,
        "extra.yaml, Zeile 3: Anfragen haben kein Ziel – requests.telegram_chat_id oder requests.email "
        "angeben: dieser Partner ist das Büro (office) des Stadtteils fredenberg und bekommt "
        "dessen allgemeine Anfragen",
        at="partners.buero-fredenberg.requests in ",
    )


# --- one broken file, no follow-on errors --------------------------------------------------------------


def test_a_tab_in_partners_yaml_is_the_only_error(shipped: Path) -> None:
    edit(shipped / "partners.yaml", "    phone: 0000 000000", "\tphone: 0000 000000")
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "partners.yaml, Zeile 15: Tabulatorzeichen gefunden – zum Einrücken nur Leerzeichen verwenden"
    )


def test_a_broken_offer_does_not_send_staff_to_a_correct_reference(shipped: Path) -> None:
    edit(shipped / "offers" / "sprachcafe.yaml", "    partner: tuerkisch", "\tpartner: tuerkisch")
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert "sprachcafe.yaml, Zeile" in errors[0]
    assert "meinten Sie" not in "\n".join(errors)


def test_a_typo_in_a_reference_is_still_reported_beside_a_broken_file(shipped: Path) -> None:
    edit(shipped / "offers" / "sprachcafe.yaml", "    partner: tuerkisch", "\tpartner: tuerkisch")
    edit(shipped / "faq.yaml", ", sprachcafe,", ", sprachcaffe,")
    errors = errors_of(shipped)
    assert any("unbekanntes Angebot 'sprachcaffe'" in e for e in errors), errors


def test_a_latin1_partners_file_is_the_only_error(shipped: Path) -> None:
    path = shipped / "partners.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-8").replace("ü".encode(), b"\xfc", 1))
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert "partners.yaml, Zeile" in errors[0] and "nicht UTF-8-kodiert" in errors[0]


def test_validate_content_keeps_the_shipped_content_clean() -> None:
    assert not [p for p in validate_content(ROOT / "content").problems if p.severity == "error"]


# --- files that would be ignored -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "offers/naehtreff.yaml.txt",
            "wird ignoriert – Endung .yaml verwenden (Datei umbenennen in naehtreff.yaml)",
        ),
        (
            "offers/naehtreff.YAML",
            "wird ignoriert – Endung .yaml verwenden (Datei umbenennen in naehtreff.yaml)",
        ),
        (
            "offers/naehtreff.yml",
            "wird ignoriert – Endung .yaml verwenden (Datei umbenennen in naehtreff.yaml)",
        ),
        (
            "naehtreff.txt",
            "wird ignoriert – nur Dateien mit der Endung .yaml werden gelesen; umbenennen oder löschen",
        ),
        (
            "offers/Naehtreff.docx",
            "wird ignoriert – nur Dateien mit der Endung .yaml werden gelesen; umbenennen oder löschen",
        ),
    ],
)
def test_a_new_offer_saved_under_another_ending_is_warned_about(
    shipped: Path, name: str, message: str
) -> None:
    text = (shipped / "offers" / "sprachcafe.yaml").read_text(encoding="utf-8")
    (shipped / name).write_text(text.replace("  sprachcafe:", "  naehtreff:"), encoding="utf-8")
    code, out = check_output(shipped)
    assert code == 0
    assert f"  {name}: {message}\n" in out.replace(str(shipped) + "/", ""), out


def test_the_handbook_schema_lock_and_hidden_files_are_not_warned_about(shipped: Path) -> None:
    (shipped / ".naehtreff.yaml.swp").write_text("x", encoding="utf-8")
    assert "wird ignoriert" not in check_output(shipped)[1]


# --- garbled text --------------------------------------------------------------------------------------


def test_double_encoded_umlauts_are_named_with_their_line(shipped: Path) -> None:
    edit(shipped / "offers" / "sprachcafe.yaml", "de: Sprachcafé – Deutsch", "de: SprachcafÃ© â€“ Deutsch")
    loaded = validate_content(shipped)
    garbled = [str(p) for p in loaded.problems if p.code == "mojibake"]
    assert len(garbled) == 1, garbled
    assert garbled[0].startswith("offers.sprachcafe.title.de in ")
    assert garbled[0].endswith(
        "sprachcafe.yaml, Zeile 41: Text sieht falsch kodiert aus ('Ã©' statt 'é') – beim Kopieren "
        "aus E-Mail oder "
        "Excel verdorben; Zeichen von Hand korrigieren"
    )
    code, out = check_output(shipped, strict=True)
    assert code == 1
    assert out.index("falsch kodiert") < out.index("Warnungen")  # an error with --strict


# --- dates in the past ---------------------------------------------------------------------------------


def test_an_event_that_is_over_is_named_with_its_line(shipped: Path) -> None:
    edit(shipped / "events.yaml", '"2027-09-18 10:00"', '"2025-09-18 10:00"')
    edit(shipped / "events.yaml", '"2027-09-18 14:00"', '"2025-09-18 14:00"')
    code, out = check_output(shipped)
    assert code == 0
    assert (
        "events.yaml, Zeile 11: Termin liegt in der Vergangenheit (18.09.2025) – löschen oder Datum ändern"
        in out
    )


def test_an_expired_or_ended_offer_is_named_with_its_line(shipped: Path) -> None:
    edit(
        shipped / "offers" / "sprachcafe.yaml",
        "    kind: meeting_place",
        "    valid_until: 2025-12-31\n    kind: meeting_place",
    )
    edit(
        shipped / "offers" / "dienstleistung-beruf.yaml",
        "      starts: 2027-02-01\n      ends: 2027-06-30",
        "      starts: 2025-02-01\n      ends: 2025-06-30",
    )
    out = check_output(shipped)[1]
    assert (
        "sprachcafe.yaml, Zeile 8: Termin liegt in der Vergangenheit (gültig bis 31.12.2025)"
        " – löschen oder Datum ändern" in out
    )
    assert (
        "dienstleistung-beruf.yaml, Zeile 19: Termin liegt in der Vergangenheit (Ende 30.06.2025)"
        " – löschen oder Datum ändern" in out
    )


def test_an_offer_whose_sessions_are_all_over_is_named(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            title: {de: Deutschkurs}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
            schedule:
              sessions:
                - {date: 2025-03-01, start: "10:00", end: "12:00"}
                - {date: 2025-03-08, start: "10:00", end: "12:00"}
        """
    )
    past = [str(p) for p in validate_content(content_dir).problems if p.code == "past"]
    assert len(past) == 1 and past[0].endswith(
        "kurse.yaml, Zeile 10: Termin liegt in der Vergangenheit (letzter Termin 08.03.2025)"
        " – löschen oder Datum ändern"
    ), past


# --- YAML slips ----------------------------------------------------------------------------------------


def test_a_key_with_too_few_spaces_is_named_not_the_correct_line_ten_lines_below(shipped: Path) -> None:
    edit(
        shipped / "offers" / "sprachcafe.yaml",
        "    title:\n      de: Sprachcafé",
        "  title:\n      de: Sprachcafé",
    )
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "sprachcafe.yaml, Zeile 40: Einrückung stimmt nicht – gleiche Ebene, gleiche Anzahl Leerzeichen"
    ), errors


def test_a_key_with_one_space_too_few_is_still_named_itself(shipped: Path) -> None:
    edit(shipped / "offers" / "sprachcafe.yaml", "    summary:\n", "   summary:\n")
    assert errors_of(shipped)[0].endswith(
        "sprachcafe.yaml, Zeile 50: Einrückung stimmt nicht – gleiche Ebene, gleiche Anzahl Leerzeichen"
    )


def test_an_unclosed_quote_is_named_at_its_line_not_forty_lines_below(shipped: Path) -> None:
    # The text swallows the lines after it up to the next `"` (line 95); the parser stops there, and
    # staff were sent to check the indentation of a correct line (92).
    edit(shipped / "partners.yaml", "      de: Erste Anlaufstelle", '      de: "Erste Anlaufstelle')
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        'partners.yaml, Zeile 52: Anführungszeichen " nicht geschlossen – am Ende des Textes fehlt '
        'das zweite " '
        "(so geht der Text bis Zeile 95 weiter); oder „ “ verwenden"
    ), errors
    code, out = check_output(shipped)
    assert code == 1 and "partners.yaml:92" not in out and "Einrückung" not in out


def test_an_unclosed_quote_without_any_quote_after_it_is_named_at_its_line(shipped: Path) -> None:
    path = shipped / "offers" / "sprachcafe.yaml"
    assert "'" not in path.read_text(encoding="utf-8")
    edit(path, "      de: Menschen aus vielen Ländern üben", "      de: 'Menschen aus vielen Ländern üben")
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "sprachcafe.yaml, Zeile 51: Anführungszeichen ' nicht geschlossen – am Ende des Textes "
        "fehlt das zweite ' "
        "(so geht der Text bis zum Ende der Datei weiter); oder „ “ verwenden"
    ), errors


def test_a_text_that_begins_with_a_quotation_is_explained(shipped: Path) -> None:
    edit(
        shipped / "offers" / "sprachcafe.yaml",
        "      de: Menschen aus vielen Ländern üben",
        '      de: "Menschen aus vielen Ländern" üben',
    )
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "sprachcafe.yaml, Zeile 51: Text beginnt mit einem Anführungszeichen und geht danach "
        "weiter – den ganzen "
        'Text in Anführungszeichen setzen (innen \\" schreiben) oder „ “ verwenden'
    ), errors


# --- partner groups ------------------------------------------------------------------------------------


def test_two_partners_in_one_telegram_group_are_warned_about_at_the_copied_line(shipped: Path) -> None:
    # The QM's group id copied to the Bildungsträger: `check` said "Inhalt in Ordnung", the QM's group got the
    # Bildungsträger's cards without a word for whom, and a resident read Petra's (QM) answer as the
    # Bildungsträger's.
    edit(
        shipped / "partners.yaml",
        "    requests:\n      email: bildung@example.org\n",
        "    requests:\n      telegram_chat_id: -1000000000001\n      email: bildung@example.org\n",
    )
    lines = (shipped / "partners.yaml").read_text(encoding="utf-8").splitlines()
    copied = lines.index("      telegram_chat_id: -1000000000001", 40) + 1
    code, out = check_output(shipped)
    assert code == 0, out
    assert (
        f"partners.yaml, Zeile {copied}: dieselbe Telegram-Gruppe wie 'quartiersmanagement' (Zeile 37) – "
        "die Karten sagen nicht, für wen eine Anfrage ist, und wer dort antwortet, antwortet für den Partner "
        "der Anfrage; jedem Partner eine eigene Gruppe geben (Chat-ID kopiert?) oder, in einer Gruppe mit "
        "Themen, jedem ein eigenes telegram_topic_id"
    ) in out, out


def test_partners_in_one_forum_group_with_a_topic_each_are_no_mistake(shipped: Path) -> None:
    edit(
        shipped / "partners.yaml",
        "    requests:\n      email: bildung@example.org\n",
        "    requests:\n      telegram_chat_id: -1000000000001\n      telegram_topic_id: 7\n"
        "      email: bildung@example.org\n",
    )
    code, out = check_output(shipped)
    assert code == 0 and "dieselbe Telegram-Gruppe" not in out, out
