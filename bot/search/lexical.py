"""Lexical evidence: BM25 over the analysed words of each entry, one document per entry and language.

A resident is read in their :func:`~bot.search.normalize.scope` (their language, German, English), and
only the entries' texts in those languages are searched: a Turkish question never meets a Polish text.
A query word counts once per entry (the best of its surface form and its stems); a word the index does
not know at all may be a typo of one it knows (one edit, two from eight letters on, words of five
letters or more). Stop words and numbers carry nothing.

At the users' scale (≤ 2,000 entries in 9 languages) plain dictionaries are enough: building the index
for 2,000 entries takes about a second, a query a few milliseconds (BENCHMARKS.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.documents import Entry, single_keywords
from bot.search.normalize import Word, content_words, query_words, scope

K1 = 1.2
B = 0.75
TYPO_WEIGHT = 0.7  # a word found only through a typo counts for less


@dataclass(frozen=True, slots=True)
class LexicalHits:
    """Scores of one query: entry index → BM25 score, and → how many of the query's words it matched."""

    scores: dict[int, float]
    matched: dict[int, int]
    words: int  # the query's words that can carry an answer (not stop words, not numbers)


class _Language:
    """The BM25 statistics of the entries' texts in one language."""

    def __init__(self) -> None:
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.lengths: dict[int, float] = {}
        self.idf: dict[str, float] = {}
        self.surfaces: list[str] = []
        self.average = 1.0

    def finish(self) -> None:
        n = len(self.lengths)
        self.average = (sum(self.lengths.values()) / n) if n else 1.0
        for term, postings in self.postings.items():
            df = len(postings)
            self.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        self.surfaces = sorted(t for t in self.postings if ":" not in t)


class LexicalIndex:
    """Build once per catalogue; :meth:`search` is read-only and thread-safe."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        self.keep = single_keywords(entries)
        self.languages: dict[str, _Language] = defaultdict(_Language)
        for index, entry in enumerate(entries):
            by_lang: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            for lang, text, weight in entry.fields:
                keep = self.keep.get(lang, set())
                tf = by_lang[lang]
                for word in content_words(text, lang):
                    if word.number or (word.stop and word.surface not in keep):
                        continue
                    for term in word.terms:
                        tf[term] += weight
                    tf["\0length"] += weight
            for lang, tf in by_lang.items():
                language = self.languages[lang]
                language.lengths[index] = tf.pop("\0length", 0.0)
                for term, value in tf.items():
                    language.postings[term].append((index, value))
        for language in self.languages.values():
            language.finish()

    def search(self, text: str, lang: str) -> LexicalHits:
        """BM25 scores of the entries for a resident's message written in ``lang``."""
        langs = [code for code in scope(lang) if code in self.languages]
        keep = set().union(*(self.keep.get(code, set()) for code in langs))
        words: dict[str, Word] = {}
        for word in query_words(text, lang):
            if not word.number and (not word.stop or word.surface in keep):
                words.setdefault(word.surface, word)
        best: dict[int, float] = {}
        best_matched: dict[int, int] = {}
        for code in langs:
            language = self.languages[code]
            scores: dict[int, float] = defaultdict(float)
            matched: dict[int, int] = defaultdict(int)
            for word in words.values():
                contributions = self._word(language, word.terms, 1.0)
                if not contributions and len(word.surface) >= 5:
                    contributions = self._word(language, self._typos(language, word.surface), TYPO_WEIGHT)
                for index, value in contributions.items():
                    scores[index] += value
                    matched[index] += 1
            for index, score in scores.items():
                if score > best.get(index, 0.0):
                    best[index] = score
                    best_matched[index] = matched[index]
        return LexicalHits(best, best_matched, len(words))

    @staticmethod
    def _word(language: _Language, terms: frozenset[str], factor: float) -> dict[int, float]:
        """Entry index → the best BM25 term score of any of ``terms`` (one word counts once)."""
        out: dict[int, float] = {}
        for term in terms:
            postings = language.postings.get(term)
            if not postings:
                continue
            idf = language.idf[term] * factor
            for index, tf in postings:
                norm = K1 * (1 - B + B * language.lengths[index] / language.average)
                value = idf * tf * (K1 + 1) / (tf + norm)
                if value > out.get(index, 0.0):
                    out[index] = value
        return out

    @staticmethod
    def _typos(language: _Language, surface: str) -> frozenset[str]:
        limit = 2 if len(surface) >= 8 else 1
        found = process.extract(surface, language.surfaces, scorer=OSA.distance, score_cutoff=limit, limit=3)
        return frozenset(term for term, _, _ in found if len(term) >= 5)
