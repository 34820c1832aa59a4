"""Turn the loaded catalogue into search entries (offers, FAQ, partners, events, topics).

Only attribute access and ``Mapping`` reads: a text field is a mapping language → text, a list field a
mapping language → texts, so a test can pass small fake objects and the content's own types may change.

Each entry gives two views of itself:

- ``fields``, for the lexical index: (language, text, weight). The weight says how strongly a word in
  that field speaks for the entry: a title or a FAQ question is what the resident is looking for, a
  detail sentence only mentions a word in passing.
- ``passages``, for the sentence-embedding model: (language, what, text), a few short texts that say
  what the entry is about (title with summary, the keywords, each FAQ question). Long details are left
  out: they blur what an entry is *for*. Keywords that only repeat the entry's name are a ``"name"``
  passage: alone, the model reads a name as a word (the partner "NOW" as "now", close to "wann", when),
  so it counts only for a resident who wrote the name (``SemanticIndex.scores``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

TITLE = 3.0
QUESTION = 3.0
KEYWORDS = 2.5
TOPIC_KEYWORDS = 1.2  # a menu topic is broad: its words should not outrank the entry that is meant
SUMMARY = 1.2
ANSWER = 0.8
DESCRIPTION = 1.0
DETAILS = 0.5
# The fields that mention a word in passing (a FAQ's answer, an offer's details: "practise conversations at
# the doctor's"), not what the entry is about: a word only they have is no thing the content offers
# (``LexicalHits.unknown``).
MENTIONS = frozenset({ANSWER, DETAILS})

#: Catalogue attribute → entry kind (the "<kind>:<id>" used in results and tests).
KINDS = {"offers": "offer", "faq": "faq", "partners": "partner", "events": "event", "topics": "topic"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One searchable catalogue entry."""

    kind: str
    id: str
    districts: frozenset[str] | None
    fields: tuple[tuple[str, str, float], ...]
    passages: tuple[tuple[str, str, str], ...]
    only_for: str | None = None  # the one group an offer is open to ("women"), as the content says

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    def serves(self, district: str | None) -> bool:
        """Whether the entry is for ``district`` (no districts = all; None = any)."""
        return district is None or self.districts is None or district in self.districts


def _texts(value: Mapping[str, Any] | None) -> dict[str, str]:
    return {lang: str(text) for lang, text in (value or {}).items() if text}


def _lists(value: Mapping[str, Iterable[Any]] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lang, texts in (value or {}).items():
        kept = [str(text) for text in texts or () if text]
        if kept:
            out[lang] = kept
    return out


def entry_for(kind: str, entry_id: str, entry: Any) -> Entry:
    """The search entry of one catalogue entry of ``kind`` ("offer", "faq", ...)."""
    fields: list[tuple[str, str, float]] = []
    passages: list[tuple[str, str, str]] = []
    keywords = _lists(getattr(entry, "keywords", None))
    names: set[str] = set()  # the entry's names (titles), case-folded
    if kind == "faq":
        for lang, questions in _lists(entry.questions).items():
            fields.append((lang, "\n".join(questions), QUESTION))
            passages.extend((lang, "question", q) for q in questions)
        fields.extend((lang, text, ANSWER) for lang, text in _texts(entry.answer).items())
    else:
        title_attr, about_attr, about_weight = {
            "partner": ("name", "description", DESCRIPTION),
            "topic": ("title", None, 0.0),
        }.get(kind, ("title", "summary", SUMMARY))
        titles = _texts(getattr(entry, title_attr))
        about = _texts(getattr(entry, about_attr)) if about_attr else {}
        names = {title.casefold() for title in titles.values()}
        for lang, title in titles.items():
            fields.append((lang, title, TITLE))
            passages.append((lang, "title", f"{title}. {about[lang]}" if lang in about else title))
        fields.extend((lang, text, about_weight) for lang, text in about.items())
        if kind in ("offer", "event"):
            details = _texts(getattr(entry, "details", None))
            fields.extend((lang, text, DETAILS) for lang, text in details.items())
    weight = TOPIC_KEYWORDS if kind == "topic" else KEYWORDS
    for lang, words in keywords.items():
        fields.append((lang, "\n".join(words), weight))
        only_name = all(word.casefold() in names for word in words)
        passages.append((lang, "name" if only_name else "keywords", ", ".join(words)))
    districts = getattr(entry, "districts", None)
    only_for = getattr(entry, "only_for", None)
    return Entry(
        kind,
        entry_id,
        frozenset(districts) if districts else None,
        tuple(fields),
        tuple(passages),
        str(only_for) if only_for else None,
    )


def entries_from_catalogue(catalogue: Any) -> list[Entry]:
    """All searchable entries of ``catalogue`` (with mapping attributes ``offers``, ``faq``, ...)."""
    return list(iter_entries(catalogue))


def iter_entries(catalogue: Any) -> Iterator[Entry]:
    for attribute, kind in KINDS.items():
        entries: Mapping[str, Any] = getattr(catalogue, attribute, None) or {}
        for entry_id, entry in entries.items():
            yield entry_for(kind, entry_id, entry)


def single_keywords(entries: Iterable[Entry]) -> dict[str, set[str]]:
    """Language → the keywords that are one word on their own ("course"): staff mean them as content
    words even where a stop-word list says otherwise."""
    from bot.search.normalize import fold

    out: dict[str, set[str]] = {}
    for entry in entries:
        for lang, what, text in entry.passages:
            if what in ("keywords", "name"):
                out.setdefault(lang, set()).update(
                    fold(word) for word in text.split(", ") if word and " " not in word.strip()
                )
    return out


def emergency_triggers(catalogue: Any) -> dict[str, dict[str, list[str]]]:
    """Emergency id → language → trigger phrases from the content."""
    entries: Mapping[str, Any] = getattr(catalogue, "emergency", None) or {}
    return {
        emergency_id: {lang: list(phrases) for lang, phrases in (entry.triggers or {}).items()}
        for emergency_id, entry in entries.items()
    }


def content_names(entries: Iterable[Entry], catalogue: Any = None) -> list[str]:
    """The names the content uses: titles of partners, offers and events, and the places' names (of
    ``catalogue``) in every language. An emergency trigger inside one is no trigger ("SOS-Mütterzentrum",
    bot/search/emergency/)."""
    names = [
        text
        for entry in entries
        if entry.kind in ("partner", "offer", "event")
        for _lang, text, weight in entry.fields
        if weight == TITLE
    ]
    for place in (getattr(catalogue, "places", None) or {}).values():
        names.extend(_texts(place.name).values())
    return names
