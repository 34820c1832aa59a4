"""The SQLite connections (bot/storage/sqlite_driver.py): a trip to the connection's thread only for what may
wait (BEGIN IMMEDIATE while another writer holds the lock, a COMMIT that wrote), the rest in the event
loop's thread, and what SQLAlchemy reads of a statement's result (rows, row count, new row id, errors) as
before."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.storage import sqlite_driver
from bot.storage.db import create_database
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.requests import RetiredNumber


def counted_trips(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The functions sent to the connection's thread from now on (a trip each)."""
    trips: list[object] = []
    execute = sqlite_driver.OneTripConnection._execute

    async def counted(self: sqlite_driver.OneTripConnection, fn: object, *args: object) -> object:
        trips.append(fn)
        return await execute(self, fn, *args)

    monkeypatch.setattr(sqlite_driver.OneTripConnection, "_execute", counted)
    return trips


async def test_only_what_may_wait_is_a_trip_to_the_connection_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = create_database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await database.upgrade()
    trips = counted_trips(monkeypatch)
    now = utcnow()
    try:
        async with database.sessions() as session:
            await session.execute(select(Resident.language))  # the pool's connection is made
        trips.clear()
        async with database.sessions() as session:  # reads never wait in WAL mode
            await session.execute(select(Resident).where(Resident.telegram_id == 1))
        assert trips == []
        async with database.transaction() as session:  # only read: nothing to wait for
            await session.execute(select(Resident).where(Resident.telegram_id == 1))
        assert trips == []  # BEGIN IMMEDIATE found the write lock free; COMMIT had nothing to write
        async with database.transaction() as session:
            assert trips == []  # the write lock was free
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
            assert trips == []  # the write lock is the transaction's: nothing else waits
        assert len(trips) == 1  # COMMIT waits for the disk
        async with database.transaction() as session:
            session.add_all(
                [RetiredNumber(number="1", partner_id="p"), RetiredNumber(number="1", partner_id="q")]
            )
            with pytest.raises(IntegrityError):
                await session.flush()
    finally:
        await database.dispose()


async def test_a_write_transaction_waits_for_another_processs_writer_without_blocking_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another connection (another process) holds SQLite's write lock, BEGIN IMMEDIATE waits for it in
    the connection's thread (the event loop goes on meanwhile), and begins once that writer commits."""
    path = tmp_path / "bot.db"
    database = create_database(f"sqlite+aiosqlite:///{path}")
    await database.upgrade()
    trips = counted_trips(monkeypatch)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        async with database.sessions() as session:
            await session.execute(select(Resident.language))  # the pool's connection is made
        other.execute("BEGIN IMMEDIATE")
        ticks = 0

        async def loop_goes_on() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1
                if ticks == 5:
                    other.execute("COMMIT")

        ticker = asyncio.create_task(loop_goes_on())
        async with database.transaction() as session:
            assert ticks >= 5 and len(trips) == 1  # waited in the connection's thread for the commit
            await session.execute(select(Resident).where(Resident.telegram_id == 1))
        ticker.cancel()
    finally:
        other.close()
        await database.dispose()
