"""What the privacy notice promises: /delete forgets the resident, old data is purged, an unanswered question
keeps no phone number or e-mail address and is the resident's (/mydata, /delete), shown to staff without who
asked. And what a partner learns of a request whose resident used /delete: that it is gone, never nothing."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy import text as sql
from telegram.error import TelegramError

from bot import jobs
from bot.feedback import mask_contact_details
from bot.storage import requests as store
from bot.storage.models import Resident
from bot.storage.models.feedback import UnansweredQuestion
from bot.storage.models.outbox import OutboxMessage
from bot.storage.models.requests import DeletedRequestLink, Request, RequestStatus
from bot.testing.fakeapi import Sent, SimUser
from tests.harness import BotHarness, deliver, fill_in_request, submit_request

QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content


async def count(bot: BotHarness, model: type) -> int:
    async with bot.services.database.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_delete_forgets_the_resident_and_their_requests(bot: BotHarness) -> None:
    olga = bot.resident("Olga", lang="ru")
    await fill_in_request(olga, "briefe-aemter", "Письмо из джобцентра, ничего не понимаю")
    await olga.tap("✅")
    assert await count(bot, Request) == 1

    assert await count(bot, OutboxMessage) >= 1  # the card, not yet sent

    await olga.send("/delete")
    assert "🗑" in olga.last().labels[0]
    await olga.tap(1)
    assert await count(bot, Request) == 0
    assert await count(bot, OutboxMessage) == 0  # her words do not wait in the outbox either
    await deliver(bot)
    assert not bot.telegram.bot_messages(-1_000_000_000_001)  # the card never reached the partner
    async with bot.services.database.sessions() as session:
        assert await session.get(Resident, olga.user_id) is None


async def test_delete_says_first_that_it_ends_her_open_requests(bot: BotHarness) -> None:
    # Found by exploratory testing: the question only said partners keep what they got; that her open
    # request ends and no answer comes was not said before she confirmed.
    olena = bot.resident("Olena", lang="uk")
    await olena.send("/delete")
    warning = "⚠️ У вас"
    assert warning not in (olena.last().text or "")  # nothing open: the question as it was
    for text in ("Лист від джобцентру", "Ще один лист"):
        await submit_request(bot, olena, "briefe-aemter", text)
    await olena.send("/delete")
    question = olena.last()
    assert "⚠️ У вас 2 відкриті запити. Видалення їх завершить: відповіді не буде." in (question.text or "")
    assert question.labels == ["🗑 Так, видалити мої дані", "✖️ Ні, залишити"]
    anna = bot.resident("Anna", lang="de")
    await submit_request(bot, anna, "briefe-aemter", "Brief vom Amt")
    await anna.send("/delete")
    text = anna.last().text or ""
    assert "⚠️ Sie haben 1 offene Anfrage. Wenn Sie löschen, endet sie: Es kommt keine Antwort mehr." in text
    await anna.tap(1)
    assert await count(bot, Request) == 2  # Olena's, which she kept


async def test_privacy_notice_is_shown_in_the_residents_language(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("/privacy")
    text = ayse.last().text or ""
    assert text and "Datenschutz" not in text.split("\n")[0]


async def test_old_unanswered_questions_and_finished_requests_are_purged(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start")
    await anna.send("Xylophon Reparatur Mondlandung")
    assert await count(bot, UnansweredQuestion) == 1
    now = datetime.now(UTC)
    bot.services.clock = lambda: now + timedelta(days=29)
    assert await jobs.purge_old_data(bot.services) == 0
    bot.services.clock = lambda: now + timedelta(days=31)
    assert await jobs.purge_old_data(bot.services) == 1
    assert await count(bot, UnansweredQuestion) == 0


async def test_drafts_nobody_came_back_to_are_purged(bot: BotHarness) -> None:
    from bot.storage.models.requests import Dialogue

    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start o_briefe-aemter")
    await olga.tap("✋")
    assert await count(bot, Dialogue) == 1
    now = datetime.now(UTC)
    bot.services.clock = lambda: now + timedelta(hours=23)
    assert await jobs.purge_old_data(bot.services) == 0
    bot.services.clock = lambda: now + timedelta(hours=25)  # DRAFT_RETENTION_HOURS = 24
    assert await jobs.purge_old_data(bot.services) == 1
    assert await count(bot, Dialogue) == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_sent_messages_leave_the_outbox_after_the_retention_period(bot: BotHarness) -> None:
    from bot.storage.models.outbox import Audience, Channel, OutboxStatus

    now = datetime.now(UTC)
    async with bot.services.database.transaction() as session:
        for age, status in ((200, OutboxStatus.SENT), (10, OutboxStatus.SENT), (200, OutboxStatus.PENDING)):
            session.add(
                OutboxMessage(
                    channel=Channel.TELEGRAM,
                    target="1",
                    audience=Audience.RESIDENT,
                    method="sendMessage",
                    payload={"text": "Antwort"},
                    status=status,
                    dedupe_key=f"old-{age}-{status}",
                    created_at=now - timedelta(days=age),
                )
            )
    bot.services.clock = lambda: now
    await jobs.purge_old_data(bot.services)
    async with bot.services.database.sessions() as session:
        left = sorted(key for key in (await session.execute(select(OutboxMessage.dedupe_key))).scalars())
    assert left == ["old-10-sent", "old-200-pending"]  # only finished rows past the retention go


def test_the_shipped_privacy_notice_names_the_default_retention_periods_in_every_language() -> None:
    """The notice is content, the periods are settings: a changed default must change the text too."""
    from pathlib import Path

    from bot.content.catalogue import load_catalogue
    from bot.settings import Settings

    defaults = Settings.model_fields
    hours = defaults["draft_retention_hours"].default
    days = defaults["unanswered_retention_days"].default
    months = defaults["request_retention_days"].default // 30
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    catalogue, _ = load_catalogue(Path(__file__).resolve().parents[1] / "content")
    for lang, text in catalogue.privacy_notice.text.items():
        for period in (hours, days, months):
            assert str(period) in text or str(period).translate(persian) in text, (lang, period)


ADMIN_CHAT = -1_000_000_000_500


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ali Yilmaz, Tel 0151 2345678, wer hilft mir?", "Ali Yilmaz, Tel [Telefon], wer hilft mir?"),
        ("Rufen Sie an: +49 (0) 5341 12 34 56", "Rufen Sie an: [Telefon]"),
        ("Meine Mail: ali.yilmaz+bot@gmail.com.", "Meine Mail: [E-Mail]."),
        ("IBAN DE89 3704 0044 0532 0130 00 richtig?", "IBAN [Nummer] richtig?"),
        ("BG-Nummer 12345BG0012345, Ausweis L01X00T47", "BG-Nummer [Nummer], Ausweis [Nummer]"),
        ("Numaram 0532 123 45 67, e-posta ayse@example.com", "Numaram [Telefon], e-posta [E-Mail]"),
        ("رقمي ٠١٥١٢٣٤٥٦٧٨ من فضلك", "رقمي [Telefon] من فضلك"),  # Arabic-Indic digits
        ("شماره من ۰۹۱۲ ۳۴۵ ۶۷۸۹ است", "شماره من [Telefon] است"),  # Persian digits
        ("Мой телефон +7 912 345-67-89, почта оля@пример.рф", "Мой телефон [Telefon], почта [E-Mail]"),
        ("Mój numer 512 345 678", "Mój numer [Nummer]"),
        ("Tel. 0151.234.5678, bitte abends", "Tel. [Telefon], bitte abends"),  # dots as separators
        ("Rückruf: +49.5341.123456.", "Rückruf: [Telefon]."),
    ],
)
def test_phone_numbers_e_mail_addresses_and_long_numbers_are_masked_in_every_script(
    typed: str, stored: str
) -> None:
    assert mask_contact_details(typed) == stored


def test_dates_times_ages_and_postcodes_stay_in_a_masked_question() -> None:
    question = (
        "Kurs am 17.02.2027 um 10:00-12:00 für 2 Kinder, 3 und 5 Jahre, in 38226? Kostet 1500 €? "
        "Oder am 01.02.2027 um 17.30, für 150.000 € Förderung, App-Version 10.0.1?"
    )
    assert mask_contact_details(question) == question


async def test_delete_leaves_no_unanswered_question_with_the_residents_number_in_stats(
    database_url: str,
) -> None:
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        ali = bot.resident("Ali", lang="de")
        await ali.send("Ali Yilmaz, Tel 0151 2345678, ich bin HIV positiv, wer hilft mir?")
        await ali.send("/delete")
        await ali.tap(1)
        await bot.partner("Nadine", ADMIN_CHAT).send("/stats")
        assert "0151 2345678" not in (bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or "")


async def test_staff_see_an_unanswered_question_masked_and_without_who_asked(database_url: str) -> None:
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        ayse = bot.resident("Ayşe", lang="tr")
        await ayse.send("Xylophon tamiri için 0532 123 45 67 numarasından ayse@example.com")
        await bot.partner("Nadine", ADMIN_CHAT).send("/stats")
        stats = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
        assert "[tr] Xylophon tamiri için [Telefon] numarasından [E-Mail]" in stats
        assert "0532" not in stats and "ayse@" not in stats
        assert str(ayse.user_id) not in stats and "Ayşe" not in stats


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_unanswered_questions_are_in_mydata_and_gone_after_delete(bot: BotHarness) -> None:
    olga = bot.resident("Olga", lang="ru")
    await olga.send("Ксилофон ремонт, мой телефон +7 912 345-67-89")
    anna = bot.resident("Anna", lang="de")
    await anna.send("Xylophon Reparatur Mondlandung")
    assert await count(bot, UnansweredQuestion) == 2

    await olga.send("/mydata")
    text = "\n".join(m.text or "" for m in bot.telegram.bot_messages(olga.chat) if m.kind == "text")
    assert "Ваши вопросы, на которые бот не нашёл ответа:" in text
    assert "Ксилофон ремонт, мой телефон [номер телефона]" in text  # the mask in her language
    assert "912" not in text and "Mondlandung" not in text  # masked, and only her own
    name = next(n for n in reversed(bot.telegram.uploads) if n.startswith("mydata-"))
    [question] = json.loads(bot.telegram.uploads[name])["unanswered_questions"]
    assert question["text"] == "Ксилофон ремонт, мой телефон [Telefon]" and question["language"] == "ru"

    await olga.send("/delete")
    await olga.tap(1)
    async with bot.services.database.sessions() as session:
        left = (await session.execute(select(UnansweredQuestion.text))).scalars().all()
    assert left == ["Xylophon Reparatur Mondlandung"]  # hers went, Anna's stays


def test_the_privacy_notice_tells_how_unanswered_questions_are_kept_in_every_language() -> None:
    """It used to call them anonymous: they are linked to the resident now, and masked."""
    from pathlib import Path

    from bot.content.catalogue import load_catalogue

    catalogue, _ = load_catalogue(Path(__file__).resolve().parents[1] / "content")
    texts = catalogue.privacy_notice.text
    assert len(texts) == 9
    for lang, text in texts.items():
        assert text.count("/mydata") >= 2 and text.count("/delete") >= 2, lang  # also for the questions
        assert "IBAN" in text or lang == "de-simple", lang
    assert "ohne Ihren Namen" not in texts["de"] and "without your name" not in texts["en"]


# --- a partner and a request its resident deleted -----------------------------------------------------------


async def delivered_request(bot: BotHarness, resident: SimUser, text: str) -> None:
    await submit_request(bot, resident, "briefe-aemter", text)


def data(message: Sent, label: str) -> str:
    """The callback data of `message`'s button labelled `label`."""
    return str(next(b["callback_data"] for b in message.flat_buttons if label in b["text"]))


def number_on(card: Sent) -> str:
    found = re.search(r"\d{6}", card.text or "")
    assert found is not None
    return found.group()


async def deleted(bot: BotHarness, resident: SimUser) -> None:
    await resident.send("/delete")
    await resident.tap(1)
    await deliver(bot)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_deleted_request_in_the_partners_chat_is_told_answered_kept_apart_and_then_forgotten(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One journey (a request, then /delete) for what the partner's chat remembers of it: the note in the
    thread, the card's buttons, a reply to it, its number not given again, and all of it gone with the
    retention."""
    olga = bot.resident("Olga", lang="ru")
    await delivered_request(bot, olga, "Письмо из джобцентра, ничего не понимаю")
    card = bot.telegram.bot_messages(QM_GROUP)[0]
    number = number_on(card)
    take_on = card.flat_buttons[0]["callback_data"]
    hand_over = data(card, "übergeben")
    await deleted(bot, olga)

    # The partner is told in the request's thread, in German.
    note = bot.telegram.bot_messages(QM_GROUP)[-1]
    assert note.reply_to == card.message_id
    assert note.text == (
        f"<i>Die Person hat ihre Daten gelöscht und damit auch Anfrage Nr. {number}: Die Anfrage "
        "existiert nicht mehr. Was hier geschrieben wird, erreicht sie nicht mehr.</i>"
    )

    # The card loses its buttons with her data; a button on a copy that kept them (a chat not yet updated)
    # says so.
    assert bot.telegram.bot_messages(QM_GROUP)[0].labels == []  # nothing left to act on
    gone = "Die Person hat ihre Daten gelöscht: Diese Anfrage gibt es nicht mehr."
    petra = bot.partner("Petra", QM_GROUP)
    for button in (hand_over, take_on):
        await petra.press(button, card)
        assert bot.telegram.answered_callbacks[-1].get("text") == gone
    # A group that never had the card learns nothing about it.
    other = bot.partner("Sabine", -1_000_000_000_002)
    await other.press(take_on, Sent(other.chat, 987_654, "alt", card.reply_markup))
    assert bot.telegram.answered_callbacks[-1].get("text") != gone

    # A reply to it is answered once and reaches nobody.
    told_before = len(bot.telegram.bot_messages(QM_GROUP))
    olga_saw = len(bot.telegram.bot_messages(olga.chat))
    reply = await petra.send("Kommen Sie Dienstag vorbei.", reply_to=card)
    await deliver(bot)
    [told] = bot.telegram.bot_messages(QM_GROUP)[told_before:]
    assert told.reply_to == reply.message_id
    assert told.text == (
        f"<i>Die Person hat ihre Daten gelöscht: Anfrage Nr. {number} gibt es nicht mehr. "
        "Ihre Nachricht wurde nicht weitergeleitet.</i>"
    )
    await petra.edit(reply, "Kommen Sie Mittwoch vorbei.")  # a correction is not told again
    await deliver(bot)
    assert len(bot.telegram.bot_messages(QM_GROUP)) == told_before + 1
    assert len(bot.telegram.bot_messages(olga.chat)) == olga_saw  # nothing reached her chat

    # Its number is not given again while partner chats remember it: a reply quoting the number on the
    # deleted request's card must not find a new request by it.
    taken, free = int(number) - 100000, (int(number) - 100000 + 1) % 900000
    draws = iter([taken, free])
    monkeypatch.setattr(store.secrets, "randbelow", lambda _: next(draws))
    async with bot.services.database.sessions() as session:
        assert await store.new_request_number(session) == str(100000 + free)

    # What partner chats remember of it goes with the retention (nothing of her own chat is remembered).
    assert await count(bot, DeletedRequestLink) >= 1
    async with bot.services.database.sessions() as session:
        remembered = (await session.execute(select(DeletedRequestLink))).scalars().all()
    assert {link.chat_id for link in remembered} == {QM_GROUP}
    now = datetime.now(UTC)
    bot.services.clock = lambda: now + timedelta(days=bot.services.settings.request_retention_days + 1)
    await jobs.purge_old_data(bot.services)
    assert await count(bot, DeletedRequestLink) == 0


async def test_the_card_of_a_deleted_request_says_so_as_a_withdrawn_card_does(bot: BotHarness) -> None:
    """Found by exploratory testing (xr4 #6): after /delete the card lost its buttons but still ended with
    "So antworten Sie …" and a hand-over "waiting for her consent" that would never come; only a note below
    said what happened. Staff look at cards: the card itself says it, as a withdrawn card does."""
    olga = bot.resident("Olga", lang="ru")
    await delivered_request(bot, olga, "Пришло письмо из Jobcenter, не понимаю")
    card = bot.telegram.bot_messages(QM_GROUP)[0]
    petra = bot.partner("Petra", QM_GROUP)
    await petra.tap(1, card)  # take on
    await petra.tap("übergeben", card)
    await petra.tap("Jobcenter Salzgitter", bot.telegram.bot_messages(QM_GROUP)[-1])
    await deliver(bot)
    assert "⏳" in (card.text or "") and "So antworten Sie" in (card.text or "")
    await deleted(bot, olga)
    text = card.text or ""
    assert card.labels == []
    assert "So antworten Sie" not in text and "⏳" not in text and "Zustimmung" not in text
    assert "Пришло письмо из Jobcenter" in text and "✅" in text  # what it was, and that it was taken on
    de = bot.services.i18n.translator("de")
    assert text.endswith(
        f"🗑 <b>{de.gettext('Deleted by the resident, with their data – nothing left to do')}</b>"
    )


async def test_the_partners_note_about_a_deletion_goes_out_at_once(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write transaction that queued a message wakes the delivery worker (`Services.transaction`, for the
    request desk and /delete alike); one that queued nothing leaves it asleep."""
    woken: list[bool] = []
    assert bot.services.delivery is not None
    monkeypatch.setattr(bot.services.delivery, "wake", lambda: woken.append(True))
    olga = bot.resident("Olga", lang="ru")
    await delivered_request(bot, olga, "Письмо из джобцентра, ничего не понимаю")
    assert woken  # the card
    woken.clear()
    await olga.send("/delete")
    assert not woken  # only asked
    await olga.tap(1)
    assert woken == [True]  # the note in the partner's thread


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_deleted_requests_card_never_acts_on_another_residents_request(bot: BotHarness) -> None:
    # (Moved here from the review2 pins.) SQLite reuses the highest id once /delete removed it, so the next
    # request carries the id on Anna's old card's buttons: the card's message decides, on every backend.
    anna = bot.resident("Anna", lang="de")
    await delivered_request(bot, anna, "Brief vom Jobcenter, bitte helfen")
    old_card = bot.telegram.bot_messages(QM_GROUP)[0]
    petra = bot.partner("Petra", QM_GROUP)
    await petra.tap("übergeben", old_card)  # the choices, posted before /delete as a reply to the card
    choices = bot.telegram.bot_messages(QM_GROUP)[-1]
    take_on, close = (data(old_card, label) for label in ("Übernehmen", "Abschließen"))
    presses = [(take_on, old_card), (choices.flat_buttons[0]["callback_data"], choices), (close, old_card)]
    await deleted(bot, anna)
    bob = bot.resident("Bob", lang="de")
    await delivered_request(bot, bob, "Ich verstehe meinen Mietvertrag nicht")
    bob_saw = len(bot.telegram.bot_messages(bob.chat))
    gone = "Die Person hat ihre Daten gelöscht: Diese Anfrage gibt es nicht mehr."
    for callback_data, message in presses:  # the buttons go with the first press: copies kept them
        await petra.press(callback_data, message)
        assert bot.telegram.answered_callbacks[-1].get("text") == gone, callback_data
    await deliver(bot)
    async with bot.services.database.sessions() as session:
        bobs = await session.scalar(select(Request).where(Request.resident_id == bob.user_id))
    assert bobs is not None
    assert (bobs.status, bobs.taken_by, bobs.handover_to) == (RequestStatus.OPEN, None, None)
    assert len(bot.telegram.bot_messages(bob.chat)) == bob_saw  # Bob was told nothing


@pytest.mark.parametrize("gone_by", ["/delete", "withdrawal"])
@pytest.mark.db_behaviour
async def test_a_card_still_being_sent_when_its_request_goes_arrives_without_buttons(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch, gone_by: str
) -> None:
    """/delete and a withdrawal take the buttons off the cards they know; a card still on its way (sent,
    its message id not yet recorded) loses them once it has arrived: Take on / Close / Hand over under a
    request that no longer exists could only fail. Like any other card of a deleted request, the group is
    told why (once), and a reply or a button there learns what happened; the card's row does not keep her
    words in the outbox."""
    olga = bot.resident("Olga", lang="ru")
    await fill_in_request(olga, "briefe-aemter", "Письмо из джобцентра, ничего не понимаю")
    await olga.tap("✅")
    sending, arrived = asyncio.Event(), asyncio.Event()
    request = bot.telegram.do_request

    async def card_held_on_its_way(url: str, method: str, request_data: Any, *timeouts: Any) -> Any:
        answer = await request(url, method, request_data, *timeouts)
        if url.endswith("/sendMessage") and int(request_data.parameters["chat_id"]) == QM_GROUP:
            sending.set()  # in the group now; the worker has not heard back yet
            await arrived.wait()
        return answer

    monkeypatch.setattr(bot.telegram, "do_request", card_held_on_its_way)
    delivering = asyncio.create_task(deliver(bot))
    await sending.wait()
    card = bot.telegram.bot_messages(QM_GROUP)[0]
    assert "Übernehmen" in " ".join(card.labels)
    take_on = card.flat_buttons[0]["callback_data"]
    if gone_by == "/delete":
        await olga.send("/delete")
        await olga.tap(1)
    else:
        await olga.send("/requests")
        await olga.tap("🗑")
        await olga.tap("🗑")  # yes, withdraw
    arrived.set()
    await delivering
    await deliver(bot)
    assert card.labels == []
    if gone_by == "withdrawal":  # the thread note follows the card and says why
        assert "zurückgezogen" in (bot.telegram.bot_messages(QM_GROUP)[-1].text or "")
        return
    number = number_on(card)
    [note] = bot.telegram.bot_messages(QM_GROUP)[1:]  # told once, in reply to the card
    assert note.reply_to == card.message_id
    assert note.text == (
        f"<i>Die Person hat ihre Daten gelöscht und damit auch Anfrage Nr. {number}: Die Anfrage "
        "existiert nicht mehr. Was hier geschrieben wird, erreicht sie nicht mehr.</i>"
    )
    petra = bot.partner("Petra", QM_GROUP)
    await petra.press(take_on, card)  # a copy of the card that kept its buttons
    assert bot.telegram.answered_callbacks[-1].get("text") == (
        "Die Person hat ihre Daten gelöscht: Diese Anfrage gibt es nicht mehr."
    )
    reply = await petra.send("Kommen Sie Dienstag vorbei.", reply_to=card)
    await deliver(bot)
    told = bot.telegram.bot_messages(QM_GROUP)[-1]
    assert told.reply_to == reply.message_id
    assert told.text == (
        f"<i>Die Person hat ihre Daten gelöscht: Anfrage Nr. {number} gibt es nicht mehr. "
        "Ihre Nachricht wurde nicht weitergeleitet.</i>"
    )
    async with bot.services.database.sessions() as session:
        kept = (await session.scalars(select(OutboxMessage.payload))).all()
    assert not [payload for payload in kept if "джобцентра" in str(payload)]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_card_whose_send_failed_after_delete_is_not_sent_again(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/delete leaves a card that is being sent to finish; if that send fails, the card is dropped with the
    rest of her data instead of being retried: her words never reach the group after she deleted them."""
    olga = bot.resident("Olga", lang="ru")
    await fill_in_request(olga, "briefe-aemter", "Письмо из джобцентра, ничего не понимаю")
    await olga.tap("✅")
    sending, deleted_now = asyncio.Event(), asyncio.Event()
    request = bot.telegram.do_request

    async def card_fails_on_its_way(url: str, method: str, request_data: Any, *timeouts: Any) -> Any:
        if (
            url.endswith("/sendMessage")
            and int(request_data.parameters["chat_id"]) == QM_GROUP
            and not deleted_now.is_set()
        ):
            sending.set()
            await deleted_now.wait()
            raise TelegramError("Bad Gateway")  # tried again later, by the worker
        return await request(url, method, request_data, *timeouts)

    monkeypatch.setattr(bot.telegram, "do_request", card_fails_on_its_way)
    delivering = asyncio.create_task(deliver(bot))
    await sending.wait()
    await olga.send("/delete")
    await olga.tap(1)
    deleted_now.set()
    await delivering
    async with bot.services.database.transaction() as session:  # the retry is due
        await session.execute(update(OutboxMessage).values(next_attempt_at=datetime.now(UTC)))
    await deliver(bot)
    assert bot.telegram.bot_messages(QM_GROUP) == []
    assert await count(bot, OutboxMessage) == 0


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.db_behaviour
async def test_a_withdrawal_while_the_worker_records_the_card_still_takes_its_buttons(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL (READ COMMITTED; SQLite has one writer): the worker records the card as sent while the
    resident withdraws. Neither may miss the other's uncommitted write: the withdrawal waits for the record
    and then finds the card among those it takes the buttons off (before, it found none, the worker found
    the request still open, and the card kept Take on / Close / Hand over)."""
    olga = bot.resident("Olga", lang="ru")
    await fill_in_request(olga, "briefe-aemter", "Письмо из джобцентра, ничего не понимаю")
    await olga.tap("✅")
    recording, release = asyncio.Event(), asyncio.Event()
    worker_pid: list[int] = []
    add_thread_link = store.add_thread_link

    async def link_held(session: Any, chat_id: int, *args: Any) -> None:
        if chat_id == QM_GROUP and not recording.is_set():  # the worker records the card
            worker_pid.append(await session.scalar(sql("SELECT pg_backend_pid()")))
            recording.set()
            await release.wait()
        await add_thread_link(session, chat_id, *args)

    monkeypatch.setattr(store, "add_thread_link", link_held)
    delivering = asyncio.create_task(deliver(bot))
    await recording.wait()
    card = bot.telegram.bot_messages(QM_GROUP)[0]
    await olga.send("/requests")
    await olga.tap("🗑")
    withdrawing = asyncio.create_task(olga.tap("🗑"))  # yes, withdraw

    async def waits_for_the_worker() -> bool:
        async with bot.services.database.sessions() as session:
            blocked = "SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"
            return bool(await session.scalar(sql(blocked), {"pid": worker_pid[0]}))

    # The withdrawal either went through meanwhile (it found no card) or waits for the worker's commit.
    # PostgreSQL signals no event when a statement starts waiting for a lock: asked until it does.
    while not withdrawing.done() and not await waits_for_the_worker():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    release.set()
    await delivering
    await withdrawing
    await deliver(bot)
    assert card.labels == []
    assert "zurückgezogen" in (bot.telegram.bot_messages(QM_GROUP)[-1].text or "")


async def test_a_closed_request_gets_no_note_but_its_reopen_button_says_it_is_gone(bot: BotHarness) -> None:
    olga = bot.resident("Olga", lang="ru")
    await delivered_request(bot, olga, "Письмо из джобцентра, ничего не понимаю")
    card = bot.telegram.bot_messages(QM_GROUP)[0]
    petra = bot.partner("Petra", QM_GROUP)
    await petra.tap("Abschließen", card)
    await deliver(bot)
    thread = len(bot.telegram.bot_messages(QM_GROUP))
    await deleted(bot, olga)
    assert len(bot.telegram.bot_messages(QM_GROUP)) == thread  # closed already: nothing to tell
    await petra.tap("Wieder öffnen", bot.telegram.chats[QM_GROUP][card.message_id])
    answer = bot.telegram.answered_callbacks[-1].get("text")
    assert answer == "Die Person hat ihre Daten gelöscht: Diese Anfrage gibt es nicht mehr."


def test_a_button_on_a_card_too_old_for_its_content_still_names_the_card() -> None:
    # Telegram sends an old card as an InaccessibleMessage (no text, still its id): the id is what tells a
    # deleted request's card apart from a new request with the same id (found in review).
    from telegram import CallbackQuery, Chat, InaccessibleMessage, User

    from bot.handlers.partner_group import pressed_card

    card = InaccessibleMessage(chat=Chat(-1_000_000_000_001, Chat.SUPERGROUP), message_id=42)
    query = CallbackQuery("1", User(7, "Petra", is_bot=False), "chat", message=card, data="req:close:3")
    assert pressed_card(query, "close") == 42
    assert pressed_card(query, "ho") == 42
