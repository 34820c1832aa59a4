"""The bot on a real HTTP Bot API (long polling) answers /start exactly as in the console."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.fakeapi import Sent
from tests.bot_api_server import BotApiServer
from tests.harness import ROOT, BotHarness

TOKEN = "123456789:AAH-test-token-for-a-local-bot-api-server"


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
        env = {
            **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/polling.db",
            "CONTENT_DIR": str(ROOT / "content"),
            "LOCALES_DIR": str(ROOT / "locales"),
        }
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "run_bot.py"), "--env-file", str(tmp_path / "none")],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
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
