"""`check` and /reload as the Quartiersmanagement's staff read them (exploratory test xr4 #8): German lines
with file and line, suggestions only for what staff really meant, every error of a file in one round, and a
missing translation at the field where its line goes."""

from __future__ import annotations

import io
from pathlib import Path

from bot.content.catalogue import validate_content
from bot.content.check import run_check
from tests.content.loading import edit, errors_of


def check_lines(content: Path) -> list[str]:
    out = io.StringIO()
    run_check(content, strict=False, accept=False, out=out, email_replies_relayed=True)
    return out.getvalue().splitlines()


def line_of(path: Path, text: str, after: str = "") -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line) if after else 0
    return next(n for n, line in enumerate(lines[start:], start + 1) if line.strip() == text)


def test_a_deleted_offer_is_not_pointed_at_another_and_the_line_reads_german(shipped: Path) -> None:
    """After an offer's file is deleted, the FAQ that lists it was told "meinten Sie 'frauencafe'?" (a
    different offer that shares a word), in a line with English "at" in it."""
    (shipped / "offers" / "sprachcafe.yaml").unlink()
    faq = shipped / "faq.yaml"
    errors = errors_of(shipped)
    line = line_of(
        faq, "offers: [deutschkurs-frauen, sprachcafe, integrationscoaching]", after="wenig-deutsch:"
    )
    expected = (
        f"faq.wenig-deutsch.offers.1 in {faq}, Zeile {line}: Angebot 'sprachcafe' gibt es nicht (gelöscht "
        "oder umbenannt?) – die richtige ID eintragen oder sie aus der Liste streichen"
    )
    assert expected in errors, errors
    assert not any("meinten Sie" in error for error in errors), errors
    located = [line for line in check_lines(shipped) if ", Zeile " in line]
    assert located and not any(" at " in line for line in located), located


def test_a_typo_of_an_existing_id_is_still_suggested(shipped: Path) -> None:
    edit(
        shipped / "faq.yaml",
        "deutschkurs-frauen, sprachcafe, integr",
        "deutschkurs-frauen, sprachcafee, integr",
    )
    (error,) = errors_of(shipped)
    assert error.endswith("unbekanntes Angebot 'sprachcafee' – meinten Sie 'sprachcafe'?"), error


def test_a_duplicate_key_does_not_hide_the_other_errors_of_its_file(shipped: Path) -> None:
    """A `de:` written twice under `title:` hid `ua:` and `de_simple:` of the same file until it was fixed:
    staff fixed, ran check again and got new errors. Now all come in one round, each with its suggestion."""
    offer = shipped / "offers" / "frauencafe.yaml"
    edit(
        offer,
        "      de: Frauencafé – offene Begegnung\n",
        "      de: Frauencafé\n      de: Frauencafé – offen\n",
    )
    edit(offer, "      uk: Жіноче кафе", "      ua: Жіноче кафе")
    edit(offer, "      de-simple: Café für Frauen", "      de_simple: Café für Frauen")
    errors = errors_of(shipped)
    assert len(errors) == 3, errors
    duplicate, simple, ukrainian = errors
    assert duplicate.endswith(f"{offer}, Zeile 44: Schlüssel 'de' doppelt (zuerst in Zeile 43)"), errors
    assert simple.endswith(
        "Zeile 45: unbekannter Sprachcode 'de_simple' – erlaubt: de, de-simple, tr, ar, ru, "
        "uk, pl, fa, en – meinten Sie 'de-simple'?"
    ), errors
    assert ukrainian.endswith(
        "Zeile 49: unbekannter Sprachcode 'ua' – erlaubt: de, de-simple, tr, ar, ru, uk, "
        "pl, fa, en – meinten Sie 'uk'?"
    ), errors


def test_weekdays_written_the_german_way_get_the_code_suggested(shipped: Path) -> None:
    offer = shipped / "offers" / "frauencafe.yaml"
    edit(offer, "{day: wed,", "{day: mo,")
    (error,) = errors_of(shipped)
    assert error.endswith(
        f"{offer}, Zeile 21: ungültiger Wert 'mo' – erlaubt: mon, tue, wed, thu, fri, sat, sun – meinten Sie "
        "'mon'?"
    ), error
    edit(offer, "{day: mo,", "{day: Di,")
    (error,) = errors_of(shipped)
    assert error.endswith(
        "ungültiger Wert 'Di' – erlaubt: mon, tue, wed, thu, fri, sat, sun – meinten Sie 'tue'?"
    )


def test_a_missing_translation_is_reported_at_the_field_where_its_line_goes(shipped: Path) -> None:
    """ "Übersetzung fehlt – tr: title" pointed at the entry's first line (offers/frauencafe.yaml:6), not at
    the `title:` block where the line has to be added."""
    offer = shipped / "offers" / "frauencafe.yaml"
    edit(offer, "      tr: Kadın kafesi – herkese açık buluşma\n", "")
    (missing,) = [str(p) for p in validate_content(shipped).problems if p.code == "missing_translation"]
    assert missing == f"offers.frauencafe.title in {offer}, Zeile 42: Übersetzung fehlt – tr: title"
    # Several fields: at the first, each named with its line.
    edit(offer, "        tr: Kayıt gerekmez, gelmeniz yeterli. Çocuklar da gelebilir.\n", "")
    (missing,) = [str(p) for p in validate_content(shipped).problems if p.code == "missing_translation"]
    assert missing == (
        f"offers.frauencafe.schedule.note in {offer}, Zeile 22: Übersetzung fehlt – tr: schedule.note "
        "(Zeile 22), title (Zeile 41)"
    )


def test_errors_beside_a_duplicate_block_name_the_first_blocks_lines(shipped: Path) -> None:
    """The file is read on with the first of two `title:` blocks: an error in it is at its own line, not at
    the line of the same key in the second block."""
    offer = shipped / "offers" / "frauencafe.yaml"
    edit(offer, "      uk: Жіноче кафе", "      ua: Жіноче кафе")
    edit(offer, "    summary:\n", "    title:\n      de: Frauencafé\n      ua: Кафе\n    summary:\n")
    errors = errors_of(shipped)
    assert any(e.endswith("Zeile 52: Schlüssel 'title' doppelt (zuerst in Zeile 42)") for e in errors), errors
    assert any("Zeile 48: unbekannter Sprachcode 'ua'" in e for e in errors), errors


def test_a_one_letter_typo_of_a_short_id_is_suggested(shipped: Path) -> None:
    """Review rv5 #6: 'mow' for the partner 'now' is 0.67 close, below `SAME_ENTRY`: no suggestion came."""
    edit(shipped / "topics.yaml", "default_partner: bildungstraeger", "default_partner: mow")
    (error,) = errors_of(shipped)
    assert error.endswith("unbekannter Partner 'mow' – meinten Sie 'now'?"), error
