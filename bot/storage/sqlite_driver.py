"""aiosqlite connections whose statements run in the event loop's thread unless they may wait.

aiosqlite runs each SQLite connection in a thread of its own; every call into it is a trip there and back
(a queue, a thread switch, a wake-up of the event loop: 60-170 microseconds of CPU on the test machine,
against 2-20 for the statements themselves). SQLAlchemy's aiosqlite adapter made four per statement; here a
statement is run, its rows fetched and its cursor closed in one function (`_run`), and that function runs
in the event loop's thread itself where the statement cannot wait:
- a read (`SELECT`, a deferred `BEGIN`) on a database in WAL mode: readers never wait for a writer there;
- any statement of a transaction that holds SQLite's write lock (it began with `BEGIN IMMEDIATE`): nothing
  else can lock it out until its commit;
- a rollback (releases locks, writes nothing); a rollback outside a transaction does nothing in sqlite3, so
  it is no call at all (SQLAlchemy's pool rolls back every connection it gets back, also after a commit);
- `BEGIN IMMEDIATE` when the write lock is free: tried with SQLite's busy timeout at 0, so it cannot wait
  (the process's own writers queue before it, `bot.storage.db.WriteLock`); when another process holds the
  lock it fails at once, begins nothing, and is sent again the usual way, below;
- the `COMMIT` of such a transaction that sent nothing but SELECTs (an outbox round that found nothing due):
  it has nothing to write, and only releases the lock.
What may wait still makes its trip to the connection's thread, so the event loop keeps answering others
meanwhile: `BEGIN IMMEDIATE` while another process's writer holds the lock (up to the busy timeout),
`COMMIT` of a transaction that may have written (for the disk), the connection's PRAGMAs and any write
outside such a transaction. So does everything while an earlier trip of the connection has not finished
(a cancelled wait still runs in the thread): the connection's calls keep their order. On a resident's and
a partner's journey these trips were the largest single share of the CPU time an update costs on SQLite
(BENCHMARKS.md, "Test suite time, fourth session").

Nothing else changes: the same sqlite3 connection (usable from both threads: `check_same_thread` off, and
SQLite's serialized mode), the statements in the same order, the same exceptions, SQLAlchemy's own dialect
and adapter around it, which buffers all rows of a statement anyway. `connect` is given to that dialect as
`async_creator_fn` (`bot.storage.db`).
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
    """What SQLAlchemy's adapter uses of an aiosqlite cursor; `execute` runs the statement (here or in one
    trip), the rest reads what it brought back."""

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
        if not sql.lstrip()[:6].upper() == "SELECT":
            connection._wrote = True  # (a BEGIN IMMEDIATE starts afresh: `_after_trip`)
        if connection._may_run_here(sql):
            outcome = _run(connection._conn, sql, parameters, many)
        elif sql == "BEGIN IMMEDIATE" and connection._begin_at_once():
            outcome = (None, -1, None, ())
        else:
            outcome = await connection._execute(_run, connection._conn, sql, parameters, many)
            connection._after_trip(sql, outcome)
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
    """An aiosqlite connection whose cursors are `OneTripCursor`s: opening one is no trip, and statements
    that cannot wait run in the caller's thread (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wal = False  # the database is in WAL mode (learnt from the connection's PRAGMA journal_mode)
        self._immediate = False  # the transaction under way began with BEGIN IMMEDIATE
        self._wrote = False  # ... and has sent a statement other than SELECT (it may have written)
        self._last_trip = [True]  # whether the connection's latest trip has finished in its thread

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A trip to the connection's thread (aiosqlite's), remembering when it has finished there."""
        done = [False]
        self._last_trip = done

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                done[0] = True

        return await super()._execute(run)

    def _idle(self) -> bool:
        return self._last_trip[0] and self._connection is not None

    def _may_run_here(self, sql: str) -> bool:
        if not self._idle():
            return False
        if sql == "BEGIN":  # deferred: takes no lock
            self._immediate = False
            return True
        if self._immediate and self._conn.in_transaction:
            return True  # the write lock is ours until the commit
        return self._wal and sql.lstrip()[:6].upper() == "SELECT"

    def _begin_at_once(self) -> bool:
        """BEGIN IMMEDIATE here, if the write lock is free: SQLite's busy timeout is 0 meanwhile, so it never
        waits. False (no transaction begun): another connection holds the lock (another process writes),
        and the caller waits for it in the connection's thread, as with any other BEGIN IMMEDIATE."""
        if not self._idle():
            return False
        conn = self._conn
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout=0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            if conn.in_transaction:
                raise
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(timeout)}")
        self._after_trip("BEGIN IMMEDIATE", (None, -1, None, ()))
        return True

    def _after_trip(self, sql: str, outcome: _Outcome) -> None:
        if sql == "BEGIN IMMEDIATE":
            self._immediate = True
            self._wrote = False
        elif sql.upper().startswith("PRAGMA JOURNAL_MODE"):
            rows = outcome[3]
            self._wal = bool(rows) and str(rows[0][0]).lower() == "wal"

    async def commit(self) -> None:
        read_only = self._immediate and not self._wrote and self._idle()
        self._immediate = False
        if read_only:
            self._conn.commit()  # nothing to write: releases the lock, no disk to wait for
        else:
            await super().commit()

    async def rollback(self) -> None:
        self._immediate = False
        if not self._idle():
            await super().rollback()
        elif self._conn.in_transaction:  # outside a transaction sqlite3's rollback does nothing
            self._conn.rollback()


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """`aiosqlite.connect` with `OneTripConnection` (SQLAlchemy awaits it, which opens the connection)."""

    def connector() -> sqlite3.Connection:
        # Used from the event loop's thread too, never at the same time (see `OneTripConnection`).
        return sqlite3.connect(database, **{**kwargs, "check_same_thread": False})

    connection = OneTripConnection(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy makes aiosqlite's: no thread keeps the process alive
    return connection
