"""The languages of the bot, defined once: content fields, gettext catalogs, dates, search, emergency
detection, settings and the language picker all take them from here.

"de-simple" is plain German (Einfache Sprache): its own language for residents, content and catalogs, that
*counts as* German everywhere a language is a matter of grammar rather than wording: dates and plurals are
German, the search analyses it as German, a sentence without a plain version is shown in German.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["de", "de-simple", "tr", "ar", "ru", "uk", "pl", "fa", "en"]
"""A language code (the type of content fields' keys; the JSON Schema lists exactly these). The registry
below holds one entry per code, in this order (tests/test_i18n.py checks it)."""

Script = Literal["latin", "cyrillic", "arabic"]

#: What marks a question (Latin, Arabic/Persian, Spanish-style): the dialogue and small talk both ask.
QUESTION_MARKS = ("?", "\u061f", "\u00bf")


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it later with `translator.gettext`."""
    return message


@dataclass(frozen=True)
class Language:
    """One language of the bot and everything the code needs to know about it."""

    code: Lang
    name: str
    """Its own name, for the picker: a resident must recognise their language without reading German."""
    script: Script
    counts_as: Lang
    """The language whose grammar it shares: itself, or German for plain German. Also its CLDR locale (dates,
    times and plurals)."""
    snowball: str | None
    """snowballstemmer's algorithm for the search's stems; None where the search has its own stemmer
    (Ukrainian) or the language counts as another (plain German is stemmed as German)."""
    rtl: bool = False
    """Written right to left (Arabic script): numbers and Latin names are bidi-isolated."""
    telegram_code: bool = True
    """A language code Telegram clients report and `setMyCommands` accepts (plain German is none)."""
    latin_scheme: str | None = None
    """cyrtranslit's scheme that reads this language typed in Latin letters back into its own letters
    ("gde mozhno" → "где можно"), for the search; None where there is none that reads residents' usual
    spelling."""
    other_name: str | None = None
    """How the other languages name it, a msgid, where CLDR has no name for it (plain German); else the
    partner card names it with Babel."""

    @property
    def comma(self) -> str:
        """What separates the parts of one line ("place, address"): the Arabic comma "،" in Arabic script
        (Arabic and Farsi), else ","; with the space after it."""
        return "، " if self.script == "arabic" else ", "

    @property
    def catalog_dir(self) -> str:
        """The folder under locales/ (gettext folders cannot contain '-')."""
        return self.code.replace("-", "_")


REGISTRY: tuple[Language, ...] = (
    Language("de", "Deutsch", "latin", "de", "german"),
    Language(
        "de-simple",
        "Einfaches Deutsch",
        "latin",
        "de",
        None,
        telegram_code=False,
        other_name=N_("plain German"),
    ),
    Language("tr", "Türkçe", "latin", "tr", "turkish"),
    Language("ar", "العربية", "arabic", "ar", "arabic", rtl=True),
    Language("ru", "Русский", "cyrillic", "ru", "russian", latin_scheme="ru"),
    Language("uk", "Українська", "cyrillic", "uk", None),
    Language("pl", "Polski", "latin", "pl", "polish"),
    Language("fa", "فارسی", "arabic", "fa", "persian", rtl=True),
    Language("en", "English", "latin", "en", "english"),
)
"""Every language, in the order the language picker shows them."""

LANGUAGES: tuple[Lang, ...] = tuple(language.code for language in REGISTRY)
"""Every language code, in the picker's order."""

_BY_CODE: dict[str, Language] = {language.code: language for language in REGISTRY}

CONTENT_SOURCE: Lang = "de"
"""The language every content text is written in first (required); the others are its translations,
tracked in content/translations.lock."""

TRANSLATED: tuple[Lang, ...] = tuple(code for code in LANGUAGES if code != CONTENT_SOURCE)
"""The languages the content is translated into (a missing one is reported by `run_bot.py check`)."""

CONTENT_FALLBACK: tuple[Lang, ...] = ("de-simple", CONTENT_SOURCE)
"""Where a content text missing in a resident's language is looked up: plain German first (easier to read
for someone learning German), then German, which every text has."""


def language(code: str) -> Language:
    """The registry entry of `code`; KeyError for a code the bot does not speak."""
    return _BY_CODE[code]


def counts_as(code: str) -> str:
    """The language `code` counts as ("de-simple" → "de"); an unknown code counts as itself."""
    entry = _BY_CODE.get(code)
    return entry.counts_as if entry else code


def same_language(a: str, b: str) -> bool:
    """Whether `a` and `b` are one language for grammar and search (German and plain German are)."""
    return counts_as(a) == counts_as(b)
