"""Query functions for residents. They take the session first and never commit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.db import changed_rows
from bot.storage.models import Resident
from bot.storage.models.base import utcnow

LAST_SEEN_PRECISION = timedelta(minutes=15)


async def touch_resident(
    session: AsyncSession, telegram_id: int, *, language: str, first_name: str | None
) -> tuple[Resident, bool]:
    """Load the resident or create them with the negotiated `language`; update last_seen.

    Returns the resident and whether they are new.
    """
    resident = await session.get(Resident, telegram_id)
    now = utcnow()
    if resident is None:
        resident = Resident(
            telegram_id=telegram_id,
            language=language,
            language_confirmed=False,
            first_name=(first_name or None) and first_name[:64],
            first_seen=now,
            last_seen=now,
        )
        session.add(resident)
        await session.flush()
        return resident, True
    # Write only what changed: every tap passes here, and on SQLite each write takes the database lock.
    if now - resident.last_seen > LAST_SEEN_PRECISION:
        resident.last_seen = now
    if first_name and resident.first_name != first_name[:64]:
        resident.first_name = first_name[:64]
    if resident.blocked:
        # A resident who writes again has evidently unblocked the bot.
        resident.blocked = False
    return resident, False


async def set_language(session: AsyncSession, telegram_id: int, language: str) -> None:
    resident = await session.get(Resident, telegram_id)
    if resident is not None:
        resident.language = language
        resident.language_confirmed = True


async def set_district(session: AsyncSession, telegram_id: int, district: str) -> None:
    resident = await session.get(Resident, telegram_id)
    if resident is not None:
        resident.district = district


async def delete_resident(session: AsyncSession, telegram_id: int) -> bool:
    """Forget a resident: their row, dialogue, requests and thread links (cascade) and every outbox row to
    them or about their requests — sent or not. A row a worker is sending right now is left to finish.
    """
    from bot.storage.models.outbox import OutboxMessage, OutboxStatus
    from bot.storage.models.requests import Request

    their_requests = select(Request.id).where(Request.resident_id == telegram_id)
    await session.execute(
        delete(OutboxMessage).where(
            or_(OutboxMessage.target == str(telegram_id), OutboxMessage.request_id.in_(their_requests)),
            OutboxMessage.status != OutboxStatus.SENDING,
        )
    )
    return bool(
        changed_rows(await session.execute(delete(Resident).where(Resident.telegram_id == telegram_id)))
    )
