"""A setting or dependency that fails at start ends `run_bot.py` with exit code 2 and one line naming the
setting and the cause, never a secret; secrets never reach a log line; webhook mode needs its secret.

The bot runs `run_bot.main` in this process (`run_bot_here`: its return code, its output and its log; a bot
process costs a second of imports and content). As its own process: a setting refused at start in
tests/test_settings.py, the bot stopped with SIGINT (exit code 0) in tests/test_telegram_modes.py."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.settings import SecretFilter, SettingsError, load_settings
from tests.bot_api_server import BotApiServer
from tests.harness import ROOT, BotHarness, run_cli_here

TOKEN = "123456789:AAH-start-up-token-that-must-never-be-printed"
DB_PASSWORD = "pw-never-printed-4711"
SECRET = "webhook-secret-never-printed"
EXAMPLE_DATA_LOGGED = "content entries are example data (example: true)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "CONTENT_DIR": str(ROOT / "content"),
        # The shipped content is example data: on Telegram only as a trial run (ALLOW_EXAMPLE_DATA).
        "ALLOW_EXAMPLE_DATA": "true",
        "LOCALES_DIR": str(ROOT / "locales"),
        "SEARCH_MODEL": "false",
        "VECTOR_CACHE_DIR": "",
        "LAST_GOOD_CONTENT_DIR": "",
        "LOG_LEVEL": "WARNING",
        # A Bot API that cannot be reached is tried five times: 10 ms apart instead of half a second.
        "TELEGRAM_RETRY_DELAY": "0.01",
        **settings,
    }


def run_bot_here(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return run_cli_here(tmp_path, *args, env=bot_env(tmp_path, **settings))


def assert_one_line_naming(result: subprocess.CompletedProcess[str], setting: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    # The shipped content is example data: a bot that got as far as loading it warns so in the log first.
    lines = [line for line in result.stderr.strip().splitlines() if EXAMPLE_DATA_LOGGED not in line]
    assert len(lines) == 1, output[-3000:]
    assert lines[0].startswith(f"{setting}: "), lines[0]
    for secret in (TOKEN, TOKEN.split(":")[1], DB_PASSWORD, SECRET):
        assert secret not in output
    return lines[0]


def test_a_revoked_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    with BotApiServer() as server:
        server.refuse["getMe"] = (401, "Unauthorized")
        result = run_bot_here(tmp_path, TELEGRAM_API_BASE_URL=server.url)
    line = assert_one_line_naming(result, "TELEGRAM_BOT_TOKEN")
    assert "rejects the token" in line


def test_an_unreachable_bot_api_is_one_line(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = run_bot_here(tmp_path, TELEGRAM_API_BASE_URL=nowhere)
    line = assert_one_line_naming(result, "TELEGRAM_API_BASE_URL")
    assert nowhere in line and "cannot be reached" in line


@pytest.mark.db_behaviour
def test_an_unreachable_postgresql_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://bot:{DB_PASSWORD}@127.0.0.1:{free_port()}/quartier"
    with BotApiServer() as server:
        result = run_bot_here(tmp_path, TELEGRAM_API_BASE_URL=server.url, DATABASE_URL=url)
    line = assert_one_line_naming(result, "DATABASE_URL")
    assert "cannot open the database" in line


def test_an_sqlite_path_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    url = f"sqlite+aiosqlite:///{tmp_path}/a-file/bot.db"
    with BotApiServer() as server:
        result = run_bot_here(tmp_path, TELEGRAM_API_BASE_URL=server.url, DATABASE_URL=url)
    assert_one_line_naming(result, "DATABASE_URL")


def test_the_database_command_names_the_setting_too(tmp_path: Path) -> None:
    url = f"postgresql://bot:{DB_PASSWORD}@127.0.0.1:{free_port()}/quartier"
    assert_one_line_naming(run_bot_here(tmp_path, "db", "upgrade", DATABASE_URL=url), "DATABASE_URL")


def test_a_webhook_telegram_refuses_is_one_line_without_the_secret(tmp_path: Path) -> None:
    with BotApiServer() as server:
        server.refuse["setWebhook"] = (400, "Bad Request: bad webhook: Failed to resolve host")
        result = run_bot_here(
            tmp_path,
            TELEGRAM_API_BASE_URL=server.url,
            WEBHOOK_URL="https://bot.invalid",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_PORT=str(free_port()),
        )
    line = assert_one_line_naming(result, "WEBHOOK_URL")
    assert "failed to resolve host" in line.lower()


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    result = run_bot_here(tmp_path, WEBHOOK_URL="https://bot.example.org")
    line = assert_one_line_naming(result, "Invalid settings")
    assert "WEBHOOK_SECRET" in line and "WEBHOOK_INSECURE" in line


@pytest.mark.parametrize("secret", ["has spaces in it", "ümlaut", "x" * 257])
def test_a_webhook_secret_telegram_would_refuse_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    with pytest.raises(SettingsError) as error:
        load_settings(None)
    assert "WEBHOOK_SECRET" in str(error.value) and secret not in str(error.value)


def test_an_outbox_lease_too_short_to_be_renewed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTBOX_LEASE_SECONDS", "1")
    with pytest.raises(SettingsError, match="OUTBOX_LEASE_SECONDS"):
        load_settings(None)


def test_the_delivery_worker_claims_for_the_lease_the_setting_names(
    tmp_path: Path, sqlite_template: Path
) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "bot.db")

    async def lease() -> float:
        async with BotHarness.running(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.db", outbox_lease_seconds=3
        ) as bot:
            assert bot.services.delivery is not None
            return bot.services.delivery.policy.lease

    assert asyncio.run(lease()) == 3


def test_webhook_insecure_starts_and_warns(tmp_path: Path) -> None:
    with BotApiServer() as server, interrupted_when(lambda: bool(server.calls_of("setWebhook"))):
        result = run_bot_here(
            tmp_path,
            TELEGRAM_API_BASE_URL=server.url,
            WEBHOOK_URL="https://bot.example.org",
            WEBHOOK_INSECURE="1",
            WEBHOOK_PORT=str(free_port()),
        )
    assert result.returncode == 0, result.stderr[-2000:]
    webhook = server.calls_of("setWebhook")[0].params
    assert "secret_token" not in webhook
    assert "WEBHOOK_INSECURE=1" in result.stderr and "without a secret" in result.stderr


@contextlib.contextmanager
def interrupted_when(started: Callable[[], bool]) -> Iterator[None]:
    """Ctrl-C for a bot running in this process (`run_bot_here`) once `started()` is true: SIGINT to this
    process, which the bot's event loop handles while it runs. A SIGINT that comes too late (the bot has
    already ended) hits a handler that ignores it instead of the test run."""
    ended = threading.Event()

    def interrupt() -> None:
        deadline = time.monotonic() + 60
        while not ended.is_set() and time.monotonic() < deadline:
            if started():
                os.kill(os.getpid(), signal.SIGINT)
                return
            ended.wait(0.02)

    previous = signal.signal(signal.SIGINT, lambda number, frame: None)
    interrupter = threading.Thread(target=interrupt, daemon=True)
    interrupter.start()
    try:
        yield
    finally:
        ended.set()
        interrupter.join()
        signal.signal(signal.SIGINT, previous)


def test_the_secret_filter_masks_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(SecretFilter([SECRET, DB_PASSWORD]))
    logger = logging.getLogger("tests.secret_filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        logger.warning(f"database at postgresql://bot:{DB_PASSWORD}@db/quartier")
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected; secret {SECRET}")
        except RuntimeError:
            logger.exception("start failed")
        # A token that is not the configured one (an old one in an error message) is masked as well.
        logger.error("another token 987654321:ZZZ-another-token-of-thirty-characters")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "Traceback" in written and "RuntimeError" in written  # the traceback itself is kept
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET, DB_PASSWORD, "ZZZ-another-token"):
        assert secret not in written
    assert written.count("***") == 5


def test_email_partners_without_inbound_mail_are_warned_of_at_start(tmp_path: Path) -> None:
    """The shipped content's e-mail-only partners cannot reach a resident in the chat without
    MAIL_INBOUND_PORT: the start says so, naming them and what to set."""
    with BotApiServer() as server, interrupted_when(lambda: bool(server.calls_of("setWebhook"))):
        result = run_bot_here(
            tmp_path,
            TELEGRAM_API_BASE_URL=server.url,
            WEBHOOK_URL="https://bot.example.org",
            WEBHOOK_SECRET="a-webhook-secret",
            WEBHOOK_PORT=str(free_port()),
            SMTP_HOST="127.0.0.1",
            SMTP_FROM="bot@example.org",
        )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "partner(s) get requests only by e-mail" in result.stderr
    assert "MAIL_INBOUND_PORT is not set" in result.stderr and "bot@example.org" in result.stderr


def test_telegram_refuses_to_start_with_example_data_unless_allowed(tmp_path: Path) -> None:
    """Made-up phone numbers, addresses and placeholder groups never reach residents by accident: the
    shipped content is example data, and on Telegram it starts only with ALLOW_EXAMPLE_DATA=true."""
    # Without the refusal the bot would run: stopped once it has registered its commands (after the content).
    with BotApiServer() as server, interrupted_when(lambda: bool(server.calls_of("setMyCommands"))):
        result = run_bot_here(tmp_path, TELEGRAM_API_BASE_URL=server.url, ALLOW_EXAMPLE_DATA="false")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "1 Fehler im Inhalt:" in result.stderr
    assert "Einträge sind Beispieldaten (example: true), z. B. " in result.stderr
    assert "so geht der Inhalt auf Telegram nicht online" in result.stderr
    assert "ALLOW_EXAMPLE_DATA=true setzen" in result.stderr
    assert not server.calls_of("setMyCommands")


def test_the_console_preview_shows_example_data_even_with_a_token_set(tmp_path: Path) -> None:
    # The preview is never public: it neither logs the example-data warning of a start on Telegram nor
    # tells the staff chat the bot runs with example data (the token in the .env says nothing about it).
    env = bot_env(tmp_path, ALLOW_EXAMPLE_DATA="false", ADMIN_CHAT_ID="-1000000000500")
    result = run_cli_here(tmp_path, "--console", stdin="/start o_sprachcafe\n", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Sprachcafé" in result.stdout
    assert "auf Telegram mit Beispieldaten" not in result.stdout  # the staff chat's notice, delivered
    assert EXAMPLE_DATA_LOGGED not in result.stderr
