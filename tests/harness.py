"""The offline harness: the real Application on `FakeTelegram`, and people who talk to it.

async with BotHarness.running(database_url=url) as bot:
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("/start")
    assert "Merhaba" in ayse.last().text
    await ayse.tap("Türkçe")
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import itertools
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from unittest import mock

from bot.app import build_application, build_services, start_services, stop_services
from bot.content.catalogue import Catalogue, load_catalogue
from bot.content.problems import ContentError
from bot.content.service import ContentService
from bot.handlers.context import AppType
from bot.i18n import I18n
from bot.search import Embedder, SearchEngine
from bot.services import Services
from bot.settings import Settings
from bot.storage.db import Database, WriteLock, create_database
from bot.testing.fakeapi import FAKE_TOKEN, TELEGRAM_LIMITS, FakeTelegram, SimUser
from bot.transport import Pacing, Rate, Window

ROOT = Path(__file__).resolve().parent.parent
# Telegram's flood limits (enforced by the fake) and the bot's pacing run this much faster in tests: one
# message a second per chat becomes one per 10 ms. (At 20 ms a journey's steps outran the refill of a
# chat's three-message burst and waited for it: 3.3 of 24 s of test_conversation, test_danger_in_requests
# and test_answers on SQLite were timers, 0.3 s at 10 ms. The test of a group's minute keeps 20 ms.)
TIME_SCALE = 0.01
SHIPPED_CONTENT = Path(os.environ.get("TEST_CONTENT_DIR", ROOT / "content"))


@dataclass(frozen=True)
class Search:
    """A search engine live on the shipped content, with the embedder it asks (shared by a test session:
    neither changes while it answers)."""

    catalogue: Catalogue
    engine: SearchEngine
    embedder: Embedder


def faster(pacing: Pacing, factor: float) -> Pacing:
    """The bot's pacing on a clock `factor` times as fast (0.02 makes a second 20 ms)."""
    private, overall = (Rate(rate.burst, rate.every * factor) for rate in (pacing.private, pacing.overall))
    group = Window(pacing.group.count, pacing.group.seconds * factor)
    return Pacing(private, group, overall, pacing.max_retries, pacing.max_wait * factor)


@functools.cache
def shared_i18n(locales_dir: Path, default: str) -> I18n:
    """The catalogs, compiled once per test process (a bot compiles them at every start; they never change
    while it runs)."""
    return I18n(locales_dir, default=default)


@functools.cache
def shipped_words_only() -> Search:
    """The shipped content and its search without the model, loaded once per test process."""
    catalogue, _warnings = load_catalogue(SHIPPED_CONTENT)
    embedder = Embedder(None, loader=None)
    engine = SearchEngine.from_catalogue(catalogue, embedder)
    engine.start_vectors()
    return Search(catalogue, engine, embedder)


# Each distinct content folder's catalogue and search without the model, by the hash of its files (None:
# the content has errors, a bot start reports them itself).
_loaded_content: dict[str, Search | None] = {}


def preloaded_content(content_dir: Path) -> Search | None:
    """The content in `content_dir` loaded and indexed once per test process, like the shipped content's
    (the copies with a partner's Telegram group are the same for many tests). Keyed by the files' bytes:
    a test that changes a file gets its content loaded again."""
    digest = hashlib.sha256()
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(content_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    key = digest.hexdigest()
    if key not in _loaded_content:
        try:
            catalogue, _warnings = load_catalogue(content_dir)
        except ContentError:
            _loaded_content[key] = None
        else:
            embedder = Embedder(None, loader=None)
            engine = SearchEngine.from_catalogue(catalogue, embedder)
            engine.start_vectors()
            _loaded_content[key] = Search(catalogue, engine, embedder)
    return _loaded_content[key]


def test_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: nothing from the developer's environment or .env file."""
    values: dict[str, Any] = {
        "database_url": database_url,
        # TEST_CONTENT_DIR runs the suite against another content folder (e.g. a staff member's draft).
        "content_dir": SHIPPED_CONTENT,
        "locales_dir": ROOT / "locales",
        "telegram_bot_token": None,
        # Words only unless a test asks for the model (with the `shipped_vectors` cache: no minute-long
        # embedding per test, and answers do not depend on how far a background thread has come).
        "search_model": False,
        "vector_cache_dir": None,
        "last_good_content_dir": None,
    }
    values.update(overrides)
    # The environment's settings are part of the key: pydantic-settings reads them too (a test may set one).
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.lower() in Settings.model_fields))
    key = (tuple(sorted(values.items(), key=lambda item: item[0])), environment)
    try:
        return _settings(key)
    except TypeError:  # a value that cannot be a key (a list): validated afresh
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@functools.lru_cache(maxsize=256)
def _settings(key: tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, str], ...]]) -> Settings:
    """Settings validated once per test process for the same values and environment (pydantic-settings
    reads and checks every source at each construction: 10 ms, a third of a bot start's CPU time; most
    tests start their bot with the same values). Settings are frozen, so bots can share them."""
    values, _environment = key
    return Settings(_env_file=None, **dict(values))  # type: ignore[call-arg]


class _KeptDatabase(Database):
    """A database whose connections outlive the bot that stops on it."""

    async def dispose(self) -> None:
        """Left open for the next test's bot (the test process ends them)."""


# The test process's own databases (tests/conftest.py `database_url`): their bots' connections are kept.
KEPT_URLS: set[str] = set()


@functools.cache
def _engine_database(url: str) -> Database:
    db = create_database(url)
    return _KeptDatabase(db.engine, db.sessions, db.write_lock) if url in KEPT_URLS else db


def process_database(url: str) -> Database:
    """The bot's database for `url`, on one engine per URL and test process: SQLAlchemy compiles each
    statement once per engine. On the test process's own databases (`KEPT_URLS`) the connections stay open
    from test to test (the tests share one event loop): asyncpg prepares each statement once per connection,
    and a new PostgreSQL connection costs the server a process start and its type lookups. Any other
    database (a test's own file, perhaps used from another event loop) is disposed when its bot stops, as
    the bot does. Each bot gets its own SQLite write lock, as a bot process has."""
    shared = _engine_database(url)
    return replace(shared, write_lock=WriteLock() if shared.write_lock is not None else None)


@dataclass
class BotHarness:
    app: AppType
    telegram: FakeTelegram
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500_001))

    @property
    def services(self) -> Services:
        return self.app.bot_data.services

    @classmethod
    @asynccontextmanager
    async def running(
        cls,
        *,
        database_url: str,
        telegram: FakeTelegram | None = None,
        time_scale: float = TIME_SCALE,
        search: Search | None = None,
        commands: bool = False,
        **overrides: Any,
    ) -> AsyncIterator[BotHarness]:
        """The bot on the offline transport; pass `telegram` to keep chats across a simulated restart.
        `time_scale`: how much faster than Telegram's the clock of its limits and of the bot's pacing runs.

        On the shipped content the bot starts with the process's catalogue and search (`search`, else the
        one without the model) instead of loading and indexing them again, on another content folder
        without problems with the process's copy of that content (`preloaded_content`); a reload loads
        from disk.

        `commands`: register the command menu and descriptions at the start, as the bot does (27 Bot API
        calls, a fifth of a start's CPU time); the tests of the menu ask for it, the journeys need not."""
        telegram = telegram or FakeTelegram(limits=TELEGRAM_LIMITS.scaled(time_scale))
        # The transport's retries after a network failure or a 5xx wait on the same faster clock.
        retry_delay = Settings.model_fields["telegram_retry_delay"].default
        overrides.setdefault("telegram_retry_delay", retry_delay * time_scale)
        settings = test_settings(database_url, **overrides)
        services = build_services(
            settings,
            # Without a token the bot is the console's preview (the shipped example data shown, no warning);
            # a test of the bot on Telegram sets one (FAKE_TOKEN).
            preview=settings.telegram_bot_token is None,
            i18n=shared_i18n(settings.locales_dir, settings.default_language),
            database=process_database(settings.database_url),
        )
        preloaded: Search | None = None
        if settings.last_good_content_dir is not None:
            preloaded = None  # a test of the start-up's content: loaded from disk, as the bot does
        elif settings.content_dir == SHIPPED_CONTENT and (search or not settings.search_model):
            preloaded = search or shipped_words_only()
        elif search is None and not settings.search_model:
            preloaded = preloaded_content(Path(settings.content_dir))
        if preloaded is not None:
            content = ContentService(
                settings.content_dir,
                catalogue=preloaded.catalogue,
                examples_allowed=services.content.examples_allowed,
                email_replies_relayed=services.content.email_replies_relayed,
            )
            content.on_swap.extend(services.content.on_swap)
            content.on_live.extend(services.content.on_live)
            services.content = content
            services.search, services.embedder = preloaded.engine, preloaded.embedder
        # The bot paces its messages as on Telegram, on the fake's faster clock.
        pacing = faster(Pacing(), time_scale)
        app = build_application(
            settings, request=telegram, token=FAKE_TOKEN, services=services, pacing=pacing
        )
        async with app:
            await start_services(app, commands=commands)
            try:
                yield cls(app, telegram)
            finally:
                await stop_services(app)

    def resident(self, first_name: str, lang: str | None = "de", *, user_id: int | None = None) -> SimUser:
        """A resident in their private chat with the bot; `lang` is Telegram's language_code."""
        return SimUser(self.telegram, self.app, user_id or next(self._ids), first_name, language_code=lang)

    def partner(self, first_name: str, group_chat_id: int, *, user_id: int | None = None) -> SimUser:
        """A partner organisation's staff member writing in their Telegram group."""
        person = SimUser(self.telegram, self.app, user_id or next(self._ids), first_name, language_code="de")
        return person.in_group(group_chat_id)


# The education provider's Telegram group in the request tests' content copies: one chat id for all of them,
# so that a test process loads and indexes that copy once (`preloaded_content`), not once per test module.
COURSE_GROUP = -1_000_000_000_777


def content_with_partner_group(
    tmp_path: Path, partner_id: str, chat_id: int, topic_id: int | None = None
) -> Path:
    """A copy of the shipped content in which `partner_id` receives requests in Telegram group `chat_id`
    (in forum topic `topic_id` if given)."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    partners = target / "partners.yaml"
    head, marker, tail = partners.read_text(encoding="utf-8").partition(f"\n  {partner_id}:\n")
    requests_block = "\n    requests:\n"
    position = tail.index(requests_block) + len(requests_block)
    routing = f"      telegram_chat_id: {chat_id}\n"
    if topic_id is not None:
        routing += f"      telegram_topic_id: {topic_id}\n"
    tail = tail[:position] + routing + tail[position:]
    partners.write_text(head + marker + tail, encoding="utf-8")
    return target


def cli_environment(tmp_path: Path, vectors: Path | None) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db",
        "CONTENT_DIR": str(ROOT / "content"),
        "LOCALES_DIR": str(ROOT / "locales"),
        "SEARCH_MODEL": "true" if vectors else "false",
        "VECTOR_CACHE_DIR": str(vectors or ""),
        "LAST_GOOD_CONTENT_DIR": "",
    }


# The process's searches with the model (tests/conftest.py `shipped_search`), by the folder of their vectors.
MODEL_SEARCHES: dict[Path, Search] = {}


def _process_search(content_dir: Path, embedder: Embedder | None) -> Search | None:
    """The process's search of `content_dir`, for `embedder`'s kind: words only (status "off"), or the model
    on the same vectors' folder; None if the process has none (or the content has errors)."""
    content_dir = Path(content_dir)
    if embedder is not None and embedder.status != "off":
        search = MODEL_SEARCHES.get(Path(embedder.cache_dir)) if embedder.cache_dir else None
        return search if search is not None and content_dir == SHIPPED_CONTENT else None
    return shipped_words_only() if content_dir == SHIPPED_CONTENT else preloaded_content(content_dir)


class _ProcessEngines:
    """`SearchEngine` as `run_bot.py ask` in this process finds it: the process's engine for a catalogue
    it has loaded already (`_process_copies`), else a new one."""

    @staticmethod
    def from_catalogue(catalogue: Catalogue, embedder: Embedder | None = None) -> SearchEngine:
        for content_dir in {SHIPPED_CONTENT, *_content_dirs}:
            search = _process_search(content_dir, embedder)
            if search is not None and search.catalogue is catalogue:
                return search.engine
        return SearchEngine.from_catalogue(catalogue, embedder)


_content_dirs: set[Path] = set()


def _process_catalogue(content_dir: Path, **options: Any) -> tuple[Catalogue, list[Any]]:
    """`load_catalogue` for `run_bot.py ask` in this process: the process's copy of a content folder without
    errors (`preloaded_content`; `ask` ignores the warnings), else loaded from disk."""
    search = None if options else _process_search(content_dir, None)
    if search is None:
        return load_catalogue(content_dir, **options)
    _content_dirs.add(Path(content_dir))
    return search.catalogue, []


@contextlib.contextmanager
def _process_copies() -> Iterator[None]:
    """A command run in this process takes what the process has built already instead of building it again,
    as the bots of the harness do: the catalogs (`shared_i18n`), and for `ask` the content's catalogue
    and search (`shipped_words_only`, `preloaded_content`, the session's search with the model): a third
    of a second per `ask`. Neither changes while it runs; `run_cli` runs a command as its own process, with
    its own."""
    from bot.i18n import DEFAULT_LANGUAGE

    def i18n(locales_dir: Path, default: str = DEFAULT_LANGUAGE) -> I18n:
        return shared_i18n(Path(locales_dir), default)

    with (
        mock.patch("bot.app.I18n", i18n),
        mock.patch("bot.cli_ask.load_catalogue", _process_catalogue),
        mock.patch("bot.cli_ask.SearchEngine", _ProcessEngines),
    ):
        yield


def run_cli_here(
    tmp_path: Path,
    *args: str,
    stdin: str | None = None,
    vectors: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`run_cli` in this test process: `run_bot.main(ARGS)` with the same environment (`env` instead, if
    given), input and working folder, its output and its log captured (no interpreter start and no
    imports again: a second each). Its exceptions propagate; what it changes in the process (environment,
    logging) is put back."""
    import run_bot

    stdout, stderr = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    # A bot started here sets its own (its event loop's) handlers for SIGINT and SIGTERM.
    signals = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    root.handlers = []  # so that run_bot's logging.basicConfig writes to the captured stderr
    try:
        with (
            mock.patch.dict(os.environ, env or cli_environment(tmp_path, vectors), clear=True),
            mock.patch.object(sys, "stdin", io.StringIO(stdin or "")),
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
            contextlib.chdir(tmp_path),
            _process_copies(),
        ):
            code = run_bot.main(["--env-file", str(tmp_path / "none"), *args])
    finally:
        root.handlers, root.level = handlers, level
        for number, handler in signals.items():
            if handler is not None:
                signal.signal(number, handler)
        logging.getLogger("httpx").setLevel(logging.NOTSET)
    return subprocess.CompletedProcess(["run_bot.py", *args], code, stdout.getvalue(), stderr.getvalue())


def run_cli(
    tmp_path: Path, *args: str, stdin: str | None = None, vectors: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`run_bot.py ARGS` in a clean environment: SQLite in `tmp_path`, the shipped content and catalogs;
    the search model only with `vectors` (a cache of the shipped content's vectors, `shipped_vectors`)."""
    env = cli_environment(tmp_path, vectors)
    return subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), "--env-file", str(tmp_path / "none"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


async def confirmed_resident(bot: BotHarness, name: str, lang: str) -> SimUser:
    """A resident past the first minute: /start, her language (negotiated, ticked and first) and the first
    district confirmed."""
    resident = bot.resident(name, lang=lang)
    await resident.send("/start")
    await resident.tap(1)  # the negotiated language, ticked and first
    await resident.tap(1)  # the first district
    return resident


async def deliver(bot: BotHarness) -> None:
    """The outbox worker sends everything waiting."""
    assert bot.services.delivery is not None
    while await bot.services.delivery.run_once():
        pass


async def skip_questions(resident: SimUser) -> None:
    """Skip every intake question the request dialogue asks (none, one or several)."""
    while "⏭" in " ".join(resident.last().labels):
        await resident.tap("⏭")


async def fill_in_request(resident: SimUser, offer: str, text: str, answer_by: str = "💬") -> None:
    """From an offer's page through its intake questions (skipped) and the message to "how should they
    answer you?" (`answer_by`: 💬 in the chat, 📞 a call): everything before the consent screen's Send."""
    await resident.send(f"/start o_{offer}")
    await resident.tap("✋")
    await skip_questions(resident)
    await resident.send(text)
    await resident.tap("✅")
    await resident.tap(answer_by)


async def submit_request(
    bot: BotHarness, resident: SimUser, offer: str, text: str, answer_by: str = "💬"
) -> None:
    """`fill_in_request`, then Send; the outbox delivers."""
    await fill_in_request(resident, offer, text, answer_by)
    await resident.tap("✅")
    await deliver(bot)
