"""Nothing she wrote vanishes when the bot restarts (a deploy, a crash): what the bot holds for a tap of hers
(her question while she chooses her language after /delete, her messages under "which request?", "is this
your answer?" and "reopen?") is kept in the database, and the tap after the restart does what it did
before. A restart is a new Application on the same database and the same chats (`BotHarness.running`)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine
from telegram.error import TelegramError

from bot.handlers.context import MAX_REOPEN_OFFERS, RECENT_QUESTIONS
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
    send_request,
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


@pytest.mark.db_behaviour
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


@pytest.mark.db_behaviour
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


@pytest.mark.db_behaviour
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


@pytest.mark.db_behaviour
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


@pytest.mark.db_behaviour
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


@pytest.mark.db_behaviour
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


@pytest.mark.db_behaviour
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


@pytest.mark.db_behaviour
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


class StatementLog:
    """The SQL statements about `waiting_messages` the bot sends inside `with log:`, by their first word."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.on = False

    def __enter__(self) -> StatementLog:
        self.statements.clear()
        self.on = True
        return self

    def __exit__(self, *_exc: object) -> None:
        self.on = False

    def record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        table = re.search(r"\b(?:FROM|INTO|UPDATE) (\S+)", statement)  # the first: not a subquery's
        if self.on and table is not None and table.group(1) == "waiting_messages":
            self.statements.append(statement.split()[0].upper())


@pytest.fixture
def statements() -> Iterator[StatementLog]:
    log = StatementLog()
    event.listen(Engine, "before_cursor_execute", log.record)
    try:
        yield log
    finally:
        event.remove(Engine, "before_cursor_execute", log.record)


async def handled_twice(person: SimUser, action: Awaitable[object], monkeypatch: pytest.MonkeyPatch) -> None:
    """`action` (an update of `person`'s, which fails), then the very same update handled again, as the
    inbox does after a failure."""
    seen: list[dict[str, Any]] = []
    process = SimUser._process

    async def capture(self: SimUser, data: dict[str, Any]) -> None:
        seen.append(data)
        await process(self, data)

    monkeypatch.setattr(SimUser, "_process", capture)
    with contextlib.suppress(TelegramError):
        await action
    person.telegram.fault = None
    monkeypatch.setattr(SimUser, "_process", process)
    await process(person, seen[-1])


def bad_gateway_once(bot: BotHarness, method: str, message_id: int | None = None) -> None:
    """The Bot API answers `method` (for `message_id`) with 502 as often as the transport tries: the update
    fails, and is handled again (`BotHarness`'s user repeats it)."""
    down = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    failures = [(502, down)] * 5

    def fault(name: str, params: dict[str, Any]) -> Any:
        if failures and name == method and message_id in (None, int(params.get("message_id", 0))):
            return failures.pop()
        return None

    bot.telegram.fault = fault


@pytest.mark.db_behaviour
async def test_a_tap_that_failed_halfway_passes_on_every_waiting_message_when_handled_again(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review: the tap took her waiting messages out of the database before passing them on; the Bot API
    # failed in between (a 502), the update was handled again, and "Mit Kind." never reached the partner.
    ayse = await two_conversations(bot)
    await ayse.send("Mit Kind.")
    first = ayse.last()
    await ayse.send("Er ist 3 Jahre alt.")
    second = ayse.last()
    bad_gateway_once(bot, "editMessageReplyMarkup", first.message_id)
    await handled_twice(ayse, ayse.tap("Quartiersmanagement", second), monkeypatch)
    await deliver(bot)
    texts = group_texts(bot, QUARTIERSMANAGEMENT)
    assert "Mit Kind." in texts[-2] and "Er ist 3 Jahre alt." in texts[-1]
    assert sum("Mit Kind." in text for text in texts) == 1
    assert await waiting_rows(bot) == 0


async def test_a_line_under_is_this_your_answer_goes_on_only_with_her_next_message_within_minutes(
    bot: BotHarness,
) -> None:
    # Review: a health line she never confirmed as her answer went to the partner 20 hours later, together
    # with an unrelated question. It goes on only with her very next message, minutes later; after that it
    # waits no longer, and only her tap passes it on. Exploratory test: it was dropped without a word to
    # her, the question far up; now she reads below that it was not passed on, with the button to do so.
    ayse = bot.resident("Ayşe", lang="de")
    await asked_by_partner(bot, ayse, "Ist das Café samstags offen?", "Kommen Sie allein oder mit Kind?")
    await quiet_night(bot)
    line = await ayse.send("Mein Sohn hatte Fieber, Diagnose Scharlach")
    offer = ayse.last()
    assert (offer.text or "").startswith("Ist das Ihre Antwort an SOS-Mütterzentrum")
    later = datetime.now(UTC) - RECENT_QUESTIONS - timedelta(minutes=1)
    async with bot.services.database.transaction() as session:
        await session.execute(update(WaitingMessage).values(created_at=later))
    await ayse.send("Wo gibt es einen Deutschkurs für Frauen?")
    await deliver(bot)
    assert not any("Scharlach" in text for text in group_texts(bot, MUETTERZENTRUM))
    async with bot.services.database.sessions() as session:
        assert not any(
            "Scharlach" in (text or "") for text in await session.scalars(select(WaitingMessage.text))
        )
    told = [m for m in bot.telegram.bot_messages(ayse.chat) if m.reply_to == line.message_id][-1]
    assert told.message_id > offer.message_id and told.labels == ["✍️ Meine Antwort"]
    assert (told.text or "").startswith("⚠️ Diese Nachricht wurde nicht an SOS-Mütterzentrum (Anfrage Nr.")
    assert offer.labels == []  # one place to tap, below
    await ayse.tap("✍️", told)
    await deliver(bot)
    assert "Scharlach" in group_texts(bot, MUETTERZENTRUM)[-1]


async def test_one_tap_passes_on_only_the_messages_whose_question_offered_that_request(
    bot: BotHarness,
) -> None:
    # Review: one tap on "which request?" passed on every message waiting, also one whose question offered
    # other requests only: "Mit Kind." (asked about the café and the letter) went with her tap on a third.
    bot.services.residents.flood_limit = 100  # a busy minute, not a flood
    ayse = await two_conversations(bot)
    await ayse.send("Mit Kind.")
    first = ayse.last()
    cafe = next(m for m in bot.telegram.bot_messages(ayse.chat) if "Wie alt ist das Baby?" in (m.text or ""))
    await ayse.tap("⏹", cafe)  # the café's conversation ends; a third request's opens
    course = await send_request(bot, ayse, "briefe-aemter", "Ich suche einen Deutschkurs für Frauen")
    await bot.partner("Jonas", QUARTIERSMANAGEMENT).send("Vormittags oder abends?", reply_to=course)
    await deliver(bot)
    await ayse.send("Am liebsten vormittags.")
    second = ayse.last()
    number = re.findall(r"Anfrage Nr\. (\d{6})", course.text or "")[0]
    assert any(label.startswith(number) for label in second.labels)  # the letter and the course
    await ayse.tap(number, second)
    await deliver(bot)
    texts = group_texts(bot, QUARTIERSMANAGEMENT) + group_texts(bot, MUETTERZENTRUM)
    assert "Am liebsten vormittags." in group_texts(bot, QUARTIERSMANAGEMENT)[-1]
    assert not any("Mit Kind." in text for text in texts)
    # Its own question still waits for her tap, and passes it on.
    assert first.labels != [] and await waiting_rows(bot) == 1
    await ayse.tap("Quartiersmanagement", first)
    await deliver(bot)
    assert "Mit Kind." in group_texts(bot, QUARTIERSMANAGEMENT)[-1]
    assert await waiting_rows(bot) == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_her_question_in_the_first_minute_is_stored_masked_and_held_once(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review: a question held while she chose her language after /delete was stored verbatim (SECURITY.md:
    # questions are stored masked), and the same update handled again held it twice.
    olga = await deleted_after_first_minute(bot, "Olga", "de", "Русский")
    bad_gateway_once(bot, "sendMessage")  # the language screen could not be sent: handled again
    question = "Meine Nummer ist 0171 2345678, wo gibt es einen Deutschkurs?"
    await handled_twice(olga, olga.send(question), monkeypatch)
    async with bot.services.database.sessions() as session:
        texts = list(await session.scalars(select(WaitingMessage.text)))
    assert texts == ["Meine Nummer ist [Telefon], wo gibt es einen Deutschkurs?"]
    await olga.tap("Русский")
    await olga.tap(1)
    assert "Deutschkurs" in (olga.last().text or "") or olga.last().labels
    assert await waiting_rows(bot) == 0


async def edit_caption(person: SimUser, sent: Sent, caption: str) -> None:
    """`person` edits the caption of a file of hers (Telegram sends an `edited_message` with the file)."""
    edited = {**sent.params, "caption": caption, "edit_date": int(datetime.now(UTC).timestamp())}
    data = person._message_json(sent.message_id, edited, None)
    await person._process({"update_id": person.telegram.next_update_id(), "edited_message": data})


async def test_an_edited_message_waiting_for_her_tap_goes_on_as_she_corrected_it(bot: BotHarness) -> None:
    # Review: she edited away her phone number while her message waited under "which request?"; her tap
    # passed on the old text, number and all. Exploratory test: the same with a photo's caption.
    ayse = await two_conversations(bot)
    mine = await ayse.send("Meine Nummer ist 0171 2345678")
    photo = await ayse.send_photo("Der Brief, rufen Sie 0171 2345678 an")
    await ayse.send("Er ist 3 Jahre alt.")
    second = ayse.last()
    await ayse.edit(mine, "Meine Nummer gebe ich lieber nicht")
    await edit_caption(ayse, photo, "Der Brief vom Jobcenter")
    await ayse.tap("Quartiersmanagement", second)
    await deliver(bot)
    texts = group_texts(bot, QUARTIERSMANAGEMENT) + group_texts(bot, MUETTERZENTRUM)
    assert not any("2345678" in text for text in texts)
    passed = bot.telegram.bot_messages(QUARTIERSMANAGEMENT)[-3:]
    assert "Meine Nummer gebe ich lieber nicht" in (passed[0].text or "")
    assert passed[1].kind == "photo" and "Der Brief vom Jobcenter" in (passed[1].text or "")


async def test_a_tap_costs_one_read_and_one_write_and_nothing_is_written_when_nothing_waits(
    bot: BotHarness, statements: StatementLog
) -> None:
    # Review: a tap took its messages in two write transactions (four statements), and 🏠 under "which
    # request?" opened a write transaction even with nothing waiting under it.
    ayse = await two_conversations(bot)
    await ayse.send("Mit Kind.")
    await ayse.send("Er ist 3 Jahre alt.")
    second = ayse.last()
    with statements:
        await ayse.tap("Quartiersmanagement", second)
    assert statements.statements == ["SELECT", "DELETE"]
    await ayse.send("Noch eine Frage.")
    third = ayse.last()
    home = next(b["callback_data"] for b in third.flat_buttons if "🏠" in b["text"])
    with statements:
        await ayse.press(home, third)
    assert statements.statements == ["SELECT", "DELETE"]
    with statements:
        await ayse.press(home, third)  # again: nothing waits under it any more
    assert statements.statements == ["SELECT"]
