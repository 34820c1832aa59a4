"""How many messages a resident may send: the rule (the handler in bot.handlers.flood applies it).

The counters live in the database (`bot.storage.flood`): a restart, or a second process, does not reset
them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage import flood as store
from bot.storage.db import Database

WINDOW = timedelta(minutes=1)
MAX_UPDATES = 20


class FloodGuard:
    """At most `limit` updates per person and `window` (fixed windows); one warning per window."""

    def __init__(self, database: Database, limit: int = MAX_UPDATES, window: timedelta = WINDOW) -> None:
        self.database = database
        self.limit = limit
        self.window = window

    async def allow(self, user_id: int, now: datetime) -> tuple[bool, bool]:
        """(allowed, warn now)."""
        async with self.database.transaction() as session:
            return await store.count_message(session, user_id, now, self.window, self.limit)
