"""Inbound flood limits: a resident's messages are counted in the database, so a restart resets nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.flood import MAX_UPDATES
from bot.render import requests as render
from bot.render.start import SLOW_DOWN
from bot.testing.fakeapi import FakeTelegram, SimUser
from bot.tickets.dialogue import MAX_ATTACHMENTS
from tests.harness import BotHarness

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
# The limit the tests below run the bot with (`ResidentService.flood_limit`): the same counting and
# refusing as with `MAX_UPDATES`, in a fifth of the messages. The restart test keeps the bot's own limit.
LIMIT = 4


def with_low_limit(bot: BotHarness) -> BotHarness:
    """The bot, its residents counted against `LIMIT`."""
    bot.services.residents.flood_limit = LIMIT
    return bot


@pytest.mark.db_behaviour
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


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
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


@pytest.mark.db_behaviour
async def test_the_slow_down_notice_after_a_restart_is_in_the_residents_language(database_url: str) -> None:
    # Sam (Telegram in German) chose Arabic and used up the minute's messages just before the bot restarted:
    # the first one after the restart is the refused one that tells him to slow down, before this process
    # has read his row even once.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        with_low_limit(bot).services.clock = lambda: NOW
        sam = bot.resident("Sam", lang="de", user_id=778)
        await sam.send("/language")
        await sam.press("lang:ar", sam.last())
        for _ in range(LIMIT - 2):  # the command and the button counted too
            await sam.send("hello")
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        with_low_limit(bot).services.clock = lambda: NOW + timedelta(seconds=30)
        await bot.resident("Sam", lang="de", user_id=778).send("hello")
        assert telegram.bot_messages(778)[-1].text == bot.services.i18n.translator("ar").gettext(SLOW_DOWN)


async def over_the_limit(bot: BotHarness, name: str, lang: str) -> SimUser:
    """A resident who has used up this minute's `LIMIT` messages (the last one was refused and told to slow
    down)."""
    with_low_limit(bot).services.clock = lambda: NOW
    resident = bot.resident(name, lang=lang)
    for _ in range(LIMIT + 1):
        await resident.send("hello")
    assert resident.last().text == bot.services.i18n.translator(lang).gettext(SLOW_DOWN)
    return resident


async def test_an_emergency_beyond_the_flood_limit_still_gets_the_emergency_numbers(bot: BotHarness) -> None:
    # She pasted a letter line by line, then writes what is happening: the numbers come all the same, in
    # her language, and nothing else runs (no search, no answer to the plain text after it).
    for name, lang, words in (("Ayşe", "de", "Mein Mann schlägt mich"), ("Sam", "en", "he is not breathing")):
        resident = await over_the_limit(bot, name, lang)
        before = len(bot.telegram.bot_messages(resident.chat))
        await resident.send(words)
        await resident.send("hello")
        answers = bot.telegram.bot_messages(resident.chat)[before:]
        t = bot.services.i18n.translator(lang)
        assert len(answers) == 1 and t.gettext("Emergency help – call now:") in (answers[0].text or "")
        assert any(t.gettext("Ask a person") in label for label in answers[0].labels)


async def test_emergency_words_pass_the_limit_only_as_many_times_again(bot: BotHarness) -> None:
    # "help!" sent over and over must not reach her partner's group without end (found in review): the
    # emergency numbers come for as many messages again as the limit allows, then nothing.
    sam = await over_the_limit(bot, "Sam", "en")
    before = len(bot.telegram.bot_messages(sam.chat))
    for _ in range(LIMIT + 3):
        await sam.send("he is not breathing")
    # As many beyond the limit as the limit, the refused "hello" of `over_the_limit` among them.
    assert len(bot.telegram.bot_messages(sam.chat)) - before == LIMIT - 1


async def test_an_emergency_as_the_first_refused_message_gets_the_numbers_not_the_notice(
    bot: BotHarness,
) -> None:
    with_low_limit(bot).services.clock = lambda: NOW
    ayse = bot.resident("Ayşe", lang="de")
    for _ in range(LIMIT):
        await ayse.send("hallo")
    await ayse.send("Hilfe, mein Mann schlägt mich")
    t = bot.services.i18n.translator("de")
    assert t.gettext("Emergency help – call now:") in (ayse.last().text or "")
    assert t.gettext(SLOW_DOWN) not in [m.text for m in bot.telegram.bot_messages(ayse.chat)]


async def test_a_button_tapped_beyond_the_flood_limit_is_answered_with_the_slow_down_toast(
    bot: BotHarness,
) -> None:
    # Before, the spinner turned until Telegram gave up. Now the tap's answer says why; nothing else runs.
    with_low_limit(bot).services.clock = lambda: NOW
    sam = bot.resident("Sam", lang="tr")
    await sam.send("/start")
    menu = sam.last_with_buttons()
    for _ in range(LIMIT):
        await sam.send("merhaba")
    before = len(bot.telegram.calls)
    await sam.tap(1, menu)
    await sam.tap(1, menu)
    calls = bot.telegram.calls[before:]
    assert [c.method for c in calls] == ["answerCallbackQuery"] * 2  # no message, no edit
    toast = bot.services.i18n.translator("tr").gettext(SLOW_DOWN)
    assert [c.params.get("text") for c in calls] == [toast] * 2


async def test_a_long_letter_in_albums_gets_one_notice_per_album_and_stays_within_the_flood_limit(
    bot: BotHarness,
) -> None:
    # Found by exploratory testing: 25 pages in three albums. Each page past the 10 that fit got "no more
    # fit" and the screen again, and the pages used up the minute's messages: even "Done" was refused.
    bot.services.clock = lambda: NOW
    ayse = bot.resident("Ayşe", lang="de")
    for _ in range(MAX_ATTACHMENTS):
        await ayse.send_photo(media_group="pages-1")
    await ayse.tap("Quartiersmanagement")
    before = len(bot.telegram.bot_messages(ayse.chat))
    for album, pages in (("pages-2", MAX_ATTACHMENTS), ("pages-3", 5)):
        for _ in range(pages):
            await ayse.send_photo(media_group=album)
    answers = [m.text or "" for m in bot.telegram.bot_messages(ayse.chat)[before:]]
    t = bot.services.i18n.translator("de")
    # Per album: one notice, which counts the pages left out as they arrive (edited, not sent again), and
    # the screen, which no longer says she can send more.
    assert len(answers) == 4
    assert answers[0] == render.files_left_out(t, MAX_ATTACHMENTS, MAX_ATTACHMENTS)
    assert answers[0].startswith("📎 10 Anhänge wurden nicht übernommen") and "/requests" in answers[0]
    assert answers[2] == render.files_left_out(t, 5, MAX_ATTACHMENTS)
    for screen in (answers[1], answers[3]):
        assert "Mehr Anhänge passen nicht in diese Anfrage" in screen
        assert "Sie können noch mehr schicken" not in screen
    await ayse.tap("✅")
    await ayse.tap("💬")
    assert f"{MAX_ATTACHMENTS} Anhänge" in (ayse.last().text or "")


async def test_an_album_sent_beyond_the_flood_limit_is_refused_whole(bot: BotHarness) -> None:
    # Its files count as one update only once one of them was let through.
    sam = await over_the_limit(bot, "Sam", "en")
    before = len(bot.telegram.calls)
    for _ in range(3):
        await sam.send_photo(media_group="too-late")
    assert bot.telegram.calls[before:] == []
