"""How the emergency detector matches one trigger (bot/search/emergency/__init__.py): a trigger compiled
from its phrase (``compile_trigger``: its words folded, with their stems and whether they inflect), a
message read into words and clauses (``Message``), and whether a message word is a trigger word
(``Message.matches``: equal, the same stem, a prefix, or one typo, ``typo_kind``: a slip to a
neighbouring key is only a ``GUESS``, a far one ``OTHER``). Which words of a language are never a typo
is ``near_misses``'s question.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Hamming

from bot.search.emergency.words import (
    FIRST_PERSON_OBJECTS,
    KEYBOARD_ROWS,
    KILL_WITHOUT_OBJECT,
    THREAT_FOLDED,
    VERB_FIRST,
)
from bot.search.normalize import fold, raw_tokens, stem, stop_words

KNOWN_STEM = "~"  # marks a stem among the known words (``Message.known``)
MISS, MATCH, GUESS, OTHER = 0, 1, 2, 3  # how a message word matches a trigger word (``typo_kind``)
#: A wrong letter is a typo in trigger words this long; in shorter ones only a ``GUESS`` (``typo_kind``).
SUBSTITUTION_FROM = 8


def _neighbours(layouts: Iterable[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """Folded letter → the folded letters of the keys touching it on any of ``layouts``: beside it in its
    row, and of the staggered rows the key below-left and below-right (``c - 1`` and ``c`` in the next row)
    and above-left and above-right (``c`` and ``c + 1`` in the row before)."""
    out: dict[str, set[str]] = defaultdict(set)
    for rows in layouts:
        folded = [fold(row) for row in rows]
        for r, row in enumerate(folded):
            for c, key in enumerate(row):
                out[key].update(row[max(0, c - 1) : c + 2])
                if r + 1 < len(folded):
                    out[key].update(folded[r + 1][max(0, c - 1) : c + 1])
                if r > 0:
                    out[key].update(folded[r - 1][c : c + 2])
    return {key: frozenset(keys) for key, keys in out.items()}


NEIGHBOURS = _neighbours(KEYBOARD_ROWS)


@dataclass(frozen=True, slots=True)
class Word:
    word: str  # folded
    prefix: bool  # the trigger word ended in "*"
    stem: str  # folded stem in the trigger's language ("" = compare the word only)
    inflects: bool = True  # another form of the word matches too (False: ``FIRST_PERSON_OBJECTS``)


@dataclass(frozen=True, slots=True)
class Trigger:
    words: tuple[Word, ...]
    lang: str
    hard: bool
    emergency_id: str | None
    text: str
    call: bool = False  # a call for help ("yardım edin!"): soft, even as a phrase
    kill: bool = False  # a threat to kill (``BUILTIN_KILL``): hard, never an idiom's
    threat: bool = False  # a threat word and no kill word (``THREAT_STARTS``)
    names_no_one: bool = False  # a threat to kill that names no one killed (``KILL_WITHOUT_OBJECT``)
    verb_first: bool = False  # an Arabic verb before whom it is done to (``VERB_FIRST``: "ضرب ابني")


def content_words(phrase: str, lang: str) -> int:
    """How many words of ``phrase`` are not stop words: "keine Luft" is one word's worth ("Luft")."""
    stops = stop_words(lang)
    return sum(1 for word in raw_tokens(phrase.replace("*", "")) if fold(word) not in stops)


def compile_trigger(
    text: str,
    lang: str,
    hard: bool,
    emergency_id: str | None,
    call: bool = False,
    stems: bool = True,
    kill: bool = False,
) -> Trigger | None:
    words: list[Word] = []
    for part in text.split():
        prefix = part.endswith("*")
        tokens = raw_tokens(part.rstrip("*"))
        for i, raw in enumerate(tokens):
            word = fold(raw)
            is_prefix = prefix and i == len(tokens) - 1
            use_stem = stems and len(word) >= 4 and not is_prefix and (hard or " " in text.strip())
            word_stem = stem(raw, lang) if use_stem else ""
            words.append(Word(word, is_prefix, word_stem if len(word_stem) >= 4 else ""))
    if not words:
        return None
    if hard and any(w.word in FIRST_PERSON_OBJECTS for w in words):
        stops = stop_words(lang)
        others = [w for w in words if w.word not in FIRST_PERSON_OBJECTS and w.word not in stops]
        if len(others) == 1:  # the verb alone: "bringe mich um", not "mann schlägt mich"
            words = [Word(w.word, w.prefix, w.stem, False) if w in others else w for w in words]
    threat = not kill and any(w.word.startswith(THREAT_FOLDED) for w in words)
    # the phrases of two lists mark their triggers, whichever list (or content entry) they come from
    names_no_one = kill and text in KILL_WITHOUT_OBJECT
    verb_first = text in VERB_FIRST
    return Trigger(tuple(words), lang, hard, emergency_id, text, call, kill, threat, names_no_one, verb_first)


_CLAUSE_END = re.compile(r"[!?.;,؟،]+")


class Message:
    """A message's words with lazily computed stems per language."""

    def __init__(self, text: str) -> None:
        self.raws = raw_tokens(text)
        self.folded = [fold(w) for w in self.raws]
        self._stems: dict[tuple[int, str], str] = {}
        # The clause of each word: "!", "?", ".", ";" and "," end one ("полиция! я у участка").
        clauses = [raw_tokens(part) for part in _CLAUSE_END.split(text)]
        self.clause = [n for n, words in enumerate(clauses) for _ in words]
        if len(self.clause) != len(self.raws):  # a mark inside a word: one clause
            self.clause = [0] * len(self.raws)
        # the positions of the everyday consequences it names, found once (``EmergencyDetector``)
        self.consequences: list[set[int]] | None = None

    def next_to(self, these: set[int], those: set[int]) -> bool:
        """Whether a word of ``these`` is one of ``those`` or right beside one, in the same clause."""
        return any(abs(i - j) <= 1 and self.clause[i] == self.clause[j] for i in these for j in those)

    def stem(self, i: int, lang: str) -> str:
        key = (i, lang)
        value = self._stems.get(key)
        if value is None:
            value = self._stems[key] = stem(self.raws[i], lang) if len(self.folded[i]) >= 4 else ""
        return value

    def known(self, i: int, lang: str, known: frozenset[str]) -> bool:
        """Whether message word ``i`` is a known word of ``lang``: one of ``known``, or another form of one
        (its stem is in ``known``, marked ``KNOWN_STEM``: "الانتظار", the waiting, beside the content's
        "انتظار", is no typo of "الانتحار", suicide)."""
        return self.folded[i] in known or KNOWN_STEM + self.stem(i, lang) in known

    def matches(self, i: int, pattern: Word, lang: str, known: frozenset[str] = frozenset()) -> int:
        """Whether message word ``i`` is ``pattern``: ``MISS``, ``MATCH``, ``GUESS`` or ``OTHER``
        (``typo_kind``); ``known``: words of ``lang`` (and stems, ``known``) that are never read as a typo.
        Another form of ``pattern`` (the same stem) is a match, unless the pattern does not inflect
        (``Word.inflects``): then it is no match, and no typo either ("bringen" for "bringe")."""
        folded = self.folded[i]
        word = pattern.word
        if pattern.prefix:
            if folded.startswith(word):
                return MATCH
            if len(word) < 6:
                return MISS
            typo = typo_kind(folded[: len(word)], word)  # the cheaper test first: most words are no typo
            return typo if typo == MISS or not self.known(i, lang, known) else MISS
        if folded == word:
            return MATCH
        if pattern.stem and self.stem(i, lang) == pattern.stem:
            return MATCH if pattern.inflects else MISS
        if len(word) >= 6 and abs(len(folded) - len(word)) <= 1 and len(folded) >= 6:
            typo = typo_kind(folded, word)
            return typo if typo == MISS or not self.known(i, lang, known) else MISS
        return MISS


def contiguous(positions: set[int], at: int) -> set[int]:
    """The run of consecutive ``positions`` that holds ``at``."""
    if at not in positions:
        return set()
    low = high = at
    while low - 1 in positions:
        low -= 1
    while high + 1 in positions:
        high += 1
    return set(range(low, high + 1))


def typo_kind(typed: str, word: str) -> int:
    """Whether ``typed`` is ``word`` with one typo: a letter missing, added or swapped with the next one
    (``MATCH``), or one letter wrong. A wrong letter in a word of eight letters or more is a typo too; in a
    shorter word it is only a ``GUESS``: often it is another word ("schläft"/"schlägt", sleeps/beats), and
    the engine asks the meaning; when the wrong letter is not even a neighbouring key of the right one
    ("yasiyor"/"yanıyor", lives/burns; "kalıyor"/"kanıyor", stays/bleeds; "trennt"/"brennt") it is
    ``OTHER``: another word, not a slip of the finger (the package's docstring)."""
    if OSA.distance(typed, word, score_cutoff=1) > 1:
        return MISS
    if len(word) < SUBSTITUTION_FROM and len(typed) == len(word) and Hamming.distance(typed, word) == 1:
        wrong, right = next((a, b) for a, b in zip(typed, word, strict=True) if a != b)
        return GUESS if wrong in NEIGHBOURS.get(right, ()) else OTHER
    return MATCH


def near_misses(words: set[str], patterns: Iterable[Word]) -> frozenset[str]:
    """The ``words`` that one typo would turn into one of the ``patterns`` (as ``Message.matches`` reads
    typos: words of six letters or more, prefixes of six or more): kept to look up, the rest dropped."""
    whole = sorted({p.word for p in patterns if not p.prefix and len(p.word) >= 6})
    prefixes = sorted({p.word for p in patterns if p.prefix and len(p.word) >= 6})
    candidates = sorted(w for w in words if len(w) >= 5)
    out: set[str] = set()
    if not candidates:
        return frozenset()
    if whole:
        distances = process.cdist(candidates, whole, scorer=OSA.distance, score_cutoff=1, workers=1)
        out.update(candidates[i] for i in np.flatnonzero(distances.min(axis=1) <= 1))
    for length in sorted({len(p) for p in prefixes}):
        heads = [w[:length] for w in candidates]
        same = [p for p in prefixes if len(p) == length]
        distances = process.cdist(heads, same, scorer=OSA.distance, score_cutoff=1, workers=1)
        out.update(candidates[i] for i in np.flatnonzero(distances.min(axis=1) <= 1))
    return frozenset(out)
