"""Answer statistics for the staff: "did this help?" votes and questions without an answer.

The domain service the handlers and jobs call; each call is one transaction (bot/storage/feedback.py has
the queries). A vote counts once per resident and entry; staff see only the counts. No unanswered question
is linked to the resident who asked it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import feedback as store
from bot.storage.db import Database


@dataclass(frozen=True, slots=True)
class Unanswered:
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """What /stats shows: votes per entry, most voted first, and the latest questions without answer."""

    votes: list[tuple[str, str, int, int]]  # kind, entry id, helpful, not helpful
    unanswered: list[Unanswered]


class FeedbackService:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def vote(self, resident_id: int, kind: str, entry_id: str, *, helpful: bool) -> None:
        """👍 or 👎 under an answer, once per resident and entry (a second tap changes the vote). The caller
        checks that the entry exists."""
        async with self._database.transaction() as session:
            await store.record_feedback(session, resident_id, kind, entry_id, helpful)

    async def unanswered(self, text: str, language: str, district: str | None) -> None:
        """A question the search found nothing for (kept shortened, without who asked)."""
        async with self._database.transaction() as session:
            await store.record_unanswered(session, text, language, district)

    async def report(self, *, entries: int = 20, questions: int = 15) -> FeedbackReport:
        """The `entries` most voted entries and the latest `questions` unanswered questions."""
        async with self._database.sessions() as session:
            counts = await store.feedback_counts(session)
            latest = await store.list_unanswered(session, limit=questions)
            unanswered = [Unanswered(q.language, q.text) for q in latest]
        ranked = sorted(counts.items(), key=lambda item: -sum(item[1]))[:entries]
        votes = [(kind, entry_id, up, down) for (kind, entry_id), (up, down) in ranked]
        return FeedbackReport(votes, unanswered)
