"""Many residents at once: every "Send" is answered, none with "something went wrong" (a locked database)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.storage.db import WriteLock
from tests.harness import COURSE_GROUP, BotHarness, content_with_partner_group, fill_in_request

# On both databases: many writers at once (tests/conftest.py).
pytestmark = pytest.mark.db_behaviour

GROUP = COURSE_GROUP


async def test_twenty_residents_pressing_send_at_once_all_get_their_request_number(
    database_url: str, tmp_path: Path
) -> None:
    content = content_with_partner_group(tmp_path, "bildungstraeger", GROUP)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        residents = [bot.resident(f"R{i}", lang="de") for i in range(20)]
        await asyncio.gather(
            *(fill_in_request(r, "deutschkurs-frauen", f"Anmeldung {i}") for i, r in enumerate(residents))
        )
        delivery = bot.services.delivery
        assert delivery is not None

        async def deliver_meanwhile() -> None:
            for _ in range(20):
                await delivery.run_once()
                await asyncio.sleep(0)

        # Twenty "Send" taps processed concurrently (as the inbox worker does for different chats), while
        # the outbox worker writes too.
        await asyncio.gather(*(r.tap("✅") for r in residents), deliver_meanwhile())
        for resident in residents:
            texts = [m.text or "" for m in bot.telegram.bot_messages(resident.user_id)]
            assert not any("went wrong" in text for text in texts), texts[-1]
            assert any(text.startswith("✅ Danke! Ihre Anfrage Nr.") for text in texts), texts
        while await delivery.run_once():
            pass
        cards = [m for m in bot.telegram.bot_messages(GROUP) if "Anmeldung" in (m.text or "")]
        assert len(cards) == 20


async def test_sqlite_writers_take_turns_in_order_and_an_urgent_one_goes_first() -> None:
    """The process's writers queue for SQLite's one writer in order; the record of a sent message (urgent)
    goes before those waiting (an urgent one that gave up waiting takes no turn)."""
    lock = WriteLock()
    order: list[str] = []
    release = asyncio.Event()

    async def write(name: str, *, urgent: bool = False) -> None:
        async with lock.hold(urgent=urgent):
            order.append(name)
            if name == "first":
                await release.wait()

    first = asyncio.create_task(write("first"))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(write(name)) for name in ("a", "b")]
    gone = asyncio.create_task(write("gives up", urgent=True))
    urgent = asyncio.create_task(write("urgent", urgent=True))
    for _ in range(3):
        await asyncio.sleep(0)  # everyone is waiting for the first
    gone.cancel()
    release.set()
    await asyncio.gather(first, *waiting, urgent)
    assert order == ["first", "urgent", "a", "b"]
