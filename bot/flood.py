"""How many messages a resident may send: the rule (`flood_guard` in bot.handlers.common applies it).

The counters live in the database: a restart, or a second process, does not reset them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.storage.db import Database, upsert_insert
from bot.storage.models.flood import FloodCounter

WINDOW = timedelta(minutes=1)
MAX_UPDATES = 20


class FloodGuard:
    """At most `limit` updates per person and `window` (fixed windows); one warning per window."""

    def __init__(self, database: Database, limit: int = MAX_UPDATES, window: timedelta = WINDOW) -> None:
        self.database = database
        self.limit = limit
        self.window = window

    async def allow(self, user_id: int, now: datetime) -> tuple[bool, bool]:
        """Count one message of `user_id` in the window it falls in: (allowed, warn now). The first refused
        one of a window says "warn".

        The row is locked (PostgreSQL; SQLite's write transaction is exclusive anyway), so two processes
        counting the same person at once both count.
        """
        async with self.database.transaction() as session:
            await session.execute(
                upsert_insert(session)(FloodCounter)
                .values(user_id=user_id, window_start=now, count=0, warned=False)
                .on_conflict_do_nothing(index_elements=["user_id"])
            )
            counter = await session.scalar(
                select(FloodCounter)
                .where(FloodCounter.user_id == user_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            assert counter is not None
            if now - counter.window_start >= self.window or now < counter.window_start:
                counter.window_start, counter.count, counter.warned = now, 0, False
            counter.count += 1
            if counter.count <= self.limit:
                return True, False
            warn = not counter.warned
            counter.warned = True
            return False, warn
