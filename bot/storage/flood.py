"""Query functions for the message counters (`bot.flood`). Session first; they never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.db import changed_rows, upsert_insert
from bot.storage.models.flood import FloodCounter


async def count_message(
    session: AsyncSession, user_id: int, now: datetime, window: timedelta, limit: int
) -> tuple[bool, bool]:
    """Count one message of `user_id` in the fixed window it falls in: (allowed, warn now).

    At most `limit` messages per window are allowed; the first refused one of a window says "warn".
    The row is locked (PostgreSQL; SQLite's write transaction is exclusive anyway), so two processes
    counting the same person at once both count.
    """
    await session.execute(
        upsert_insert(session)(FloodCounter)
        .values(user_id=user_id, window_start=now, count=0, warned=False)
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    row = (
        await session.execute(
            select(FloodCounter)
            .where(FloodCounter.user_id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if now - row.window_start >= window or now < row.window_start:
        row.window_start, row.count, row.warned = now, 0, False
    row.count += 1
    if row.count <= limit:
        return True, False
    warn = not row.warned
    row.warned = True
    return False, warn


async def purge_flood_counters(session: AsyncSession, before: datetime) -> int:
    """Drop the counters of windows that began before `before` (they count nothing any more)."""
    return changed_rows(await session.execute(delete(FloodCounter).where(FloodCounter.window_start < before)))
