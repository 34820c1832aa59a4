"""How many messages a resident may send: at most `MAX_UPDATES` per `WINDOW` (fixed windows), and the first
refused one of a window is told to slow down. `ResidentService.arrive` counts each update in the transaction
that reads the resident. Beyond the limit nothing runs for an update, but a tapped button is answered with
a toast and emergency words still get the emergency numbers (`bot.handlers.common.refuse`).

The counters live in the database: a restart, or a second process, does not reset them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, or_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.db import upsert_insert
from bot.storage.models.flood import FloodCounter

WINDOW = timedelta(minutes=1)
MAX_UPDATES = 20


@cache
def _counting(insert: Any) -> Any:
    """The upsert that counts one message of :user_id at :now and returns the count in its window: a new
    row, or the next count, or 1 in a new window (the stored one began at :cutoff or earlier, or lies after
    :now: a clock set back). Built once: every update runs it, and building it anew took a millisecond."""
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


async def count(session: AsyncSession, user_id: int, now: datetime) -> int:
    """Count one message of `user_id` in the window `now` falls in; how many that window holds now.

    One upsert counts, so two processes counting the same person at once both count (PostgreSQL applies
    ON CONFLICT DO UPDATE to the row's latest version; SQLite's write transaction is exclusive).
    """
    # A Core statement on the session's connection: the ORM's bulk-insert path adds nothing here.
    connection = await session.connection()
    values = {"user_id": user_id, "now": now, "cutoff": now - WINDOW}
    return int((await connection.execute(_counting(upsert_insert(session)), values)).scalar_one())
