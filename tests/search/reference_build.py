"""The index build as it was at b5b4d3c, kept as the reference the fast build must equal exactly.

``reference_build`` is ``SearchIndex._build`` of that commit (returning the constructor arguments instead
of the index), ``reference_expansions`` the packed tables of ``SearchIndex._build_expansions`` and
``reference_documents`` ``documents_from_catalogue``. Do not "improve" this file: it is the yardstick.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Iterable, Mapping
from itertools import chain, compress
from typing import Any

from bot.search.build import _count_elements
from bot.search.index import (
    _TID_MASK,
    CHAMPIONS,
    K1,
    B,
    SearchDocument,
    _deletions,
    _TermTable,
)
from bot.search.normalize import LATIN, ChunkTerms, script_of

Meta = list[tuple[str, str, frozenset[str] | None]]


def reference_build(
    docs: Iterable[SearchDocument],
) -> tuple[Meta, list[str], array[int], array[int], array[float]]:
    analysers: dict[str, ChunkTerms] = {}
    term_ids: dict[str, int] = {}
    terms: list[str] = []
    tf_docs: list[array[int]] = []  # per term id: documents, ascending
    tf_values: list[array[float]] = []  # per term id: weighted term frequency
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
            # The same word in the German and the Turkish title is one piece of evidence, not two.
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
    return meta, terms, offsets, post_docs, post_scores


def reference_expansions(terms: list[str]) -> tuple[array[int], array[int], array[int]]:
    """The sorted packed arrays of the deletion, prefix and compound-part tables."""
    known = {term: i for i, term in enumerate(terms)}
    pack = _TermTable.pack
    deletes: list[int] = []
    prefixes: list[int] = []
    parts: list[int] = []
    for tid, term in enumerate(terms):
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
    return tuple(array("q", sorted(set(p))) for p in (deletes, prefixes, parts))  # type: ignore[return-value]


# --- documents_from_catalogue at b5b4d3c ---------------------------------------------------------------

TITLE = 3.0
QUESTION = 3.0
KEYWORDS = 2.5
TOPIC_KEYWORDS = 1.2
SUMMARY = 1.2
ANSWER = 0.8
DESCRIPTION = 1.0
DETAILS = 0.5
KINDS = {"offers": "offer", "faq": "faq", "partners": "partner", "events": "event", "topics": "topic"}


def _add_text(
    fields: dict[str, list[tuple[str, float]]], text: Mapping[str, Any] | None, weight: float
) -> None:
    for lang, value in (text or {}).items():
        if value:
            fields.setdefault(lang, []).append((str(value), weight))


def _add_lists(
    fields: dict[str, list[tuple[str, float]]], lists: Mapping[str, Iterable[str]] | None, weight: float
) -> None:
    for lang, values in (lists or {}).items():
        text = "\n".join(str(v) for v in values or () if v)
        if text:
            fields.setdefault(lang, []).append((text, weight))


def _districts(entry: Any) -> frozenset[str] | None:
    districts = getattr(entry, "districts", None)
    return frozenset(districts) if districts else None


def reference_document_for(kind: str, entry_id: str, entry: Any) -> SearchDocument:
    fields: dict[str, list[tuple[str, float]]] = {}
    if kind == "faq":
        _add_lists(fields, entry.questions, QUESTION)
        _add_lists(fields, getattr(entry, "keywords", None), KEYWORDS)
        _add_text(fields, entry.answer, ANSWER)
    elif kind == "partner":
        _add_text(fields, entry.name, TITLE)
        _add_lists(fields, getattr(entry, "keywords", None), KEYWORDS)
        _add_text(fields, entry.description, DESCRIPTION)
    elif kind == "topic":
        _add_text(fields, entry.title, TITLE)
        _add_lists(fields, getattr(entry, "keywords", None), TOPIC_KEYWORDS)
    else:  # offer, event
        _add_text(fields, entry.title, TITLE)
        _add_lists(fields, getattr(entry, "keywords", None), KEYWORDS)
        _add_text(fields, entry.summary, SUMMARY)
        _add_text(fields, getattr(entry, "details", None), DETAILS)
    return SearchDocument(entry_id, kind, _districts(entry), fields)


def reference_documents(catalogue: Any) -> list[SearchDocument]:
    docs: list[SearchDocument] = []
    for attribute, kind in KINDS.items():
        entries: Mapping[str, Any] = getattr(catalogue, attribute, None) or {}
        docs.extend(reference_document_for(kind, entry_id, entry) for entry_id, entry in entries.items())
    return docs
