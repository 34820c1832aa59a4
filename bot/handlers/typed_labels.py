"""A button's label typed instead of tapped, in the spellings a phone keyboard leaves her: the search's
folding (`bot.search.normalize`: case, diacritics, letters that do not decompose such as "ł" and "ı",
Arabic and Persian letter variants), German umlauts written out ("zurueck", "menue"), and Cyrillic
labels read in Latin letters and Latin typing read in Cyrillic ("nazad", "menyu"), as the search reads
Russian typed in Latin letters. A general rule on the real labels of the catalogs, not a list of words:
`bot.render.keyboards` compares, this module (which may use the search) supplies the spellings."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Literal

import cyrtranslit

from bot.i18n import I18n, Translator, bare
from bot.languages import LANGUAGES
from bot.render import keyboards
from bot.render.keyboards import Keyboard
from bot.search.normalize import CYRILLIC, fold, latin_reading, raw_tokens, script_of

# The German way of writing umlauts without them (DIN 5007-2), as on a keyboard without "ü".
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# The Latin spelling of Cyrillic that residents type on a German phone (cyrtranslit's schemes).
_LATIN_SCHEMES = ("ru", "ua")


@lru_cache(maxsize=4096)
def spellings(text: str) -> frozenset[str]:
    """The `bare` forms `text` may stand for: as written, folded, with umlauts written out, in Latin
    letters (a Cyrillic text) and in Cyrillic (a Latin one, where a language's scheme reads it)."""
    lowered = text.casefold()
    forms = {lowered, fold(lowered), fold(lowered.translate(_UMLAUTS))}
    if any(script_of(word) == CYRILLIC for word in raw_tokens(lowered)):
        forms |= {fold(cyrtranslit.to_latin(lowered, scheme)) for scheme in _LATIN_SCHEMES}
    forms |= {fold(reading) for code in LANGUAGES if (reading := latin_reading(lowered, code))}
    return frozenset(form for form in map(bare, forms) if form)


def named_button(i18n: I18n, lang: str, text: str) -> Literal["menu", "back"] | None:
    """`keyboards.named_button` in every spelling of `spellings`."""
    return keyboards.named_button(i18n, lang, text, spellings)


def typed_button(i18n: I18n, lang: str, text: str, keyboard: Callable[[Translator], Keyboard]) -> str | None:
    """`keyboards.typed_button` in every spelling of `spellings`."""
    return keyboards.typed_button(i18n, lang, text, keyboard, spellings)
