"""The SQLite connections (bot/storage/sqlite_driver.py): a trip to the connection's thread only for what may
wait (BEGIN IMMEDIATE, COMMIT), the rest in the event loop's thread, and what SQLAlchemy reads of a
statement's result (rows, row count, new row id, errors) as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.storage import sqlite_driver
from bot.storage.db import create_database
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.requests import RetiredNumber


async def test_only_what_may_wait_is_a_trip_to_the_connection_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = create_database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await database.upgrade()
    trips: list[object] = []
    execute = sqlite_driver.OneTripConnection._execute

    async def counted(self: sqlite_driver.OneTripConnection, fn: object, *args: object) -> object:
        trips.append(fn)
        return await execute(self, fn, *args)

    monkeypatch.setattr(sqlite_driver.OneTripConnection, "_execute", counted)
    now = utcnow()
    try:
        async with database.sessions() as session:
            await session.execute(select(Resident.language))  # the pool's connection is made
        trips.clear()
        async with database.sessions() as session:  # reads never wait in WAL mode
            await session.execute(select(Resident).where(Resident.telegram_id == 1))
        assert trips == []
        async with database.transaction() as session:
            assert len(trips) == 1  # BEGIN IMMEDIATE waits for another process's writer
            await session.execute(select(Resident).where(Resident.telegram_id == 1))
            new = insert(Resident).values(
                telegram_id=1,
                language="de",
                language_confirmed=False,
                blocked=False,
                first_seen=now,
                last_seen=now,
            )
            connection = await session.connection()  # Core results: the row count and new row id
            assert (await connection.execute(new)).lastrowid == 1
            blocked = update(Resident).values(blocked=True).returning(Resident.telegram_id)
            changed = await connection.execute(blocked)
            assert changed.all() == [(1,)] and changed.rowcount == 1
            assert (await connection.execute(text("SELECT count(*) FROM residents"))).scalar() == 1
            assert len(trips) == 1  # the write lock is the transaction's: nothing else waits
        assert len(trips) == 2  # COMMIT waits for the disk
        async with database.transaction() as session:
            session.add_all(
                [RetiredNumber(number="1", partner_id="p"), RetiredNumber(number="1", partner_id="q")]
            )
            with pytest.raises(IntegrityError):
                await session.flush()
    finally:
        await database.dispose()
