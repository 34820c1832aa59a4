"""Nothing gets lost: a flaky Bot API (20 % of calls fail) and a worker killed mid-send, then restarted.

Residents send requests through the real handlers; the outbox is delivered by a worker whose Bot API
fails at random (429 with retry_after, 500, timeouts) and which is killed right after Telegram accepted a
message but before the database recorded it (the one point where a duplicate is allowed). A fresh worker on
the same database takes over after the lease; partners reply; everything arrives, once.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.error import TimedOut
from telegram.ext import ExtBot
from telegram.request import RequestData

from bot.delivery.worker import DeliveryWorker
from bot.storage.models.outbox import OutboxMessage, OutboxStatus
from bot.testing.fakeapi import FAKE_TOKEN, FakeTelegram
from bot.tickets.hooks import TicketDeliveryHooks
from tests.harness import COURSE_GROUP, BotHarness, content_with_partner_group, fill_in_request

# On both databases: a killed worker and its restart (tests/conftest.py).
pytestmark = pytest.mark.db_behaviour

GROUP = COURSE_GROUP
LANGS = ["ar", "tr", "uk", "fa", "ru", "pl", "en", "de"]


class Killed(BaseException):
    """The process dies: not an Exception, so nothing in the worker may catch it."""


class FlakyBotApi(FakeTelegram):
    """The worker's view of Telegram: the same chats as `real`, but calls fail at random."""

    def __init__(self, real: FakeTelegram, rng: random.Random, kill_after: int | None) -> None:
        super().__init__()
        self.real = real
        self.rng = rng
        self.kill_after = kill_after
        self.sends = 0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        api = url.rsplit("/", 1)[-1]
        if api not in {"getMe"} and self.rng.random() < 0.2:
            kind = self.rng.choice(["429", "500", "timeout"])
            if kind == "timeout":
                raise TimedOut("simulated timeout")
            if kind == "429":
                body = {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 3",
                    "parameters": {"retry_after": 3},
                }
                return 429, json.dumps(body).encode()
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return 500, json.dumps(body).encode()
        result = await self.real.do_request(url, method, request_data, *args, **kwargs)
        if api in {"sendMessage", "copyMessage"}:
            self.sends += 1
            if self.kill_after is not None and self.sends == self.kill_after:
                raise Killed  # Telegram has the message; the worker never records it
        return result


async def pending(bot: BotHarness) -> int:
    async with bot.services.database.sessions() as session:
        stmt = (
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SENT)
        )
        return int((await session.execute(stmt)).scalar_one())


async def worker_for(bot: BotHarness, api: FlakyBotApi, clock: list[datetime]) -> DeliveryWorker:
    flaky = ExtBot(FAKE_TOKEN, request=api, get_updates_request=api)
    await flaky.initialize()
    hooks = TicketDeliveryHooks(lambda: bot.services.ticket_context())
    return DeliveryWorker(bot.services.database, flaky, None, hooks=hooks, clock=lambda: clock[0])


async def drain(bot: BotHarness, worker: DeliveryWorker, clock: list[datetime]) -> None:
    """Run the worker until the outbox is empty, moving the clock past backoffs and leases."""
    for _ in range(400):
        if await pending(bot) == 0:
            return
        if await worker.run_once() == 0:
            clock[0] += timedelta(minutes=6)
    raise AssertionError(f"{await pending(bot)} messages never delivered")


async def test_flaky_telegram_and_a_killed_worker_lose_nothing(database_url: str, tmp_path: Path) -> None:
    telegram = FakeTelegram()
    content = content_with_partner_group(tmp_path, "bildungstraeger", GROUP)
    clock = [datetime.now(UTC)]
    rng = random.Random(20261125)
    async with BotHarness.running(database_url=database_url, telegram=telegram, content_dir=content) as bot:
        bot.services.clock = lambda: clock[0]
        residents = []
        for index, lang in enumerate(LANGS):
            resident = bot.resident(f"R{index}", lang=lang)
            await fill_in_request(resident, "deutschkurs-frauen", f"Anmeldung Nummer {index}")
            await resident.tap("✅")
            residents.append(resident)

        # The first worker dies right after Telegram accepted its fifth message.
        first = await worker_for(bot, FlakyBotApi(telegram, rng, kill_after=5), clock)
        try:
            for _ in range(50):
                await first.run_once()
                clock[0] += timedelta(minutes=6)
        except Killed:
            pass
        else:
            raise AssertionError("the worker was never killed")

    # "Restart": a new application and worker on the same database; the kill point's lease runs out.
    clock[0] += timedelta(minutes=10)
    async with BotHarness.running(database_url=database_url, telegram=telegram, content_dir=content) as bot:
        bot.services.clock = lambda: clock[0]
        second = await worker_for(bot, FlakyBotApi(telegram, rng, kill_after=None), clock)
        await drain(bot, second, clock)
        cards = [m for m in telegram.bot_messages(GROUP) if "Anmeldung Nummer" in (m.text or "")]
        counts = Counter(
            next(f"#{i}" for i in range(len(LANGS)) if f"Nummer {i}" in (m.text or "")) for m in cards
        )
        assert set(counts) == {f"#{i}" for i in range(len(LANGS))}  # every request reached the partner
        assert sum(counts.values()) - len(counts) <= 1  # at most the one at the kill point twice

        petra = bot.partner("Petra", GROUP)
        first_cards = {}
        for card in cards:
            first_cards.setdefault(card.text, card)
        for card in first_cards.values():
            number = next(i for i in range(len(LANGS)) if f"Nummer {i}" in (card.text or ""))
            await petra.send(f"Antwort für Nummer {number}", reply_to=card)
        await drain(bot, second, clock)
        for index, resident in enumerate(residents):
            replies = [
                m
                for m in telegram.bot_messages(resident.user_id)
                if f"Antwort für Nummer {index}" in (m.text or "")
            ]
            assert len(replies) == 1, (index, len(replies))
    await asyncio.sleep(0)
