"""Words typed in Latin letters by residents whose language has its own script, read back for the emergency
detector: "zawji yadribuni" (زوجي يضربني), "shoharam goft mano mikoshe" (شوهرم گفت منو میکشه), "muzh menya
b'et" (муж меня бьет), "cholovik mene b'ye" (чоловік мене б'є).

There is no one spelling to transliterate back to: Arabizi and Finglish leave out what the Arabic script
writes (no short vowels there, the Latin ones are guessed), and use digits for letters Latin lacks ("3"
for ع, "7" for ح); Latin Russian and Ukrainian have several schemes ("zh", "j", "ya", "ia"). So a Latin word
is compared, not transliterated: the detector's own words in the script (its triggers and the word lists its
rules read: who, whom, "said", the mother of "my mom will kill me") are reduced by one small letter table
per script to a *key*, and so is each Latin word; a Latin word whose key is a known word's key is read as
that word, the others stay as typed, and the detector reads the message with the reading below it.

- Cyrillic: each letter and each Latin spelling of it to one sound class; vowels in three classes (a/o,
  e/i/y, u: unstressed "o" is written "a", "сабой"), soft and hard signs and apostrophes dropped, a letter
  said twice once. "menya", "menia", "mena" → меня; "b'et", "byot" → бьет.
- Arabic script: the consonants (one class for letters Latin spells alike: ص س and "9" → s, ح ه and "7"
  → h, ق غ and "q", "gh", "8" → q), and between them the long vowels the script writes (ا و ي): the Latin
  word must have a vowel there ("bemiram", بمیرم, not "bimaram", I am ill); where the script writes none,
  any short vowel is fine. ع and hamza ("3", "2") may be there or not; "2" is also ق ("by2telni").

A key of one or two sounds (Arabic script: consonants; a long vowel is no evidence) says too little: such a
word is read only beside a longer one that was read ("b'ye mene" → "б'є мене"; "ok bye" stays English), or
beside the other word of a phrase of the detector's ("bedi mout" → "بدي موت"), and never as a danger word
on its own ("mama by skazala": no б'є; "ana asef", sorry, "Saif": no إسعاف). The script writes a word's
last vowel and its long ones: "nazife" (clean) is no نزيف (bleeding), "bi shart" no شرطة, "sokoot" no سکته.
Every word a Latin word fits is kept ("mout": موت and اموت), one line per reading. The script leaves the
short vowels out, so a Latin word may fit a word of hers the reader does not know as well as its own:
"hamele" is حامله (pregnant) as well as حمله (attack). In a sentence, a word that fits an everyday word
of her language (wordfreq's list) strictly better (``_fit``: more of its letters typed, fewer left
out) is read only beside another word read back or a Persian verb with its person ending: "man hamele
hastam" (I am pregnant) is not read, "be man hamle kard" (به … حمله كرد) and "hamle kardan" are; alone
("khatar!") it is a cry and read. On a tie it is read (review rv16): "jalta" is جلطة (stroke) however
well جعلته would fit without its ع, "nazif" نزيف (bleeding) as well as نظيف (clean).
A German or English word beside a word read back is read when the two are
a phrase of the detector's ("dar khatar hastam": در خطر, where "khatar" also fits خاطر, sake).

Limits (review rv13: German and English lines of these residents alarmed): a German or English word
(stop words, the content's words and their forms, wordfreq's list) is never read back; and a message is
read only when it looks typed in her language: an Arabizi digit inside a word ("3ndi"), two words read
back, or fewer than half of its Latin words German or English.

Over 400 lines because the two scripts' letter tables, the rules of a fit and the reading's limits are one
comparison read top to bottom: each limit names the fit it guards against.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.search.normalize import ARABIC, CYRILLIC, LATIN, fold, script_of, stem

#: The languages whose residents' Latin words are read back, and their script.
READ_BACK = {"ar": ARABIC, "fa": ARABIC, "ru": CYRILLIC, "uk": CYRILLIC}
SHORT = 3  # a key shorter than this (Arabic script: fewer consonants) is read only beside a longer one...
NEAR = 3  # ...at most this many words away
READINGS = 4  # a message with words of several readings: at most this many lines

# --- Cyrillic --------------------------------------------------------------------------------------------
_CYR = {
    **dict.fromkeys("аоя", "A"), **dict.fromkeys("еєиіїйыэ", "I"), **dict.fromkeys("гґх", "G"),
    **dict.fromkeys("шщ", "S"), **dict.fromkeys("ъь'", ""), "у": "U", "ю": "IU", "ж": "Z", "ц": "c",
    "ч": "C", **dict(zip("бвдзклмнпрстф", "bvdzklmnprstf", strict=True)),
}  # fmt: skip
_CYR["я"] = "IA"
#: Latin spellings, longest first ("shch" before "sh", "yo" for ё, which folds to е).
_LAT_CYR = [
    ("shch", "S"), ("sch", "S"), ("sh", "S"), ("ch", "C"), ("zh", "Z"), ("kh", "G"), ("ts", "c"),
    ("tz", "c"), ("yo", "I"), ("jo", "I"), ("io", "I"), ("a", "A"), ("o", "A"), ("e", "I"), ("i", "I"),
    ("y", "I"), ("j", "I"), ("u", "U"), ("h", "G"), ("g", "G"), ("x", "G"), ("w", "v"), ("q", "k"),
    ("c", "c"), ("'", ""),
]  # fmt: skip


def _squeeze(key: str) -> str:
    """``key`` with a class said twice in a row once."""
    return re.sub(r"(.)\1+", r"\1", key)


def cyrillic_key(word: str) -> str:
    """The sound key of a folded Cyrillic word."""
    return _squeeze("".join(_CYR.get(ch, ch) for ch in word))


def _latin_cyrillic_key(word: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(word):
        for latin, key in _LAT_CYR:
            if word.startswith(latin, i):
                out.append(key)
                i += len(latin)
                break
        else:
            out.append(word[i])
            i += 1
    return _squeeze("".join(out))


# --- Arabic script ---------------------------------------------------------------------------------------
_ARAB_CONSONANTS = dict(zip("بپتطثجچحهخدذضظرزژسصشغقفكگلمن", "bptttjChhxdddzrzZssSqqfkglmn", strict=True))
_ARAB_VOWELS = {"ا": "a", "و": "u", "ي": "i"}
_ARAB_ANY = "عء"  # may be written in Latin or not
_LAT_ARAB = [
    ("sh", "S"), ("ch", "C"), ("kh", "x"), ("gh", "q"), ("th", "t"), ("dh", "d"), ("zh", "Z"), ("5", "x"),
    ("7", "h"), ("6", "t"), ("9", "s"), ("8", "q"), ("q", "q"), ("k", "k"), ("c", "k"), ("x", "x"),
]  # fmt: skip
_LAT_VOWELS = set("aeiouyvw3'")
#: A Latin vowel that can stand for the long vowel the script writes.
_SPELLS = {"a": set("ae"), "i": set("iey"), "u": set("uowv")}


@dataclass(frozen=True, slots=True)
class _Spelled:
    consonants: str
    gaps: tuple[str, ...]  # len(consonants) + 1 vowel runs; "*": anything goes there


def _arabic_spelled(word: str) -> _Spelled:
    consonants: list[str] = []
    gaps: list[str] = [""]
    for i, ch in enumerate(word):
        last = i == len(word) - 1
        if ch in _ARAB_CONSONANTS and not (ch == "ه" and last and consonants):
            consonants.append(_ARAB_CONSONANTS[ch])
            gaps.append("")
        elif ch in _ARAB_VOWELS and not (ch == "ا" and i == 0):
            gaps[-1] += _ARAB_VOWELS[ch]
        else:  # ع, hamza, a leading alef (a carrier), a final ه (a vowel)
            gaps[-1] += "*"
    return _Spelled("".join(consonants), tuple(gaps))


def _latin_arabic_spelled(word: str) -> list[_Spelled]:
    """The ways to read a Latin word as Arabic script: "2" is a hamza or ق."""
    readings = [word.replace("2", "'")] + ([word.replace("2", "q")] if "2" in word else [])
    out: list[_Spelled] = []
    for reading in readings:
        consonants: list[str] = []
        gaps: list[str] = [""]
        i = 0
        while i < len(reading):
            ch = reading[i]
            if ch in _LAT_VOWELS or (ch == "h" and i == len(reading) - 1 and gaps[-1]):
                gaps[-1] += ch
                i += 1
                continue
            key = next(((k, len(lat)) for lat, k in _LAT_ARAB if reading.startswith(lat, i)), (ch, 1))
            if not (consonants and consonants[-1] == key[0] and not gaps[-1]):  # "ff", "dd": one letter
                consonants.append(key[0])
                gaps.append("")
            i += key[1]
        out.append(_Spelled("".join(consonants), tuple(gaps)))
    return out


def _fits(native: _Spelled, typed: _Spelled, prefix: bool) -> bool:
    """Whether the Latin ``typed`` can be ``native``: the same consonants (``prefix``: ``native``'s first),
    and each long vowel the script writes spelled by a vowel in its place."""
    if typed.consonants != native.consonants and not (
        prefix and typed.consonants.startswith(native.consonants)
    ):
        return False
    for written, spelled in zip(native.gaps, typed.gaps, strict=False):
        if any(v != "*" and not (_SPELLS[v] & set(spelled)) for v in written):
            return False
    # The script writes a vowel at the end of a word (ا ي و ه ة): a Latin word ending in one is not a word
    # ending in a consonant ("nazife", "nazifa", clean, is no نزيف, bleeding), nor the other way round
    # ("bi shart", on condition, is no شرطة; "Himmel" no حمله).
    if not prefix and bool(typed.gaps[-1].strip("'")) != bool(native.gaps[-1]):
        return False
    # A doubled vowel is a long one, which the script writes ("sokoot", silence, is no سکته)
    for written, spelled in zip(native.gaps[1:-1], typed.gaps[1:-1], strict=False):
        if not written and re.search(r"(aa|ee|ii|oo|ou)", spelled):
            return False
    return True


def _letters(native: _Spelled) -> int:
    """How many letters of ``native`` a Latin spelling must match: its consonants and long vowels."""
    return len(native.consonants) + sum(len(gap.replace("*", "")) for gap in native.gaps)


def _fit(native: _Spelled, word: str, typed: str, spelled: _Spelled) -> int:
    """How well the Latin ``typed`` (read as ``spelled``) spells the Arabic-script ``word``: the letters it
    matches (``_letters``, and a final ه or ة for a vowel she typed at the end: "shorta" spells شرطة as
    fully as شرطا), less the letters the word has that she did not type: an ع where Arabizi writes "3"
    ("jalta" is no جعلته) and an alef before a word that she began with a consonant ("shorta" no اشرطه)."""
    score = _letters(native)
    if word.endswith("ه") and native.gaps[-1].endswith("*") and spelled.gaps[-1].strip("'"):
        score += 1
    score -= max(0, word.count("ع") - typed.count("3"))
    if word.startswith("ا") and typed[:1] not in _LAT_VOWELS:
        score -= 1
    return score


#: A digit Arabizi writes for a letter, inside a word ("3ndi", "7ari2", "ma3o"), not a number's ending
#: ("2nd", "5th", "9am", "3x").
_ARABIZI_DIGIT = re.compile(r"[a-z']+[23579]|[23579][a-z']*[a-z]{2}")
_NUMBER_END = re.compile(r"\d+(st|nd|rd|th|am|pm|x|er|te|ten|min|kg|km|cm|mm|euro?|eur|std|uhr|h)")


def _arabizi(token: str) -> bool:
    return _ARABIZI_DIGIT.search(token) is not None and _NUMBER_END.fullmatch(token) is None


def _pulls(native: _Spelled, typed: _Spelled) -> bool:
    """Whether ``typed`` spells the ک ش of ``native`` with "e", "a" or "i" between (kesh: pull, draw), not
    "o" or "u" (kosh: kill)."""
    at = native.consonants.find("kS")
    if at < 0 or typed.consonants[at : at + 2] != "kS":
        return False
    between = typed.gaps[at + 1]
    return bool(between) and not set(between) & set("ouw")


@cache
def common_words(lang: str) -> frozenset[str]:
    """The everyday words of the Latin-script language ``lang`` (de, en), which she may write as well: the
    small word list of wordfreq (about 30,000 words per language, down to once in a million words of
    text: "near", "skin", "plays", "Harriet", "Sekte"), folded, of three letters or more (a shorter one,
    "ne", "la", "ya", is hers as often)."""
    from wordfreq import iter_wordlist

    return frozenset(fold(w) for w in iter_wordlist(lang, "small") if len(w) >= 3 and w.isalpha())


# --- the reader ------------------------------------------------------------------------------------------
#: Persian person endings of a verb, as Finglish writes them ("kard-an", they did; "kard-am", I did)
_PERSON_ENDINGS = ("and", "an", "am", "im", "id", "in", "ad", "e", "i")
_LATIN_TOKEN = re.compile(r"[a-z0-9']*[a-z][a-z0-9']*")
_WORD = re.compile(r"\w+")


_NOT_CONSONANT = re.compile(f"[^{''.join(_ARAB_CONSONANTS)}]")
_CONSONANT_CLASSES = str.maketrans(_ARAB_CONSONANTS)


def _consonants(word: str) -> str:
    """The consonants of an Arabic-script word as ``_arabic_spelled`` reads them (a final ه after one is a
    vowel), quickly: for every word of a word list."""
    if word.endswith("ه") and _NOT_CONSONANT.sub("", word[:-1]):
        word = word[:-1]
    return _NOT_CONSONANT.sub("", word).translate(_CONSONANT_CLASSES)


@cache
def everyday_spellings(
    lang: str, consonants: frozenset[str]
) -> Mapping[str, tuple[tuple[_Spelled, str], ...]]:
    """The everyday words of ``lang`` written in the Arabic script (ar, fa: wordfreq's small list, folded)
    with one of the ``consonants``, spelled as the reader compares them, by their consonants (once per
    process and word list of the detector: a pass over ~30,000–60,000 words, ~0.1 s)."""
    from wordfreq import iter_wordlist

    out: dict[str, list[tuple[_Spelled, str]]] = defaultdict(list)
    for raw in iter_wordlist(lang, "small"):
        word = fold(raw)
        if _consonants(word) in consonants:
            spelled = _arabic_spelled(word)
            out[spelled.consonants].append((spelled, word))
    return {key: tuple(words) for key, words in out.items()}


class _Lexicon:
    """The known words of one language, by key (every word of a key: "موت" and "اموت" are both "mout")."""

    def __init__(self, words: Iterable[str], prefixes: Iterable[str], lang: str = "") -> None:
        self.cyrillic: dict[str, list[str]] = defaultdict(list)
        self.cyrillic_prefixes: list[tuple[str, str]] = []
        self.arabic: dict[str, list[tuple[_Spelled, str, bool]]] = defaultdict(list)
        prefixed = set(prefixes)
        for word in sorted(set(words) | prefixed):
            script = script_of(word)
            if script == CYRILLIC:
                key = cyrillic_key(word)
                if word in prefixed:
                    self.cyrillic_prefixes.append((key, word))
                else:
                    self.cyrillic[key].append(word)
            elif script == ARABIC:
                spelled = _arabic_spelled(word)
                if spelled.consonants:
                    self.arabic[spelled.consonants[:2]].append((spelled, word, word in prefixed))
        # her language's everyday words in the Arabic script with the consonants of a word here
        # (``LatinReader._everyday``)
        self.everyday: Mapping[str, tuple[tuple[_Spelled, str], ...]] = {}
        if READ_BACK.get(lang) == ARABIC:
            known = {s.consonants for spelleds in self.arabic.values() for s, _, _ in spelleds}
            self.everyday = everyday_spellings(lang, frozenset(c for c in known if len(c) >= SHORT))
        self.cyrillic_prefixes.sort(key=lambda kw: -len(kw[0]))
        self.words = frozenset(word for words in self.arabic.values() for _, word, _ in words)


# Built once per process and word list, not at every content load: the lists are the detector's trigger and
# rule words, which change only with the content's emergency triggers (a bounded cache, keyed by them).
@lru_cache(maxsize=32)
def _lexicon(words: frozenset[str], prefixes: frozenset[str], lang: str) -> _Lexicon:
    return _Lexicon(words, prefixes, lang)


class LatinReader:
    """Reads a Latin-typed message back into known words: ``words`` and ``prefixes`` (words that stand for
    every word starting with them), folded, per language (``READ_BACK``); ``shared``, ``shared_prefixes``:
    words of every language (the word lists of the detector's rules), each read in its script's ones.
    ``latin``: the known words of the Latin-script languages she may also write (German, English: stop
    words and the content's words), folded, and ``latin_stems`` their stems per language: such a word is
    never read back ("near", "today", "war", "bei Mama" are no نار, اعتداء, вор, "мама б'є"); ``common``: more
    of them, the same for every content (a general word list), kept apart so it is not copied per content."""

    def __init__(
        self,
        words: Mapping[str, Iterable[str]],
        prefixes: Mapping[str, Iterable[str]],
        shared: Iterable[str] = (),
        shared_prefixes: Iterable[str] = (),
        latin: Iterable[str] = (),
        latin_stems: Mapping[str, Iterable[str]] | None = None,
        phrases: Iterable[Iterable[str]] = (),
        singles: Iterable[str] = (),
        kill: Iterable[str] = (),
        common: frozenset[str] = frozenset(),
    ) -> None:
        shared, shared_prefixes = list(shared), list(shared_prefixes)
        self._lexicons = {
            lang: _lexicon(
                frozenset([*words.get(lang, ()), *shared]),
                frozenset([*prefixes.get(lang, ()), *shared_prefixes]),
                lang,
            )
            for lang in READ_BACK
        }
        self._latin = frozenset(latin)
        self._common = common
        self._latin_stems = {lang: frozenset(stems) for lang, stems in (latin_stems or {}).items()}
        # two words side by side in a phrase of the detector's, in either order: short ones are read
        # together ("bedi mout": بدي موت; "mene b'ye": "б'є мене")
        self._pairs = {frozenset(pair) for phrase in phrases for pair in itertools.pairwise(list(phrase))}
        # a danger word on its own: never read from a short word without its phrase ("mama by skazala")
        self._singles = frozenset(singles)
        # Persian writes "kill" (کش, kosh) and "pull" (کش, kesh) alike; Finglish does not: "mano mikeshe be
        # kelas" (drags me to class) is no "منو میکشه" (kills me); "nafas nemikeshe" (not breathing) pulls
        self._kill = frozenset(kill)

    def known(self, word: str) -> bool:
        """Whether the folded Latin ``word`` is a German or English word (or a form of one)."""
        return (
            word in self._latin
            or word in self._common
            or any(stem(word, lang) in stems for lang, stems in self._latin_stems.items() if len(word) >= 4)
        )

    def _words(self, typed: str, script: str, lang: str) -> list[tuple[str, int]]:
        """The known words ``typed`` reads as, likeliest first, each with its strength: the sounds of its key
        (Cyrillic) or its consonants (Arabic script: a long vowel is no evidence, "asef" is no إسعاف)."""
        lexicon = self._lexicons[lang]
        if script == CYRILLIC:
            key = _latin_cyrillic_key(typed)
            if key in lexicon.cyrillic:
                return [(word, len(key)) for word in lexicon.cyrillic[key]]
            for start, word in lexicon.cyrillic_prefixes:
                if len(start) >= SHORT + 1 and key.startswith(start):
                    return [(word, len(start))]
            return []
        found: dict[str, tuple[int, int]] = {}
        # Levantine and Egyptian put "b" before a verb ("bedrebni", "by2telni": he hits, kills me)
        typings = [typed] + ([typed[1:]] if lang == "ar" and typed.startswith("b") and len(typed) > 4 else [])
        for spelled in (s for t in typings for s in _latin_arabic_spelled(t)):
            for native, word, prefix in lexicon.arabic.get(spelled.consonants[:2], ()):
                if (
                    (not prefix or _letters(native) > SHORT)
                    and _fits(native, spelled, prefix)
                    and not (word in self._kill and _pulls(native, spelled))
                ):
                    # all its consonants before a start of them, then the one that writes most vowels
                    whole = native.consonants == spelled.consonants
                    rank = whole * 100 + _letters(native) * 2 + (not prefix)
                    if rank > found.get(word, (-1, 0))[0]:
                        found[word] = (rank, len(native.consonants))
        if not found:
            return []
        best = max(rank for rank, _ in found.values())
        # every word of the best fit's kind (whole or a start): "mout" is "موت" and "اموت"
        return [
            (word, strength)
            for word, (rank, strength) in sorted(found.items(), key=lambda wr: -wr[1][0])
            if rank // 100 == best // 100
        ]

    def _everyday(self, typed: str, lang: str, read_as: Iterable[str]) -> bool:
        """Whether the Latin ``typed``, read as the words ``read_as`` of the Arabic script, fits an everyday
        word of her language strictly better (``_fit``): "hamele" spells the long vowel of حامله (pregnant)
        that حمله (attack) does not write. On a tie the danger word is read: "jalta" fits جلطة (stroke) as
        well as it fits anything, "nazif" نزيف (bleeding) as well as نظيف (clean), "hadith" حادث (accident)
        as well as حديث (talk), and a resident's danger is worth a needless screen. A word the detector
        knows itself (نزف, bleeding) is no everyday rival."""
        lexicon = self._lexicons[lang]
        read_as = set(read_as)
        natives = [(n, w) for ns in lexicon.arabic.values() for n, w, _ in ns if w in read_as]
        for spelled in _latin_arabic_spelled(typed):
            danger = max(
                (_fit(n, w, typed, spelled) for n, w in natives if _fits(n, spelled, True)),
                default=max((_letters(n) for n, _ in natives), default=0),
            )
            for native, word in lexicon.everyday.get(spelled.consonants, ()):
                if (
                    word not in read_as
                    and word not in lexicon.words
                    and _fits(native, spelled, False)
                    and _fit(native, word, typed, spelled) > danger
                ):
                    return True
        return False

    def _verb(self, typed: str, lang: str) -> bool:
        """Whether the Latin ``typed`` is a known Persian verb with a person ending ("kardan", "kardand",
        "kardam": they, I did; كرد): beside it a word is read as beside one read back ("hamle kardan")."""
        if lang != "fa" or self.known(typed):
            return False
        return any(
            typed.endswith(end)
            and len(typed) - len(end) >= SHORT
            and self._words(typed[: -len(end)], ARABIC, lang)
            for end in _PERSON_ENDINGS
        )

    def read(self, text: str, lang: str) -> str | None:
        """``text`` with its Latin words that are known words of ``lang``'s script written in that script
        (one line per reading, at most ``READINGS``, where a word has several), or None when ``lang`` has
        no other script, no word was read, or the message does not look typed in her language: it has no
        Arabizi digit inside a word ("3ndi"), fewer than two words read, and mostly German or English
        words ("Is there a doctor near me?", "wir spielen Skat im Cafe")."""
        script = READ_BACK.get(lang)
        if script is None:
            return None
        folded = fold(text)
        tokens = list(_LATIN_TOKEN.finditer(folded))
        latin = [script_of(m.group()) == LATIN for m in tokens]
        # (a word of one or two letters is read only beside a longer one: "ne", "la" may be hers)
        known = [
            is_latin and self.known(m.group().strip("'")) for m, is_latin in zip(tokens, latin, strict=True)
        ]
        known_long = [k and len(m.group()) > 2 for m, k in zip(tokens, known, strict=True)]
        found = [
            self._words(m.group().strip("'"), script, lang) if is_latin and not is_known else []
            for m, is_latin, is_known in zip(tokens, latin, known_long, strict=True)
        ]
        long_ones = [i for i, f in enumerate(found) if f and f[0][1] >= SHORT]
        # two short words that are, side by side, two words of a phrase ("bedi mout": بدي موت); one of them
        # may be a German or English word too, beside a word that was read, in the Arabic script ("dar
        # khatar": در خطر; Cyrillic keeps "mama by skazala": no "мама б'є"); only a word beside one that was
        # read is looked up (a long German letter in her chat would cost one look-up per word)
        beside = [any(found[j] for j in (i - 1, i + 1) if 0 <= j < len(found)) for i in range(len(found))]
        pairable = [
            words
            or (
                self._words(m.group().strip("'"), script, lang)
                if is_known and script == ARABIC and near
                else []
            )
            for m, words, is_known, near in zip(tokens, found, known_long, beside, strict=True)
        ]
        paired = {
            j
            for i in range(len(found) - 1)
            if (found[i] or found[i + 1])
            and any(frozenset((a, b)) in self._pairs for a, _ in pairable[i] for b, _ in pairable[i + 1])
            for j in (i, i + 1)
        }
        found = [pairable[i] if i in paired else words for i, words in enumerate(found)]
        long_ones = sorted(set(long_ones) | paired)
        found = [
            [(w, n) for w, n in words if n >= SHORT or i in paired or w not in self._singles]
            for i, words in enumerate(found)
        ]
        # in a sentence, a word that fits an everyday word of her language as well is read only beside another
        # word read back ("man hamele hastam", I am pregnant: no حمله; "be man hamle kard": به … حمله كرد);
        # alone, it is a cry
        if script == ARABIC and len(_WORD.findall(folded)) > 1:
            for i in [i for i in long_ones if i not in paired]:
                if not any(
                    found[j] or self._verb(tokens[j].group().strip("'"), lang)
                    for j in range(max(0, i - NEAR), min(len(found), i + NEAR + 1))
                    if j != i
                ) and (self._everyday(tokens[i].group().strip("'"), lang, (w for w, _ in found[i]))):
                    long_ones.remove(i)
        if not long_ones:
            return None
        digits = any(_arabizi(m.group()) for m, is_latin in zip(tokens, latin, strict=True) if is_latin)
        if not digits and len(long_ones) < 2 and 2 * sum(known) > sum(latin):
            return None
        lines = []
        for k in range(min(READINGS, max(len(f) for f in found))):
            out, at = [], 0
            for i, m in enumerate(tokens):
                words = found[i]
                if words and (i in long_ones or any(abs(i - j) <= NEAR for j in long_ones)):
                    out.append(folded[at : m.start()] + words[min(k, len(words) - 1)][0])
                    at = m.end()
            lines.append("".join(out) + folded[at:])
        return "\n".join(lines)
