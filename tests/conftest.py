"""Shared fixtures: databases (SQLite and PostgreSQL) and the offline bot harness."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    """None if PostgreSQL answers, else the reason."""
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # any connection problem means: not available
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_status() -> str | None:
    return _postgres_available()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_status: str | None
) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or its own schema in the PostgreSQL test database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/test.db"
        return
    if postgres_status is not None:
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {postgres_status}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:12]}"

    async def run(sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE SCHEMA "{schema}"'))
    # Every connection of the test works inside its own schema (see bot.storage.db.create_database).
    yield f"{POSTGRES_URL}?search_path={schema}"
    asyncio.run(run(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[object]:
    """A migrated database (`bot.storage.db.Database`)."""
    from bot.storage.db import create_database

    db = create_database(database_url)
    await db.upgrade()
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
async def bot_with_model(database_url: str, shipped_vectors: Path) -> AsyncIterator[object]:
    """`bot` with the search model, meaning-based from the first message (the session's vectors)."""
    from tests.harness import BotHarness

    settings = {"search_model": True, "vector_cache_dir": shipped_vectors}
    async with BotHarness.running(database_url=database_url, **settings) as harness:
        assert await harness.services.engine.wait_semantic(60), harness.services.embedder
        yield harness


@pytest.fixture(scope="session")
def shipped_vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vector cache of the content the tests run on, computed once per session with the real search
    model (under a minute on two busy cores); bots and commands given it are meaning-based at once."""
    from bot.content.catalogue import load_catalogue
    from bot.search import Embedder, SearchEngine

    folder = tmp_path_factory.mktemp("vectors")
    catalogue, _warnings = load_catalogue(Path(os.environ.get("TEST_CONTENT_DIR", ROOT / "content")))
    embedder = Embedder(folder)
    engine = SearchEngine.from_catalogue(catalogue, embedder)
    engine.start_vectors()
    while not engine.semantic.ready.wait(1.0):
        assert embedder.status != "failed", embedder.error
    embedder.close()
    return folder
