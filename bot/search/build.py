"""Fast build of the search index: the postings of :class:`~bot.search.index.SearchIndex` and the packed
keys of its expansion tables.

The result is exactly what the straightforward build computes (tests/search/reference_build.py keeps it
and tests/search/test_build.py compares them): the same term ids, the same postings in the same order and
the same floats. Only the word analysis stays per text in Python (``str.split`` and one dict look-up per
whitespace piece, both in C); everything per term occurrence, per posting and per term runs as numpy
array operations, in batches of documents so no array is large:

- a piece's analysis is stored once, as term ids (one flat array and start offsets), so a batch's texts
  become one array of piece ids and then, by ``numpy.repeat``, one array of term occurrences;
- term frequencies per text are counted by sorting ``text × terms + term`` keys;
- each float is the same IEEE operation as in the reference, on the same operands, in the same order:
  ``count * weight`` per text, the sum over a language's texts strictly in text order (one vectorised
  step per text rank, never ``numpy.sum``, whose pairwise summation would reorder), the maximum over
  languages, the document length summed in text order, ``idf`` with :func:`math.log` per term (not
  ``numpy.log``) and the BM25 contribution with the reference's operation order;
- term ids are numbered by first appearance in the documents, as the reference numbers them.

A document with a weight that is not a positive float (only hand-made test documents) sends the whole
build to :func:`_build_python`, the reference algorithm itself.
"""

from __future__ import annotations

import collections
import heapq
import math
from array import array
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.search.normalize import Token, _analyse, _content_langs, _stem_uncached, raw_tokens

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from bot.search.index import SearchDocument

Meta = list[tuple[str, str, frozenset[str] | None]]
Postings = tuple[Meta, list[str], "array[int]", "array[int]", "array[float]"]

# Counter's C helper (counts[item] += 1 over an iterable) without Counter's per-call type checks.
_count_elements: Callable[[dict[Any, int], Iterable[Any]], None] = getattr(
    collections, "_count_elements", lambda counts, items: counts.update(collections.Counter(items))
)

#: Documents per batch: bounds the transient arrays (about 2 MB per 100 documents of 9 languages).
BATCH = 256
#: Weights the array path takes: positive floats small enough that no sum overflows.
_MAX_WEIGHT = 1e9
_POS_BITS = 24  # term occurrences per text in the first-appearance keys (16.7 million)


class _Vocabulary:
    """Terms by provisional id and the analysis of every whitespace piece seen in this build.

    Piece ``p``'s terms are ``piece_terms[piece_start[p]:piece_start[p + 1]]`` (surface form and stems of
    each word that is not a stop word, as :class:`~bot.search.normalize.ChunkTerms` lists them) and
    ``piece_words[p]`` the number of such words.
    """

    def __init__(self) -> None:
        self.term_ids: dict[str, int] = {}
        self.terms: list[str] = []
        self.piece_terms = array("i")
        self.piece_start = array("q", [0])
        self.piece_words = array("i")

    def term_id(self, term: str) -> int:
        tid = self.term_ids.get(term)
        if tid is None:
            tid = self.term_ids[term] = len(self.terms)
            self.terms.append(term)
        return tid


class _Pieces(dict[str, int]):
    """Piece → piece id for one language's analyser; a new piece is analysed into the vocabulary."""

    def __init__(self, lang: str, vocabulary: _Vocabulary) -> None:
        super().__init__()
        self.langs = _content_langs(lang)
        self.vocabulary = vocabulary
        self._tokens: dict[str, Token] = {}

    def __missing__(self, piece: str) -> int:
        vocabulary = self.vocabulary
        words = 0
        for word in raw_tokens(piece):
            token = self._tokens.get(word)
            if token is None:
                token = self._tokens[word] = _analyse(word, self.langs, _stem_uncached)
            if token.stop:
                continue
            words += 1
            vocabulary.piece_terms.append(vocabulary.term_id(token.surface))
            vocabulary.piece_terms.extend(map(vocabulary.term_id, token.stems))
        pid = self[piece] = len(vocabulary.piece_words)
        vocabulary.piece_words.append(words)
        vocabulary.piece_start.append(len(vocabulary.piece_terms))
        return pid


def _plain(weights: list[float]) -> bool:
    """Whether every weight is a float in (0, _MAX_WEIGHT): no int products, zeros, NaN or overflow."""
    return set(map(type, weights)) == {float} and 0.0 < min(weights) and max(weights) < _MAX_WEIGHT


class _FallBack(Exception):
    """A document the array path does not take: build everything with the reference algorithm."""


def _ranks(group_starts: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """Position of each of ``n`` sorted items within its group (groups start at ``group_starts``)."""
    sizes = np.diff(np.append(group_starts, n))
    return np.arange(n, dtype=np.int64) - np.repeat(group_starts, sizes)


def _sort_order(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """The stable sorting permutation of non-negative ``keys``: ``numpy.sort`` of ``key << b | index``
    (SIMD-sorted, several times faster than ``argsort``), or a stable ``argsort`` if that overflows."""
    n = len(keys)
    index_bits = max(1, n.bit_length())
    if n and int(keys.max()).bit_length() + index_bits > 63:
        return np.argsort(keys, kind="stable")
    return np.sort((keys << index_bits) | np.arange(n, dtype=np.int64)) & ((1 << index_bits) - 1)


def _sum_in_order(
    groups: NDArray[np.int64], ranks: NDArray[np.int64], values: NDArray[np.float64], n_groups: int
) -> NDArray[np.float64]:
    """Per group ``((0.0 + v0) + v1) + ...`` in rank order: one vectorised step per rank, exactly the
    additions of a Python loop (numpy's own sums add pairwise, in another order)."""
    totals = np.zeros(n_groups, dtype=np.float64)
    for rank in range(int(ranks.max()) + 1 if len(ranks) else 0):
        at = ranks == rank
        totals[groups[at]] += values[at]  # the groups of one rank are distinct
    return totals


def build_postings(docs: Iterable[SearchDocument]) -> Postings:
    """``meta, terms, offsets, post_docs, post_scores`` of :class:`SearchIndex` for ``docs``."""
    docs = docs if isinstance(docs, list) else list(docs)
    try:
        result = _build_arrays(docs)
    except _FallBack:
        return _build_python(docs)
    _trim_heap()
    return result


def _trim_heap() -> None:
    """Give the freed batch arrays back to the OS: glibc keeps freed heap memory of this size (its mmap
    threshold grows with large frees), which otherwise stays in the process's RSS after the build."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _build_arrays(docs: Sequence[SearchDocument]) -> Postings:
    from bot.search.index import _TID_MASK, CHAMPIONS, K1, B

    vocabulary = _Vocabulary()
    analysers: dict[str, _Pieces] = {}
    meta: Meta = []
    n_docs = len(docs)
    lengths = np.zeros(n_docs, dtype=np.float64)
    first_seen = np.zeros(0, dtype=np.int64)  # per provisional term id: stream position of its first use
    unseen = np.iinfo(np.int64).max
    out_docs: list[NDArray[np.int32]] = []
    out_terms: list[NDArray[np.int32]] = []
    out_values: list[NDArray[np.float64]] = []
    text_base = 0  # stream number of the batch's first text
    for start in range(0, n_docs, BATCH):
        batch = docs[start : start + BATCH]
        # Gather the batch's texts per analyser; texts are numbered in stream order (document, language,
        # text), languages of a document too ("doc-langs").
        by_analyser: dict[str, tuple[list[str], array[int]]] = {}
        weights: list[float] = []
        text_doclang = array("i")
        doclang_doc = array("i")
        n_langs = array("i")
        for doc_idx, doc in enumerate(batch, start):
            meta.append((doc.id, doc.kind, doc.district_ids))
            fields = doc.fields
            n_langs.append(len(fields))
            for lang, texts in fields.items():
                key = "de" if lang == "de-simple" else lang
                entry = by_analyser.get(key)
                if entry is None:
                    entry = by_analyser[key] = ([], array("i"))
                doclang = len(doclang_doc)
                doclang_doc.append(doc_idx)
                for text, weight in texts:
                    entry[0].append(text)
                    entry[1].append(len(weights))
                    weights.append(weight)
                    text_doclang.append(doclang)
        if set(map(type, weights)) - {float} or (
            weights and not 0.0 < min(weights) <= max(weights) < _MAX_WEIGHT
        ):
            raise _FallBack
        n_texts = len(weights)
        if len(doclang_doc) * n_texts * (len(vocabulary.terms) + 1_000_000) >= 1 << 62:
            raise _FallBack  # sort keys would overflow (never with real content: a few texts per language)
        text_weight = np.array(weights, dtype=np.float64)
        text_words = np.zeros(n_texts, dtype=np.int64)
        occ_text_parts: list[NDArray[np.int64]] = []
        occ_term_parts: list[NDArray[np.int64]] = []
        occ_pos_parts: list[NDArray[np.int64]] = []
        for key, (strings, text_numbers) in by_analyser.items():
            pieces = analysers.get(key)
            if pieces is None:
                pieces = analysers[key] = _Pieces(key, vocabulary)
            split = list(map(str.split, strings))
            piece_ids = np.array(
                array("i", map(pieces.__getitem__, chain.from_iterable(split))), dtype=np.int64
            )
            piece_texts = np.repeat(
                np.frombuffer(text_numbers, dtype=np.int32).astype(np.int64),
                np.fromiter(map(len, split), dtype=np.int64, count=len(split)),
            )
            del split
            starts = np.frombuffer(vocabulary.piece_start, dtype=np.int64)
            piece_words = np.frombuffer(vocabulary.piece_words, dtype=np.int32)
            text_words += np.bincount(piece_texts, weights=piece_words[piece_ids], minlength=n_texts).astype(
                np.int64
            )
            # Term occurrences: each piece replaced by its terms, in order.
            per_piece = starts[piece_ids + 1] - starts[piece_ids]
            n_occ = int(per_piece.sum())
            first_occ = np.cumsum(per_piece) - per_piece
            occ = np.arange(n_occ, dtype=np.int64) + np.repeat(starts[piece_ids] - first_occ, per_piece)
            occ_terms = np.frombuffer(vocabulary.piece_terms, dtype=np.int32)[occ].astype(np.int64)
            occ_texts = np.repeat(piece_texts, per_piece)
            del occ, piece_ids, per_piece, first_occ
            # Position of each occurrence within its text (the analyser's texts are in stream order).
            text_change = np.flatnonzero(np.diff(occ_texts, prepend=-1))
            occ_pos = _ranks(text_change, n_occ)
            del starts, piece_words  # views of growing arrays: released before the next analyser adds to them
            occ_text_parts.append(occ_texts)
            occ_term_parts.append(occ_terms)
            occ_pos_parts.append(occ_pos)
        n_terms = len(vocabulary.terms)
        if n_terms > _TID_MASK:
            raise ValueError(f"too many distinct terms for the index: {n_terms}")
        occ_texts = np.concatenate(occ_text_parts) if occ_text_parts else np.zeros(0, dtype=np.int64)
        occ_terms = np.concatenate(occ_term_parts) if occ_term_parts else np.zeros(0, dtype=np.int64)
        occ_pos = np.concatenate(occ_pos_parts) if occ_pos_parts else np.zeros(0, dtype=np.int64)
        del occ_text_parts, occ_term_parts, occ_pos_parts
        # First appearance of the terms new in this batch: (stream number of the text, position in it).
        if len(first_seen) < n_terms:
            first_seen = np.concatenate([first_seen, np.full(n_terms - len(first_seen), unseen)])
        new = first_seen[occ_terms] == unseen
        if new.any():
            np.minimum.at(
                first_seen, occ_terms[new], ((occ_texts[new] + text_base) << _POS_BITS) | occ_pos[new]
            )
        del new, occ_pos
        # Term frequency per (text, term), then per (doc-lang, term): counts × weight summed in text order.
        pair_keys, counts = np.unique(occ_texts * n_terms + occ_terms, return_counts=True)
        del occ_texts, occ_terms
        pair_texts, pair_terms = np.divmod(pair_keys, n_terms)
        values = counts * text_weight[pair_texts]
        doclangs = np.frombuffer(text_doclang, dtype=np.int32)[pair_texts].astype(np.int64)
        order = _sort_order(doclangs * n_terms + pair_terms)  # pairs of a group stay in text order
        group_keys = (doclangs * n_terms + pair_terms)[order]
        starts_g = np.flatnonzero(np.diff(group_keys, prepend=-1))
        groups = np.repeat(np.arange(len(starts_g), dtype=np.int64), np.diff(np.append(starts_g, len(order))))
        tf = _sum_in_order(groups, _ranks(starts_g, len(order)), values[order], len(starts_g))
        tf_doclang, tf_term = np.divmod(group_keys[starts_g], n_terms)
        del pair_keys, counts, pair_texts, pair_terms, values, doclangs, order, group_keys, groups
        # The same word in two languages of a document is one piece of evidence: the larger value.
        tf_doc = np.frombuffer(doclang_doc, dtype=np.int32)[tf_doclang].astype(np.int64)
        doc_keys = tf_doc * n_terms + tf_term
        order = _sort_order(doc_keys)
        doc_keys = doc_keys[order]
        starts_m = np.flatnonzero(np.diff(doc_keys, prepend=-1))
        merged = np.maximum.reduceat(tf[order], starts_m) if len(starts_m) else tf[:0]
        merged_doc, merged_term = np.divmod(doc_keys[starts_m], n_terms)
        out_docs.append(merged_doc.astype(np.int32))
        out_terms.append(merged_term.astype(np.int32))
        out_values.append(merged)
        del tf, tf_doclang, tf_term, tf_doc, doc_keys, order, starts_m
        # Document lengths: words × weight per text, summed in text order over the document's texts.
        doclang_docs = np.frombuffer(doclang_doc, dtype=np.int32)
        text_docs = doclang_docs[np.frombuffer(text_doclang, dtype=np.int32)].astype(np.int64) - start
        doc_change = np.flatnonzero(np.diff(text_docs, prepend=-1))
        totals = _sum_in_order(text_docs, _ranks(doc_change, n_texts), text_words * text_weight, len(batch))
        lengths[start : start + len(batch)] = totals / np.maximum(1, np.frombuffer(n_langs, dtype=np.int32))
        text_base += n_texts
    del analysers

    # Final term ids: by first appearance, as the reference numbers them.
    n_terms = len(vocabulary.terms)
    by_appearance = np.argsort(first_seen[:n_terms], kind="stable")
    final_id = np.empty(n_terms, dtype=np.int64)
    final_id[by_appearance] = np.arange(n_terms, dtype=np.int64)
    terms = list(map(vocabulary.terms.__getitem__, by_appearance.tolist()))
    del vocabulary, first_seen

    post_doc = np.concatenate(out_docs) if out_docs else np.zeros(0, dtype=np.int32)
    post_term = final_id[np.concatenate(out_terms)] if out_terms else np.zeros(0, dtype=np.int64)
    post_value = np.concatenate(out_values) if out_values else np.zeros(0, dtype=np.float64)
    del out_docs, out_terms, out_values, final_id
    # Postings by term, documents ascending (within a term they already are: batches and documents in order).
    order = _sort_order(post_term)
    post_term = post_term[order]
    post_doc = post_doc[order]
    post_value = post_value[order]
    del order
    df = np.bincount(post_term, minlength=n_terms)
    avg_length = (sum(lengths.tolist()) / n_docs) if n_docs else 1.0
    norms = K1 * (1 - B + B * lengths / (avg_length or 1.0))
    idf = np.array(list(map(math.log, (1 + (n_docs - df + 0.5) / (df + 0.5)).tolist())), dtype=np.float64)
    k1_plus_1 = K1 + 1
    scores = idf[post_term] * post_value * k1_plus_1 / (post_value + norms[post_doc])
    del post_value, idf, norms
    # Champions: per term the CHAMPIONS best by contribution, ties by document, then the rest by document.
    offsets = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=offsets[1:])
    # By term, then contribution descending, stable (ties keep the document order): contributions as
    # dense ranks of their distinct values, so one packed sort does it.
    by_value = np.argsort(scores)
    ascending = scores[by_value]
    dense = np.empty(len(scores), dtype=np.int64)
    dense[by_value] = np.cumsum(np.diff(ascending, prepend=ascending[:1]) != 0)
    del by_value, ascending
    n_values = int(dense.max()) + 1 if len(dense) else 1
    by_score = _sort_order(post_term * n_values + (n_values - 1 - dense))
    del dense
    rank = np.empty(len(scores), dtype=np.int64)
    rank[by_score] = np.arange(len(scores), dtype=np.int64) - offsets[post_term[by_score]]
    del by_score
    champion = rank < CHAMPIONS
    rest = ~champion
    rest_before: NDArray[np.int64] = np.cumsum(rest, dtype=np.int64) - rest  # non-champions before each
    group_start = offsets[post_term]
    position = group_start + np.where(champion, rank, CHAMPIONS + rest_before - rest_before[group_start])
    del rank, champion, rest, rest_before, group_start
    final_docs = np.empty(len(scores), dtype=np.uint32)
    final_scores = np.empty(len(scores), dtype=np.float64)
    final_docs[position] = post_doc
    final_scores[position] = scores
    del position, post_doc, scores, post_term
    post_docs = array("I")
    post_docs.frombytes(final_docs.tobytes())
    post_scores = array("d")
    post_scores.frombytes(final_scores.tobytes())
    return meta, terms, array("I", offsets.tolist()), post_docs, post_scores


# --- the reference algorithm, for documents the array path does not take ----------------------------------


def _build_python(docs: Iterable[SearchDocument]) -> Postings:
    """The straightforward build (as in tests/search/reference_build.py), for any weights."""
    from bot.search.index import _TID_MASK, CHAMPIONS, K1, B
    from bot.search.normalize import ChunkTerms

    analysers: dict[str, ChunkTerms] = {}
    term_ids: dict[str, int] = {}
    terms: list[str] = []
    tf_docs: list[array[int]] = []
    tf_values: list[array[float]] = []
    lengths: list[float] = []
    meta: Meta = []
    for doc_idx, doc in enumerate(docs):
        meta.append((doc.id, doc.kind, doc.district_ids))
        merged: dict[str, float] = {}
        total_length = 0.0
        n_langs = 0
        for lang, texts in doc.fields.items():
            n_langs += 1
            key = "de" if lang == "de-simple" else lang
            analyser = analysers.get(key)
            if analyser is None:
                analyser = analysers[key] = ChunkTerms(lang)
            words_of = analyser.words
            tf: dict[str, float] = {}
            for text, weight in texts:
                chunks = text.split()
                counts: dict[str, int] = {}
                _count_elements(counts, chain.from_iterable(map(analyser.__getitem__, chunks)))
                total_length += sum(map(words_of.__getitem__, chunks)) * weight
                for term, count in counts.items():
                    tf[term] = tf.get(term, 0.0) + count * weight
            if merged:
                for term, value in tf.items():
                    if value > merged.get(term, 0.0):
                        merged[term] = value
            else:
                merged = tf
        for term, value in merged.items():
            tid = term_ids.get(term)
            if tid is None:
                tid = term_ids[term] = len(terms)
                terms.append(term)
                tf_docs.append(array("I"))
                tf_values.append(array("d"))
            tf_docs[tid].append(doc_idx)
            tf_values[tid].append(value)
        lengths.append(total_length / max(1, n_langs))
    if len(terms) > _TID_MASK:
        raise ValueError(f"too many distinct terms for the index: {len(terms)}")

    n_docs = len(meta)
    avg_length = (sum(lengths) / n_docs) if n_docs else 1.0
    norms = [K1 * (1 - B + B * length / (avg_length or 1.0)) for length in lengths]
    k1_plus_1 = K1 + 1
    offsets = array("I", [0])
    post_docs = array("I")
    post_scores = array("d")
    for tid in range(len(terms)):
        doc_ids, values = tf_docs[tid], tf_values[tid]
        df = len(doc_ids)
        idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        scores = [
            idf * value * k1_plus_1 / (value + norms[d]) for d, value in zip(doc_ids, values, strict=True)
        ]
        top = heapq.nlargest(CHAMPIONS, range(df), key=scores.__getitem__)
        post_docs.extend(map(doc_ids.__getitem__, top))
        post_scores.extend(map(scores.__getitem__, top))
        if df > CHAMPIONS:
            rest = bytearray(b"\x01") * df
            for i in top:
                rest[i] = 0
            post_docs.extend(compress(doc_ids, rest))
            post_scores.extend(compress(scores, rest))
        offsets.append(len(post_docs))
        tf_docs[tid], tf_values[tid] = array("I"), array("d")
    return meta, terms, offsets, post_docs, post_scores
