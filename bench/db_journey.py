"""Benchmark: the CPU time one resident's and one partner's journey costs per update (handlers, services,
database), on SQLite and PostgreSQL.

    .venv/bin/python bench/db_journey.py [--rounds 15] [--db sqlite|postgres]

The real bot on the offline harness (tests/harness.py): in each round a new resident opens the menu and asks
a question, another signs up for the German course (intake question, text, "Send"), the partner takes the
request on and answers in its group, the resident replies and the partner closes it; the outbox is
delivered after each step. The first round warms up; the process CPU time (user + system) of the others is
divided by their updates. Compare two versions by running this file from each work tree in turn, several
times alternated (the machine is shared: quote the ratio of medians). PostgreSQL: a schema of its own at
TEST_POSTGRES_URL, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram.ext import Application  # noqa: E402

from bot.storage.db import create_database  # noqa: E402
from tests.harness import BotHarness  # noqa: E402
from tests.test_requests_e2e import (  # noqa: E402
    GROUP,
    arabic_resident_signs_up_for_the_german_course,
    content_with_group,
    deliver,
)

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
updates = 0
_process_update = Application.process_update


async def _counted(self: Any, update: object) -> None:
    global updates
    updates += 1
    await _process_update(self, update)


Application.process_update = _counted  # type: ignore[method-assign]


async def journey(bot: BotHarness, n: int) -> None:
    olga = bot.resident(f"Olga{n}", lang="de")
    await olga.send("/start")
    await olga.send("Wo kann ich Deutsch lernen?")
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    card = bot.telegram.bot_messages(GROUP)[-1]
    petra = bot.partner("Petra", GROUP)
    await petra.tap(1, card)  # take on
    await deliver(bot)
    await petra.send("Gerne! Der Kurs beginnt Dienstag um 9 Uhr.", reply_to=card)
    await deliver(bot)
    await amal.send("شكرا!", reply_to=amal.last())
    await deliver(bot)
    close = next(i for i, label in enumerate(card.labels, start=1) if "Abschließen" in label)
    await petra.tap(close, card)
    await deliver(bot)


async def run(url: str, rounds: int, tmp: Path) -> float:
    database = create_database(url)
    await database.upgrade()
    await database.dispose()
    async with BotHarness.running(database_url=url, content_dir=content_with_group(tmp)) as bot:
        await journey(bot, 0)
        start, cpu = updates, time.process_time()
        for n in range(1, rounds):
            await journey(bot, n)
        return (time.process_time() - cpu) / (updates - start) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.db == "sqlite":
            per_update = await run(f"sqlite+aiosqlite:///{tmp / 'bench.db'}", args.rounds, tmp)
        else:
            import asyncpg

            schema = f"bench_{uuid.uuid4().hex[:12]}"
            admin = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""))
            await admin.execute(f'CREATE SCHEMA "{schema}"')
            try:
                per_update = await run(f"{POSTGRES_URL}?search_path={schema}", args.rounds, tmp)
            finally:
                await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
                await admin.close()
    print(f"{args.db}: {per_update:.2f} ms CPU per update")


if __name__ == "__main__":
    asyncio.run(main())
