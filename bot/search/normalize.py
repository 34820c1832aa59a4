"""Text normalisation for search: folding, tokenising, stop words and stemming for the nine languages.

Residents type on phone keyboards without the letters of their language ("bakimi" for "bakımı",
"Fuhrerschein"), mix languages in one sentence ("Deutschkurs var mı") and write Arabic with or without
hamza and tashkeel. Everything that is compared is therefore *folded* first: NFKC, casefold, combining
marks removed (which also removes Arabic tashkeel and hamza carriers), a few letters that do not decompose
mapped by hand (ı ł ß ...), Arabic and Persian letter variants unified into one form.

Stemming uses snowball on the lower-cased (not yet folded) word, because the Turkish and German stemmers
look at ü/ı/ä, and the stem is folded afterwards. Ukrainian has no snowball stemmer; it gets a small
suffix stripper. All stems are cached: snowball is pure Python and costs 10-80 µs per word.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

from bot.languages import LANGUAGES

LANGS: tuple[str, ...] = LANGUAGES
#: Languages that have their own analyser; "de-simple" is analysed as German.
ANALYSER_LANGS: tuple[str, ...] = tuple(lang for lang in LANGUAGES if lang != "de-simple")

_SNOWBALL = {
    "de": "german",
    "tr": "turkish",
    "ar": "arabic",
    "ru": "russian",
    "pl": "polish",
    "fa": "persian",
    "en": "english",
}

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


def raw_tokens(text: str) -> list[str]:
    """Lower-cased words of any script. An apostrophe suffix is dropped ("Jobcenter'dan" → "jobcenter")."""
    out: list[str] = []
    for match in _TOKEN_RE.finditer(lower(text).replace("\u200c", "")):
        word = match.group()
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


SCRIPT_OF_LANG = {
    "de": LATIN,
    "de-simple": LATIN,
    "tr": LATIN,
    "pl": LATIN,
    "en": LATIN,
    "ru": CYRILLIC,
    "uk": CYRILLIC,
    "ar": ARABIC,
    "fa": ARABIC,
}


# --- stop words ------------------------------------------------------------------------------------------
# Small lists of function words and question words that carry no topic. Words that are content words in
# another of our languages are left out on purpose (e.g. "var" is kept out of German, "die" out of English).

_STOP_RAW = {
    "de": """
        der die das den dem des ein eine einen einem einer eines und oder aber in im ins an am auf aus bei
        mit nach von vom zu zum zur fur uber unter ist sind bin bist war gibt es ich du er sie wir ihr mir
        mich dich ihm ihn uns euch mein meine meinen meiner dein deine was wo wie wer wann welche welcher
        welches kann konnen kannst muss mussen will mochte mochten hier da dort auch noch schon nicht kein
        keine ja nein bitte mal denn doch so sehr man wird werden hat habe haben hast etwas jemand gerne
        irgendwo irgendwie ob dass wenn als um tun """,
    "tr": """
        ve veya ile bir bu su o da de mi mu mı mü ne nerede nerde nereye nasil nasıl kim hangi icin için
        ben sen biz siz onlar var yok mi ama gibi daha cok çok en ya ki dan den ta te tan ten a e ya ye
        in ın un ün nin nın nun nün i ı u ü lutfen lütfen acaba bana beni bize sana olur olabilir
        istiyorum lazim lazım """,
    "ar": """
        في من على الى إلى عن مع هل ما ماذا اين أين كيف متى من هذا هذه ذلك تلك انا أنا انت أنت نحن هو
        هي لي لك عند او أو و ثم اي أي كل هناك يوجد توجد ان أن إن لا نعم ممكن اريد أريد الذي التي """,
    "ru": """
        и или но в во на с со к ко у о об от до по за из для что где как кто когда какой какая какие
        я ты он она мы вы они мне меня мой моя мои это этот эта есть нет не ли бы же да можно нужно
        пожалуйста здесь там тут ещё еще очень хочу """,
    "uk": """
        і й та або але в у на з із зі до по за від для що де як хто коли який яка які я ти він вона ми
        ви вони мені мене мій моя мої це цей ця є немає не чи б би ж так можна треба потрібно будь
        ласка тут там ще дуже хочу """,
    "pl": """
        i oraz lub albo ale w we na z ze do od po za dla o u co gdzie jak kto kiedy jaki jaka jakie
        ja ty on ona my wy oni mi mnie moj moja moje mój to ten ta jest sa są nie czy tak prosze
        proszę tu tam jeszcze bardzo chce chcę mozna można sie się jakis jakiś jestem """,
    "fa": """
        و یا در به از با برای که این آن را تا هم چه چی کجا چطور چگونه کی کدام من تو او ما شما آنها
        است هست هستم نیست آیا بله نه می یک ها های ای """,
    "en": """
        the a an and or but in on at to of for with from by about is are am was be i you he she we
        they me my your our it this that there here what where how who when which can could would
        should do does is any some please want need get not no yes""",
}
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(fold(w) for w in words.split()) for lang, words in _STOP_RAW.items()
}
STOPWORDS["de-simple"] = STOPWORDS["de"]


# --- stemming --------------------------------------------------------------------------------------------

_UK_SUFFIXES = sorted(
    """ами ями ові еві ого ому ими іми ою ею єю ів їв ах ях ам ям ом ем ий ій ої ує ють ать ять ити ати
    ення ання ння ть ти а я і и у ю о е ь й є ї""".split(),
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
    lang = "de" if lang == "de-simple" else lang
    if len(word) < 4 or script_of(word) != SCRIPT_OF_LANG[lang]:
        return fold(word)
    prepared = word.translate(_PRE_STEM[lang]) if lang in _PRE_STEM else word
    return fold(_stemmer(lang)(prepared))


_stem_uncached: Callable[[str, str], str] = stem.__wrapped__


# --- analysis --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One word: its folded surface form, its stems, and whether it is a stop word."""

    surface: str
    stems: frozenset[str]
    stop: bool


def _analyse(word: str, langs: tuple[str, ...], stem_fn: Callable[[str, str], str]) -> Token:
    surface = fold(word)
    script = script_of(word)
    stems = {stem_fn(word, lang) for lang in langs if SCRIPT_OF_LANG.get(lang) == script}
    if script == CYRILLIC and "uk" in langs:
        stems.add(stem_fn(word, "ru"))  # Ukrainian and Russian share many stems; ru snowball is better
    stems.discard(surface)
    stems.discard("")
    stop_lists = [STOPWORDS[lang] for lang in langs]
    stop = any(surface in s for s in stop_lists)
    return Token(surface, frozenset(stems), stop)


@lru_cache(maxsize=100_000)
def analyse_word(word: str, langs: tuple[str, ...]) -> Token:
    """Analyse one lower-cased word under the given analysers (the ones matching its script are used)."""
    return _analyse(word, langs, stem)


def _content_langs(lang: str) -> tuple[str, ...]:
    return ("de",) if lang == "de-simple" else (lang,) if lang in _SNOWBALL or lang == "uk" else ()


def analyse(text: str, lang: str) -> list[Token]:
    """Tokens of a content text written in ``lang``."""
    langs = _content_langs(lang)
    return [analyse_word(w, langs) for w in raw_tokens(text)]


class ChunkTerms(dict[str, Any]):
    """Term ids of the whitespace pieces of content texts in one language, for one index build.

    A catalogue repeats the same pieces ("Deutschkurs", "Kinder,", "Jobcenter") thousands of times, so
    each is tokenised, folded and stemmed once. ``terms[chunk]`` are the ids of the surface form and the
    stems of each of its words that is not a stop word, in the vocabulary ``term_ids``/``vocabulary``
    shared by all languages of the build (a new term gets the next id when a piece containing it is
    first analysed); ``terms.words[chunk]`` is the number of those words. With ``packed``
    the value is instead ``array("I", [words, *ids]).tobytes()``, what the compiled build reads
    (bot/search/_builder.c), and it is not kept here (the compiled build asks once per piece and keeps
    the answer itself). It lives only as long as the build and analyses without the module caches,
    so building a big catalogue neither keeps hundreds of thousands of content words alive afterwards nor
    evicts the words of queries.
    """

    def __init__(
        self, lang: str, term_ids: dict[str, int], vocabulary: list[str], *, packed: bool = False
    ) -> None:
        super().__init__()
        self.langs = _content_langs(lang)
        self.words: dict[str, int] = {}
        self._tokens: dict[str, Token] = {}
        self._term_ids = term_ids
        self._vocabulary = vocabulary
        self._packed = packed

    def __missing__(self, chunk: str) -> tuple[int, ...] | bytes:
        n = 0
        ids: list[int] = []
        term_ids, vocabulary = self._term_ids, self._vocabulary
        for word in raw_tokens(chunk):
            token = self._tokens.get(word)
            if token is None:
                token = self._tokens[word] = _analyse(word, self.langs, _stem_uncached)
            if token.stop:
                continue
            n += 1
            for term in (token.surface, *sorted(token.stems)):  # sorted: the same ids in every process
                tid = term_ids.get(term)
                if tid is None:
                    tid = term_ids[term] = len(vocabulary)
                    vocabulary.append(term)
                ids.append(tid)
        if self._packed:  # not kept here: the compiled build keeps it, by the piece's UTF-8 bytes
            return array("I", [n, *ids]).tobytes()
        result = tuple(ids)
        self.words[chunk] = n
        self[chunk] = result
        return result


def analyse_query(text: str) -> list[Token]:
    """Tokens of a resident's message, analysed under every language whose script matches each word."""
    return [analyse_word(w, ANALYSER_LANGS) for w in raw_tokens(text)]
