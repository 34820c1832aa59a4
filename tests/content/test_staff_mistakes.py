"""Everyday mistakes of the staff who edit the content (found by exploratory testing): each is refused or
warned about with its file, its line and what to do, never passed silently or blamed on a correct file."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content.catalogue import load_catalogue, validate_content
from bot.content.check import run_check
from bot.content.problems import ContentError

ROOT = Path(__file__).resolve().parents[2]


def errors_of(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalogue(content_dir)
    return [str(p) for p in caught.value.errors]


def check_output(content_dir: Path, *, strict: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = run_check(content_dir, strict=strict, accept=False, out=out)
    return code, out.getvalue()


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped content to break."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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
    errors = errors_of(shipped)
    assert any(
        e.endswith(
            "emergency.yaml: keine Notrufnummern – der Notfall-Bildschirm wäre leer; "
            "Einträge unter 'emergency:' wiederherstellen"
        )
        for e in errors
    ), errors


def test_emergency_numbers_without_the_police_are_refused(shipped: Path) -> None:
    edit(shipped / "emergency.yaml", 'number: "110"', 'number: "116 117"')
    errors = errors_of(shipped)
    assert any(
        e.endswith("emergency.yaml: Notrufnummer 110 (Polizei) fehlt – Eintrag wiederherstellen")
        for e in errors
    )


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
        e.startswith("emergency.polizei.number at ") and "emergency.yaml:13: " + message in e for e in errors
    ), errors


def test_the_shipped_numbers_and_addresses_pass() -> None:
    catalogue, _ = load_catalogue(ROOT / "content")
    assert [e.number for e in catalogue.emergency.values()][:2] == ["110", "112"]
    assert catalogue.partners["quartiersmanagement"].phone == "0000 000000"


# --- partner contact details ---------------------------------------------------------------------------


def test_a_partner_phone_with_a_letter_o_names_value_and_line(shipped: Path) -> None:
    edit(shipped / "partners.yaml", "    phone: 0000 000000", "    phone: 05341 83O-12")
    errors = errors_of(shipped)
    assert any(
        e.startswith("partners.quartiersmanagement.phone at ")
        and e.endswith(
            "partners.yaml:15: keine gültige Telefonnummer '05341 83O-12' – nur Ziffern, "
            "Leerzeichen und + - / ( ) erlaubt, nicht 'O' (Buchstabe O statt Ziffer 0?)"
        )
        for e in errors
    ), errors


def test_an_email_address_that_is_not_one_names_its_line(shipped: Path) -> None:
    edit(
        shipped / "partners.yaml", "      email: gemeinde@example.org", "      email: gemeinde(at)example.org"
    )
    errors = errors_of(shipped)
    assert any(
        e.startswith("partners.")
        and e.endswith(
            "partners.yaml:285: keine gültige E-Mail-Adresse 'gemeinde(at)example.org' – "
            "Form name@beispiel.de, ohne Leerzeichen"
        )
        for e in errors
    ), errors


def test_a_group_id_without_its_minus_sign_is_refused(shipped: Path) -> None:
    edit(shipped / "partners.yaml", "telegram_chat_id: -1000000000002", "telegram_chat_id: 1000000000002")
    errors = errors_of(shipped)
    assert any(
        e.endswith(
            "partners.yaml:183: Chat-ID 1000000000002 ist keine Gruppe – Gruppen-IDs beginnen mit "
            "-100 – Minuszeichen vergessen?"
        )
        for e in errors
    ), errors


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
    assert errors[0].startswith("partners.quartiersmanagement.requests at ")
    assert errors[0].endswith(
        "base.yaml:19: Anfragen haben kein Ziel – requests.telegram_chat_id oder requests.email angeben: "
        "dieser Partner (catch_all) bekommt alle Anfragen, die sonst niemand bekommt; ohne Ziel kann kein "
        "Bewohner eine Anfrage senden"
    ), errors
    # An ordinary partner without destination stays a warning: its requests go to the catch-all.
    _, out = check_output(content_dir)
    assert "partners.beratung at " in out


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
    errors = errors_of(content_dir)
    assert any(
        e.startswith("partners.buero-fredenberg.requests at ")
        and e.endswith(
            "extra.yaml:3: Anfragen haben kein Ziel – requests.telegram_chat_id oder requests.email "
            "angeben: dieser Partner ist das Büro (office) des Stadtteils fredenberg und bekommt "
            "dessen allgemeine Anfragen"
        )
        for e in errors
    ), errors


# --- one broken file, no follow-on errors --------------------------------------------------------------


def test_a_tab_in_partners_yaml_is_the_only_error(shipped: Path) -> None:
    edit(shipped / "partners.yaml", "    phone: 0000 000000", "\tphone: 0000 000000")
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "partners.yaml:15: Tabulatorzeichen gefunden – zum Einrücken nur Leerzeichen verwenden"
    )


def test_a_broken_offer_does_not_send_staff_to_a_correct_reference(shipped: Path) -> None:
    edit(shipped / "offers" / "sprachcafe.yaml", "    partner: tuerkisch", "\tpartner: tuerkisch")
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert "sprachcafe.yaml:" in errors[0]
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
    assert "partners.yaml:" in errors[0] and "nicht UTF-8-kodiert" in errors[0]


def test_validate_content_keeps_the_shipped_content_clean() -> None:
    assert not [p for p in validate_content(ROOT / "content").problems if p.severity == "error"]
