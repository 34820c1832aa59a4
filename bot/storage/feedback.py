"""Query functions for the anonymous answer statistics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.db import changed_rows, upsert_insert
from bot.storage.models.base import utcnow
from bot.storage.models.feedback import AnswerFeedback, UnansweredQuestion

MAX_QUESTION_CHARS = 500


async def record_feedback(
    session: AsyncSession, resident_id: int, kind: str, entry_id: str, helpful: bool
) -> None:
    """The resident's vote on the entry: a new one, or their earlier one changed.

    One statement (INSERT … ON CONFLICT, in SQLite and PostgreSQL alike), so two taps at the same moment,
    even in two processes, still leave one vote.
    """
    statement = upsert_insert(session)(AnswerFeedback).values(
        resident_id=resident_id, kind=kind, entry_id=entry_id, helpful=helpful, created_at=utcnow()
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["resident_id", "kind", "entry_id"],
            set_={"helpful": statement.excluded.helpful},
        )
    )


async def votes_of(session: AsyncSession, resident_id: int) -> list[AnswerFeedback]:
    """The resident's votes, oldest first (for /mydata)."""
    rows = await session.scalars(
        select(AnswerFeedback)
        .where(AnswerFeedback.resident_id == resident_id)
        .order_by(AnswerFeedback.created_at, AnswerFeedback.id)
    )
    return list(rows)


async def record_unanswered(session: AsyncSession, text: str, language: str, district: str | None) -> None:
    """Keep the question (shortened), never who asked it."""
    session.add(UnansweredQuestion(text=text[:MAX_QUESTION_CHARS], language=language, district=district))


async def purge_unanswered(session: AsyncSession, older_than: datetime) -> int:
    statement = delete(UnansweredQuestion).where(UnansweredQuestion.created_at < older_than)
    return changed_rows(await session.execute(statement))


async def feedback_counts(session: AsyncSession) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, entry id) → (helpful, not helpful)."""
    rows = await session.execute(
        select(AnswerFeedback.kind, AnswerFeedback.entry_id, AnswerFeedback.helpful, func.count()).group_by(
            AnswerFeedback.kind, AnswerFeedback.entry_id, AnswerFeedback.helpful
        )
    )
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for kind, entry_id, helpful, count in rows:
        up, down = counts.get((kind, entry_id), (0, 0))
        counts[(kind, entry_id)] = (up + count, down) if helpful else (up, down + count)
    return counts


async def list_unanswered(session: AsyncSession, limit: int = 50) -> list[UnansweredQuestion]:
    rows = await session.execute(
        select(UnansweredQuestion).order_by(UnansweredQuestion.created_at.desc()).limit(limit)
    )
    return list(rows.scalars())
