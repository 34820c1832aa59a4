"""Language negotiation, fallbacks, CLDR formatting and bidi isolation."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import get_args

import pytest
import snowballstemmer
from babel import Locale
from babel.messages.pofile import read_po

from bot.i18n import FSI, PDI, I18n
from bot.languages import LANGUAGES, REGISTRY, Lang, counts_as, same_language

ROOT = Path(__file__).resolve().parent.parent


@cache
def shipped() -> I18n:
    """The shipped catalogs, loaded once for this module's tests (loading them took a tenth of a second a
    test; the tests only read them)."""
    return I18n(ROOT / "locales")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("uk", "uk"),
        ("fa-IR", "fa"),
        ("pt-BR", "de"),
        ("tr", "tr"),
        ("en-GB", "en"),
        ("ar-SY", "ar"),
        (None, "de"),
        ("", "de"),
        ("xx-??", "de"),
        ("ru-UA", "ru"),
        ("pl", "pl"),
    ],
)
def test_telegram_language_code_is_negotiated(code: str | None, expected: str) -> None:
    assert shipped().negotiate(code) == expected


def test_dates_and_weekdays_are_formatted_in_the_residents_locale() -> None:
    i18n = shipped()
    de, tr, ar = i18n.translator("de"), i18n.translator("tr"), i18n.translator("ar")
    assert de.format_date(date(2027, 3, 2)) == "Dienstag, 2. März 2027"
    assert tr.weekday(1) == "Salı"
    assert "Mart" in tr.format_date(date(2027, 3, 2))
    assert de.format_time(time(9, 0)) == "09:00"
    arabic = ar.format_datetime(datetime(2027, 3, 2, 9, 0))
    assert arabic.startswith(FSI) and arabic.endswith(PDI)


def _write_po(folder: Path, entries: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    body = "".join(f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n' for msgid, msgstr in entries.items())
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "bot.po").write_text(header + body, encoding="utf-8")


def test_plain_german_falls_back_to_german_sentences(tmp_path: Path) -> None:
    """A sentence without a plain version is shown in German, not as its msgid."""
    _write_po(tmp_path / "de" / "LC_MESSAGES", {"Language": "Sprache", "Back": "Zurück"})
    _write_po(tmp_path / "de_simple" / "LC_MESSAGES", {"Back": "Zurück zum Anfang"})
    plain = I18n(tmp_path, languages=("de", "de-simple")).translator("de-simple")
    assert plain.gettext("Language") == "Sprache"
    assert plain.gettext("Back") == "Zurück zum Anfang"
    assert plain.format_date(date(2027, 3, 2)) == "Dienstag, 2. März 2027"


def test_the_language_registry_lists_every_code_of_the_content_type_once() -> None:
    assert tuple(entry.code for entry in REGISTRY) == LANGUAGES == get_args(Lang)
    for entry in REGISTRY:
        assert counts_as(entry.counts_as) == entry.counts_as, entry  # no chains
        assert entry.snowball is None or entry.snowball in snowballstemmer.algorithms(), entry
        assert Locale.parse(entry.counts_as), entry
        assert (ROOT / "locales" / entry.catalog_dir / "LC_MESSAGES" / "bot.po").exists(), entry
    assert same_language("de-simple", "de") and not same_language("de-simple", "tr")
    assert [entry.code for entry in REGISTRY if entry.rtl] == ["ar", "fa"]


def test_unknown_language_gets_german() -> None:
    i18n = shipped()
    assert i18n.translator("xx").lang == "de"


def test_the_default_language_setting_decides_for_unsupported_telegram_languages() -> None:
    i18n = I18n(ROOT / "locales", default="en")
    assert i18n.negotiate("pt-BR") == "en"
    assert i18n.negotiate("tr") == "tr"
    assert i18n.translator("xx").lang == "en"


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_dates_in_arabic_and_farsi_are_not_joined_with_a_latin_comma(lang: str) -> None:
    t = shipped().translator(lang)
    # CLDR's own pattern joins them: Arabic and Farsi with "،", never "الأربعاء، 17 فبراير, 5:00 م".
    for shown in (t.format_datetime(datetime(2027, 2, 17, 17)), t.format_when(datetime(2027, 2, 17, 17))):
        assert "," not in shown, shown


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_commands_inside_arabic_and_farsi_sentences_keep_their_slash_in_front(lang: str) -> None:
    # Unisolated, "افتح /requests واضغط" shows as "requests/" in a right-to-left line.
    t = shipped().translator(lang)
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "bot.po").open("rb") as handle:
        msgids = [m.id for m in read_po(handle) if isinstance(m.id, str) and re.search(r"/[a-z]+", m.id)]
    unisolated = re.compile(r"(?<![\u2066\u2068\u200e])/[a-z]+")  # a /command not after LRI, FSI or LRM
    bare = [shown for shown in map(t.gettext, msgids) if unisolated.search(shown)]
    assert not bare, bare


@pytest.mark.parametrize("left", ["back", "handed_over"])
def test_a_card_copy_names_where_its_request_went_in_the_groups_language(left: str) -> None:
    """The line on a copy that no longer offers buttons names the partner, isolated in right-to-left text
    (a Latin name keeps its order), and escaped."""
    from bot.render.partners import left_card

    card = "📨 <b>Anfrage 123456</b>"
    ar = left_card(shipped().translator("ar"), card, left, "Bildung & Beruf", taken=False, staff=None)
    assert ar.startswith(f"{card}\n\n") and f"{FSI}Bildung &amp; Beruf{PDI}" in ar
    de = left_card(shipped().translator("de"), card, left, "Bildung & Beruf", taken=True, staff="Petra")
    line = {"back": "↩️ <i>Wieder bei", "handed_over": "➡️ <i>An"}[left]
    assert de.startswith(f"{card}\n\n✅ <b>Übernommen von Petra</b>\n\n{line} Bildung &amp; Beruf")


def test_a_card_says_without_a_gender_that_no_number_was_left_and_plain_german_thanks_say_who_sent() -> None:
    """Review: Russian and Ukrainian read "he left no number" (a masculine verb on a card field about anyone),
    plain German "Your thanks is sent", with nobody sending it."""
    no_number = "Left no phone number: only a call can answer them."
    assert shipped().translator("ru").gettext(no_number).startswith("Номер телефона не указан: ")
    assert shipped().translator("uk").gettext(no_number).startswith("Номер телефону не вказано: ")
    thanks = shipped().translator("de-simple").gettext("I have passed your thanks on to {partner}.")
    assert thanks == "Ich habe Ihr Danke an {partner} geschickt."
