"""A new entry made from a copy of an old one (as content/README §4 suggests) must not carry the old entry's
translations live: residents in Turkish, Arabic, … would read the old offer's title under the new one's name.
`check` refuses such a translation as an error (so /reload refuses it too), naming the field, the languages,
the entry it came from and what to do. An entry only renamed keeps its confirmed translations."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from bot.content.catalogue import load_catalogue, validate_content
from bot.content.check import run_check
from tests.content.loading import errors_of


def copy_offer(content: Path, new_id: str, title: str) -> Path:
    """What staff do: copy offers/sprachcafe.yaml, give the copy a new id and a German title."""
    text = (content / "offers" / "sprachcafe.yaml").read_text(encoding="utf-8")
    text = text.replace("  sprachcafe:", f"  {new_id}:", 1)
    text = text.replace("de: Sprachcafé – Deutsch sprechen und sich begegnen", f"de: {title}", 1)
    target = content / "offers" / f"{new_id}.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def line_of(path: Path, text: str, after: str) -> int:
    """The number of the first line containing `text` below the line containing `after`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i > start and text in line) + 1


def test_a_copied_offer_with_a_new_german_title_is_refused_naming_languages_origin_and_fix(
    shipped: Path,
) -> None:
    copy = copy_offer(shipped, "naehtreff", "Nähtreff im Mütterzentrum")

    out = io.StringIO()
    assert run_check(shipped, out=out, email_replies_relayed=False) == 1
    errors = errors_of(shipped)  # what /reload and a start refuse
    assert len(errors) == 1, errors
    line = line_of(copy, "de-simple:", "title:")
    assert errors[0].startswith("offers.naehtreff.title in ")
    assert (
        f"offers/naehtreff.yaml, Zeile {line}: Die Übersetzungen Einfaches Deutsch (de-simple)," in errors[0]
    )
    assert "Türkisch (tr)" in errors[0] and "Arabisch (ar)" in errors[0]
    assert "von 'title' sind wörtlich dieselben wie bei offers.sprachcafe" in errors[0]
    assert "an den deutschen Text anpassen oder die Zeilen 'de-simple:', 'tr:'" in errors[0]
    assert errors[0].endswith("löschen (dann wird der deutsche Text gezeigt)")
    # The summary's German text was not changed: its (same) translations are right and pass.
    assert "summary" not in out.getvalue().split("Warnungen")[0]


def test_the_copy_loads_once_its_copied_translations_are_adapted_or_deleted(shipped: Path) -> None:
    copy = copy_offer(shipped, "naehtreff", "Nähtreff im Mütterzentrum")
    text = copy.read_text(encoding="utf-8")
    head, _, tail = text.partition("    title:\n")
    rest = tail.split("\n    summary:", 1)[1]
    title = "    title:\n      de: Nähtreff im Mütterzentrum\n      tr: Anneler merkezinde dikiş buluşması\n"
    copy.write_text(head + title + "    summary:" + rest, encoding="utf-8")
    catalogue, _warnings = load_catalogue(shipped)
    assert catalogue.offers["naehtreff"].title == {
        "de": "Nähtreff im Mütterzentrum",
        "tr": "Anneler merkezinde dikiş buluşması",
    }


def test_one_copied_language_is_named_alone(shipped: Path) -> None:
    copy = copy_offer(shipped, "naehtreff", "Nähtreff im Mütterzentrum")
    text = copy.read_text(encoding="utf-8")
    kept = "      tr: Dil kafesi – Almanca konuşmak ve tanışmak\n"
    head, _, tail = text.partition("    title:\n      de: Nähtreff im Mütterzentrum\n")
    rest = tail.split("\n    summary:", 1)[1]
    title = "    title:\n      de: Nähtreff im Mütterzentrum\n" + kept
    copy.write_text(head + title + "    summary:" + rest, encoding="utf-8")
    (error,) = errors_of(shipped)
    assert "Die Übersetzung Türkisch (tr) von 'title' ist wörtlich dieselbe wie bei offers.sprachcafe" in (
        error
    )
    assert "wer „Türkisch“ gewählt hat" in error and "die Zeile 'tr:' löschen" in error


def test_without_a_confirmation_both_entries_are_named_each_with_the_other(
    make_content: Callable[..., Path],
) -> None:
    content = make_content(
        offers__neu="""
        offers:
          naehkurs:
            kind: course
            topics: [sprache]
            title:
              de: Nähkurs für Frauen
              tr: Kadınlar için Almanca kursu
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagement
            signup: [request]
        """
    )
    errors = errors_of(content)
    assert any(e.startswith("offers.deutschkurs-frauen.title in ") and "offers.naehkurs" in e for e in errors)
    assert any(e.startswith("offers.naehkurs.title in ") and "offers.deutschkurs-frauen" in e for e in errors)


def test_short_fields_and_the_same_german_text_may_share_a_translation(
    make_content: Callable[..., Path],
) -> None:
    content = make_content(
        offers__neu="""
        offers:
          deutschkurs-abends:
            kind: course
            topics: [sprache]
            title:
              de: Deutschkurs für Frauen
              tr: Kadınlar için Almanca kursu
            summary: {de: Am Abend}
            cost: {de: gratis, tr: ücretsiz}
            partner: quartiersmanagement
            signup: [request]
          deutschkurs-morgens:
            kind: course
            topics: [sprache]
            title: {de: Deutschkurs am Morgen}
            summary: {de: Am Morgen}
            cost: {de: kostenlos, tr: ücretsiz}
            partner: quartiersmanagement
            signup: [request]
        """
    )
    problems = validate_content(content).problems
    assert not [p for p in problems if p.severity == "error"], problems


def test_renaming_an_id_keeps_its_translations_confirmed_and_says_only_the_id_changed(shipped: Path) -> None:
    offer = shipped / "offers" / "sprachcafe.yaml"
    offer.write_text(offer.read_text(encoding="utf-8").replace("  sprachcafe:", "  sprach-cafe:", 1), "utf-8")
    faq = shipped / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("sprachcafe, ", "sprach-cafe, "), "utf-8")
    problems = [p for p in validate_content(shipped).problems if p.path.startswith("offers.sprach-cafe")]
    assert [p.message for p in problems if p.code != "example"] == [
        "ID geändert (vorher 'sprachcafe') – die Übersetzungen passen weiter zum deutschen Text; "
        "`run_bot.py check --accept` ausführen, damit translations.lock die neue ID kennt"
    ]

    # A German text changed with the rename: its translations are not confirmed for it, as for any change.
    text = offer.read_text(encoding="utf-8")
    offer.write_text(text.replace("de: Sprachcafé –", "de: Sprachcafé am Markt –"), encoding="utf-8")
    messages = [p.message for p in validate_content(shipped).problems if p.path == "offers.sprach-cafe"]
    unconfirmed = "Übersetzung noch nicht bestätigt – de-simple: title; tr: title;"
    assert any(message.startswith(unconfirmed) for message in messages), messages


def test_a_hand_edited_lock_line_without_a_field_does_not_break_the_check(shipped: Path) -> None:
    """translations.lock is written by `check --accept`, but a merge or a hand edit can leave a short key;
    looking for renamed ids crashed `check` (and /reload, and the start) on it."""
    lock = shipped / "translations.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "sprachcafe: 0123abcd\n", encoding="utf-8")
    out = io.StringIO()
    assert run_check(shipped, out=out, email_replies_relayed=False) == 0, out.getvalue()
