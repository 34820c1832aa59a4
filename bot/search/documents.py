"""Turn the loaded catalogue into search documents (offers, FAQ, partners, events, topics).

Written against the content spec (/work/notes/content_spec.md) and bot/content/models.py, but only by
attribute access, so a test can pass small fake objects. Field weights say how strongly a word in that
field speaks for the entry: a title or a FAQ question variant is what the resident is looking for, a
detail sentence only mentions a word in passing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bot.search.index import SearchDocument

TITLE = 3.0
QUESTION = 3.0
KEYWORDS = 2.5
TOPIC_KEYWORDS = 1.2  # a menu topic is broad: its words should not outrank the entry that is meant
SUMMARY = 1.2
ANSWER = 0.8
DESCRIPTION = 1.0
DETAILS = 0.5

#: Catalogue attribute → document kind (the "<kind>:<id>" used in results and tests).
KINDS = {"offers": "offer", "faq": "faq", "partners": "partner", "events": "event", "topics": "topic"}


def _add_text(
    fields: dict[str, list[tuple[str | bytes, float]]], text: Mapping[str, Any] | None, weight: float
) -> None:
    for lang, value in (text or {}).items():
        if value:
            fields.setdefault(lang, []).append((str(value), weight))


def _add_lists(
    fields: dict[str, list[tuple[str | bytes, float]]],
    lists: Mapping[str, Iterable[str]] | None,
    weight: float,
) -> None:
    for lang, values in (lists or {}).items():
        # One text per list: words are counted the same, and the index analyses one string, not ten.
        text = "\n".join(str(v) for v in values or () if v)
        if text:
            fields.setdefault(lang, []).append((text, weight))


def _districts(entry: Any) -> frozenset[str] | None:
    districts = getattr(entry, "districts", None)
    return frozenset(districts) if districts else None


def _sources(kind: str, entry: Any) -> list[tuple[Any, float, bool]]:
    """The searchable fields of an entry: (value, weight, is a list of texts)."""
    if kind == "faq":
        return [
            (entry.questions, QUESTION, True),
            (getattr(entry, "keywords", None), KEYWORDS, True),
            (entry.answer, ANSWER, False),
        ]
    if kind == "partner":
        return [
            (entry.name, TITLE, False),
            (getattr(entry, "keywords", None), KEYWORDS, True),
            (entry.description, DESCRIPTION, False),
        ]
    if kind == "topic":
        return [(entry.title, TITLE, False), (getattr(entry, "keywords", None), TOPIC_KEYWORDS, True)]
    return [  # offer, event
        (entry.title, TITLE, False),
        (getattr(entry, "keywords", None), KEYWORDS, True),
        (entry.summary, SUMMARY, False),
        (getattr(entry, "details", None), DETAILS, False),
    ]


def document_for(kind: str, entry_id: str, entry: Any) -> SearchDocument:
    """The search document of one catalogue entry of ``kind`` ("offer", "faq", ...)."""
    sources = [(value, weight, is_list) for value, weight, is_list in _sources(kind, entry) if value]
    fields: dict[str, list[tuple[str | bytes, float]]] = {}
    for value, weight, is_list in sources:
        (_add_lists if is_list else _add_text)(fields, value, weight)
    return SearchDocument(entry_id, kind, _districts(entry), fields)


def documents_from_catalogue(catalogue: Any) -> list[SearchDocument]:
    """All searchable entries of ``catalogue`` (an object with dict attributes ``offers``, ``faq``, ...)."""
    return list(iter_documents(catalogue))


def iter_documents(catalogue: Any) -> Iterator[SearchDocument]:
    """The documents of :func:`documents_from_catalogue` one at a time, as the index build takes them."""
    for attribute, kind in KINDS.items():
        entries: Mapping[str, Any] = getattr(catalogue, attribute, None) or {}
        for entry_id, entry in entries.items():
            yield document_for(kind, entry_id, entry)


def emergency_triggers(catalogue: Any) -> dict[str, dict[str, list[str]]]:
    """Emergency id → language → trigger phrases from the content."""
    entries: Mapping[str, Any] = getattr(catalogue, "emergency", None) or {}
    return {
        emergency_id: {lang: list(phrases) for lang, phrases in (entry.triggers or {}).items()}
        for emergency_id, entry in entries.items()
    }
