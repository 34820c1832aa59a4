"""Query functions for the inbox of updates (`bot.inbox`). Session first; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.db import upsert_insert
from bot.storage.models.inbox import InboxStatus, InboxUpdate


async def store_updates(
    session: AsyncSession, updates: Sequence[tuple[int, int | None, dict[str, Any]]], now: datetime
) -> list[tuple[int, int | None]]:
    """Insert (update_id, chat_id, payload) rows; an update stored before is left alone.

    Returns (update_id, chat_id) of the new ones, in the order given.
    """
    if not updates:
        return []
    stmt = (
        upsert_insert(session)(InboxUpdate)
        .values(
            [
                {
                    "update_id": update_id,
                    "chat_id": chat_id,
                    "payload": payload,
                    "status": InboxStatus.PENDING,
                    "attempts": 0,
                    "received_at": now,
                }
                for update_id, chat_id, payload in updates
            ]
        )
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(InboxUpdate.update_id)
    )
    new = set((await session.scalars(stmt)).all())
    return [(update_id, chat_id) for update_id, chat_id, _ in updates if update_id in new]


async def pending_updates(session: AsyncSession, limit: int) -> list[tuple[int, int | None]]:
    """(update_id, chat_id) of stored updates not processed yet, oldest first."""
    rows = await session.execute(
        select(InboxUpdate.update_id, InboxUpdate.chat_id)
        .where(InboxUpdate.status == InboxStatus.PENDING)
        .order_by(InboxUpdate.update_id)
        .limit(limit)
    )
    return [(int(update_id), chat_id) for update_id, chat_id in rows.all()]


async def begin_update(session: AsyncSession, update_id: int) -> tuple[dict[str, Any], int] | None:
    """Count one more attempt at a pending update; its payload and the attempts so far, or None if it is
    not pending (processed meanwhile)."""
    result = await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id, InboxUpdate.status == InboxStatus.PENDING)
        .values(attempts=InboxUpdate.attempts + 1)
        .returning(InboxUpdate.payload, InboxUpdate.attempts)
    )
    row = result.first()
    if row is None or row[0] is None:
        return None
    return dict(row[0]), int(row[1])


async def finish_update(session: AsyncSession, update_id: int, status: InboxStatus, now: datetime) -> None:
    """Mark an update processed (or given up); its payload is dropped."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id)
        .values(status=status, payload=None, done_at=now)
    )
