"""An inverted index over the catalogue with BM25 scoring, stems, typo tolerance and compound parts.

How a query is matched
----------------------
Every query word is analysed under all languages whose script it is written in (the resident may write in
another language than their setting). Each word becomes a *group* of candidate index terms with a weight:

========================================  ======  =========================================================
candidate                                 weight  example
========================================  ======  =========================================================
folded surface form                       1.0     "kurs"
stem under any analyser                   0.9     "kursen" → "kurs" (de)
inflection: vocabulary term is a prefix   0.75    "kursu" → "kurs", "kurs" → "kursu"
  of the word or vice versa (≤ 3 letters)
typo: edit distance 1 (2 for ≥ 8 letters) 0.7/0.55 "deutchkurs" → "deutschkurs" (only if nothing exact)
compound part: the word is the head or    0.5     "kurs" → "deutschkurs"
  modifier of a vocabulary compound
========================================  ======  =========================================================

An unknown long word that splits into two vocabulary words ("Deutschkurs" when only "Deutsch" and "Kurs"
are indexed, with an optional linking "s") is replaced by both parts.

A document's score is the sum over groups of the best ``weight × BM25(term, document)`` in the group, so a
word never counts twice because several of its forms matched.

Why it stays fast on 10 000 entries
-----------------------------------
- BM25 contributions are static per (term, document) and computed at build time.
- Candidate documents come from each term's *champion list* (its best ``CHAMPIONS`` documents); only those
  candidates are scored exactly by dictionary look-ups. A frequent word ("kurs" in thousands of entries)
  therefore costs ``CHAMPIONS`` steps, not thousands.
- Typo candidates come from a deletion neighbourhood (SymSpell): every vocabulary term of ≥ 4 letters is
  stored under itself and its one-letter deletions; a query word looks up its own deletions and the hits
  are verified with rapidfuzz's optimal string alignment distance. No scan over the vocabulary.
- Word analyses (8 snowball stemmers) are cached.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.search.normalize import LATIN, Token, analyse_query, script_of, text_terms

K1 = 1.2
B = 0.5
CHAMPIONS = 64
EXPANSION_CHAMPIONS = 16  # for inflection, typo and compound-part candidates
MAX_QUERY_TOKENS = 32
MAX_EXPANSIONS = 24  # per word and kind of expansion (compound parts, typos)

W_EXACT = 1.0
W_STEM = 0.9
W_INFLECTION = 0.75
W_TYPO_1 = 0.7
W_TYPO_2 = 0.55
W_PART = 0.5
W_SPLIT = 0.8


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """Something a resident can be shown: an offer, a FAQ entry, a partner, an event or a topic.

    ``fields`` maps a language to its texts with weights (title high, summary medium, details low);
    ``district_ids`` is None when the entry applies to every district.
    """

    id: str
    kind: str
    district_ids: frozenset[str] | None
    fields: dict[str, list[tuple[str, float]]]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str
    score: float

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


class SearchIndex:
    """Immutable inverted index; build it with :meth:`build` and share it between requests."""

    def __init__(
        self,
        docs: Sequence[SearchDocument],
        postings: dict[str, dict[int, float]],
    ) -> None:
        self._docs = list(docs)
        self._postings = postings
        self._champions: dict[str, tuple[int, ...]] = {
            term: tuple(sorted(p, key=p.__getitem__, reverse=True)[:CHAMPIONS])
            for term, p in postings.items()
        }
        self._deletes: dict[str, list[str]] = defaultdict(list)
        self._prefixes: dict[str, list[str]] = defaultdict(list)
        self._parts: dict[str, list[str]] = defaultdict(list)
        for term in postings:
            n = len(term)
            if n >= 4:
                self._deletes[term].append(term)
                for d in _deletions(term):
                    self._deletes[d].append(term)
            if n >= 5:
                for k in range(max(4, n - 3), n):
                    self._prefixes[term[:k]].append(term)
            if n >= 7 and script_of(term) == LATIN:
                for i in range(3, n - 3):
                    head, modifier = term[i:], term[:i]
                    known_head = len(head) >= 4 and head in postings
                    if known_head:
                        self._parts[head].append(term)
                    if len(modifier) >= 4 and (known_head or modifier in postings):
                        self._parts[modifier].append(term)
                    if (
                        len(modifier) >= 5
                        and modifier.endswith("s")
                        and (known_head or modifier[:-1] in postings)
                    ):
                        self._parts[modifier[:-1]].append(term)  # linking s: Bewerbung-s-training
        self._deletes = dict(self._deletes)
        self._prefixes = dict(self._prefixes)
        self._parts = dict(self._parts)

    # --- building ----------------------------------------------------------------------------------------

    @classmethod
    def build(cls, docs: Iterable[SearchDocument]) -> SearchIndex:
        docs = list(docs)
        term_freqs: list[dict[str, float]] = []
        lengths: list[float] = []
        for doc in docs:
            merged: dict[str, float] = {}
            total_length = 0.0
            n_langs = 0
            for lang, texts in doc.fields.items():
                n_langs += 1
                tf: dict[str, float] = {}
                for text, weight in texts:
                    words, counts = text_terms(text, lang)
                    total_length += words * weight
                    for term, count in counts:
                        tf[term] = tf.get(term, 0.0) + count * weight
                # The same word in the German and the Turkish title is one piece of evidence, not two.
                for term, value in tf.items():
                    if value > merged.get(term, 0.0):
                        merged[term] = value
            term_freqs.append(merged)
            lengths.append(total_length / max(1, n_langs))

        n_docs = len(docs)
        avg_length = (sum(lengths) / n_docs) if n_docs else 1.0
        doc_freq: Counter[str] = Counter()
        for tf in term_freqs:
            doc_freq.update(tf.keys())
        idf = {term: math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for term, df in doc_freq.items()}
        postings: dict[str, dict[int, float]] = {term: {} for term in doc_freq}
        k1_plus_1 = K1 + 1
        for doc_idx, tf in enumerate(term_freqs):
            norm = K1 * (1 - B + B * lengths[doc_idx] / (avg_length or 1.0))
            for term, value in tf.items():
                postings[term][doc_idx] = idf[term] * value * k1_plus_1 / (value + norm)
        return cls(docs, postings)

    # --- querying ----------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def documents(self) -> list[SearchDocument]:
        return list(self._docs)

    def has_term(self, term: str) -> bool:
        return term in self._postings

    def _typos(self, word: str) -> list[tuple[str, float]]:
        max_distance = 2 if len(word) >= 8 else 1
        seen: set[str] = set()
        out: list[tuple[str, float]] = []
        for key in (word, *_deletions(word)):
            for term in self._deletes.get(key, ()):
                if term in seen:
                    continue
                seen.add(term)
                distance = OSA.distance(word, term, score_cutoff=max_distance)
                if distance <= max_distance:
                    out.append((term, W_TYPO_1 if distance <= 1 else W_TYPO_2))
        out.sort(key=lambda tw: -tw[1])
        return out[:MAX_EXPANSIONS]

    def _split(self, word: str) -> list[str] | None:
        """Two vocabulary words that make up ``word`` (German compound), preferring a long head."""
        for i in range(3, len(word) - 3):
            modifier, head = word[:i], word[i:]
            if head not in self._postings:
                continue
            if modifier in self._postings:
                return [modifier, head]
            if modifier.endswith("s") and modifier[:-1] in self._postings:
                return [modifier[:-1], head]
        return None

    def expand(self, token: Token) -> list[dict[str, float]]:
        """Candidate index terms (with weights) for one query word; a split compound gives two groups."""
        postings = self._postings
        word = token.surface
        group: dict[str, float] = {}

        def offer(term: str, weight: float) -> None:
            if term in postings and weight > group.get(term, 0.0):
                group[term] = weight

        offer(word, W_EXACT)
        for s in token.stems:
            offer(s, W_STEM)
        exact = bool(group)
        if len(word) >= 4:
            for k in range(max(4, len(word) - 3), len(word)):
                offer(word[:k], W_INFLECTION)
            for forms in (token.stems, (word,)):
                for form in forms:
                    for term in self._prefixes.get(form, ())[:MAX_EXPANSIONS]:
                        offer(term, W_INFLECTION)
            for k in range(max(4, len(word) - 3), len(word) + 1):  # "bewerbungen" → "bewerbung|s|training"
                for term in self._parts.get(word[:k], ())[:MAX_EXPANSIONS]:
                    offer(term, W_PART)
            if not exact:
                for term, weight in self._typos(word):
                    offer(term, weight)
                if len(word) >= 8 and not group:
                    parts = self._split(word)
                    if parts:
                        return [{p: W_SPLIT} for p in parts]
        return [group] if group else []

    def search(self, query: str, lang: str, district: str | None = None, limit: int = 3) -> list[Hit]:
        """The best ``limit`` documents for ``query`` (``lang`` is the resident's setting; the query is
        analysed under every language anyway). Documents of other districts are left out."""
        del lang  # every analyser runs; kept in the signature for ranking by language later
        tokens = analyse_query(query)[:MAX_QUERY_TOKENS]
        content = [t for t in tokens if not t.stop] or tokens
        groups: list[dict[str, float]] = []
        seen_words: set[str] = set()
        for token in content:
            if token.surface in seen_words:
                continue
            seen_words.add(token.surface)
            groups.extend(self.expand(token))
        return self.score(groups, district, limit)

    def score(self, groups: list[dict[str, float]], district: str | None, limit: int) -> list[Hit]:
        """Sum over groups of the best ``weight × BM25`` per document, for the champion candidates."""
        if not groups or limit <= 0:
            return []
        candidates: set[int] = set()
        for group in groups:
            for term, weight in group.items():
                champions = self._champions[term]
                candidates.update(champions if weight >= W_STEM else champions[:EXPANSION_CHAMPIONS])
        docs = self._docs
        if district is not None:
            candidates = {d for d in candidates if district in (docs[d].district_ids or (district,))}
        postings = self._postings
        totals: dict[int, float] = defaultdict(float)
        for group in groups:
            best: dict[int, float] = {}
            for term, weight in group.items():
                posting = postings[term]
                # set intersection runs in C; a frequent term costs len(candidates), not its df
                for doc_idx in (
                    candidates & posting.keys() if len(posting) > 8 else posting.keys() & candidates
                ):
                    value = posting[doc_idx] * weight
                    if value > best.get(doc_idx, 0.0):
                        best[doc_idx] = value
            for doc_idx, value in best.items():
                totals[doc_idx] += value
        ranked = heapq.nlargest(limit, totals.items(), key=lambda item: (item[1], -item[0]))
        return [Hit(docs[i].id, docs[i].kind, round(score, 4)) for i, score in ranked]
