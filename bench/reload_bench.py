"""Benchmark: how long residents wait for an answer while the content is reloaded.

    .venv/bin/python bench/reload_bench.py --content DIR [--idle 20]

The real bot (Application, SQLite, offline Telegram transport) runs with the shipped content; then a
reload to DIR (e.g. a generated 2,000-entry catalogue, bench/gen_catalogue.py) starts — the whole load,
validation and index build, in a worker thread — and while it runs, new residents keep asking a question
(a new one every ~50 ms; a new resident each time, so flood control never answers instead). Printed: the
time from sending to the bot's answer, idle (before the reload) and during the reload.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_application, start_services, stop_services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.testing.fakeapi import FAKE_TOKEN, FakeTelegram, SimUser  # noqa: E402

QUESTION = "Deutschkurs mit Kinderbetreuung"


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p50, p95 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95)]
    return f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


async def measure(content: Path, idle_questions: int, db: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{db}",
        content_dir=ROOT / "content",
        locales_dir=ROOT / "locales",
        telegram_bot_token=None,
    )
    telegram = FakeTelegram()
    app = build_application(settings, request=telegram, token=FAKE_TOKEN, preview=True, rate_limit=False)
    user_ids = itertools.count(5_000)

    async def ask() -> float:
        resident = SimUser(telegram, app, next(user_ids), "Anna", language_code="de")
        started = time.perf_counter()
        await resident.send(QUESTION)
        return time.perf_counter() - started

    async with app:
        await start_services(app)
        try:
            idle = []
            for _ in range(idle_questions):
                idle.append(await ask())
                await asyncio.sleep(0.05)
            content_service = app.bot_data.services.content
            content_service.content_dir = content
            started = time.perf_counter()
            reload = asyncio.create_task(content_service.reload())
            during = []
            while not reload.done():
                during.append(await ask())
                await asyncio.sleep(0.05)
            result = await reload
            took = time.perf_counter() - started
        finally:
            await stop_services(app)
    assert result.ok, result.errors
    print(f"reload of {content}: {took:.1f} s, {len(during)} questions meanwhile")
    print(f"idle:          {percentiles(idle)}")
    print(f"during reload: {percentiles(during)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--idle", type=int, default=20, help="questions before the reload")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        subprocess.run(
            [sys.executable, "run_bot.py", "db", "upgrade"],
            cwd=ROOT,
            env={"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PATH": "/usr/bin:/bin"},
            check=True,
            capture_output=True,
        )
        asyncio.run(measure(args.content.resolve(), args.idle, db))


if __name__ == "__main__":
    main()
