"""Loading content: every problem names field, file and line; nothing unsafe is executed."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.content import yamlfile
from bot.content.catalogue import load_catalogue
from bot.content.check import run_check
from bot.content.freshness import LOCK_NAME, _written_by_accept, read_lock
from bot.content.yamlfile import MAX_FILE_BYTES, parse_yaml
from tests.content.loading import errors_of
from tests.harness import ROOT


def one_error(content_dir: Path) -> str:
    errors = errors_of(content_dir)
    assert len(errors) == 1, errors
    return errors[0]


def test_valid_content_loads(content_dir: Path) -> None:
    catalogue, warnings = load_catalogue(content_dir)
    assert list(catalogue.offers) == ["deutschkurs-frauen"]
    assert catalogue.catch_all_partner_id == "quartiersmanagement"
    assert list(catalogue.districts) == ["ost", "fredenberg"]
    assert all(w.severity == "warning" for w in warnings)


def test_unknown_key_names_field_file_line_and_suggestion(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            titel: {de: Tippfehler}
            title: {de: Deutschkurs}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
        """
    )
    message = one_error(content_dir)
    assert message.startswith("offers.deutschkurs-frauen.titel in ")
    assert message.endswith("offers/kurse.yaml, Zeile 6: unbekanntes Feld 'titel' – meinten Sie 'title'?")


def test_unknown_language_code_points_at_its_line(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            title:
              de: Deutschkurs
              tk: Nemes dili kursy
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
        """
    )
    message = one_error(content_dir)
    assert "offers.deutschkurs-frauen.title.tk in " in message
    assert "kurse.yaml, Zeile 8: unbekannter Sprachcode 'tk'" in message


def test_string_where_list_belongs_and_missing_german(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: sprache
            title: {tr: Almanca kursu}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
        """
    )
    errors = errors_of(content_dir)
    assert any(
        "offers.deutschkurs-frauen.topics in " in e and "kurse.yaml, Zeile 5: hier wird eine Liste" in e
        for e in errors
    )
    assert any(
        "offers.deutschkurs-frauen.title in " in e and "kurse.yaml, Zeile 6: deutscher Text (de) fehlt" in e
        for e in errors
    )


def test_all_errors_of_all_files_are_reported_at_once(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: seminar
            topics: [sprache]
            title: {de: Deutschkurs}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
            valid_from: 2025-02-30
        """,
        broken="offers:\n\tx: 1\n",
    )
    errors = errors_of(content_dir)
    assert any("kind in " in e and "kurse.yaml, Zeile 4: ungültiger Wert 'seminar'" in e for e in errors)
    assert any("valid_from in " in e and "kurse.yaml, Zeile 9: kein gültiges Datum" in e for e in errors)
    assert any("broken.yaml, Zeile 3: Tabulatorzeichen" in e for e in errors)
    assert len(errors) == 3


def test_duplicate_key_in_one_mapping_is_an_error(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            title: {de: Deutschkurs}
            title: {de: Noch einmal}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
        """
    )
    assert one_error(content_dir).endswith(
        "kurse.yaml, Zeile 7: Schlüssel 'title' doppelt (zuerst in Zeile 6)"
    )


def test_same_id_in_two_files_is_an_error(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        more="""
        partners:
          quartiersmanagement:
            name: {de: Doppelt}
            description: {de: Doppelt}
        """
    )
    message = one_error(content_dir)
    assert message.startswith("partners.quartiersmanagement in ")
    assert "more.yaml, Zeile 3: ID 'quartiersmanagement' doppelt (auch in " in message
    assert "base.yaml, Zeile" in message


def test_python_tag_is_rejected_and_not_executed(make_content: Callable[..., Path], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    content_dir = make_content(
        evil=f"""
        offers:
          x: !!python/object/apply:os.system ["touch {marker}"]
        """
    )
    message = one_error(content_dir)
    assert "evil.yaml, Zeile 3: unerlaubter YAML-Tag !!python/object/apply:os.system" in message
    assert not marker.exists()


def test_tabs_missing_colon_and_bad_indentation_report_lines(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        tabs="offers:\n\tx: 1\n",
        indent="offers:\n  x:\n    title:\n      de: a\n     tr: b\n",
    )
    errors = errors_of(content_dir)
    assert any(
        e.endswith("tabs.yaml, Zeile 3: Tabulatorzeichen gefunden – zum Einrücken nur Leerzeichen verwenden")
        for e in errors
    )
    assert any("indent.yaml, Zeile 6: Einrückung stimmt nicht" in e for e in errors)


def test_non_utf8_empty_and_unknown_kind(content_dir: Path) -> None:
    (content_dir / "latin1.yaml").write_bytes(b'offers:\n  x:\n    title: {de: "K\xe4se"}\n')
    (content_dir / "leer.yaml").write_text("# nur ein Kommentar\n", encoding="utf-8")
    (content_dir / "kind.yaml").write_text("offer:\n  x: {}\n", encoding="utf-8")
    errors = errors_of(content_dir)
    assert any(
        e.endswith(
            "latin1.yaml, Zeile 3: Datei ist nicht UTF-8-kodiert (das Zeichen „ä“ in dieser Zeile) "
            "– im Editor als "
            "UTF-8 speichern („Speichern unter“ → Codierung „UTF-8“)"
        )
        for e in errors
    )
    assert any(e.endswith("leer.yaml: Datei ist leer") for e in errors)
    assert any(
        e.startswith("offer in ")
        and e.endswith("kind.yaml, Zeile 1: unbekannte Art 'offer' – meinten Sie 'offers'?")
        for e in errors
    )


def test_huge_file_is_refused_without_reading(content_dir: Path) -> None:
    huge = content_dir / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    assert one_error(content_dir).endswith("huge.yaml: Datei ist zu groß (über 2 MB) – bitte aufteilen")


def test_file_deleted_while_loading(content_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.content import loader

    original = loader.find_content_files

    def listing_then_delete(directory: Path) -> tuple[list[Path], list]:
        files, problems = original(directory)
        (directory / "offers" / "kurse.yaml").unlink()
        return files, problems

    monkeypatch.setattr(loader, "find_content_files", listing_then_delete)
    errors = errors_of(content_dir)
    assert any(
        e.endswith("kurse.yaml: Datei wurde während des Ladens gelöscht oder umbenannt") for e in errors
    )


def test_times_and_numbers_are_not_yaml_1_1_surprises(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        extra="""
        emergency:
          polizei:
            name: {de: Polizei}
            number: 110
            description: {de: Notruf}
            order: 1
            triggers: {de: [überfall]}
        partners:
          telefon:
            name: {de: Telefon}
            description: {de: Beratung}
            phone: 0531123
            requests: {email: a@example.org}
            opening_hours:
              weekly: {mon: ["10:00-12:00"]}
        offers:
          treff:
            kind: meeting_place
            topics: [sprache]
            title: {de: Treff}
            summary: {de: Treff}
            partner: telefon
            schedule:
              weekly:
                - {day: mon, start: 10:00, end: 12:30}
        """
    )
    catalogue, _ = load_catalogue(content_dir)
    assert catalogue.emergency["polizei"].number == "110"
    assert catalogue.partners["telefon"].phone == "0531123"
    slot = catalogue.offers["treff"].schedule.weekly[0]  # type: ignore[union-attr]
    assert (slot.start.hour, slot.end.minute) == (10, 30)


def test_anchors_and_aliases_are_rejected_with_line(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        alias="""
        districts:
          nord: &bezirk
            name: {de: Nord}
          sued: *bezirk
        """
    )
    assert any(
        e.endswith("alias.yaml, Zeile 3: Anker/Aliase (& und *) sind nicht erlaubt – Text ausschreiben")
        for e in errors_of(content_dir)
    )


def test_star_in_text_and_alias_without_anchor(make_content: Callable[..., Path]) -> None:
    triggers = """
    emergency:
      krise:
        name: {de: Krisendienst}
        number: "0800 111 0 111"
        description: {de: "Kaffee & Kuchen? Nein: Hilfe"}
        order: 1
        triggers: {de: [suizid*, lebensmüde]}
    """
    catalogue, _ = load_catalogue(make_content(extra=triggers))
    assert catalogue.emergency["krise"].triggers["de"] == ("suizid*", "lebensmüde")
    message = one_error(make_content(extra="offers:\n  x: *nirgends\n"))
    assert "extra.yaml, Zeile" in message


def test_explicit_tags_nulls_and_unicode_load_like_plain_values(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        extra="""
        emergency:
          feuer:
            name: {de: "Feuerwehr – Notruf 🚒", ar: حريق}
            number: !!str 112
            description: {de: Brand}
            order: !!int 2
            triggers: {de: [feuer], ru: [пожар]}
        places:
          treff:
            name: {de: Treff}
            address: Weg 1
            latitude: !!float 52
            longitude: 10.5
            accessibility: ~
            example: !!bool false
        """
    )
    catalogue, _ = load_catalogue(content_dir)
    assert catalogue.emergency["feuer"].number == "112"
    assert catalogue.emergency["feuer"].order == 2
    assert catalogue.emergency["feuer"].name["ar"] == "حريق"
    assert catalogue.places["treff"].latitude == 52.0
    assert catalogue.places["treff"].accessibility is None


def test_errors_in_many_files_keep_their_field_lines(make_content: Callable[..., Path]) -> None:
    # Each file's node tree is dropped after its entries are validated; field lines found later
    # (references are checked after all files are read) come from parsing the file again.
    bad = """
    offers:
      kurs-{n}:
        kind: course
        topics: [sprache]
        title: {{de: Kurs}}
        summary: {{de: Kurs}}
        partner: quartiersmanagement
        place: nirgendwo
      kinder-{n}:
        kind: course
        topics: [sprache]
        title: {{de: Kurs}}
        summary: {{de: Kurs}}
        partner: quartiersmanagement
        childcare: vielleicht
    """
    content_dir = make_content(**{f"offers__more{n}": bad.format(n=n) for n in range(3)})
    errors = errors_of(content_dir)
    for n in range(3):
        assert any(
            e.startswith(f"offers.kurs-{n}.place in ")
            and f"more{n}.yaml, Zeile 9: Ort 'nirgendwo' gibt es nicht" in e
            for e in errors
        ), errors
        assert any(
            e.startswith(f"offers.kinder-{n}.childcare in ") and f"more{n}.yaml, Zeile 16:" in e
            for e in errors
        )


def test_field_lines_are_found_after_loading(content_dir: Path) -> None:
    from bot.content.loader import load_sources

    loaded = load_sources(content_dir)
    assert loaded.locate("offers", "deutschkurs-frauen", "title", "tr")[1] == 8
    assert loaded.locate("offers", "deutschkurs-frauen", "signup", 0)[1] == 12
    assert loaded.locate("offers", "deutschkurs-frauen", "missing")[1] == 3
    assert loaded.locate("offers", "gibt-es-nicht", "title") == (None, None)


def test_a_second_load_sees_changes_and_keeps_reporting_problems(content_dir: Path) -> None:
    first, _ = load_catalogue(content_dir)
    kurse = content_dir / "offers" / "kurse.yaml"
    kurse.write_text(kurse.read_text().replace("Mit Kinderbetreuung", "Mit Kinderbetreuung!"))
    second, _ = load_catalogue(content_dir)
    assert second.offers["deutschkurs-frauen"].summary["de"] == "Mit Kinderbetreuung!"
    assert second.version != first.version

    (content_dir / "a.yaml").write_text(
        "partners:\n  quartiersmanagement:\n    name: {de: Q}\n    description: {de: Q}\n", encoding="utf-8"
    )
    errors = errors_of(content_dir)
    assert any(
        e.startswith("partners.quartiersmanagement in ")
        and "base.yaml, Zeile 19: ID 'quartiersmanagement' doppelt (auch in " in e
        and "a.yaml, Zeile 2) – jede ID nur einmal: einem der beiden Einträge (meist der Kopie) eine neue ID "
        in e
        for e in errors
    ), errors

    # A file with problems reports them on every load.
    (content_dir / "a.yaml").unlink()
    kurse.write_text(kurse.read_text() + "    titel: kaputt\n")
    assert "unbekanntes Feld 'titel'" in one_error(content_dir)
    assert "unbekanntes Feld 'titel'" in one_error(content_dir)


def test_tagged_value_that_does_not_fit_is_an_error_not_a_crash(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        extra="""
        emergency:
          polizei:
            name: {de: Polizei}
            number: "110"
            description: {de: Notruf}
            order: !!int erste
            triggers: {de: [überfall]}
        """
    )
    assert one_error(content_dir).endswith(
        "extra.yaml, Zeile 7: 'erste' passt nicht zu !!int – Tag weglassen oder Wert korrigieren"
    )


def test_items_of_block_lists_are_named_with_their_own_line(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics:
              - sprache
              - arbeit
            title: {de: Deutschkurs}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
          kurs-2:
            kind: course
            topics: [sprache]
            title: {de: Kurs}
            summary: {de: Kurs}
            partner: quartiersmanagement
            schedule:
              weekly:
                - {day: tue, start: "10:00", end: "12:00"}
                - day: someday
                  start: "10:00"
                  end: "12:00"
        """
    )
    errors = errors_of(content_dir)
    assert any(
        e.startswith("offers.deutschkurs-frauen.topics.1 in ")
        and "kurse.yaml, Zeile 7: Thema 'arbeit' gibt es nicht" in e
        for e in errors
    ), errors
    assert any(
        e.startswith("offers.kurs-2.schedule.weekly.1.day in ")
        and "kurse.yaml, Zeile 20: ungültiger Wert" in e
        for e in errors
    ), errors
    assert len(errors) == 2


def test_merge_keys_are_an_unknown_field_not_a_merge(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        extra="""
        places:
          treff:
            <<: {name: {de: Treff}}
            address: Weg 1
            latitude: 52
            longitude: 10.5
        """
    )
    errors = errors_of(content_dir)
    assert any(e.endswith("extra.yaml, Zeile 4: unbekanntes Feld '<<'") for e in errors), errors


def test_second_document_and_keys_that_are_not_text_are_named_with_their_line(
    content_dir: Path,
) -> None:
    (content_dir / "zwei.yaml").write_text("places: {}\n---\noffers: {}\n", encoding="utf-8")
    (content_dir / "schluessel.yaml").write_text("places:\n  ? [a, b]\n  : 1\n", encoding="utf-8")
    errors = errors_of(content_dir)
    assert any(
        e.endswith("zwei.yaml, Zeile 2: nur ein Dokument pro Datei erlaubt (kein '---' zwischen Einträgen)")
        for e in errors
    ), errors
    assert any(e.endswith("schluessel.yaml, Zeile 2: Schlüssel muss einfacher Text sein") for e in errors), (
        errors
    )


def test_a_closure_ending_before_it_starts_names_its_line(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        partners="""
        partners:
          muetterzentrum:
            name: {de: SOS-Mütterzentrum}
            description: {de: Treffpunkt}
            opening_hours:
              weekly: {mon: ["09:00-12:00"]}
              closed:
                - from: 2027-01-03
                  to: 2026-12-23
                  note: {de: Weihnachtspause}
        """
    )
    message = one_error(content_dir)
    assert message.startswith("partners.muetterzentrum.opening_hours.closed.0.to in ")
    assert message.endswith("partners.yaml, Zeile 10: 'to' liegt vor 'from'")


def test_bidi_controls_typed_into_the_yaml_are_named_and_refused_for_going_live(
    make_content: Callable[..., Path],
) -> None:
    content_dir = make_content(
        emergency="""
        emergency:
          seelsorge:
            order: 1
            number: "0800 111 0 111"
            name: {de: TelefonSeelsorge}
            description:
              de: Auch unter 0800 111 0 222.
              ar: "أو على الرقم \\u20660800 111 0 222\\u2069."
            triggers: {de: [will sterben]}
        """
    )
    _catalogue, warnings = load_catalogue(content_dir)  # the bot still runs with it
    (warning,) = [str(w) for w in warnings if w.code == "bidi_controls"]
    assert warning.startswith("emergency.seelsorge.description.ar in ")
    assert warning.endswith(
        "emergency.yaml, Zeile 9: unsichtbare Steuerzeichen für die Schreibrichtung im Text – "
        "bitte löschen, der Bot setzt sie bei Arabisch und Persisch selbst"
    )
    assert (
        run_check(content_dir, strict=True, accept=False, out=io.StringIO(), email_replies_relayed=False) == 1
    )


def test_an_emergency_number_is_either_around_the_clock_or_has_hours(
    make_content: Callable[..., Path],
) -> None:
    content_dir = make_content(
        emergency="""
        emergency:
          kummer:
            order: 1
            number: "116 111"
            name: {de: Nummer gegen Kummer}
            description: {de: Für Kinder und Jugendliche}
            triggers: {de: [mobbing]}
            around_the_clock: true
            hours: {de: montags bis samstags 14–20 Uhr}
        """
    )
    message = one_error(content_dir)
    assert message.startswith("emergency.kummer in ")
    assert message.endswith("entweder around_the_clock: true oder hours angeben, nicht beides")


def test_an_offers_own_intake_questions_need_unique_ids(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            title: {de: Deutschkurs}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
            signup_label: {de: Ich möchte helfen}
            intake:
              - {id: wann, question: {de: Wann haben Sie Zeit?}}
              - {id: wann, question: {de: Was können Sie gut?}}
        """
    )
    assert one_error(content_dir).endswith("kurse.yaml, Zeile 10: Fragen-ID doppelt: wann")


@pytest.mark.parametrize(
    ("groups", "only_for", "message"),
    [
        ("[women, migrants]", "youth", "'youth' fehlt in target_groups – only_for muss eine der Zielgruppen"),
        ("[women, everyone]", "women", "'only_for: women' widerspricht 'everyone' in target_groups"),
    ],
)
def test_an_offer_only_for_a_group_it_is_not_meant_for_names_its_line(
    make_content: Callable[..., Path], groups: str, only_for: str, message: str
) -> None:
    """The page would say "only for young people" of a course meant for women (or "only for women" of an
    offer open to everyone): `check` tells the staff where, in German."""
    content_dir = make_content(
        offers__kurse=f"""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            target_groups: {groups}
            only_for: {only_for}
            title: {{de: Deutschkurs für Frauen}}
            summary: {{de: Mit Kinderbetreuung}}
            partner: quartiersmanagement
        """
    )
    error = one_error(content_dir)
    assert error.startswith("offers.deutschkurs-frauen.only_for in ")
    assert f"offers/kurse.yaml, Zeile 7: {message}" in error


def test_only_for_everyone_is_refused_by_name(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache]
            target_groups: [everyone]
            only_for: everyone
            title: {de: Deutschkurs für Frauen}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
        """
    )
    error = one_error(content_dir)
    assert error.startswith("offers.deutschkurs-frauen.only_for in ")
    assert "offers/kurse.yaml, Zeile 7: " in error
    assert "women, youth, seniors, families, migrants" in error


# --- shortcuts of the loader, against the full reading they skip --------------------------------------

SCALARS = """\
a: Sprachcafé – Deutsch sprechen
b: "quoted: 1"
c: 'single'
d: no
e: on
f: null
g: ~
h: true
i: False
j: 12
k: -3
l: 1.5
m: .inf
n: +1
o: ""
p: Nein danke
q: Termine nach Absprache
r: !!str 12
u: [Kurs, 2, "3", no, tea, Tee]
v: {x: Treff, y: 0x1f, z: 08:30}
w: >
  gefaltet
  über Zeilen
x: 2027-09-18
"""


def test_values_taken_as_text_straight_from_the_parser_are_what_the_full_reading_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`yamlfile._text` takes a value that can only be text without `_value`'s tag resolution: words that
    look like a bool, null, number or date, and tags must still be read in full, anchors still refused."""
    refused = "a: &anchor Text\nb: *anchor\n"
    shortcut = [parse_yaml(text, "scalars.yaml") for text in (SCALARS, refused)]
    monkeypatch.setattr(yamlfile, "_text", lambda event: None)
    assert shortcut == [parse_yaml(text, "scalars.yaml") for text in (SCALARS, refused)]
    data, _lines, problems = shortcut[0]
    assert not problems and data["j"] == 12 and data["h"] is True and data["r"] == "12"
    assert shortcut[1][2]  # the anchor's refusal


def test_the_lock_read_without_yaml_gives_what_yaml_gives(tmp_path: Path) -> None:
    """`read_lock` reads the form `check --accept` writes line by line; any other form goes through YAML,
    and both give the same hashes (a key written twice: the last value)."""
    shipped = (ROOT / "content" / LOCK_NAME).read_text(encoding="utf-8")
    assert _written_by_accept(shipped) is not None  # the shortcut is what reads the shipped lock
    variants = [
        shipped,
        shipped + "offers.x.title.tr: '123456789012'\noffers.x.title.tr: abc123abc123\n",
        '# Übersetzungen – geprüft\n\noffers.x.title.ar: "000000000000"\n',
        "offers.x.title.ar: abc123abc123  # von Hand\n",  # a comment after a hash: YAML decides
        "Offers.X.title.ar: abc123abc123\n",  # capitals, as accept never writes them: YAML decides
        "offers.x.title.ar: 'abc123abc123'\n",
        "offers.x.title.ar: [abc]\n",  # not a hash: unreadable either way
    ]
    for text in variants:
        (tmp_path / LOCK_NAME).write_text(text, encoding="utf-8")
        hashes, problem = read_lock(tmp_path)
        expected = yaml.safe_load(text)
        if all(isinstance(value, str) for value in expected.values()):
            assert problem is None and hashes == expected, text[-80:]
        else:
            assert hashes is None and problem is not None
