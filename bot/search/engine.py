"""The search service the handlers call: emergency first, then small talk, then the index."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.search.documents import emergency_triggers, iter_documents
from bot.search.emergency import EmergencyDetector, EmergencyMatch
from bot.search.index import Hit, SearchDocument, SearchIndex
from bot.search.smalltalk import MessageShape, SmallTalkKind, message_shape, small_talk

logger = logging.getLogger(__name__)

NotUnderstood = Literal[MessageShape, "no_match"]

#: Tuned on tests/data/questions.jsonl with bench/search_bench.py (see /work/notes/search_bench.md).
MIN_SCORE = 2.0  # below: only alternatives, never an answer
MIN_MARGIN = 1.25  # top score must be this many times the runner-up's
MIN_ALTERNATIVE = 0.35  # alternatives scoring below this share of the top are dropped
MIN_CALL_SCORE = 9.0  # a call for help ("pomocy!") is a request, not an emergency, if the rest scores this


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What the bot understood of a message.

    ``answer`` is set only when the best hit is clearly best (absolute score and margin over the
    runner-up); otherwise the hits are ``alternatives`` for the resident to choose from. ``emergency``
    means: show the emergency numbers first, whatever else is set; ``emergency_match`` says which
    trigger fired (it is also set, with ``emergency`` False, when a soft trigger was overruled by a
    confident answer). ``reason`` says why nothing was
    understood ("empty", "emoji", "too_short", "unsupported_script", "no_match").
    """

    answer: Hit | None = None
    alternatives: list[Hit] = field(default_factory=list)
    emergency: bool = False
    small_talk: SmallTalkKind | None = None
    understood: bool = False
    emergency_match: EmergencyMatch | None = None
    reason: NotUnderstood | None = None


class SearchEngine:
    """Stateless after construction; build it once per catalogue snapshot and share it."""

    def __init__(self, index: SearchIndex, emergency: EmergencyDetector) -> None:
        self.index = index
        self.emergency = emergency

    @classmethod
    def from_documents(
        cls, docs: Iterable[SearchDocument], emergency_triggers: dict[str, dict[str, list[str]]] | None = None
    ) -> SearchEngine:
        return cls(SearchIndex.build(docs), EmergencyDetector.with_builtin(emergency_triggers))

    @classmethod
    def from_catalogue(cls, catalogue: Any) -> SearchEngine:
        """The engine for `catalogue`."""
        emergency = EmergencyDetector.with_builtin(emergency_triggers(catalogue))
        return cls(SearchIndex.build(iter_documents(catalogue)), emergency)

    def answer(self, query: str, lang: str, district: str | None = None, limit: int = 3) -> SearchResult:
        """Classify and answer one resident message."""
        shape = message_shape(query)
        if shape in ("empty", "emoji", "unsupported_script"):
            return SearchResult(reason=shape)
        match = self.emergency.detect(query)
        if match is not None and match.hard:
            hits = self.index.search(query, lang, district, limit)
            return SearchResult(alternatives=hits, emergency=True, understood=True, emergency_match=match)
        kind = small_talk(query) if match is None else None
        if kind is not None:
            return SearchResult(small_talk=kind, understood=True)
        if shape == "too_short" and match is None:
            return SearchResult(reason=shape)
        result = self._search(query, lang, district, limit)
        if match is not None:
            # A soft trigger ("Hilfe", "pomocy", "Polizei") is overruled only when the *rest* of the
            # message is confidently answered ("помогите | написать резюме" → job application training);
            # "حريق | بالعمارة" (fire | in the building) stays an emergency.
            emergency = self._stays_emergency(result, match, lang, district, limit)
            return SearchResult(
                answer=result.answer,
                alternatives=result.alternatives,
                emergency=emergency,
                understood=True,
                emergency_match=match,
            )
        return result

    def _stays_emergency(
        self, result: SearchResult, match: EmergencyMatch, lang: str, district: str | None, limit: int
    ) -> bool:
        """Whether a soft trigger still shows the emergency numbers, given what the search found."""
        rest = self._search(match.rest, lang, district, limit)
        if match.call:
            # "допоможіть | з листом від відомства": help *with* something the bot knows well, even if two
            # entries about letters compete for first place. A weak hit ("допоможіть, тут чужа людина в
            # квартирі" → a flat) is no reason to hide the emergency numbers.
            best = rest.answer or (rest.alternatives[0] if rest.alternatives else None)
            if best is not None and best.score >= MIN_CALL_SCORE:
                return False
        return result.answer is None or rest.answer is None

    def _search(self, query: str, lang: str, district: str | None, limit: int) -> SearchResult:
        hits = self.index.search(query, lang, district, limit + 1)
        if not hits:
            return SearchResult(reason="no_match")
        top = hits[0]
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        confident = top.score >= MIN_SCORE and top.score >= MIN_MARGIN * runner_up
        rest = [h for h in hits[1:] if h.score >= MIN_ALTERNATIVE * top.score]
        if confident:
            return SearchResult(answer=top, alternatives=rest[: limit - 1], understood=True)
        return SearchResult(alternatives=[top, *rest][:limit], understood=True)
