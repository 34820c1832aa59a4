"""Text normalisation for search: folding, tokenising, stop words and stemming for the nine languages.

Residents type on phone keyboards without the letters of their language ("bakimi" for "bakımı",
"Fuhrerschein"), mix languages in one sentence ("Deutschkurs var mı") and write Arabic with or without
hamza and tashkeel. Everything that is compared is therefore *folded* first: NFKC, casefold, combining
marks removed (which also removes Arabic tashkeel and hamza carriers), a few letters that do not decompose
mapped by hand (ı ł ß ...), Arabic and Persian letter variants unified into one form.

Stemming uses snowball on the lower-cased (not yet folded) word, because the Turkish and German stemmers
look at ü/ı/ä, and the stem is folded afterwards. Ukrainian has no snowball stemmer; it gets a small
suffix stripper. All stems are cached: snowball is pure Python and costs 10-80 µs per word.

A content text is read in its own language; a resident's message in their :func:`scope` only (their
language, German, English), and a stem is written with its language (``"de:bewerb"``), so a Turkish word
never meets a Polish stem. Stop words come from a kept list (stopwords-iso) for every language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from bot.languages import LANGUAGES, REGISTRY, counts_as, language

LANGS: tuple[str, ...] = LANGUAGES
#: Languages that have their own analyser; "de-simple" is analysed as German.
ANALYSER_LANGS: tuple[str, ...] = tuple(entry.code for entry in REGISTRY if entry.counts_as == entry.code)

_SNOWBALL: dict[str, str] = {entry.code: entry.snowball for entry in REGISTRY if entry.snowball}

#: Letters that NFD does not decompose, plus Arabic-script variants unified for every language.
_CHAR_FOLD = {
    "ı": "i",
    "ł": "l",
    "ß": "ss",
    "đ": "d",
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ё": "е",
    "ї": "і",
    # Arabic script: one form for yeh, kaf, alef, teh marbuta, heh (Arabic and Persian residents
    # share one term space, and many Persian keyboards produce Arabic code points and vice versa).
    "ى": "ي",
    "ی": "ي",
    "ئ": "ي",
    "ک": "ك",
    "ة": "ه",
    "ۀ": "ه",
    "ؤ": "و",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ـ": "",  # tatweel
    "\u200c": "",  # ZWNJ: "می‌خواهم" and "میخواهم" are the same word
    "\u200d": "",
    "\u200f": "",
    "\u200e": "",
    "’": "'",
    "ʼ": "'",
    "`": "'",
}
_KEEP_MARKS = {"й", "Й"}  # й is a letter of its own in Russian/Ukrainian, not и + breve

#: Per-language letter normalisation applied *before* stemming so that the stemmer sees its own alphabet.
_PRE_STEM = {
    "ar": str.maketrans({"ی": "ي", "ک": "ك", "ى": "ي", "ـ": None}),
    "fa": str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ـ": None, "\u200c": None}),
}
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _CHAR_FOLD:
        return _CHAR_FOLD[ch]
    if ch.isascii() or ch in _KEEP_MARKS:
        return ch
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(_CHAR_FOLD.get(c, c) for c in base)


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each code point the first time it is seen (C-speed after)."""

    def __missing__(self, code_point: int) -> str:
        folded = _fold_char(chr(code_point))
        self[code_point] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form of ``text`` (the same for every language)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    return text.translate(_FOLD_TABLE)


_TOKEN_RE = re.compile(r"\w+(?:'\w+)*")


def lower(text: str) -> str:
    """NFKC + casefold + Arabic marks removed: the form handed to the stemmers."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("ʼ", "'")
    return _ARABIC_MARKS.sub("", text)


#: Persian verbs take their prefix mi-/nemi- (present, past continuous) with a zero-width non-joiner
#: ("می‌زند"), which phone keyboards often lack: residents type a space ("می زند") or nothing ("میزند").
#: All three are one word. Written with the Arabic yeh only where the text has a letter Arabic has not
#: (Arabic "مي", water, a name, stands alone).
_FA_VERB_PREFIX = re.compile(r"(?<!\w)(ن?م[یي])[\u200c ]+(?=[\u0600-\u06ff])")
_FA_LETTERS = re.compile(r"[یکگپچژ]")


def _join_fa_prefix(text: str) -> str:
    """``text`` with a Persian verb prefix joined to its verb (``_FA_VERB_PREFIX``)."""
    if "می" in text or ("مي" in text and _FA_LETTERS.search(text)):
        return _FA_VERB_PREFIX.sub(r"\1", text)
    return text


def raw_tokens(text: str) -> list[str]:
    """Lower-cased words of any script. An apostrophe suffix is dropped ("Jobcenter'dan" → "jobcenter"); a
    Persian verb prefix is joined to its verb ("می زند" → "میزند": ``_FA_VERB_PREFIX``)."""
    lowered = _join_fa_prefix(lower(text)).replace("\u200c", "")
    words = _TOKEN_RE.findall(lowered)
    if "'" not in lowered and "_" not in lowered:
        return words  # the usual case, without a Python loop over the words
    out: list[str] = []
    for word in words:
        if "'" in word:
            # Ukrainian writes the apostrophe inside words (вб'ю, п'ять); elsewhere it starts a suffix.
            word = word.replace("'", "") if script_of(word) == CYRILLIC else word.split("'", 1)[0]
        word = word.strip("_")
        if word:
            out.append(word)
    return out


def tokenize(text: str) -> list[str]:
    """Folded words of ``text``."""
    return [t for t in (fold(w) for w in raw_tokens(text)) if t]


# --- scripts ---------------------------------------------------------------------------------------------

LATIN, CYRILLIC, ARABIC, DIGIT, OTHER = "latin", "cyrillic", "arabic", "digit", "other"


@lru_cache(maxsize=8192)
def script_of(word: str) -> str:
    """The script of the first letter of ``word``."""
    for ch in word:
        if ch.isdigit():
            continue
        cp = ord(ch)
        if cp < 0x250 or 0x1E00 <= cp <= 0x1EFF:
            return LATIN
        if 0x400 <= cp <= 0x52F:
            return CYRILLIC
        if 0x600 <= cp <= 0x6FF or 0x750 <= cp <= 0x77F or 0xFB50 <= cp <= 0xFEFF:
            return ARABIC
        return OTHER
    return DIGIT


SCRIPT_OF_LANG: dict[str, str] = {entry.code: entry.script for entry in REGISTRY}


# --- stop words ------------------------------------------------------------------------------------------
# From stopwords-iso (the `stopwordsiso` package, MIT), one kept list per language, folded like the text.
# Not edited here: a word that a list marks as a stop word but that staff gave as a keyword of its own
# ("course", "work") is kept by the lexical index of that catalogue (bot/search/lexical.py).


@lru_cache(maxsize=16)
def stop_words(lang: str) -> frozenset[str]:
    """The folded stop words of ``lang`` ("de-simple" = German)."""
    import stopwordsiso

    words = stopwordsiso.stopwords(analyser_lang(lang))
    return frozenset(f for f in (fold(w) for w in words) if f)


def analyser_lang(lang: str) -> str:
    """The language whose stemmer and stop words analyse ``lang`` ("de-simple" is German)."""
    return counts_as(lang)


# Residents whose language is written in Cyrillic often type it in Latin letters on a German phone
# ("gde mozhno vzyat igrushki"); the registry names the cyrtranslit scheme that reads it back.
_LATIN_WORD = re.compile(r"[a-z]{2,}")


def latin_reading(text: str, lang: str) -> str | None:
    """``text`` in its language's own letters, if a resident of ``lang`` wrote it in Latin letters only;
    None otherwise (the message is read as written)."""
    scheme = language(lang).latin_scheme if lang in LANGUAGES else None
    if scheme is None or any(script_of(word) not in (LATIN, DIGIT) for word in raw_tokens(text)):
        return None
    lowered = text.casefold()
    if not _LATIN_WORD.search(lowered):
        return None
    import cyrtranslit

    return str(cyrtranslit.to_cyrillic(lowered, scheme))


@lru_cache(maxsize=8192)
def latin_word_reading(word: str, lang: str) -> str | None:
    """One Latin-letter word of a resident of ``lang`` in their language's letters, folded ("sprachcafe" →
    "спрачцафе"); None where ``lang`` has no Latin spelling or the word is not in Latin letters."""
    if script_of(word) != LATIN:
        return None
    reading = latin_reading(word, lang)
    return None if reading is None else fold(reading.strip())


#: German loan words written in Cyrillic letters ("кіндергельд", "анмельдунг", "джобцентр") spelled back
#: the German way, so that they meet the German word (exactly, or as a typo: "jobzentr" ~ "jobcenter").
_GERMAN_LETTERS = str.maketrans(
    {
        "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "je", "ё": "o",
        "ж": "sch", "з": "s", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch",
        "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e",
        "ю": "ju", "я": "ja",
    }
)  # fmt: skip


@lru_cache(maxsize=8192)
def german_letters(word: str) -> str | None:
    """A lower-cased Cyrillic ``word`` of five letters or more in German spelling; None for other words
    (short words are function words far more often than loan words)."""
    if len(word) < 5 or script_of(word) != CYRILLIC:
        return None
    spelled = word.replace("дж", "j").translate(_GERMAN_LETTERS)
    return spelled if spelled.isascii() and spelled.isalpha() else None


def scope(lang: str) -> tuple[str, ...]:
    """The languages a resident writing in ``lang`` is read in: their own, German (Jobcenter, Anmeldung)
    and English. Never the others: a Turkish word must not meet a Polish stem."""
    return tuple(dict.fromkeys((lang, "de", "en")))


# --- stemming --------------------------------------------------------------------------------------------

#: Past tense too ("вдарив", "вдарила", "вдарили": he, she, they hit), the form a resident tells what
#: happened in; it meets the infinitive's stem ("вдарити" → "вдар").
_UK_SUFFIXES = sorted(
    """ами ями ові еві ого ому ими іми ою ею єю ів їв ах ях ам ям ом ем ий ій ої ує ють ать ять ити ати
    ення ання ння ть ти ив ила или ило ав ала али ало а я і и у ю о е ь й є ї""".split(),
    key=len,
    reverse=True,
)


def _stem_uk(word: str) -> str:
    """Light Ukrainian stemmer: strip one inflectional ending, keep at least three letters."""
    for suffix in _UK_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_FA_PREFIXES = ("نمی", "می")
_FA_SUFFIXES = ("هایی", "های", "ها", "ترین", "تر", "ام", "ات", "اش", "ای", "ی")


def _stem_fa_light(word: str) -> str:
    """Verb prefix and plural/possessive suffix stripping on top of snowball's Persian stemmer."""
    for prefix in _FA_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _FA_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_snowball_cache: dict[str, Callable[[str], str]] = {}


def _stemmer(lang: str) -> Callable[[str], str]:
    fn = _snowball_cache.get(lang)
    if fn is None:
        if lang == "uk":
            fn = _stem_uk
        elif lang == "fa":
            snow = snowballstemmer.stemmer("persian")
            fn = lambda w: _stem_fa_light(snow.stemWord(w))  # noqa: E731
        else:
            fn = snowballstemmer.stemmer(_SNOWBALL[lang]).stemWord
        _snowball_cache[lang] = fn
    return fn


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """Folded stem of a lower-cased ``word`` under ``lang``'s stemmer ("de-simple" = German)."""
    lang = counts_as(lang)
    if len(word) < 4 or script_of(word) != SCRIPT_OF_LANG[lang]:
        return fold(word)
    prepared = word.translate(_PRE_STEM[lang]) if lang in _PRE_STEM else word
    return fold(_stemmer(lang)(prepared))


_stem_uncached: Callable[[str, str], str] = stem.__wrapped__


# --- analysis --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its folded surface form, the terms it matches (the surface and its stem in each
    language it was read in, written ``"<lang>:<stem>"``), and whether it is a stop word or a number."""

    surface: str
    terms: frozenset[str]
    stop: bool
    number: bool


@lru_cache(maxsize=100_000)
def analyse_word(word: str, langs: tuple[str, ...]) -> Word:
    """A lower-cased ``word`` read in those of ``langs`` whose script it is written in."""
    surface = fold(word)
    script = script_of(word)
    if script == DIGIT:
        return Word(surface, frozenset({surface}), False, True)
    readers = [lang for lang in langs if SCRIPT_OF_LANG.get(lang) == script]
    terms = {surface}
    terms.update(f"{analyser_lang(lang)}:{stem(word, lang)}" for lang in readers)
    stop = any(surface in stop_words(lang) for lang in readers)
    return Word(surface, frozenset(terms), stop, False)


def content_words(text: str, lang: str) -> list[Word]:
    """The words of a content text written in ``lang``."""
    langs = (analyser_lang(lang),)
    return [analyse_word(w, langs) for w in raw_tokens(text)]


def query_words(text: str, lang: str) -> list[Word]:
    """The words of a resident's message, read in the resident's :func:`scope`."""
    langs = tuple(dict.fromkeys(analyser_lang(code) for code in scope(lang)))
    return [analyse_word(w, langs) for w in raw_tokens(text)]
