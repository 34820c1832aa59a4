"""The resident's own settings: who they are to the bot (language, neighbourhood) and forgetting them.

The domain service the handlers call; each call is one transaction (bot/storage/residents.py has the
queries). Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import residents as store
from bot.storage.db import Database


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
        async with self._database.transaction() as session:
            resident, _new = await store.touch_resident(
                session, telegram_id, language=language, first_name=first_name
            )
            return ResidentSettings(
                resident.language, resident.first_name, resident.district, resident.language_confirmed
            )

    async def choose_language(self, telegram_id: int, language: str) -> None:
        """The resident picked their language (it counts as confirmed)."""
        async with self._database.transaction() as session:
            await store.set_language(session, telegram_id, language)

    async def choose_district(self, telegram_id: int, district: str) -> None:
        """The resident picked their neighbourhood."""
        async with self._database.transaction() as session:
            await store.set_district(session, telegram_id, district)

    async def forget(self, telegram_id: int) -> bool:
        """/delete: the resident, their requests and every message to them or about them; whether they
        were known."""
        async with self._database.transaction() as session:
            return await store.delete_resident(session, telegram_id)
