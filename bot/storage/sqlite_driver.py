"""aiosqlite connections whose statements make one trip to the database thread instead of four.

aiosqlite runs each SQLite connection in a thread of its own; every call into it is a trip there and back
(a queue, a thread switch, a wake-up of the event loop). SQLAlchemy's aiosqlite adapter makes four per
statement: open a cursor, execute, fetch the rows, close the cursor. On a resident's and a partner's
journey these trips were the largest single share of the CPU time an update costs on SQLite
(BENCHMARKS.md). Here the cursor is opened, executes, fetches every row and is closed in one function run
in that thread; fetching and closing then only read what it brought back. SQLAlchemy's adapter buffers all
rows of a statement anyway, so it sees the same rows, description, row count and last row id.

Nothing else changes: the same sqlite3 connection in the same thread, the statements in the same order
(aiosqlite's queue runs them one after the other), the same exceptions, SQLAlchemy's own dialect and
adapter around it. `connect` is given to that dialect as `async_creator_fn` (`bot.storage.db`).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any

import aiosqlite

_Outcome = tuple[Any, int, int | None, Sequence[Any]]  # description, row count, last row id, rows


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In the connection's thread: the statement run, its rows fetched, the cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        # After the fetch: SQLite counts the rows of an UPDATE ... RETURNING as they are fetched.
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """What SQLAlchemy's adapter uses of an aiosqlite cursor; `execute` is the one trip, the rest reads
    what it brought back."""

    __slots__ = ("_connection", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._rows.clear()

    async def execute(self, sql: str, parameters: Any = None) -> OneTripCursor:
        return await self._trip(sql, () if parameters is None else parameters, many=False)

    async def executemany(self, sql: str, parameters: Any) -> OneTripCursor:
        return await self._trip(sql, parameters, many=True)

    async def _trip(self, sql: str, parameters: Any, *, many: bool) -> OneTripCursor:
        connection = self._connection
        outcome = await connection._execute(_run, connection._conn, sql, parameters, many)
        self.description, self.rowcount, self.lastrowid, rows = outcome
        self._rows = deque(rows)
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._rows
        return [rows.popleft() for _ in range(min(size or self.arraysize, len(rows)))]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def nextset(self) -> None:
        return None

    async def close(self) -> None:
        self._rows.clear()


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors are `OneTripCursor`s: opening one is no trip."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """`aiosqlite.connect` with `OneTripConnection` (SQLAlchemy awaits it, which opens the connection)."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    connection = OneTripConnection(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy makes aiosqlite's: no thread keeps the process alive
    return connection
