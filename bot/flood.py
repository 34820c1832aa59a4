"""How many messages a resident may send: the rule (`flood_guard` in bot.handlers.common applies it).

The counters live in the database: a restart, or a second process, does not reset them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_

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
        one of a window (the count just past the limit) says "warn".

        One upsert counts, so two processes counting the same person at once both count (PostgreSQL
        applies ON CONFLICT DO UPDATE to the row's latest version; SQLite's write transaction is exclusive).
        """
        stale = or_(FloodCounter.window_start <= now - self.window, FloodCounter.window_start > now)
        async with self.database.transaction() as session:
            counting = upsert_insert(session)(FloodCounter).values(user_id=user_id, window_start=now, count=1)
            count = await session.scalar(
                counting.on_conflict_do_update(
                    index_elements=["user_id"],
                    set_={
                        "window_start": case(
                            (stale, counting.excluded.window_start), else_=FloodCounter.window_start
                        ),
                        "count": case((stale, 1), else_=FloodCounter.count + 1),
                    },
                ).returning(FloodCounter.count)
            )
        assert count is not None
        return count <= self.limit, count == self.limit + 1
