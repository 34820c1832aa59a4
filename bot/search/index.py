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
typo: edit distance 1 (2 for ≥ 8 letters) 0.7/0.55 "deutchkurs" → "deutschkurs" (only if nothing exact;
  of words with ≥ 5 letters)
compound part: the word is the head or    0.5     "kurs" → "deutschkurs"
  modifier of a vocabulary compound
========================================  ======  =========================================================

An unknown long word that splits into two vocabulary words ("Deutschkurs" when only "Deutsch" and "Kurs"
are indexed, with an optional linking "s") is replaced by both parts.

A document's score is the sum over groups of the best ``weight × BM25(term, document)`` in the group, so a
word never counts twice because several of its forms matched.

Why it stays fast and small on 10 000 entries
---------------------------------------------
- The build is one pass over the documents: each whitespace piece of text is analysed once per language
  into term ids (:class:`~bot.search.normalize.ChunkTerms`); where the installation compiled
  ``_builder.c`` a document's texts are split, counted, summed per language and merged in C over arrays
  indexed by term id (else in Python over dicts, with the same float operations).
- Postings are two flat arrays (document, BM25 contribution) addressed by term id: per term its best
  ``CHAMPIONS`` documents by contribution (the *champion list*, highest first), then the rest ordered by
  document. About 12 bytes per posting instead of a dict entry and a float object. The index keeps no
  document texts, only id, kind and districts.
- A query walks only the champion lists of its terms: at most ``CHAMPIONS`` steps per term, however
  many documents contain it. Candidates are the champions (of a long list, > ``CHAMPIONS``, only the first
  ``EXPANSION_CHAMPIONS`` of an inflection, typo or compound-part term and the first ``LONG_CHAMPIONS``
  of an exact or stem term). The ``MAX_COMPLETIONS`` candidates with the best partial sums get the rest
  of their exact/stem contributions from the unread champions (a dict) and the document-ordered rest (by
  bisection), skipping the lists a bitmap says they are not in. With lists no longer than ``CHAMPIONS``
  (every list of the shipped content) nothing is left out: the scores are the full BM25 sums over the
  candidates, exactly as with a dict of postings.
- Typo candidates come from a deletion neighbourhood (SymSpell): every vocabulary term of ≥ 4 letters is
  stored under itself and its one-letter deletions; a query word looks up its own deletions and the hits
  are verified with rapidfuzz's optimal string alignment distance. No scan over the vocabulary. This table,
  the inflection prefixes and the compound parts are sorted arrays of (hash of key, term id) packed into
  one 64-bit integer each, looked up by bisection; every hit is checked against the term itself.
- Word analyses of queries (8 snowball stemmers) are cached.
- :meth:`SearchIndex.score` runs in C (``_scorer.c``) where the installation could compile it: the same
  algorithm with the same float operations, so the same hits and scores; the pure-Python scorer below is
  the reference and the fallback (see BENCHMARKS.md for what each costs on 10,000 entries).
"""

from __future__ import annotations

import collections
import heapq
import logging
import math
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress
from typing import Any, Literal

from rapidfuzz.distance import OSA

from bot.search.normalize import LATIN, ChunkTerms, Token, analyse_query, script_of

try:  # built from _scorer.c at installation when a C compiler is at hand (setup.py)
    from bot.search import _scorer
except ImportError:  # pragma: no cover - the pure-Python scorer below gives the same results, slower
    _scorer = None  # type: ignore[assignment]
COMPILED_SCORER = _scorer is not None  # logged at start: large catalogues want it
try:  # the build's hot loops, from _builder.c (same conditions)
    from bot.search import _builder
except ImportError:  # pragma: no cover - the pure-Python build below makes the same index, slower
    _builder = None  # type: ignore[assignment]
COMPILED_BUILDER = _builder is not None

K1 = 1.2
B = 0.5
CHAMPIONS = 24  # ≥ the longest posting list of the shipped content (17; tests/search guard it)
EXPANSION_CHAMPIONS = 8  # read of long lists of inflection, typo and compound-part candidates
LONG_CHAMPIONS = 8  # read of long lists (> CHAMPIONS) of exact and stem terms; the rest is probed
MAX_QUERY_TOKENS = 32
MAX_EXPANSIONS = 24  # per word and kind of expansion (compound parts, typos)
BITMAP_MIN = 64  # long exact/stem lists from this length are probed (with a bitmap), shorter read
BITMAPS_KEPT = 2048  # bitmaps of long lists kept for the next queries (least recently used go)
TYPO_MIN_LETTERS = 5  # shorter words have too many neighbours one letter away ("quit" → "suit")
MAX_COMPLETIONS = 32  # candidates completed from unread parts of posting lists, per query

W_EXACT = 1.0
W_STEM = 0.9
W_INFLECTION = 0.75
W_TYPO_1 = 0.7
W_TYPO_2 = 0.55
W_PART = 0.5
W_SPLIT = 0.8
# What the compiled scorer needs to know of the rules above (bot/search/_scorer.c).
_SCORER_PARAMS = (CHAMPIONS, EXPANSION_CHAMPIONS, LONG_CHAMPIONS, BITMAP_MIN, MAX_COMPLETIONS, W_STEM)

_TID_BITS = 24  # term ids in the packed lookup tables (16.7 million terms)
_TID_MASK = (1 << _TID_BITS) - 1
_HASH_MASK = (1 << (63 - _TID_BITS)) - 1

# Counter's C helper (counts[item] += 1 over an iterable) without Counter's per-call type checks.
_count_elements: Callable[[dict[Any, int], Iterable[Any]], None] = getattr(
    collections, "_count_elements", lambda counts, items: counts.update(collections.Counter(items))
)


# Separators of a packed part: between the languages' texts, and between the items of a list (whitespace
# to ``str.split()``, so the items are split apart). Control characters no YAML text can contain.
PACKED_LANG_SEP, PACKED_ITEM_SEP = b"\x1f", b"\x1e"


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """Something a resident can be shown: an offer, a FAQ entry, a partner, an event or a topic.

    ``fields`` maps a language to its texts with weights (title high, summary medium, details low), each
    text a ``str`` or its UTF-8 ``bytes``; only languages with a non-empty text are in it. Content that is
    stored packed comes as ``packed`` instead: per field ``(languages, UTF-8 blob, weight)``, the blob
    holding one text per language separated by ``PACKED_LANG_SEP`` (:meth:`texts` gives both forms as
    ``fields``). ``district_ids`` is None when the entry applies to every district.
    """

    id: str
    kind: str
    district_ids: frozenset[str] | None
    fields: dict[str, list[tuple[str | bytes, float]]] = field(default_factory=dict)
    packed: tuple[tuple[tuple[str, ...], bytes, float], ...] | None = None

    def texts(self) -> dict[str, list[tuple[str, float]]]:
        """Language → texts (decoded) with weights, from ``fields`` or from ``packed``."""
        texts: dict[str, list[tuple[str, float]]] = {}
        if self.packed is None:
            for lang, items in self.fields.items():
                texts[lang] = [(t.decode() if isinstance(t, bytes) else t, w) for t, w in items]
            return texts
        for langs, blob, weight in self.packed:
            for lang, text in zip(langs, blob.split(PACKED_LANG_SEP), strict=True):
                if text.strip(PACKED_ITEM_SEP):  # a list of empty items is no text
                    texts.setdefault(lang, []).append((text.decode(), weight))
        return texts

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


logger = logging.getLogger(__name__)


def _typecode(values: Any) -> str:
    """The item type of an array or memoryview ("H", "I", "d")."""
    return values.typecode if isinstance(values, array) else values.format


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


class _TermTable:
    """An immutable multimap string → term ids: sorted ``hash(key) << 24 | term id`` in one array.

    A few bytes per entry instead of a dict entry, a key string and a list. Hashes are truncated, so a
    lookup can (very rarely) return a term stored under another key: callers check the terms they get.
    Built and used in one process (``str`` hashes are salted per process).
    """

    __slots__ = ("_buckets", "_packed", "_shift")

    def __init__(self, packed: Iterable[int]) -> None:
        self._packed = array("q", sorted(set(packed)))
        # Directory by the top bits of the hash: bucket b is _packed[_buckets[b]:_buckets[b + 1]]
        # so a lookup is two array reads and a tiny slice, no bisection.
        bits = len(self._packed).bit_length() + 1  # 2-4 buckets per entry: most misses find an empty one
        self._shift = _TID_BITS + (63 - _TID_BITS) - bits
        counts = [0] * ((1 << bits) + 1)
        for p in self._packed:
            counts[(p >> self._shift) + 1] += 1
        self._buckets = array("I", accumulate(counts))

    @staticmethod
    def pack(key: str, term_id: int) -> int:
        return (hash(key) & _HASH_MASK) << _TID_BITS | term_id

    def get(self, key: str) -> list[int]:
        """Term ids stored under ``key``, in ascending order (= order of first appearance in the docs)."""
        h = hash(key) & _HASH_MASK
        b = (h << _TID_BITS) >> self._shift
        buckets = self._buckets
        lo, hi = buckets[b], buckets[b + 1]
        if lo == hi:
            return []
        return [p & _TID_MASK for p in self._packed[lo:hi] if p >> _TID_BITS == h]

    def __len__(self) -> int:
        return len(self._packed)


class _Analysers(dict[str, ChunkTerms]):
    """One :class:`ChunkTerms` per content language of a build (plain German shares German's)."""

    def __init__(self, term_ids: dict[str, int], terms: list[str], *, packed: bool = False) -> None:
        super().__init__()
        self._term_ids, self._terms, self._packed = term_ids, terms, packed

    def __missing__(self, lang: str) -> ChunkTerms:
        key = "de" if lang == "de-simple" else lang
        analyser = self.get(key)
        if analyser is None:
            analyser = self[key] = ChunkTerms(lang, self._term_ids, self._terms, packed=self._packed)
        self[lang] = analyser
        return analyser


class SearchIndex:
    """Immutable inverted index; build it with :meth:`build` and share it between requests."""

    def __init__(
        self,
        docs: Iterable[tuple[str, str, frozenset[str] | None]],
        terms: list[str],
        offsets: array[int],
        post_docs: array[int] | memoryview,
        post_scores: array[float] | memoryview[float],
        expansions: tuple[_TermTable, _TermTable, _TermTable] | None = None,
    ) -> None:
        """``docs``: (id, kind, district ids) per document; ``terms``: the vocabulary by term id;
        postings of term ``t`` at ``offsets[t]:offsets[t + 1]`` of ``post_docs``/``post_scores``:
        champions by contribution first, then the rest by document. ``expansions``: the lookup tables of
        an index with the same vocabulary (else they are made from ``terms``)."""
        self._ids: list[str] = []
        self._kinds: list[str] = []
        self._districts: list[frozenset[str] | None] = []
        for doc_id, kind, districts in docs:
            self._ids.append(doc_id)
            self._kinds.append(kind)
            self._districts.append(districts)
        self._terms = terms
        self._term_ids: dict[str, int] = {term: i for i, term in enumerate(terms)}
        self._offsets = offsets
        self._post_docs = post_docs
        self._post_scores = post_scores
        if expansions is None:
            self._build_expansions()
        else:
            self._deletes, self._prefixes, self._parts = expansions
        self._bitmaps: dict[int, bytes] = {}  # of long lists, made on first use (_bitmap)
        self._district_masks: dict[str, bytes] = {}  # per district one byte per document (compiled scorer)
        self.compiled = COMPILED_SCORER  # score with bot/search/_scorer.c (tests switch it off)

    def _build_expansions(self) -> None:
        known = self._term_ids
        pack = _TermTable.pack
        deletes: list[int] = []
        prefixes: list[int] = []
        parts: list[int] = []
        for tid, term in enumerate(self._terms):
            n = len(term)
            if n >= 4:
                deletes.append(pack(term, tid))
                deletes.extend(pack(d, tid) for d in _deletions(term))
            if n >= 5:
                prefixes.extend(pack(term[:k], tid) for k in range(max(4, n - 3), n))
            if n >= 7 and script_of(term) == LATIN:
                for i in range(3, n - 3):
                    head, modifier = term[i:], term[:i]
                    known_head = len(head) >= 4 and head in known
                    if known_head:
                        parts.append(pack(head, tid))
                    if len(modifier) >= 4 and (known_head or modifier in known):
                        parts.append(pack(modifier, tid))
                    linked = modifier[:-1]
                    if len(modifier) >= 5 and modifier.endswith("s") and (known_head or linked in known):
                        parts.append(pack(modifier[:-1], tid))  # linking s: Bewerbung-s-training
        self._deletes = _TermTable(deletes)
        self._prefixes = _TermTable(prefixes)
        self._parts = _TermTable(parts)

    # --- building ----------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        docs: Iterable[SearchDocument],
        *,
        compiled: bool = COMPILED_BUILDER,
    ) -> SearchIndex:
        """The index of ``docs``; ``compiled`` uses bot/search/_builder.c for the hot loops (same index,
        bit for bit: tests/search/test_builder.py)."""
        return cls._build_compiled(docs) if compiled else cls._build(docs)

    @classmethod
    def _build_compiled(cls, docs: Iterable[SearchDocument]) -> SearchIndex:
        """:meth:`_build` with its per-document work in C: splitting the texts, counting their term ids,
        summing and merging the languages, appending postings, and the BM25/champion pass (without
        the GIL)."""
        assert _builder is not None
        postings = _builder.Postings()
        term_ids: dict[str, int] = {}
        terms: list[str] = []
        analysers = _Analysers(term_ids, terms, packed=True)
        add_document, add_packed = postings.add_document, postings.add_packed
        lengths: list[float] = []
        meta: list[tuple[str, str, frozenset[str] | None]] = []
        for doc_idx, doc in enumerate(docs):
            meta.append((doc.id, doc.kind, doc.district_ids))
            if doc.packed is not None:
                lengths.append(add_packed(doc_idx, doc.packed, analysers))
            else:
                lengths.append(add_document(doc_idx, doc.fields, analysers))
        if len(terms) > _TID_MASK:
            raise ValueError(f"too many distinct terms for the index: {len(terms)}")
        n_docs = len(meta)
        avg_length = (sum(lengths) / n_docs) if n_docs else 1.0
        norms = array("d", [K1 * (1 - B + B * length / (avg_length or 1.0)) for length in lengths])
        typecode: Literal["H", "I"] = "H" if n_docs <= 0xFFFF else "I"
        offsets, post_docs, post_scores = postings.finish(norms, K1, CHAMPIONS, len(terms))
        return cls(
            meta,
            terms,
            array("I", memoryview(offsets).cast("I")),
            memoryview(post_docs).cast(typecode),
            memoryview(post_scores).cast("d"),
        )

    @classmethod
    def _build(cls, docs: Iterable[SearchDocument]) -> SearchIndex:
        term_ids: dict[str, int] = {}  # terms get ids as pieces of text are first analysed
        terms: list[str] = []
        analysers = _Analysers(term_ids, terms)
        tf_docs: list[array[int]] = []  # per term id: documents, ascending
        tf_values: list[array[float]] = []  # per term id: weighted term frequency
        lengths: list[float] = []
        meta: list[tuple[str, str, frozenset[str] | None]] = []
        for doc_idx, doc in enumerate(docs):
            meta.append((doc.id, doc.kind, doc.district_ids))
            merged: dict[int, float] = {}
            total_length = 0.0
            fields = doc.texts()
            for lang, texts in fields.items():
                analyser = analysers[lang]
                words_of = analyser.words
                tf: dict[int, float] = {}
                for text, weight in texts:
                    chunks = text.split()
                    counts: dict[int, int] = {}
                    _count_elements(counts, chain.from_iterable(map(analyser.__getitem__, chunks)))
                    total_length += sum(map(words_of.__getitem__, chunks)) * weight
                    for tid, count in counts.items():
                        tf[tid] = tf.get(tid, 0.0) + count * weight
                # The same word in the German and the Turkish title is one piece of evidence, not two.
                if merged:
                    for tid, value in tf.items():
                        if value > merged.get(tid, 0.0):
                            merged[tid] = value
                else:
                    merged = tf
            for _ in range(len(tf_docs), len(terms)):
                tf_docs.append(array("I"))
                tf_values.append(array("d"))
            for tid, value in merged.items():
                tf_docs[tid].append(doc_idx)
                tf_values[tid].append(value)
            lengths.append(total_length / max(1, len(fields)))
        if len(terms) > _TID_MASK:
            raise ValueError(f"too many distinct terms for the index: {len(terms)}")
        for _ in range(len(tf_docs), len(terms)):
            tf_docs.append(array("I"))
            tf_values.append(array("d"))

        n_docs = len(meta)
        avg_length = (sum(lengths) / n_docs) if n_docs else 1.0
        norms = [K1 * (1 - B + B * length / (avg_length or 1.0)) for length in lengths]
        k1_plus_1 = K1 + 1
        offsets = array("I", [0])
        # Document numbers fit in two bytes up to 65,535 documents: half the memory of the largest array.
        post_docs = array("H" if n_docs <= 0xFFFF else "I")
        post_scores = array("d")
        for tid in range(len(terms)):
            doc_ids, values = tf_docs[tid], tf_values[tid]
            df = len(doc_ids)
            idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
            scores = [
                idf * value * k1_plus_1 / (value + norms[d]) for d, value in zip(doc_ids, values, strict=True)
            ]
            # Champions: best contribution first, ties by document (as a stable sort would order them).
            top = heapq.nlargest(CHAMPIONS, range(df), key=scores.__getitem__)
            post_docs.extend(map(doc_ids.__getitem__, top))
            post_scores.extend(map(scores.__getitem__, top))
            if df > CHAMPIONS:  # the rest, by document, for completing candidates by bisection
                rest = bytearray(b"\x01") * df
                for i in top:
                    rest[i] = 0
                post_docs.extend(compress(doc_ids, rest))
                post_scores.extend(compress(scores, rest))
            offsets.append(len(post_docs))
            tf_docs[tid], tf_values[tid] = array("I"), array("d")  # free as we go
        return cls(meta, terms, offsets, post_docs, post_scores)

    # --- querying ----------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def _typos(self, word: str) -> list[tuple[str, float]]:
        max_distance = 2 if len(word) >= 8 else 1
        terms = self._terms
        seen: set[int] = set()
        out: list[tuple[str, float]] = []
        for key in (word, *_deletions(word)):
            for tid in self._deletes.get(key):
                if tid in seen:
                    continue
                seen.add(tid)
                term = terms[tid]
                distance = OSA.distance(word, term, score_cutoff=max_distance)
                if distance <= max_distance:
                    out.append((term, W_TYPO_1 if distance <= 1 else W_TYPO_2))
        out.sort(key=lambda tw: -tw[1])
        return out[:MAX_EXPANSIONS]

    def _longer(self, form: str) -> list[str]:
        """Vocabulary terms that are ``form`` plus one to three letters (first ``MAX_EXPANSIONS``)."""
        terms = self._terms
        out = []
        for tid in self._prefixes.get(form):
            term = terms[tid]
            if term.startswith(form):
                out.append(term)
                if len(out) == MAX_EXPANSIONS:
                    break
        return out

    def _compounds(self, part: str) -> list[str]:
        """Vocabulary compounds with ``part`` as head or modifier (first ``MAX_EXPANSIONS``)."""
        terms = self._terms
        out = []
        for tid in self._parts.get(part):
            term = terms[tid]
            if term.endswith(part) or term.startswith(part):
                out.append(term)
                if len(out) == MAX_EXPANSIONS:
                    break
        return out

    def _split(self, word: str) -> list[str] | None:
        """Two vocabulary words that make up ``word`` (German compound), preferring a long head."""
        known = self._term_ids
        for i in range(3, len(word) - 3):
            modifier, head = word[:i], word[i:]
            if head not in known:
                continue
            if modifier in known:
                return [modifier, head]
            if modifier.endswith("s") and modifier[:-1] in known:
                return [modifier[:-1], head]
        return None

    def expand(self, token: Token) -> list[dict[str, float]]:
        """Candidate index terms (with weights) for one query word; a split compound gives two groups."""
        known = self._term_ids
        word = token.surface
        group: dict[str, float] = {}

        def offer(term: str, weight: float) -> None:
            if term in known and weight > group.get(term, 0.0):
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
                    for term in self._longer(form):
                        offer(term, W_INFLECTION)
            for k in range(max(4, len(word) - 3), len(word) + 1):  # "bewerbungen" → "bewerbung|s|training"
                for term in self._compounds(word[:k]):
                    offer(term, W_PART)
            if not exact and len(word) >= TYPO_MIN_LETTERS:
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
        return self.score(self.groups(query), district, limit)

    def groups(self, query: str) -> list[dict[str, float]]:
        """The query's groups of candidate terms (:meth:`expand` of each distinct content word)."""
        tokens = analyse_query(query)[:MAX_QUERY_TOKENS]
        content = [t for t in tokens if not t.stop] or tokens
        groups: list[dict[str, float]] = []
        seen_words: set[str] = set()
        for token in content:
            if token.surface in seen_words:
                continue
            seen_words.add(token.surface)
            groups.extend(self.expand(token))
        return groups

    def score(self, groups: list[dict[str, float]], district: str | None, limit: int) -> list[Hit]:
        """Sum over groups of the best ``weight × BM25`` per document, for the champion candidates.

        Lists of up to ``CHAMPIONS`` entries (every list of the shipped content) are read in full; then
        the scores are the plain sums over the candidates. Of a long list of an expansion term
        (inflection, typo, part) only its first ``EXPANSION_CHAMPIONS`` count. A long list of an exact or
        stem term is read in full below ``BITMAP_MIN`` entries, otherwise only its first
        ``LONG_CHAMPIONS``: the rest is probed for the ``MAX_COMPLETIONS`` candidates with the best
        partial sums (:meth:`_complete`), the others keep their partial sums.
        """
        if not groups or limit <= 0:
            return []
        if self.compiled:
            return self._score_compiled(groups, district, limit)
        term_ids = self._term_ids
        offsets = self._offsets
        post_docs = self._post_docs
        post_scores = self._post_scores
        n_groups = len(groups)
        bests: list[dict[int, float]] = [{} for _ in range(n_groups)]
        # Per group: the unread parts of its long exact/stem lists (lo, hi, weight, bound, sorted by
        # document), the most they can add to a document, and the lists' term ids.
        unread: list[list[tuple[int, int, float, float, bool]]] = [[] for _ in range(n_groups)]
        residual = [0.0] * n_groups
        probed: list[list[int]] = [[] for _ in range(n_groups)]
        candidates: set[int] = set()
        for g, group in enumerate(groups):
            best = bests[g]
            get = best.get
            for term, weight in group.items():
                tid = term_ids[term]
                start, end = offsets[tid], offsets[tid + 1]
                if end - start <= CHAMPIONS:
                    read = end
                elif weight < W_STEM:  # expansions: a long list's champions only
                    read = start + EXPANSION_CHAMPIONS
                elif end - start < BITMAP_MIN:
                    read = end
                else:  # the rest of the champions, then the rest by document: probed later
                    read, head = start + LONG_CHAMPIONS, start + CHAMPIONS
                    unread[g].append((read, head, weight, post_scores[read] * weight, False))
                    unread[g].append((head, end, weight, post_scores[head - 1] * weight, True))
                    residual[g] = max(residual[g], post_scores[read] * weight)
                    probed[g].append(tid)
                champions = post_docs[start:read]
                candidates.update(champions)
                for doc_idx, value in zip(champions, post_scores[start:read], strict=True):
                    value *= weight
                    if value > get(doc_idx, 0.0):
                        best[doc_idx] = value
        if district is not None:
            districts = self._districts
            candidates = {d for d in candidates if district in (districts[d] or (district,))}
        totals: dict[int, float] = dict.fromkeys(candidates, 0.0)
        for best in bests:
            for doc_idx in candidates.intersection(best):
                totals[doc_idx] += best[doc_idx]
        if any(residual):
            totals = self._complete(totals, bests, unread, residual, probed)
        # The best ``limit`` by score, ties by document: everything at least the limit-th score, sorted (no
        # Python key function over every candidate).
        kth = heapq.nlargest(limit, totals.values())
        if not kth:
            return []
        ranked = sorted(
            [(-score, doc_idx) for doc_idx, score in totals.items() if score >= kth[-1]],
        )[:limit]
        return [Hit(self._ids[i], self._kinds[i], round(-neg, 4)) for neg, i in ranked]

    def _score_compiled(self, groups: list[dict[str, float]], district: str | None, limit: int) -> list[Hit]:
        """:meth:`score` by bot/search/_scorer.c: the same algorithm and the same floating-point
        operations in the same order, so the same hits with the same scores (tests/search/test_scorer.py)."""
        term_ids = self._term_ids
        terms = [
            (g, term_ids[term], weight) for g, group in enumerate(groups) for term, weight in group.items()
        ]
        allowed = None
        if district is not None:
            allowed = self._district_masks.get(district)
            if allowed is None:
                allowed = self._district_masks[district] = bytes(
                    district in (ds or (district,)) for ds in self._districts
                )
        assert _scorer is not None
        ranked = _scorer.score(
            self._post_docs,
            self._post_scores,
            self._offsets,
            terms,
            len(groups),
            len(self._ids),
            allowed,
            limit,
            _SCORER_PARAMS,
        )
        ids, kinds = self._ids, self._kinds
        return [Hit(ids[i], kinds[i], round(total, 4)) for i, total in ranked]

    def _complete(
        self,
        partial: dict[int, float],
        bests: list[dict[int, float]],
        unread: list[list[tuple[int, int, float, float, bool]]],
        residual: list[float],
        probed: list[list[int]],
    ) -> dict[int, float]:
        """``partial`` with exact scores for the ``MAX_COMPLETIONS`` candidates with the best partial sums
        (ties by document).

        The candidates with the best partial sums are the ones that have several query words among the
        champions read, and the ones likeliest to end on top. A candidate outside the bitmap of a group's
        probed lists (:meth:`_bitmap`) skips their bisections: most candidates lack most words. Per
        document the groups are added in order, as the partial sums were.
        """
        post_docs = self._post_docs
        post_scores = self._post_scores
        chosen = sorted([(-score, doc_idx) for doc_idx, score in partial.items()])[:MAX_COMPLETIONS]
        active = []
        for g, parts in enumerate(unread):
            if parts:
                bitmaps = [self._bitmap(tid) for tid in probed[g]]
                members = bitmaps[0] if len(bitmaps) == 1 else _union(bitmaps)
                active.append((g, bests[g], parts, residual[g], members))
        tails: dict[int, dict[int, float]] = {}  # unread champions of a long list, by document
        exact = partial.copy()
        for _, doc_idx in chosen:
            found_more: list[tuple[int, float]] = []
            byte, bit = doc_idx >> 3, doc_idx & 7
            for g, best, parts, most, members in active:
                known = value = best.get(doc_idx, 0.0)
                if known >= most or not members[byte] >> bit & 1:
                    continue
                for lo, hi, weight, bound, sorted_by_doc in parts:
                    if bound <= value:
                        continue
                    if sorted_by_doc:
                        i = bisect_left(post_docs, doc_idx, lo, hi)
                        found = post_scores[i] if i < hi and post_docs[i] == doc_idx else 0.0
                    else:
                        tail = tails.get(lo)
                        if tail is None:
                            tail = tails[lo] = dict(zip(post_docs[lo:hi], post_scores[lo:hi], strict=True))
                        found = tail.get(doc_idx, 0.0)
                    if found * weight > value:
                        value = found * weight
                if value > known:
                    found_more.append((g, value))
            if found_more:
                values = [best.get(doc_idx, 0.0) for best in bests]
                for g, value in found_more:
                    values[g] = value
                exact[doc_idx] = sum(values)
        return exact

    def _bitmap(self, tid: int) -> bytes:
        """The documents of term ``tid``'s list as a bitmap (bit ``d & 7`` of byte ``d >> 3``), made on
        first use (~0.2 µs per posting) and kept for the ``BITMAPS_KEPT`` lists used last (1.25 KB each at
        10,000 documents, so at most ~2.5 MB there), not made for all lists at build time: most lists are
        never queried."""
        bitmaps = self._bitmaps
        bitmap = bitmaps.pop(tid, None)
        if bitmap is None:
            n = len(self._ids)
            chars = bytearray(b"0") * n
            for d in self._post_docs[self._offsets[tid] : self._offsets[tid + 1]]:
                chars[d] = 49  # "1"
            bitmap = int(chars[::-1], 2).to_bytes((n + 7) // 8, "little")
            if len(bitmaps) >= BITMAPS_KEPT:
                del bitmaps[next(iter(bitmaps))]  # the least recently used
        bitmaps[tid] = bitmap
        return bitmap


def _union(bitmaps: list[bytes]) -> bytes:
    merged = 0
    for bitmap in bitmaps:
        merged |= int.from_bytes(bitmap, "little")
    return merged.to_bytes(len(bitmaps[0]), "little")
