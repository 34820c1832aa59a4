"""The bot on a real HTTP Bot API (long polling) answers /start exactly as in the console."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.fakeapi import Sent
from tests.bot_api_server import BotApiServer
from tests.harness import ROOT, BotHarness

TOKEN = "123456789:AAH-test-token-for-a-local-bot-api-server"


def start_bot(tmp_path: Path, server: BotApiServer, **settings: str) -> subprocess.Popen[str]:
    """`run_bot.py` on Telegram, but against the local Bot API server, with a fresh SQLite database."""
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": server.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "CONTENT_DIR": str(ROOT / "content"),
        "LOCALES_DIR": str(ROOT / "locales"),
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


async def console_answer(tmp_path: Path) -> Sent:
    """What the same resident gets for /start on the offline transport."""
    async with BotHarness.running(database_url=f"sqlite+aiosqlite:///{tmp_path}/console.db") as console:
        ayse = console.resident("Ayşe", lang="tr", user_id=4242)
        await ayse.send("/start")
        return ayse.last()


def test_polling_a_bot_api_server_answers_start_like_the_console(tmp_path: Path, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return  # one backend is enough for the transport; the database tests cover both
    with BotApiServer() as server:
        server.push_text(4242, "Ayşe", "tr", "/start")
        process = start_bot(tmp_path, server)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not server.telegram.bot_messages(4242):
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                _, stderr = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
        answered = server.telegram.bot_messages(4242)
        assert answered, f"the bot did not answer over HTTP; its log:\n{stderr[-2000:]}"
        assert TOKEN not in stderr  # the token never appears in logs
        assert "commands" in server.telegram.bot_settings

    expected = asyncio.run(console_answer(tmp_path))
    assert answered[0].text == expected.text
    assert answered[0].labels == expected.labels


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


def test_webhook_mode_answers_updates_with_the_right_secret_only(tmp_path: Path, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return
    port = free_port()
    with BotApiServer() as server:
        process = start_bot(
            tmp_path,
            server,
            WEBHOOK_URL="https://bot.example.org",
            WEBHOOK_SECRET="s3cret-token",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not server.telegram.calls_of("setWebhook"):
                assert process.poll() is None, process.communicate()[1][-2000:]
                time.sleep(0.1)
            webhook = server.telegram.calls_of("setWebhook")[0].params
            assert webhook["url"] == "https://bot.example.org/telegram"
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 777, "type": "private", "first_name": "Olena"},
                    "from": {"id": 777, "is_bot": False, "first_name": "Olena", "language_code": "uk"},
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            status = 0
            while time.monotonic() < deadline and status != 200:
                status = post_update(port, update, "s3cret-token")
                time.sleep(0.1)
            assert post_update(port, {**update, "update_id": 2}, "wrong") == 403
            while time.monotonic() < deadline and not server.telegram.bot_messages(777):
                time.sleep(0.1)
            time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    answers = server.telegram.bot_messages(777)
    assert len(answers) == 1  # the update with the wrong secret was refused
    assert "Українська" in answers[0].labels[0]
