"""Translations of the user interface: gettext catalogs, language negotiation, dates, bidi isolation.

Catalogs live in `locales/<dir>/LC_MESSAGES/bot.po`. They are compiled in memory when the application
starts, so a fresh clone needs no separate compile step; a broken `.po` fails loudly at start-up.
Message ids are English sentences with named placeholders; German is the fallback language.
"""

from __future__ import annotations

import gettext as _gettext
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_skeleton as _format_skeleton
from babel.dates import format_time as _format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup, escape

from bot.languages import LANGUAGES, N_, REGISTRY, counts_as, language

DEFAULT_LANGUAGE = "de"
TIMEZONE = ZoneInfo("Europe/Berlin")

# Each language's own name (from bot/languages.py), for the picker and the fallback note.
LANGUAGE_NAMES: dict[str, str] = {entry.code: entry.name for entry in REGISTRY}

# Unicode bidi isolates: FSI ... PDI keeps a phone number or a Latin name in one piece inside RTL text.
FSI = "\u2068"
PDI = "\u2069"
# LRI ... PDI: digits have no strong direction of their own, so a number is isolated left-to-right.
LRI = "\u2066"
# A run of digits with single separators between them ("0800 111 0 222", "14:00–20:00", "+49 5341 1234"),
# or a bot command ("/delete"), whose leading slash would otherwise jump to the other end.
_LTR_RUN = re.compile(r"\+?\d+(?:[ \u00a0./:\u2013-]\d+)*|(?<!\w)/[a-z_]+\b")


def isolate_digits(text: str) -> str:
    """Wrap every run of digits (and every /command) in right-to-left prose in LRI…PDI, so that
    "0800 111 0 222" keeps its order in Arabic and Farsi text instead of being shown as "222 0 111 0800".

    For text from the content, at render time: staff never type invisible bidi characters into YAML
    (the content check refuses them).
    """
    return _LTR_RUN.sub(lambda match: f"{LRI}{match[0]}{PDI}", text)


# A bot command in a sentence ("open /requests"), not a path or a link's part (no letter, '/' or ':'
# before it), unless already isolated.
_COMMAND = re.compile(r"(?<![\w/:\u2066\u2068])/[a-z_]+\b")


def isolate_commands(text: str) -> str:
    """Wrap every /command in LRI…PDI: in right-to-left prose its slash would otherwise be shown at its
    other end ("requests/")."""
    return _COMMAND.sub(lambda match: f"{LRI}{match[0]}{PDI}", text)


LANGUAGE_WORD = N_("Language")
"""The 🌐 button's label."""
CHANGE_LANGUAGE = N_("change the language")
"""/language's description in Telegram's command list."""


def bare(text: str) -> str:
    """`text` without case, diacritics, emoji, punctuation and extra spaces, for comparing a short message
    with the bot's own words: "MENU!", "menü" and "🏠 Menü" are all "menu" (a phone keyboard may lack the
    language's letters)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


def babel_locale(lang: str) -> Locale:
    """The CLDR locale used for dates and plurals; plain German formats like German."""
    return Locale.parse(counts_as(lang))


def _in_berlin(value: datetime) -> datetime:
    """A tz-aware datetime as the bot shows it, in Berlin time (a naive one stays as it is)."""
    return value.astimezone(TIMEZONE) if value.tzinfo is not None else value


class CatalogError(Exception):
    """A catalog is missing or cannot be read."""


@dataclass(frozen=True)
class Translator:
    """Everything needed to speak to one resident in their language."""

    lang: str
    translations: _gettext.NullTranslations
    locale: Locale = field(repr=False)

    @property
    def rtl(self) -> bool:
        return language(self.lang).rtl

    @property
    def comma(self) -> str:
        return language(self.lang).comma

    @property
    def lang_name(self) -> str:
        return LANGUAGE_NAMES.get(self.lang, self.lang)

    def language_name(self, code: str) -> str:
        """The language `code` named in this resident's language ("Almanca" for a Turkish reader; CLDR's
        names, plain German as its catalogs call it), e.g. for the languages spoken at a place."""
        if code in LANGUAGE_NAMES and (other_name := language(code).other_name):
            return self.gettext(other_name)
        try:
            name = Locale.parse(code, sep="-").get_display_name(self.locale)
        except (ValueError, UnknownLocaleError):
            name = None
        return name or LANGUAGE_NAMES.get(code, code)

    def gettext(self, message: str) -> str:
        """`message` in this resident's language (its /commands isolated in right-to-left text when the
        catalog was loaded)."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def directed(self, text: str) -> str:
        """`text` with its /commands isolated in right-to-left languages (for text not from the catalog)."""
        return isolate_commands(text) if self.rtl else text

    def html(self, message: str, /, **values: object) -> str:
        """`message` translated for Telegram HTML: the sentence escaped once, every value escaped on
        insertion (a `markupsafe.Markup` value is inserted as it is)."""
        return str(Markup(escape(self.gettext(message))).format(**values))

    def nhtml(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """`html` for a sentence with a plural form; `{count}` is `n`."""
        return str(Markup(escape(self.ngettext(singular, plural, n))).format(count=n, **values))

    def isolate(self, text: str) -> str:
        """Wrap numbers, addresses and Latin names so they keep their order in right-to-left text."""
        return f"{FSI}{text}{PDI}" if self.rtl and text else text

    def format_date(self, value: date, fmt: str = "full") -> str:
        return self.isolate(_format_date(value, format=fmt, locale=self.locale))

    def format_time(self, value: time | datetime) -> str:
        return self.isolate(self._clock(value))

    def format_datetime(self, value: datetime, fmt: str = "medium") -> str:
        day = _format_date(_in_berlin(value).date(), format=fmt, locale=self.locale)
        return self.isolate(self._date_and_time(day, value, fmt))

    def format_when(self, value: datetime) -> str:
        """Weekday, day and month with the time, short enough for a button ("Sa., 12. Dez., 15:00")."""
        day = _format_skeleton("MMMEd", _in_berlin(value), locale=self.locale)
        return self.isolate(self._date_and_time(day, value, "short"))

    def _date_and_time(self, day: str, value: datetime, fmt: str) -> str:
        """`day` and the time of `value` joined as the locale joins them (CLDR's date-time pattern `fmt`):
        Arabic and Farsi with their own comma "،", Turkish with none, Farsi's long forms with "ساعت"."""
        return str(self.locale.datetime_formats[fmt]).format(self._clock(value), day)

    def _clock(self, value: time | datetime) -> str:
        if isinstance(value, datetime):
            value = _in_berlin(value)
        return _format_time(value, format="short", locale=self.locale)

    def weekday(self, index: int) -> str:
        """The name of weekday `index` (0 = Monday) in the resident's language."""
        return str(self.locale.days["format"]["wide"][index])


def _load_catalog(path: Path, rtl: bool) -> _gettext.GNUTranslations:
    """The catalog at `path`, compiled; in a right-to-left language (`rtl`) every /command of its
    sentences is isolated once, here, so a translator never types invisible characters."""
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except OSError as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from None
    except Exception as exc:  # babel raises several kinds on malformed files
        raise CatalogError(f"broken catalog {path}: {exc}") from None
    for message in catalog if rtl else ():
        if isinstance(message.string, str):
            message.string = isolate_commands(message.string)
        elif message.string:  # the forms of a plural
            message.string = tuple(isolate_commands(form) for form in message.string)
    buffer = io.BytesIO()
    # Fuzzy entries are drafts: like msgfmt, we do not ship them.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


class I18n:
    """All catalogs, loaded once at start-up."""

    def __init__(
        self, locales_dir: Path, languages: Iterable[str] = LANGUAGES, default: str = DEFAULT_LANGUAGE
    ) -> None:
        self.languages = tuple(languages)
        # For residents whose Telegram language the bot does not speak (DEFAULT_LANGUAGE setting).
        self.default = default
        self._translators: dict[str, Translator] = {}
        for lang in self.languages:
            path = locales_dir / language(lang).catalog_dir / "LC_MESSAGES" / "bot.po"
            if not path.exists():
                raise CatalogError(f"missing catalog for '{lang}': {path}")
            translations = _load_catalog(path, language(lang).rtl)
            self._translators[lang] = Translator(lang, translations, babel_locale(lang))
        # Plain German falls back to German where a sentence has no plain version yet.
        for lang, translator in self._translators.items():
            base = self._translators.get(counts_as(lang))
            if base is not None and base is not translator:
                translator.translations.add_fallback(base.translations)
        # What a resident who cannot read the bot's language types to change it: a language's own name, or
        # "language" / "change the language" in any of the bot's languages (as the menu's button and
        # Telegram's command list say it).
        self._asking_for_language = {
            bare(phrase)
            for lang in self.languages
            for phrase in (
                LANGUAGE_NAMES[lang],
                self._translators[lang].gettext(LANGUAGE_WORD),
                self._translators[lang].gettext(CHANGE_LANGUAGE),
            )
        }

    def asks_for_language(self, text: str) -> bool:
        """Whether a message is only a language's name or the word for language ("العربية", "Türkçe",
        "Sprache", "dil", "Sprache ändern"): the resident wants the language picker."""
        return bare(text) in self._asking_for_language

    def translator(self, lang: str | None) -> Translator:
        return self._translators.get(lang or self.default) or self._translators[self.default]

    def negotiate(self, language_code: str | None) -> str:
        """Map Telegram's `language_code` (e.g. 'fa-IR', 'pt-BR') to a language of the bot, else `default`."""
        if not language_code:
            return self.default
        try:
            wanted = Locale.parse(language_code.replace("_", "-"), sep="-")
        except (ValueError, UnknownLocaleError):
            return self.default
        # Only languages Telegram has a code for: no client reports plain German.
        reported = [code for code in self.languages if language(code).telegram_code]
        match = Locale.negotiate([str(wanted)], reported, sep="_")
        return str(match) if match else self.default
