"""Inbound flood limits: a resident's messages are counted in the database, so a restart resets nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.flood import MAX_UPDATES
from bot.testing.fakeapi import FakeTelegram
from tests.harness import BotHarness

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SLOW_DOWN = "You are sending very many messages. Please wait a minute, then write again."


async def test_the_flood_counter_survives_a_restart_and_a_new_minute_starts_afresh(database_url: str) -> None:
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        bot.services.clock = lambda: NOW
        sam = bot.resident("Sam", lang="en", user_id=777)
        for _ in range(15):
            await sam.send("hello")
    assert len(telegram.bot_messages(777)) == 15

    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        bot.services.clock = lambda: NOW + timedelta(seconds=30)
        sam = bot.resident("Sam", lang="en", user_id=777)
        for _ in range(10):
            await sam.send("hello")
        texts = [m.text or "" for m in telegram.bot_messages(777)]
        # The same minute: 5 more answers, one notice in Sam's language, then silence.
        assert len(texts) == MAX_UPDATES + 1
        assert texts[-1] == bot.services.i18n.translator("en").gettext(SLOW_DOWN)

        bot.services.clock = lambda: NOW + timedelta(seconds=61)
        await sam.send("hello")
        assert len(telegram.bot_messages(777)) == MAX_UPDATES + 2
        assert telegram.bot_messages(777)[-1].text != texts[-1]


async def test_old_counters_are_purged_with_the_other_old_data(bot: BotHarness) -> None:
    from sqlalchemy import func, select

    from bot.jobs import purge_old_data
    from bot.storage.models.flood import FloodCounter

    bot.services.clock = lambda: NOW
    await bot.resident("Sam", lang="en").send("hello")
    bot.services.clock = lambda: NOW + timedelta(minutes=5)
    await purge_old_data(bot.services)
    async with bot.services.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FloodCounter)) == 0


async def test_the_slow_down_notice_after_a_restart_is_in_the_residents_language(database_url: str) -> None:
    # Sam (Telegram in German) chose Arabic and used up the minute's messages just before the bot restarted:
    # the first one after the restart is the refused one that tells him to slow down, before this process
    # has read his row even once.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        bot.services.clock = lambda: NOW
        sam = bot.resident("Sam", lang="de", user_id=778)
        await sam.send("/language")
        await sam.press("lang:ar", sam.last())
        for _ in range(MAX_UPDATES - 2):  # the command and the button counted too
            await sam.send("hello")
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        bot.services.clock = lambda: NOW + timedelta(seconds=30)
        await bot.resident("Sam", lang="de", user_id=778).send("hello")
        assert telegram.bot_messages(778)[-1].text == bot.services.i18n.translator("ar").gettext(SLOW_DOWN)
