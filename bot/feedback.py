"""Answer statistics for the staff: "did this help?" votes and questions without an answer.

The domain service the handlers and jobs call; each call is one transaction. A vote counts once per resident
and entry; staff see only the counts. No unanswered question is linked to the resident who asked it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from bot.storage.db import Database, upsert_insert
from bot.storage.models.base import utcnow
from bot.storage.models.feedback import AnswerFeedback, UnansweredQuestion

MAX_QUESTION_CHARS = 500


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
        checks that the entry exists.

        One statement (INSERT … ON CONFLICT, in SQLite and PostgreSQL alike), so two taps at the same moment,
        even in two processes, still leave one vote.
        """
        async with self._database.transaction() as session:
            statement = upsert_insert(session)(AnswerFeedback).values(
                resident_id=resident_id, kind=kind, entry_id=entry_id, helpful=helpful, created_at=utcnow()
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["resident_id", "kind", "entry_id"],
                    set_={"helpful": statement.excluded.helpful},
                )
            )

    async def unanswered(self, text: str, language: str, district: str | None) -> None:
        """A question the search found nothing for (kept shortened, without who asked)."""
        async with self._database.transaction() as session:
            session.add(
                UnansweredQuestion(text=text[:MAX_QUESTION_CHARS], language=language, district=district)
            )

    async def report(self, *, entries: int = 20, questions: int = 15) -> FeedbackReport:
        """The `entries` most voted entries and the latest `questions` unanswered questions."""
        async with self._database.sessions() as session:
            columns = (AnswerFeedback.kind, AnswerFeedback.entry_id, AnswerFeedback.helpful)
            rows = (await session.execute(select(*columns, func.count()).group_by(*columns))).all()
            latest = await session.scalars(
                select(UnansweredQuestion).order_by(UnansweredQuestion.created_at.desc()).limit(questions)
            )
            unanswered = [Unanswered(q.language, q.text) for q in latest]
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for kind, entry_id, helpful, count in rows:
            up, down = counts.get((kind, entry_id), (0, 0))
            counts[(kind, entry_id)] = (up + count, down) if helpful else (up, down + count)
        ranked = sorted(counts.items(), key=lambda item: -sum(item[1]))[:entries]
        votes = [(kind, entry_id, up, down) for (kind, entry_id), (up, down) in ranked]
        return FeedbackReport(votes, unanswered)
