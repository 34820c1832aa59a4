"""Nothing she wrote vanishes when the bot restarts (a deploy, a crash): what the bot holds for a tap of hers
(her question while she chooses her language after /delete, her messages under "which request?", "is this
your answer?" and "reopen?") is kept in the database, and the tap after the restart does what it did
before. A restart is a new Application on the same database and the same chats (`BotHarness.running`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select

from bot.handlers.context import MAX_REOPEN_OFFERS
from bot.residents import REOPEN, Waiting
from bot.storage.models.resident import WaitingMessage
from bot.testing.fakeapi import FakeTelegram, Sent, SimUser
from tests.harness import BotHarness, deliver
from tests.test_conversation import (
    MUETTERZENTRUM,
    QUARTIERSMANAGEMENT,
    answered_and_closed,
    asked_by_partner,
    group_texts,
    quiet_night,
    two_conversations,
)
from tests.test_start import deleted_after_first_minute


@asynccontextmanager
async def restarted(
    database_url: str, telegram: FakeTelegram, person: SimUser
) -> AsyncIterator[tuple[BotHarness, SimUser]]:
    """The bot started again on the same database and chats, and `person` in it."""
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        again = bot.resident(person.first_name, lang=person.language_code, user_id=person.user_id)
        yield bot, again


async def answer_of_a_settled_resident(bot: BotHarness, lang: str, language: str, question: str) -> Sent:
    """What a resident who chose `language` and the first district gets for `question`."""
    other = bot.resident("Oksana", lang=lang, user_id=900_001)  # ids count from the start again
    await other.send("/start")
    await other.tap(language)
    await other.tap(1)
    await other.send(question)
    return other.last()


async def waiting_rows(bot: BotHarness) -> int:
    async with bot.services.database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(WaitingMessage)) or 0


async def test_her_question_before_the_language_is_answered_after_a_restart(database_url: str) -> None:
    # Olga (her phone in German) deleted her data, then asked her question: the bot promised to answer it
    # once she has chosen. It restarted (a deploy) before her tap: the question was gone, she got the menu,
    # and a second line she wrote meanwhile was answered in German without the language question.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        olga = await deleted_after_first_minute(bot, "Olga", "de", "Русский")
        await olga.send("письмо из джобцентра")
    async with restarted(database_url, telegram, olga) as (bot, olga):
        await olga.send("что мне делать?")
        again = olga.last()
        de = bot.services.i18n.translator("de")
        assert de.gettext("I will answer your question as soon as you have chosen.") in (again.text or "")
        assert again.labels[0] == "✓ Deutsch" and "Русский" in again.labels
        await olga.tap("Русский")
    async with restarted(database_url, telegram, olga) as (bot, olga):
        ru = bot.services.i18n.translator("ru")
        assert olga.last().text == ru.gettext(
            "Which neighbourhood do you live in? Then I can show you what is near you."
        )
        await olga.tap(1)
        expected = await answer_of_a_settled_resident(
            bot, "ru", "Русский", "письмо из джобцентра\nчто мне делать?"
        )
        assert (olga.last().text, olga.last().labels) == (expected.text, expected.labels)
        assert await waiting_rows(bot) == 0  # nothing held once answered


async def test_her_photo_before_the_language_is_asked_about_after_a_restart(database_url: str) -> None:
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        elif_ = await deleted_after_first_minute(bot, "Elif", "de", "Türkçe")
        await elif_.send_photo()
    async with restarted(database_url, telegram, elif_) as (bot, elif_):
        await elif_.tap("Türkçe")
        await elif_.tap(1)
        tr = bot.services.i18n.translator("tr")
        assert tr.gettext("Who should I send this to?") in (elif_.last().text or "")


async def test_a_line_written_on_under_is_this_your_answer_reaches_the_partner_after_a_restart(
    database_url: str,
) -> None:
    # The next morning she answered the partner, was asked "is this your answer?" and wrote on; with a
    # restart in between, the first line never reached the partner and nobody told her.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        ayse = bot.resident("Ayşe", lang="de")
        await asked_by_partner(bot, ayse, "Ist das Café samstags offen?", "Kommen Sie allein oder mit Kind?")
        await quiet_night(bot)
        await ayse.send("Mit Kind, ganz sicher")
        offer = ayse.last()
        assert (offer.text or "").startswith("Ist das Ihre Antwort an SOS-Mütterzentrum")
    async with restarted(database_url, telegram, ayse) as (bot, ayse):
        await ayse.send("Mein Sohn ist 3 Jahre alt.")
        await deliver(bot)
        texts = group_texts(bot, MUETTERZENTRUM)
        assert "Mit Kind, ganz sicher" in texts[-2] and "Mein Sohn ist 3 Jahre alt." in texts[-1]
        assert telegram.chats[ayse.chat][offer.message_id].labels == []  # the question's buttons went


async def test_messages_under_which_request_go_with_one_tap_after_a_restart(database_url: str) -> None:
    # Two lines, each asked "which request?"; the bot restarted; her tap on the newest question passed on
    # only the newest line, the first one stayed behind under its old question.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        ayse = await two_conversations(bot)
        await ayse.send("Mit Kind.")
        first = ayse.last()
        await ayse.send("Er ist 3 Jahre alt.")
        second = ayse.last()
    async with restarted(database_url, telegram, ayse) as (bot, ayse):
        await ayse.tap("Quartiersmanagement", second)
        await deliver(bot)
        texts = group_texts(bot, QUARTIERSMANAGEMENT)
        assert "Mit Kind." in texts[-2] and "Er ist 3 Jahre alt." in texts[-1]
        assert not any("Mit Kind." in text for text in group_texts(bot, MUETTERZENTRUM))
        assert telegram.chats[ayse.chat][first.message_id].labels == []
        assert await waiting_rows(bot) == 0


async def test_a_photo_under_which_request_reaches_the_partner_with_the_tap_after_a_restart(
    database_url: str,
) -> None:
    # The photo of her letter, asked "which request?", then a line with it; after the restart she tapped the
    # newest question: only the line arrived, the photo of the letter reached nobody.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        ayse = await two_conversations(bot)
        await ayse.send_photo("Der Brief")
        await ayse.send("Das ist der Brief vom Jobcenter.")
        second = ayse.last()
    async with restarted(database_url, telegram, ayse) as (bot, ayse):
        await ayse.tap("Quartiersmanagement", second)
        await deliver(bot)
        photos = [m for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT) if m.kind == "photo"]
        assert len(photos) == 1 and "Der Brief" in (photos[0].text or "")
        assert "Das ist der Brief vom Jobcenter." in group_texts(bot, QUARTIERSMANAGEMENT)[-1]
        mine = [m.text or "" for m in bot.telegram.bot_messages(ayse.chat)]
        assert sum(text.startswith("An Quartiersmanagement") for text in mine) == 2  # each confirmed


async def test_one_reopen_after_a_restart_passes_on_every_message_since_the_close(database_url: str) -> None:
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        galina = bot.resident("Galina", lang="ru")
        await answered_and_closed(bot, galina, "Можно прийти с ребёнком?", "Mittwoch 14 Uhr, passt das?")
        await galina.send("да, в среду подходит")
        first = galina.last()
        await galina.send("а в пятницу тоже можно?")
        offer = galina.last()
    async with restarted(database_url, telegram, galina) as (bot, galina):
        await galina.tap("↩️ Открыть снова", offer)
        await deliver(bot)
        texts = group_texts(bot, MUETTERZENTRUM)
        assert "да, в среду подходит" in texts[-2] and "а в пятницу тоже можно?" in texts[-1]
        assert telegram.chats[galina.chat][first.message_id].labels == []


async def test_what_waits_for_her_tap_is_in_mydata_and_goes_with_delete(bot: BotHarness) -> None:
    ayse = await two_conversations(bot)
    await ayse.send("Meine Adresse ist Beispielweg 1")
    data = await bot.services.residents.collect(ayse.user_id)
    assert data is not None
    assert [message.text for message in data.waiting] == ["Meine Adresse ist Beispielweg 1"]
    await ayse.send("/mydata")
    mydata = bot.telegram.bot_messages(ayse.chat)[-2].text or ""
    assert "Beispielweg 1" in mydata
    await ayse.send("/delete")
    await ayse.tap("🗑")
    assert await waiting_rows(bot) == 0


async def test_messages_nobody_came_back_for_are_purged_as_abandoned_drafts(bot: BotHarness) -> None:
    from datetime import UTC, datetime, timedelta

    from bot import jobs

    ayse = await two_conversations(bot)
    await ayse.send("Mit Kind.")
    assert await waiting_rows(bot) == 1
    now = datetime.now(UTC)
    bot.services.clock = lambda: now + timedelta(hours=23)
    await jobs.purge_old_data(bot.services)
    assert await waiting_rows(bot) == 1
    bot.services.clock = lambda: now + timedelta(hours=25)  # DRAFT_RETENTION_HOURS = 24
    await jobs.purge_old_data(bot.services)
    assert await waiting_rows(bot) == 0


async def test_a_resident_who_never_taps_keeps_only_the_latest_messages_waiting(bot: BotHarness) -> None:
    # Writing on into a closed conversation for days, never tapping: the latest offers' messages wait (each
    # older offer's own button still passes on its message).
    galina = bot.resident("Galina", lang="ru")
    await galina.send("/start")
    for number in range(MAX_REOPEN_OFFERS + 5):
        kept = Waiting(number, f"message {number}", prompt_id=1000 + number, request_id=7)
        await bot.services.residents.keep(galina.user_id, REOPEN, kept, limit=MAX_REOPEN_OFFERS)
    waiting = await bot.services.residents.waiting(galina.user_id, REOPEN)
    assert [kept.message_id for kept in waiting] == list(range(5, MAX_REOPEN_OFFERS + 5))


# --- what stays in memory on purpose: after a restart she is asked again, nothing is passed on unseen ------


async def test_after_a_restart_ask_a_person_asks_her_to_write_what_she_asked_before(
    database_url: str,
) -> None:
    # Her questions of the last minutes are not written to disk (phone numbers, health): after a restart,
    # as ten minutes later, "Ask a person" starts with an empty message and asks her to write it.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        amy = bot.resident("Amy", lang="de")
        await amy.send("/start")
        await amy.tap("Deutsch")
        await amy.tap(1)
        await amy.send("Xylophon Reparatur Mondlandung")
        unknown = amy.last()
    async with restarted(database_url, telegram, amy) as (bot, amy):
        await amy.tap("🙋", unknown)
        de = bot.services.i18n.translator("de")
        assert (amy.last().text or "").startswith(
            de.gettext("Write your message to {partner}.").split("{")[0]
        )
        assert "Xylophon" not in (amy.last().text or "")


async def test_after_delete_and_a_restart_her_question_is_answered_in_her_phones_language(
    database_url: str,
) -> None:
    # The bot keeps nothing saying she deleted her data: after a restart her next question is answered (in
    # her phone's language, without the first minute), not dropped.
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        anna = await deleted_after_first_minute(bot, "Anna", "de", "Einfaches Deutsch")
    async with restarted(database_url, telegram, anna) as (bot, anna):
        await anna.send("Wo gibt es einen Deutschkurs für Frauen?")
        de = bot.services.i18n.translator("de")
        assert de.gettext("I will answer your question as soon as you have chosen.") not in (
            anna.last().text or ""
        )
        assert anna.last().labels[0] != "✓ Deutsch"  # an answer, not the language picker
        assert "Frauen" in (anna.last().text or "") + " ".join(anna.last().labels)
