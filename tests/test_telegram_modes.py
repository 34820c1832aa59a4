"""The bot as its own process (`run_bot.py`) on a Bot API over HTTP: polling, webhook, kill -9, restart."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from bot.testing.fakeapi import Sent
from tests.bot_api_server import BotApiServer, HttpUser
from tests.harness import ROOT, BotHarness, content_with_partner_group

T = TypeVar("T")
GROUP = -1_000_000_000_444

TOKEN = "123456789:AAH-test-token-for-a-local-bot-api-server"
# How long the bots here wait for an answer of the Bot API (the journey waits it out once, for the card whose
# answer is lost); a "timeout" fault answers half a second later. The local server answers in milliseconds,
# a busy machine included.
BOT_TIMEOUT = 1.0


@pytest.fixture(autouse=True)
def migrated_database(tmp_path: Path, sqlite_template: Path) -> None:
    """The bot processes' SQLite file, migrated already (a copy of the session's template): a process
    that finds its database at the newest revision does not import Alembic (migrating is
    tests/test_migrations.py's and `db upgrade`'s, tests/test_cli.py); the same for the console's."""
    shutil.copyfile(sqlite_template, tmp_path / "bot.db")
    shutil.copyfile(sqlite_template, tmp_path / "console.db")


def start_bot(tmp_path: Path, server: BotApiServer, **settings: str) -> subprocess.Popen[str]:
    """`run_bot.py` on Telegram, but against the local Bot API server, with a fresh SQLite database."""
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "CONTENT_DIR": str(ROOT / "content"),
        # The shipped content is example data: on Telegram only as a trial run.
        "ALLOW_EXAMPLE_DATA": "true",
        "LOCALES_DIR": str(ROOT / "locales"),
        # Words only: nothing here asks the search, and the model would embed the whole content meanwhile
        # (a core busy for the process's whole life).
        "SEARCH_MODEL": "false",
        "VECTOR_CACHE_DIR": "",
        "LAST_GOOD_CONTENT_DIR": "",
        # A call the Bot API does not answer times out after 1 s (Telegram's bot: 5 s), and a failed call
        # is tried again 50 ms later (half a second).
        "TELEGRAM_TIMEOUT": str(BOT_TIMEOUT),
        "TELEGRAM_RETRY_DELAY": "0.05",
        # The card the kill hits while it is being sent is sent again by the restarted bot once the dead
        # one's claim has run out: after 2 s, the shortest the setting allows (renewed every 0.7 s while a
        # send lasts), instead of 10.
        "OUTBOX_LEASE_SECONDS": "2",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "run_bot.py"), "--env-file", str(tmp_path / "none")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def console_answer(tmp_path: Path, first_name: str, lang: str, user_id: int) -> Sent:
    """What the same resident gets for /start on the offline transport."""
    async with BotHarness.running(database_url=f"sqlite+aiosqlite:///{tmp_path}/console.db") as console:
        resident = console.resident(first_name, lang=lang, user_id=user_id)
        await resident.send("/start")
        return resident.last()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post_update(port: int, update: dict[str, object], secret: str | None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram",
        data=json.dumps(update).encode(),
        headers={
            "Content-Type": "application/json",
            **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


# --- a resident's request and the partner's answer, with kill -9 and a restart in the middle ---------------


def wait_for(
    what: str,
    found: Callable[[], T | None],
    process: subprocess.Popen[str],
    seconds: float,
    server: BotApiServer,
) -> T:
    """Look again whenever the bot has called the Bot API, and every 50 ms (what is looked for may be in its
    database), until `found()` returns something; fail naming `what` (with the bot's log if it died)."""
    deadline = time.monotonic() + seconds
    calls = server.calls_answered
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        if process.poll() is not None:
            raise AssertionError(f"the bot died waiting for {what}:\n{process.communicate()[1][-3000:]}")
        calls = server.wait_for_a_call(calls, 0.05)
    raise AssertionError(f"timed out waiting for {what}")


def screen_with(user: HttpUser, label: str, after: Sent | None = None) -> Callable[[], Sent | None]:
    """The latest message with a button labelled `label` (a new message, or `after` edited)."""
    edits = after.edits if after is not None else -1

    def find() -> Sent | None:
        for message in reversed(user.messages()):
            if any(label in text for text in message.labels):
                if after is None or message.message_id != after.message_id or message.edits > edits:
                    return message
        return None

    return find


def kill(process: subprocess.Popen[str]) -> None:
    process.kill()  # SIGKILL: no clean-up of any kind
    process.communicate(timeout=30)


def stop(process: subprocess.Popen[str], *signals: signal.Signals) -> str:
    for sent in signals or (signal.SIGINT,):
        process.send_signal(sent)
    try:
        return process.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1]


def journey_with_a_kill(tmp_path: Path, *, webhook: bool) -> None:
    """Amal (Arabic) signs up for the German course; while her "Send" is being handled (the Bot API is slow
    for her chat) and two other residents' /start wait behind it, the bot is killed with SIGKILL and
    started again on the same database. Then the partner's card goes out with a timeout that delivered
    (two copies), the partner answers the first copy, and the answer reaches Amal.

    On the way: the residents' /start is answered as on the console; the bot registers its commands; the
    webhook is set to WEBHOOK_URL and refuses an update with the wrong secret; SIGINT ends the bot with 0.
    In polling mode it ends as the server admin would end it instead: `kill -HUP` (reload the content),
    then `kill -TERM` (systemd's stop) at once, which ends it with 0, the reload finished (SIGINT and
    SIGTERM share one handler, bot/telegram_modes.py `serve`; one bot process fewer than a test of its own).
    """
    content = content_with_partner_group(tmp_path, "bildungstraeger", GROUP)
    port = free_port()
    settings = {"CONTENT_DIR": str(content)}
    if not webhook:
        settings |= {"LOG_LEVEL": "INFO"}  # the reload's result is logged at INFO
    if webhook:
        settings |= {
            "WEBHOOK_URL": "https://bot.example.org",
            "WEBHOOK_SECRET": "s3cret-token",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
        }
    with BotApiServer(timeout_delay=BOT_TIMEOUT + 0.5) as server:
        process = start_bot(tmp_path, server, **settings)
        try:
            if webhook:
                server.push_to(f"http://127.0.0.1:{port}/telegram", "s3cret-token")
            amal = HttpUser(server, 4242, "Amal", "ar")
            amal.send("/start o_deutschkurs-frauen")
            offer = wait_for("the offer", screen_with(amal, "✋"), process, 60, server)
            amal.tap("✋", offer)
            screen = wait_for("the dialogue", screen_with(amal, "✖️", offer), process, 20, server)
            while "⏭" in " ".join(screen.labels):
                amal.tap("⏭", screen)
                screen = wait_for("the next question", screen_with(amal, "✖️", screen), process, 20, server)
            amal.send("أريد التسجيل في دورة اللغة الألمانية")
            done = wait_for("the Done button", screen_with(amal, "✖️", screen), process, 20, server)
            amal.tap("✅", done)
            contact = wait_for("how to answer", screen_with(amal, "💬", done), process, 20, server)
            amal.tap("💬", contact)
            consent = wait_for("the consent screen", screen_with(amal, "✏️", contact), process, 20, server)

            # The Bot API answers slowly for Amal's chat; her "Send" and two other residents' /start arrive.
            # The partner's card will time out on its way and arrive anyway (sent before or after the kill).
            server.held[4242] = BOT_TIMEOUT - 0.5  # slow, but not timed out
            server.fail_next.append(("sendMessage", GROUP, "timeout"))
            amal.tap("✅", consent)
            olena, mehmet = HttpUser(server, 777, "Olena", "uk"), HttpUser(server, 888, "Mehmet", "tr")
            olena.send("/start")
            last_id = mehmet.send("/start") and len(server.updates)

            def bot_has_them() -> bool:
                with server.lock:
                    return (server.log.pushed_ok if webhook else server.confirmed - 1) >= last_id

            wait_for("the bot to take the updates", bot_has_them, process, 20, server)
            kill(process)  # Telegram considers all three delivered
            server.held.clear()

            process = start_bot(tmp_path, server, **settings)
            for resident in (olena, mehmet):
                wait_for(
                    f"{resident.first_name}'s answer", screen_with(resident, "Türkçe"), process, 60, server
                )
            sent = wait_for(
                "Amal's request number",
                lambda: next((m for m in amal.messages() if m.text and m.text.startswith("✅")), None),
                process,
                30,
                server,
            )
            cards = wait_for(
                "the card sent twice",
                lambda: server.bot_messages(GROUP)[1:] and server.bot_messages(GROUP),
                process,
                45,
                server,
            )
            assert len([f for f in server.log.faults if f.kind == "timeout"]) == 1
            # The first copy is the one whose send timed out: the bot never learned its message id.
            petra = HttpUser(server, 5555, "Petra", "de", chat_id=GROUP)
            petra.send("Gerne! Der Kurs beginnt Dienstag um 9 Uhr.", reply_to=cards[0])
            relayed = wait_for(
                "the partner's answer at Amal's",
                lambda: [m for m in amal.messages() if "Dienstag um 9 Uhr" in (m.text or "")],
                process,
                30,
                server,
            )
            if webhook:  # listening again (Petra's reply came through it): an update it would answer
                assert post_update(port, refused_update(), "wrong") == 403
            wait_for(
                "every stored update to be done",
                lambda: not unfinished_updates(tmp_path / "bot.db"),
                process,
                30,
                server,
            )
            # A graceful stop finishes every update the bot took.
            log = stop(process) if webhook else stop(process, signal.SIGHUP, signal.SIGTERM)
            assert process.returncode == 0, log[-3000:]
            if not webhook:
                assert "content reload after SIGHUP: ok" in log and "Traceback" not in log, log[-3000:]
                assert unfinished_updates(tmp_path / "bot.db") == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()

    number = "".join(ch for ch in (sent.text or "") if ch.isdigit())
    assert len(number) == 6
    assert len(relayed) == 1
    cards_of_amal = [c for c in cards if number in (c.text or "")]
    assert len(cards_of_amal) == 2  # the copy that timed out and the one sent again
    for resident in (olena, mehmet):
        pickers = [m for m in resident.messages() if "Türkçe" in " ".join(m.labels)]
        assert 1 <= len(pickers) <= 2  # answered; twice only if the kill hit while it was being sent
    assert "Українська" in olena.messages()[0].labels[0]  # Olena's own language first
    expected = asyncio.run(console_answer(tmp_path, mehmet.first_name, mehmet.language_code, mehmet.user_id))
    for answer in mehmet.messages():
        assert (answer.text, answer.labels) == (expected.text, expected.labels)
    assert TOKEN not in log
    assert "commands" in server.telegram.bot_settings
    if webhook:
        assert server.calls_of("setWebhook")[0].params["url"] == "https://bot.example.org/telegram"
        assert not server.bot_messages(REFUSED)  # the update with the wrong secret was not handled


REFUSED = 999  # the resident whose update comes with the wrong secret


def refused_update() -> dict[str, object]:
    return {
        "update_id": 1_000_000,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": REFUSED, "type": "private", "first_name": "Jonas"},
            "from": {"id": REFUSED, "is_bot": False, "first_name": "Jonas", "language_code": "de"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def unfinished_updates(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute("SELECT count(*) FROM inbox WHERE status != 'done'").fetchone()[0])


def test_polling_journey_loses_nothing_when_the_bot_is_killed_and_restarted(tmp_path: Path) -> None:
    # The process has its own SQLite database (bench/kill_bench.py runs the same kill on PostgreSQL).
    journey_with_a_kill(tmp_path, webhook=False)


def test_webhook_journey_loses_nothing_when_the_bot_is_killed_and_restarted(tmp_path: Path) -> None:
    journey_with_a_kill(tmp_path, webhook=True)
