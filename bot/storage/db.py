"""Engine, sessions and schema migrations.

Nothing here runs at import time: `create_database()` builds the engine when the application starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HEAD_REVISION = "0023"
"""The newest migration (tests/storage check it is Alembic's head). A database already there is not
upgraded, and Alembic (~11 MB of memory for the bot's lifetime) is not even imported."""


_writing: ContextVar[bool] = ContextVar("writing", default=False)


class WriteLock:
    """SQLite's one writer, taken in turn by the process's write transactions, except that an urgent one
    (the record of a message Telegram has just accepted) goes before every ordinary one still waiting: until
    that record is committed a kill would send the message again, so it must not queue behind the inbox
    and the handlers' writes."""

    def __init__(self) -> None:
        self._turn = asyncio.Condition()
        self._held = False
        self._urgent = 0  # urgent transactions waiting

    @asynccontextmanager
    async def hold(self, *, urgent: bool = False) -> AsyncIterator[None]:
        async with self._turn:
            self._urgent += urgent
            try:
                await self._turn.wait_for(lambda: not self._held and (urgent or not self._urgent))
            finally:
                self._urgent -= urgent
                if urgent and not self._urgent:
                    self._turn.notify_all()  # ordinary ones waited for us (also if we were cancelled)
            self._held = True
        try:
            yield
        finally:
            async with self._turn:
                self._held = False
                self._turn.notify_all()


@dataclass(frozen=True)
class Database:
    """The engine plus its session factory; one per running application."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # SQLite has one writer at a time: the process's write transactions queue here, in order (the urgent
    # ones first), instead of polling for the file lock (SQLite's busy handler sleeps up to 100 ms).
    write_lock: WriteLock | None = None

    @asynccontextmanager
    async def transaction(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A session inside one write transaction: committed on success, rolled back on error.

        On SQLite it starts as a write transaction (`BEGIN IMMEDIATE`): it waits for the write lock up
        front, where SQLite's busy timeout applies, instead of failing with "database is locked" when a
        read turns into a write while another connection writes. Read-only work uses `sessions()`.
        A write transaction inside another one of the same task would wait for itself: it is refused.
        `urgent`: on SQLite it goes before the ordinary write transactions waiting (see `WriteLock`).
        """
        if self.write_lock is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        if _writing.get():
            raise RuntimeError("a write transaction inside another one (SQLite has one writer)")
        async with self.write_lock.hold(urgent=urgent):
            token = _writing.set(True)
            try:
                async with self.sessions() as session, session.begin():
                    await session.connection(execution_options={WRITE: True})
                    yield session
            finally:
                _writing.reset(token)

    async def upgrade(self) -> None:
        """Apply all Alembic migrations up to head (idempotent). On SQLite foreign keys are off meanwhile
        (SQLite's own procedure for rebuilding a table, set outside the transaction): dropping the old copy of
        a rebuilt table would otherwise delete every row referring to it (ON DELETE CASCADE). A migration
        that rebuilds one checks them (`PRAGMA foreign_key_check`) before the commit.

        A database at head is only read (no write lock: a start does not wait for another process's
        writes, and on SQLite it costs a quarter of the time)."""
        async with self.engine.connect() as conn:
            if await conn.run_sync(current_revision) == HEAD_REVISION:
                return
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(**{WRITE: True})
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                await conn.run_sync(_sqlite_foreign_keys, False)
            try:
                async with conn.begin():
                    await conn.run_sync(_run_upgrade)
            finally:
                if sqlite:
                    await conn.run_sync(_sqlite_foreign_keys, True)

    async def dispose(self) -> None:
        await self.engine.dispose()


WRITE = "quartiersbot_write"
"""Execution option of a connection whose transaction writes (SQLite: `BEGIN IMMEDIATE`)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the residents' reads, a reload and the delivery worker read while one writes; foreign keys
    # are off by default in SQLite. The driver's own BEGIN is switched off: `_sqlite_begin` emits it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # On the driver's connection: through SQLAlchemy the statement would open a transaction, where SQLite
    # ignores this pragma.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A deferred transaction that reads and then writes cannot wait for the lock: if another connection
    # wrote since its read, SQLite fails at once ("database is locked", busy timeout or not). Writers
    # therefore take the lock at BEGIN; readers never block in WAL mode.
    immediate = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_database(url: str) -> Database:
    """Create the engine for `url`; for SQLite the parent folder of the file is created."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if parsed.get_driver_name() == "aiosqlite":
            from bot.storage import sqlite_driver

            # One trip to the connection's thread per statement instead of four (see that module).
            kwargs["connect_args"] = {"async_creator_fn": sqlite_driver.connect}
    else:
        kwargs["pool_pre_ping"] = True
        # A server that does not answer at all is reported after 10 s, not asyncpg's 60 s.
        connect_args: dict[str, Any] = {"timeout": 10}
        # `?search_path=myschema` puts the bot's tables into their own PostgreSQL schema.
        search_path = parsed.query.get("search_path")
        if search_path:
            parsed = parsed.difference_update_query(["search_path"])
            connect_args["server_settings"] = {"search_path": str(search_path)}
        kwargs["connect_args"] = connect_args
    engine = create_async_engine(parsed, **kwargs)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return Database(engine=engine, sessions=sessions, write_lock=WriteLock())
    return Database(engine=engine, sessions=sessions)


def upsert_insert(session: AsyncSession) -> Any:
    """`insert` with ON CONFLICT for the session's database (SQLite and PostgreSQL spell it alike)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def changed_rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, optionally sharing `connection`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at (None: no bot tables yet)."""
    try:
        with connection.begin_nested():
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table yet (the savepoint keeps the transaction usable)
        return None


def _run_upgrade(connection: Connection) -> None:
    if current_revision(connection) == HEAD_REVISION:
        return
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
