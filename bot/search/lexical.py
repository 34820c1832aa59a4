"""Lexical evidence: BM25 over the analysed words of each entry, one document per entry and language.

A resident is read in their :func:`~bot.search.normalize.scope` (their language, German, English), and
only the entries' texts in those languages are searched: a Turkish question never meets a Polish text.
A query word counts once per entry (the best of its surface form and its stems); a word the index does
not know at all may be a typo of one it knows (one edit, two from eight letters on, words of five
letters or more). Stop words and numbers carry nothing, except a stop word that staff use as a keyword
on its own: it is a name then (the partner "NOW"), and counts as one only when the resident writes it as
the entry's title spells it ("who is NOW"), if a title spells it with capitals that no sentence start
explains: "I need help now", "What can I do now?" use the everyday word (``LexicalIndex.names``).

At the users' scale (≤ 2,000 entries in 9 languages) a dictionary of numpy arrays per language is enough
(BENCHMARKS.md has the build time, memory and query time at 2,000 entries).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.documents import MENTIONS, TITLE, Entry, single_keywords
from bot.search.normalize import (
    Word,
    analyse_word,
    analyser_lang,
    fold,
    german_letters,
    latin_word_reading,
    query_words,
    raw_tokens,
    scope,
    stem,
    stop_words,
)
from bot.search.persons import Gender, named_in_compound, person

K1 = 1.2
B = 0.75
TYPO_WEIGHT = 0.7  # a word found only through a typo counts for less
TYPO_MEMO = 4096  # words whose typo matches a language keeps (``_Language.typos``)


@dataclass(frozen=True, slots=True)
class LexicalHits:
    """Scores of one query: entry index → BM25 score, and → how many of the query's words it matched."""

    scores: dict[int, float]
    matched: dict[int, int]
    words: int  # the query's words that can carry an answer (not stop words, not numbers)
    # The scores from the words that do not name a person (bot/search/persons.py): what is wanted, not
    # whom it is for; and the genders of the persons the query names.
    things: dict[int, float] = field(default_factory=dict)
    things_matched: dict[int, int] = field(default_factory=dict)
    genders: frozenset[Gender] = frozenset()
    # The query's words that no entry is about in any of its languages, not even as a typo ("Wohnung",
    # "Hund", "врачу" where the content has no flat, dog or doctor; a word only an answer or an offer's
    # details mention in passing, "beim Arzt", counts as none): what the question is about, when the
    # words it shares with an entry only say how ("anmelden", "записаться") or in which language.
    unknown: int = 0
    # Per entry, how many of the query's content words it has (no stop word kept as a keyword, like
    # "wo", no word naming a person), and how many content words the query has.
    content_matched: dict[int, int] = field(default_factory=dict)
    content_words: int = 0


class _Language:
    """The BM25 statistics of the entries' texts in one language: per term the entries that contain it
    and its weighted frequency there, as slices of two numpy arrays (at 2,000 entries in 9 languages a
    million postings: as Python tuples they took ~200 MB, as arrays ~12 MB).

    Built in one go from every word of every text (:meth:`build`): each distinct word is analysed once,
    the counting is numpy's."""

    def __init__(self, lang: str, size: int) -> None:
        self.lang = lang
        self.size = size  # entries of the catalogue (the length of the per-entry arrays)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        self.surfaces: list[str] = []
        # The terms of the fields that say what an entry is about (not ``MENTIONS``): a query word only the
        # others have names a thing the content mentions in passing, not one it offers.
        self.about: frozenset[str] = frozenset()
        self.lengths: np.ndarray = np.zeros(0, dtype=np.int64)  # of each surface
        self.norms: np.ndarray = np.ones(size)
        # A word's typo matches (``LexicalIndex._typos``), kept: a message is searched as a whole and again
        # without its trigger or set-aside words, and residents ask alike. At most ``TYPO_MEMO`` words.
        self.typos: dict[str, frozenset[str]] = {}

    def build(self, words: list[str], entries: list[int], weights: list[float], keep: set[str]) -> None:
        """``words[i]`` was written in entry ``entries[i]``, in a field of weight ``weights[i]``."""
        about_words = {w for w, weight in zip(words, weights, strict=True) if weight not in MENTIONS}
        vocabulary: dict[str, int] = {}
        word_ids = np.fromiter(
            (vocabulary.setdefault(w, len(vocabulary)) for w in words), dtype=np.int64, count=len(words)
        )
        # Per distinct word: its two terms (surface, "<lang>:<stem>"), or -1 for a stop word or a number.
        term_ids: dict[str, int] = {}
        columns = np.full((len(vocabulary), 2), -1, dtype=np.int64)
        langs = (analyser_lang(self.lang),)
        about: set[str] = set()
        for raw, wid in vocabulary.items():
            word = analyse_word(raw, langs)
            if word.number or (word.stop and word.surface not in keep):
                continue
            for column, term in enumerate(sorted(word.terms)):
                columns[wid, column] = term_ids.setdefault(term, len(term_ids))
            if raw in about_words:
                about.update(word.terms)
        self.about = frozenset(about)
        owner = np.asarray(entries, dtype=np.int64)
        weight = np.asarray(weights)
        counted = columns[word_ids, 0] >= 0
        lengths = np.bincount(owner[counted], weights=weight[counted], minlength=self.size)
        # (term, entry) pairs of every counted word, both columns; summed per pair.
        terms = columns[word_ids[counted]].ravel()
        pair_entries = np.repeat(owner[counted], 2)
        pair_weights = np.repeat(weight[counted], 2)
        keep_pairs = terms >= 0
        keys = terms[keep_pairs] * self.size + pair_entries[keep_pairs]
        unique, inverse = np.unique(keys, return_inverse=True)
        values = np.bincount(inverse, weights=pair_weights[keep_pairs])
        term_of, entry_of = np.divmod(unique, self.size)
        bounds = np.searchsorted(term_of, np.arange(len(term_ids) + 1))
        has_text = lengths > 0
        n = int(has_text.sum())
        average = float(lengths[has_text].mean()) if n else 1.0
        self.norms = K1 * (1 - B + B * lengths / average)
        entry_of = entry_of.astype(np.int32)
        starts = bounds.tolist()  # Python ints: the loop runs once per term
        for term, tid in term_ids.items():
            start, end = starts[tid], starts[tid + 1]
            self.idf[term] = math.log(1 + (n - (end - start) + 0.5) / (end - start + 0.5))
            self.postings[term] = (entry_of[start:end], values[start:end])
        self.surfaces = sorted(t for t in self.postings if ":" not in t)
        self.lengths = np.fromiter(map(len, self.surfaces), dtype=np.int64, count=len(self.surfaces))


def _cased_words(text: str) -> set[str]:
    """The words of ``text`` as written (case kept): how a name is told from the everyday word."""
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", text)))


class LexicalIndex:
    """Build once per catalogue; :meth:`search` is read-only and thread-safe."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        self.keep = single_keywords(entries)
        texts: dict[str, tuple[list[str], list[int], list[float]]] = {}
        for index, entry in enumerate(entries):
            for lang, text, weight in entry.fields:
                words, owners, weights = texts.setdefault(lang, ([], [], []))
                found = raw_tokens(text)
                words.extend(found)
                owners.extend([index] * len(found))
                weights.extend([weight] * len(found))
        # Language → every word of the entries' texts in it, as split (``raw_tokens``): the words the content
        # knows, which the emergency detector reads as no typo of a trigger (``SearchEngine.from_catalogue``).
        self.vocabulary = {lang: frozenset(words) for lang, (words, _owners, _weights) in texts.items()}
        # Language → a kept stop word (folded) → how titles spell it when not in small letters ("NOW").
        # Capitals beyond the first letter, which no sentence start explains ("NOW", not "Help with…").
        self.names: dict[str, dict[str, set[str]]] = {}

        def stops(lang: str) -> frozenset[str]:
            return stop_words(analyser_lang(lang))

        for entry in entries:
            for lang, text, weight in entry.fields:
                kept = self.keep.get(lang, set())
                for word in _cased_words(text) if weight == TITLE else ():
                    folded = fold(word)
                    as_name = word not in (word.lower(), word.capitalize())
                    if as_name and folded in kept and folded in stops(lang):
                        self.names.setdefault(lang, {}).setdefault(folded, set()).add(word)
        self.languages: dict[str, _Language] = {}
        for lang, (words, owners, weights) in texts.items():
            language = self.languages[lang] = _Language(lang, len(entries))
            language.build(words, owners, weights, self.keep.get(lang, set()))

    def search(self, text: str, lang: str, known: frozenset[str] = frozenset()) -> LexicalHits:
        """BM25 scores of the entries for a resident's message written in ``lang``; ``known``: words
        (folded) that count as known though no entry has them (``LexicalHits.unknown``)."""
        langs = [code for code in scope(lang) if code in self.languages]
        keep = set().union(*(self.keep.get(code, set()) for code in langs))
        written = _cased_words(text)
        names: dict[str, set[str]] = {}
        for code in langs:
            for folded, spellings in self.names.get(code, {}).items():
                names.setdefault(folded, set()).update(spellings)
        # A word typed in Latin letters by a resident whose language has a Latin spelling is read twice
        # (the engine adds the message in Cyrillic below it: "gibt es sprachcafe" / "гибт ес спрачцафе"):
        # as typed (German, English) and in the resident's letters. Both readings are one word of the
        # question: it counts once, by the better reading, and is no word at all when either reading is a
        # stop word ("es" / "ес"). Counted apart, every Latin word was two and a German question asked in
        # a Russian chat matched only half of its words.
        analysed = query_words(text, lang)
        reads: dict[str, str] = {}  # the reading (folded) → the word as typed
        for word in analysed:
            if (reading := latin_word_reading(word.surface, lang)) is not None:
                reads.setdefault(reading, word.surface)
        groups: dict[str, dict[str, Word]] = {}
        # The word as typed (lower case), for the compounds that say whom: "Mütter-" folds to "Mutter-".
        typed = dict(zip((word.surface for word in analysed), raw_tokens(text), strict=True))
        for word in analysed:
            groups.setdefault(reads.get(word.surface, word.surface), {}).setdefault(word.surface, word)
        words: dict[str, list[Word]] = {}
        genders: dict[str, Gender] = {}  # query word → gender of the words that name a person
        compounds: set[Gender] = set()  # the genders of compounds that say whom a thing is for ("Frauencafé")
        for key, readings in groups.items():
            for word in readings.values():
                if (gender := person(word, lang)) is not None:
                    genders[key] = gender
                elif (gender := named_in_compound(typed.get(word.surface, ""), lang)) is not None:
                    compounds.add(gender)
            if all(self._counts(word, keep, names, written) for word in readings.values()):
                words[key] = list(readings.values())
        best = np.zeros(len(self.entries))
        best_matched = np.zeros(len(self.entries), dtype=np.int32)
        best_things = np.zeros(len(self.entries))
        best_things_matched = np.zeros(len(self.entries), dtype=np.int32)
        found_words: set[str] = set(known)  # the query words some entry has, or known anyway
        plain = {key for key, forms in words.items() if key not in genders and not any(w.stop for w in forms)}
        best_plain = np.zeros(len(self.entries), dtype=np.int32)
        for code in langs:
            language = self.languages[code]
            scores = np.zeros(language.size)
            things = np.zeros(language.size)
            things_matched = np.zeros(language.size, dtype=np.int32)
            matched = np.zeros(language.size, dtype=np.int32)
            plain_matched = np.zeros(language.size, dtype=np.int32)
            for key, forms in words.items():
                contribution: np.ndarray | None = None
                for word in forms:
                    part, about = self._contribution(language, word, code)
                    if part is not None:
                        contribution = part if contribution is None else np.maximum(contribution, part)
                    if about:
                        found_words.add(key)
                if contribution is not None:
                    scores += contribution
                    matched += contribution > 0
                    if key in plain:
                        plain_matched += contribution > 0
                    if key not in genders:
                        things += contribution
                        things_matched += contribution > 0
            better = scores > best
            best = np.where(better, scores, best)
            best_matched = np.where(better, matched, best_matched)
            best_plain = np.where(better, plain_matched, best_plain)
            best_things = np.where(better, things, best_things)
            best_things_matched = np.where(better, things_matched, best_things_matched)
        found = np.flatnonzero(best)
        named = np.flatnonzero(best_things)
        return LexicalHits(
            dict(zip(found.tolist(), best[found].tolist(), strict=True)),
            dict(zip(found.tolist(), best_matched[found].tolist(), strict=True)),
            len(words),
            dict(zip(named.tolist(), best_things[named].tolist(), strict=True)),
            dict(zip(named.tolist(), best_things_matched[named].tolist(), strict=True)),
            frozenset(genders.values()) | compounds,
            len(words.keys() - found_words - genders.keys()),
            dict(zip(found.tolist(), best_plain[found].tolist(), strict=True)),
            len(plain),
        )

    @staticmethod
    def _counts(word: Word, keep: set[str], names: dict[str, set[str]], written: set[str]) -> bool:
        """Whether a query word can carry an answer: no number, no stop word unless staff use it as a
        keyword, and a stop word that is a name ("NOW") only as the title spells it."""
        if word.stop and word.surface in names and not names[word.surface] & written:
            return False  # "now", not "NOW"
        return not word.number and (not word.stop or word.surface in keep)

    def _contribution(self, language: _Language, word: Word, code: str) -> tuple[np.ndarray | None, bool]:
        """Per entry, the BM25 score of one query word in ``language`` (read in ``code``), None if it does
        not occur there, not even as a typo; and whether an entry is about it (a term found is one of
        ``_Language.about``)."""
        terms, surfaces = word.terms, [word.surface]
        # A loan word in Cyrillic letters ("з джобцентру"): the German spelling of it and of its stem as well.
        for form in (word.surface, *(term.split(":", 1)[1] for term in word.terms if ":" in term)):
            spelled = german_letters(form)
            if spelled is not None and spelled not in surfaces:
                terms = terms | analyse_word(spelled, (analyser_lang(code),)).terms
                surfaces.append(spelled)
        found = terms
        contribution = self._word(language, found, 1.0)
        if contribution is None and analyser_lang(code) == "tr":
            found = _turkish_endings_off(terms)
            contribution = self._word(language, found, 1.0)
        for surface in surfaces:
            if contribution is None and len(surface) >= 5:
                found = self._typos(language, surface)
                contribution = self._word(language, found, TYPO_WEIGHT)
        return contribution, contribution is not None and not found.isdisjoint(language.about)

    @staticmethod
    def _word(language: _Language, terms: frozenset[str], factor: float) -> np.ndarray | None:
        """Per entry, the best BM25 term score of any of ``terms`` (one word counts once); None if no term
        occurs in this language."""
        out: np.ndarray | None = None
        for term in terms:
            postings = language.postings.get(term)
            if postings is None:
                continue
            entries, tf = postings
            values = language.idf[term] * factor * tf * (K1 + 1) / (tf + language.norms[entries])
            if out is None:
                out = np.zeros(language.size)
            out[entries] = np.maximum(out[entries], values)
        return out

    @staticmethod
    def _typos(language: _Language, surface: str) -> frozenset[str]:
        known = language.typos.get(surface)
        if known is not None:
            return known
        limit = 2 if len(surface) >= 8 else 1
        # Only the surfaces as long as the word, give or take the typos allowed (the distance is at least
        # the difference in length), in their order: the same three best, ties to the first.
        near = np.flatnonzero(np.abs(language.lengths - len(surface)) <= limit).tolist()
        candidates = [language.surfaces[i] for i in near]
        found = process.extract(surface, candidates, scorer=OSA.distance, score_cutoff=limit, limit=3)
        terms = frozenset(term for term, _, _ in found if len(term) >= 5)
        if len(language.typos) >= TYPO_MEMO:
            language.typos.clear()
        language.typos[surface] = terms
        return terms


_TR_VOWELS = frozenset("aeiouıöü")


def _turkish_endings_off(terms: frozenset[str]) -> frozenset[str]:
    """A Turkish word that meets no Turkish text, read without the endings snowball leaves on it: the "s" of
    a possessive after a vowel ("kirası" → "kiras" → "kira", the rent; "faturası" → "faturas" → "fatura")
    and a stem snowball would cut further ("faturaları" → "fatura", where the texts' "fatura" is "fatur").
    Only for words the texts do not know as they are: "polisi", "kresi", "adresi" keep their "s" (an
    earlier step took it off every word and "kresi nasıl bulurum" lost its childcare answer)."""
    out: set[str] = set()
    for term in terms:
        if not term.startswith("tr:"):
            continue
        base = term[3:]
        if len(base) >= 5 and base.endswith("s") and base[-2] in _TR_VOWELS:
            out.update((f"tr:{base[:-1]}", f"tr:{stem(base[:-1], 'tr')}"))
        out.add(f"tr:{stem(base, 'tr')}")
    return frozenset(out - terms)
