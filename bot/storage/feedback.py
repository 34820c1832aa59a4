"""Query functions for the anonymous answer statistics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models.feedback import AnswerFeedback, UnansweredQuestion

MAX_QUESTION_CHARS = 500


async def record_feedback(session: AsyncSession, kind: str, entry_id: str, helpful: bool) -> None:
    session.add(AnswerFeedback(kind=kind, entry_id=entry_id, helpful=helpful))


async def record_unanswered(session: AsyncSession, text: str, language: str, district: str | None) -> None:
    """Keep the question (shortened), never who asked it."""
    session.add(UnansweredQuestion(text=text[:MAX_QUESTION_CHARS], language=language, district=district))


async def purge_unanswered(session: AsyncSession, older_than: datetime) -> int:
    result = await session.execute(
        delete(UnansweredQuestion).where(UnansweredQuestion.created_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)


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
