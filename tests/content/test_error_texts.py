"""Error texts of `check` for staff who are not programmers: each quotes what was written and says what to do
(found by exploratory testing: several said only what was wrong, one suggested the very word it refused)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.content.loading import edit, errors_of


def insert_before(path: Path, anchor: str, marker: str, lines: str) -> None:
    """Insert `lines` before the first `marker` after `anchor` in the file."""
    text = path.read_text(encoding="utf-8")
    at = text.index(marker, text.index(anchor))
    path.write_text(text[:at] + lines + text[at:], encoding="utf-8")


def test_closed_under_the_partner_instead_of_its_opening_hours_says_where_it_belongs(shipped: Path) -> None:
    closure = "    closed:\n      - from: 2026-12-23\n        to: 2027-01-03\n"
    insert_before(shipped / "partners.yaml", "  sos-muetterzentrum:", "    requests:", closure)
    (error,) = errors_of(shipped)
    assert error.startswith("partners.sos-muetterzentrum.closed in "), error
    assert error.endswith(
        "'closed' gehört nicht hierher – es steht nur unter 'opening_hours:': eine Ebene tiefer, also zwei "
        "Leerzeichen weiter eingerückt als 'opening_hours:'"
    ), error
    assert "meinten Sie" not in error


def test_a_field_of_another_kind_of_entry_names_that_kind(shipped: Path) -> None:
    insert_before(shipped / "partners.yaml", "  sos-muetterzentrum:", "    requests:", "    kind: course\n")
    (error,) = errors_of(shipped)
    assert error.endswith(
        "'kind' gehört nicht hierher – es steht nur direkt in Einträgen unter 'offers:' (so weit eingerückt "
        "wie ihre übrigen Felder)"
    ), error


def test_an_offer_copied_under_another_file_name_says_to_give_the_copy_a_new_id(shipped: Path) -> None:
    offers = shipped / "offers"
    shutil.copyfile(offers / "sprachcafe.yaml", offers / "sprachcafe - Kopie.yaml")
    errors = errors_of(shipped)
    assert len(errors) == 1, errors
    assert (
        "ID 'sprachcafe' doppelt (auch in " in errors[0]
        and "sprachcafe - Kopie.yaml, Zeile 6) – " in errors[0]
    )
    assert errors[0].endswith(
        "jede ID nur einmal: einem der beiden Einträge (meist der Kopie) eine neue ID geben oder den "
        "doppelten löschen (bei Angeboten heißt die Datei wie die ID)"
    )


def test_an_invalid_id_is_quoted_with_a_valid_one_suggested(shipped: Path) -> None:
    text = (shipped / "offers" / "sprachcafe.yaml").read_text(encoding="utf-8")
    text = text.replace("  sprachcafe:", "  Nähtreff Mütter:", 1)
    (shipped / "offers" / "sprachcafe.yaml").write_text(text, encoding="utf-8")
    errors = errors_of(shipped)
    assert any(
        e.endswith(
            "ungültige ID 'Nähtreff Mütter' – nur a-z, 0-9 und '-', höchstens 40 Zeichen, "
            "z. B. 'naehtreff-muetter'"
        )
        for e in errors
    ), errors


def test_an_empty_partner_says_what_belongs_there(shipped: Path) -> None:
    edit(shipped / "offers" / "sprachcafe.yaml", "    partner: tuerkisch-islamische-gemeinde", "    partner:")
    (error,) = errors_of(shipped)
    assert error.startswith("offers.sprachcafe.partner in ") and error.endswith(
        "Partner fehlt – hinter 'partner:' die ID eines Partners aus partners.yaml eintragen (das Wort vor "
        "dem Doppelpunkt dort, z. B. quartiersmanagement)"
    ), error


def test_an_empty_german_title_says_the_german_text_is_required(shipped: Path) -> None:
    edit(
        shipped / "offers" / "sprachcafe.yaml",
        "      de: Sprachcafé – Deutsch sprechen und sich begegnen",
        "      de:",
    )
    (error,) = errors_of(shipped)
    assert error.startswith("offers.sprachcafe.title.de in ") and error.endswith(
        "deutscher Text fehlt – hinter 'de:' gehört der Text auf Deutsch (er ist Pflicht)"
    ), error


def test_a_date_written_the_german_way_is_quoted_with_its_right_form(shipped: Path) -> None:
    partners = shipped / "partners.yaml"
    text = partners.read_text(encoding="utf-8")
    at = text.index("        - from: 2026-12-23", text.index("  sos-muetterzentrum:"))
    partners.write_text(text[:at] + text[at:].replace("from: 2026-12-23", "from: 23.12.2026", 1))
    (error,) = errors_of(shipped)
    assert error.startswith("partners.sos-muetterzentrum.opening_hours.closed.0.from in "), error
    assert error.endswith("kein gültiges Datum '23.12.2026' – Format JJJJ-MM-TT, hier also 2026-12-23")


def test_another_wrong_date_gets_an_example_that_is_not_in_the_past() -> None:
    from datetime import date

    from bot.content.messages import date_message

    assert date_message("Weihnachten", date(2026, 12, 7)) == (
        "kein gültiges Datum 'Weihnachten' – Format JJJJ-MM-TT, z. B. 2027-03-01 für den 1. März"
    )
    assert date_message("31.02.2027", date(2026, 12, 7)).endswith("z. B. 2027-03-01 für den 1. März")


def test_a_file_saved_in_the_old_windows_encoding_names_the_letter(shipped: Path) -> None:
    (shipped / "offers" / "naehtreff.yaml").write_bytes(
        b"offers:\n  naehtreff:\n    title: {de: N\xe4htreff}\n"  # "Nähtreff", saved as Windows-1252
    )
    (error,) = errors_of(shipped)
    assert error.endswith(
        "naehtreff.yaml, Zeile 3: Datei ist nicht UTF-8-kodiert (das Zeichen „ä“ in dieser Zeile) "
        "– im Editor als "
        "UTF-8 speichern („Speichern unter“ → Codierung „UTF-8“)"
    ), error
