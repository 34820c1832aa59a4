"""How many messages a resident may send: the rule (`flood_guard` in bot.handlers.common applies it).

The counters live in the database: a restart, or a second process, does not reset them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, or_

from bot.storage.db import Database, dialect_insert
from bot.storage.models.flood import FloodCounter

WINDOW = timedelta(minutes=1)
MAX_UPDATES = 20


def _counting(insert: Any) -> Any:
    """The upsert that counts one message of :user_id at :now and returns the count in its window: a new
    row, or the next count, or 1 in a new window (the stored one began at :cutoff or earlier, or lies after
    :now: a clock set back)."""
    moment = FloodCounter.window_start.type
    now, cutoff = bindparam("now", type_=moment), bindparam("cutoff", type_=moment)
    stale = or_(FloodCounter.window_start <= cutoff, FloodCounter.window_start > now)
    counting = insert(FloodCounter).values(user_id=bindparam("user_id"), window_start=now, count=1)
    return counting.on_conflict_do_update(
        index_elements=["user_id"],
        set_={
            "window_start": case((stale, counting.excluded.window_start), else_=FloodCounter.window_start),
            "count": case((stale, 1), else_=FloodCounter.count + 1),
        },
    ).returning(FloodCounter.count)


class FloodGuard:
    """At most `limit` updates per person and `window` (fixed windows); one warning per window."""

    def __init__(self, database: Database, limit: int = MAX_UPDATES, window: timedelta = WINDOW) -> None:
        self.database = database
        self.limit = limit
        self.window = window
        # Built once: every update runs it, and building and compiling it anew took a millisecond of CPU.
        self._counting = _counting(dialect_insert(database.engine.dialect.name))

    async def allow(self, user_id: int, now: datetime) -> tuple[bool, bool]:
        """Count one message of `user_id` in the window it falls in: (allowed, warn now). The first refused
        one of a window (the count just past the limit) says "warn".

        One upsert counts, so two processes counting the same person at once both count (PostgreSQL
        applies ON CONFLICT DO UPDATE to the row's latest version; SQLite's write transaction is exclusive).
        """
        values = {"user_id": user_id, "now": now, "cutoff": now - self.window}
        async with self.database.transaction() as session:
            # A Core statement on the session's connection: the ORM's bulk-insert path adds nothing here.
            connection = await session.connection()
            count = (await connection.execute(self._counting, values)).scalar_one()
        return count <= self.limit, count == self.limit + 1
