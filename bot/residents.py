"""The resident's own settings: who they are to the bot (language, neighbourhood) and forgetting them.

The domain service the handlers call; each call is one transaction. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, select

from bot.storage.db import Database, changed_rows
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.outbox import OutboxMessage, OutboxStatus
from bot.storage.models.requests import Request

LAST_SEEN_PRECISION = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class ResidentSettings:
    """What the bot keeps about a resident and uses on every update."""

    language: str
    first_name: str | None
    district: str | None
    language_confirmed: bool


class ResidentService:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def arrive(self, telegram_id: int, *, language: str, first_name: str | None) -> ResidentSettings:
        """A resident writes or taps: remember them (new ones with `language`, the negotiated one) and
        return their settings."""
        first_name = (first_name or None) and first_name[:64]
        now = utcnow()
        async with self._database.transaction() as session:
            resident = await session.get(Resident, telegram_id)
            if resident is None:
                resident = Resident(
                    telegram_id=telegram_id,
                    language=language,
                    language_confirmed=False,
                    first_name=first_name,
                    first_seen=now,
                    last_seen=now,
                )
                session.add(resident)
            else:
                # Write only what changed: every tap passes here, and on SQLite each write takes the
                # database lock.
                if now - resident.last_seen > LAST_SEEN_PRECISION:
                    resident.last_seen = now
                if first_name and resident.first_name != first_name:
                    resident.first_name = first_name
                if resident.blocked:
                    # A resident who writes again has evidently unblocked the bot.
                    resident.blocked = False
            return ResidentSettings(
                resident.language, resident.first_name, resident.district, resident.language_confirmed
            )

    async def choose_language(self, telegram_id: int, language: str) -> None:
        """The resident picked their language (it counts as confirmed)."""
        async with self._database.transaction() as session:
            resident = await session.get(Resident, telegram_id)
            if resident is not None:
                resident.language = language
                resident.language_confirmed = True

    async def choose_district(self, telegram_id: int, district: str) -> None:
        async with self._database.transaction() as session:
            resident = await session.get(Resident, telegram_id)
            if resident is not None:
                resident.district = district

    async def forget(self, telegram_id: int) -> bool:
        """/delete: the resident, their dialogue, requests and thread links (cascade) and every outbox row
        to them or about their requests, sent or not (a row a worker is sending right now is left to
        finish); whether they were known."""
        their_requests = select(Request.id).where(Request.resident_id == telegram_id)
        theirs = or_(OutboxMessage.target == str(telegram_id), OutboxMessage.request_id.in_(their_requests))
        async with self._database.transaction() as session:
            await session.execute(
                delete(OutboxMessage).where(theirs, OutboxMessage.status != OutboxStatus.SENDING)
            )
            deleted = await session.execute(delete(Resident).where(Resident.telegram_id == telegram_id))
            return bool(changed_rows(deleted))
