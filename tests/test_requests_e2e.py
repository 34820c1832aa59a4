"""End to end through the offline harness: a resident's request reaches the partner and answers come back."""

from __future__ import annotations

import asyncio
import shutil
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select, update

from bot.render import requests as render
from tests.harness import (
    COURSE_GROUP,
    BotHarness,
    content_with_partner_group,
    deliver,
    fill_in_request,
    skip_questions,
    submit_request,
)

GROUP = COURSE_GROUP


def content_with_group(tmp_path: Path) -> Path:
    """The shipped content, with the education provider reachable in a Telegram group."""
    return content_with_partner_group(tmp_path, "bildungstraeger", GROUP)


async def arabic_resident_signs_up_for_the_german_course(bot: BotHarness):  # type: ignore[no-untyped-def]
    amal = bot.resident("Amal", lang="ar")
    await amal.send("/start o_deutschkurs-frauen")
    await amal.tap("✋")
    # The course topic asks about childcare first (content intake question); she answers.
    if "⏭" in " ".join(amal.last().labels):
        await amal.send("نعم، طفلان")
    await amal.send("أريد التسجيل في دورة اللغة الألمانية")
    await amal.tap("✅")  # done writing
    await amal.tap("💬")  # answer here in the chat
    consent = amal.last()
    assert "أريد التسجيل" in (consent.text or "")
    assert "Amal" in (consent.text or "")
    send = next(b["callback_data"] for b in consent.flat_buttons if b["text"].startswith("✅"))
    before_send = len(bot.telegram.calls)
    await amal.press(send, consent)
    # Nothing reaches a partner inside the handler: the outbox worker delivers after the commit.
    assert not [c for c in bot.telegram.calls[before_send:] if int(c.params.get("chat_id", 0)) < 0]
    await amal.press(send, consent)  # "Send" pressed twice creates nothing new
    await deliver(bot)
    return amal


async def test_request_round_trip_through_a_partner_group_with_a_corrected_reply(
    bot_factory, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        cards = bot.telegram.bot_messages(GROUP)
        assert len(cards) == 1
        card = cards[0]
        assert "Arabisch" in (card.text or "")  # the resident's language, named in German
        assert "Amal" in (card.text or "") and str(amal.user_id) not in (card.text or "")
        assert {"Übernehmen", "Abschließen"} & {label.split(" ", 1)[-1] for label in card.labels}
        ack = amal.last()
        assert any(ch.isdigit() for ch in (ack.text or ""))

        petra = bot.partner("Petra", GROUP)
        await petra.tap(1, card)  # take on
        await deliver(bot)
        reply = await petra.send("Gerne! Der Kurs beginnt Dienstag um 9 Uhr.", reply_to=card)
        await deliver(bot)
        relayed = amal.last()
        assert "Dienstag um 9 Uhr" in (relayed.text or "")
        assert "Petra" not in (relayed.text or "")  # the organisation answers, not the staff account

        await amal.send("شكرا! هل يمكنني إحضار ابنتي؟", reply_to=relayed)
        await deliver(bot)
        thread = bot.telegram.bot_messages(GROUP)
        assert "هل يمكنني إحضار ابنتي" in (thread[-1].text or "")
        assert thread[-1].reply_to == card.message_id

        # A partner correcting her reply sends the resident the correction.
        await petra.edit(reply, "Gerne! Der Kurs beginnt Dienstag um 10 Uhr.")
        await deliver(bot)
        assert "10 Uhr" in (amal.last().text or "")

        before_closing = amal.last().message_id
        close = next(i for i, label in enumerate(card.labels, start=1) if "Abschließen" in label)
        await petra.tap(close, card)
        await deliver(bot)
        assert amal.last().message_id != before_closing  # she is told
        # ... and, if she still needs help, finds the way to the partner again (the notice had no buttons).
        closed, t = amal.last(), bot.services.i18n.translator("ar")
        assert t.gettext("Do you still need help? Tap “Ask a person”.") in (closed.text or "")
        assert closed.labels == ["🙋 " + t.gettext("Ask a person"), "🏠 " + t.gettext("Menu")]
        await amal.tap("🙋", closed)
        partner = bot.services.content.catalogue.partners["bildungstraeger"].name["ar"]
        assert str(partner) in (amal.last().text or "")  # a new request, to the same partner
        await amal.tap("✖️")  # (not sent)
        assert card.labels == ["↩️ Wieder öffnen"]  # the other buttons are gone (REOPEN_DAYS)
        # A reply to the closed request is refused with an explanation in the group, not relayed.
        before = len(bot.telegram.bot_messages(amal.user_id))
        await petra.send("Noch eine Frage?", reply_to=card)
        await deliver(bot)
        assert len(bot.telegram.bot_messages(amal.user_id)) == before
        assert "geschlossen" in (bot.telegram.bot_messages(GROUP)[-1].text or "")


async def test_with_show_staff_names_the_resident_sees_who_answered(bot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with bot_factory(content_dir=content_with_group(tmp_path), show_staff_names=True) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        await bot.partner("Petra", GROUP).send("Gerne! Der Kurs beginnt Dienstag um 9 Uhr.", reply_to=card)
        await deliver(bot)
        relayed = amal.last().text or ""
        assert "Dienstag um 9 Uhr" in relayed
        assert "Petra" in relayed.split("\n", 1)[0]  # named in the head line, in Arabic


async def test_after_a_hand_over_only_the_new_partner_may_act(bot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        card_before = card.text or ""
        close = next(b["callback_data"] for b in card.flat_buttons if "Abschließen" in b["text"])
        petra = bot.partner("Petra", GROUP)
        await petra.tap("übergeben", card)  # hand over
        choices = bot.telegram.bot_messages(GROUP)[-1]
        await petra.tap(
            next(
                i
                for i, label in enumerate(choices.labels, 1)
                if "Quartiersmanagement" in label and "Fredenberg" not in label
            ),
            choices,
        )
        await deliver(bot)
        await amal.tap("✅", amal.last())  # she agrees to the hand-over (asked first)
        await deliver(bot)
        qm_group = -1_000_000_000_001
        assert len(bot.telegram.bot_messages(qm_group)) == 1  # the card, now at the Quartiersmanagement
        assert card.labels == []  # the old card offers nothing that could only fail, and says why
        qm = "Quartiersmanagement Ost- und Westsiedlung"
        assert card.text == f"{card_before}\n\n➡️ <i>An {qm} übergeben.</i>"
        resident_messages = len(bot.telegram.bot_messages(amal.user_id))
        await petra.press(close, card)  # "close" on a copy of the old card that kept its buttons
        await deliver(bot)
        elsewhere = "Diese Anfrage gehört zu einer anderen Organisation."
        assert bot.telegram.answered_callbacks[-1].get("text") == elsewhere
        statuses = bot.telegram.bot_messages(amal.user_id)[resident_messages:]
        assert statuses == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


async def test_request_reaches_a_partner_by_email(bot_factory) -> None:  # type: ignore[no-untyped-def]
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        async with bot_factory(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
            smtp_from="bot@example.org",
            smtp_reply_to="qm@example.org",
        ) as bot:
            await arabic_resident_signs_up_for_the_german_course(bot)
            for attempt in range(20):
                if inbox.mails:
                    break
                if attempt:
                    await asyncio.sleep(0.05)
                await deliver(bot)
    finally:
        controller.stop()
    assert len(inbox.mails) == 1
    mail = inbox.mails[0]
    assert mail["To"] == "bildung@example.org"
    assert mail["Reply-To"] == "qm@example.org"
    parts = {part.get_content_type() for part in mail.walk()}
    assert {"text/plain", "text/html"} <= parts
    body = (
        next(p for p in mail.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    )
    assert "Arabisch" in body and "أريد التسجيل" in body


@pytest.fixture
def bot_factory(database_url: str):  # type: ignore[no-untyped-def]
    def factory(**overrides):  # type: ignore[no-untyped-def]
        return BotHarness.running(database_url=database_url, **overrides)

    return factory


async def test_cards_go_into_the_partners_forum_topic(bot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    content = content_with_partner_group(tmp_path, "bildungstraeger", GROUP, topic_id=42)
    async with bot_factory(content_dir=content) as bot:
        await arabic_resident_signs_up_for_the_german_course(bot)
        cards = [c for c in bot.telegram.calls_of("sendMessage") if int(c.params["chat_id"]) == GROUP]
        assert cards and all(c.params.get("message_thread_id") == 42 for c in cards)


async def test_bad_input_in_the_request_dialogue_has_a_defined_outcome(bot: BotHarness) -> None:
    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start")
    await olga.tap(1)
    await olga.tap(1)
    await olga.press("ask", olga.last())  # "Ask a question" in the main menu: no offer, words are needed
    await skip_questions(olga)
    await olga.tap("✅")  # "Done" without a word: refused with an alert, nothing changes
    assert bot.telegram.answered_callbacks[-1].get("show_alert")
    await olga.send_document("brief.pdf", "application/pdf", size=21 * 1024 * 1024)  # over 20 MB
    await olga.send_document("virus.exe", "application/x-msdownload", size=1000)
    await olga.send_sticker()
    texts = [m.text or "" for m in bot.telegram.bot_messages(olga.user_id)[-6:]]
    t = bot.services.i18n.translator("ru")
    assert (
        t.gettext("This file is too big (more than 20 MB). Please send a photo of the page instead.") in texts
    )
    await olga.send("Письмо из джобцентра")
    await olga.tap("✖️")  # cancel mid-way
    assert t.gettext("Cancelled. Nothing was sent.") in (olga.last().text or "")
    await deliver(bot)
    assert not [c for c in bot.telegram.calls if int(c.params.get("chat_id", 0) or 0) < 0]  # nothing left
    stale = olga.last()
    await olga.press("dlg:send:gone", stale)  # a button of the cancelled dialogue
    assert bot.telegram.answered_callbacks[-1].get("text")


async def test_a_phone_number_typed_after_call_me_is_taken_as_the_number(bot: BotHarness) -> None:
    # Found by exploratory testing: the typed number went into the message, the call wish was lost, and
    # the screen (only Telegram's share button) led back to itself.
    anna = bot.resident("Anna", lang="de")
    t = bot.services.i18n.translator("de")
    await fill_in_request(anna, "briefe-aemter", "Brief vom Amt", answer_by="📞")
    screen, share = bot.telegram.bot_messages(anna.chat)[-2:]
    assert "0151 2345678" in (screen.text or "")  # "type your number here (for example …)"
    assert [label.split()[0] for label in screen.labels] == [
        "💬",
        "✏️",
        "✖️",
    ]  # a way back: chat, change, cancel
    assert share.reply_markup is not None and share.reply_markup["keyboard"][0][0]["request_contact"]
    # Words are not a number: said so, kept in the message, and the screen waits for the number.
    await anna.send("Bitte nur abends anrufen")
    explained, again = bot.telegram.bot_messages(anna.chat)[-2:]
    assert explained.text == render.input_problem(t, "not_a_phone")
    assert again.text == screen.text
    await anna.send("0151 2")  # too few digits
    assert bot.telegram.bot_messages(anna.chat)[-2].text == render.input_problem(t, "not_a_number")
    await anna.send("0151 23456789")
    thanks, consent = bot.telegram.bot_messages(anna.chat)[-2:]
    assert thanks.reply_markup == {"remove_keyboard": True}  # the share button goes
    assert t.html("your phone number: {phone}", phone=t.isolate("0151 23456789")) in (consent.text or "")
    assert "Brief vom Amt\n\nBitte nur abends anrufen" in (consent.text or "")
    await anna.tap("✅", consent)
    await deliver(bot)
    card = next(m for m in bot.telegram.bot_messages(-1_000_000_000_001) if "Brief vom Amt" in (m.text or ""))
    assert "0151 23456789" in (card.text or "")


async def test_a_request_from_the_emergency_screen_reaches_the_partner_marked_urgent(bot: BotHarness) -> None:
    # Found by exploratory testing: "Ask a person" under the emergency numbers sent an ordinary request,
    # and the resident read that the answer can take up to 2 days.
    anna = bot.resident("Anna", lang="de")
    t = bot.services.i18n.translator("de")
    await anna.send("Mein Mann schlägt mich")
    assert "🆘" in (anna.last().text or "")
    await anna.tap("🙋")
    await anna.tap("✅")  # her words are the message already
    await anna.tap("💬")
    urgent = t.gettext("Sent from the emergency screen: please answer urgently.")
    assert urgent in (anna.last().text or "")  # the consent screen shows what the partner will read
    await anna.tap("✅")
    await deliver(bot)
    card = next(m for m in bot.telegram.bot_messages(-1_000_000_000_001) if "schlägt mich" in (m.text or ""))
    assert f"⚠️ {urgent}" in (card.text or "")
    acknowledgement = next(
        m.text or "" for m in bot.telegram.bot_messages(anna.chat) if "✅ Danke" in (m.text or "")
    )
    assert "2 Tage" not in acknowledgement and "Notrufnummern" in acknowledgement
    # An ordinary request keeps its waiting time and has no mark.
    await submit_request(bot, anna, "briefe-aemter", "Brief vom Amt")
    assert "2 Tage" in (anna.last().text or "")
    assert urgent not in (bot.telegram.bot_messages(-1_000_000_000_001)[-1].text or "")


async def test_a_voice_message_from_the_emergency_screen_reaches_the_partner_marked_urgent(
    bot: BotHarness,
) -> None:
    # Someone in danger who cannot type sends a voice message after 🆘 → "Ask a person": she is told the
    # partner sees it is urgent, so the card says so although she wrote no words for the mark to go on
    # (review2, finding 2).
    anna = bot.resident("Anna", lang="de")
    t = bot.services.i18n.translator("de")
    urgent = t.gettext("Sent from the emergency screen: please answer urgently.")
    await anna.send("/start")
    await anna.tap("Deutsch")
    if "🆘" not in anna.last_with_buttons().labels[-1]:
        await anna.tap(1)  # the district
    await anna.tap("🆘")
    await anna.tap("🙋")
    await anna.send_voice()
    await anna.tap("✅")
    await anna.tap("💬")
    assert urgent in (anna.last().text or "")  # her consent screen shows the mark the partner will read
    await anna.tap("✅")
    await deliver(bot)
    acknowledgement = next(
        m.text or "" for m in bot.telegram.bot_messages(anna.chat) if "✅ Danke" in (m.text or "")
    )
    assert "Notrufnummern" in acknowledgement  # she is told it is marked urgent
    group = bot.telegram.bot_messages(-1_000_000_000_001)
    assert group, "the request reached the partner group"
    assert f"⚠️ {urgent}" in (group[0].text or "")  # on the card itself, above the voice message


async def test_ask_a_person_under_danger_words_in_a_draft_keeps_what_she_wrote(bot: BotHarness) -> None:
    # Writing to the Frauencafé's partner she adds that her husband hits her: the numbers come and the words
    # join her draft (1f753a1). The numbers' "🙋 Ask a person" (ask:sos.q) goes on with that draft, marked
    # urgent: it replaced it with a new request to the catch-all holding only that sentence, so the draft
    # she was writing and its partner were gone unasked (review2, finding 5).
    ayse = bot.resident("Ayşe", lang="de")
    urgent = bot.services.i18n.translator("de").gettext(
        "Sent from the emergency screen: please answer urgently."
    )
    await ayse.send("/start o_frauencafe")
    await ayse.tap(1)
    await skip_questions(ayse)
    await ayse.send("Ich würde gern mit einer Beraterin sprechen, nicht am Telefon")
    before = len(bot.telegram.bot_messages(ayse.chat))
    await ayse.send("Mein Mann schlägt mich")
    numbers = bot.telegram.bot_messages(ayse.chat)[before]
    assert "🆘" in (numbers.text or "")
    await ayse.tap("🙋", numbers)  # the numbers' message becomes the draft's screen
    await ayse.tap("✅", numbers)
    await ayse.tap("💬", numbers)
    consent = numbers.text or ""
    assert "Mein Mann schlägt mich" in consent
    assert "mit einer Beraterin sprechen" in consent
    assert "SOS-Mütterzentrum" in consent and urgent in consent  # her partner, told it is urgent


async def test_danger_words_edited_into_a_message_join_her_draft_with_ask_a_person(bot: BotHarness) -> None:
    # Danger words edited into a message of her draft: the numbers first, and the edit corrects her draft
    # (she replaced what she wrote); "Ask a person" under the numbers goes on with that draft, the words in
    # it once, whichever screen she taps.
    ayse = bot.resident("Ayşe", lang="de")
    await ayse.send("/start o_frauencafe")
    await ayse.tap(1)
    await skip_questions(ayse)
    written = await ayse.send("Ich würde gern mit einer Beraterin sprechen")
    before = len(bot.telegram.bot_messages(ayse.chat))
    await ayse.edit(written, "Mein Mann schlägt mich")
    numbers = bot.telegram.bot_messages(ayse.chat)[before]
    assert "🆘" in (numbers.text or "")
    await ayse.tap("🙋", numbers)
    await ayse.tap("✅", numbers)
    await ayse.tap("💬", numbers)
    consent = numbers.text or ""
    assert consent.count("Mein Mann schlägt mich") == 1
    assert "mit einer Beraterin sprechen" not in consent and "SOS-Mütterzentrum" in consent


async def test_ask_a_person_on_the_emergency_screen_replaces_only_a_draft_she_left(bot: BotHarness) -> None:
    # Without a running draft "Ask a person" starts a new request to the catch-all, as it always did: one
    # she left (parked by /start) is replaced, and its screen above no longer acts on anything.
    ayse = bot.resident("Ayşe", lang="de")
    t = bot.services.i18n.translator("de")
    await ayse.send("/start o_frauencafe")
    await ayse.tap(1)
    await skip_questions(ayse)
    await ayse.send("Ich würde gern mit einer Beraterin sprechen")
    left = ayse.last_with_buttons()
    await ayse.send("/start")  # she leaves the draft: it waits
    await ayse.tap("Deutsch")
    if "🆘" not in ayse.last_with_buttons().labels[-1]:
        await ayse.tap(1)  # the district
    await ayse.tap("🆘")
    await ayse.tap("🙋")
    await ayse.tap("✅", left)  # "Done" of the draft she left
    toast = [c for c in bot.telegram.calls if c.method == "answerCallbackQuery"][-1]
    assert toast.params.get("text") == render.toast(t, "gone")
    await ayse.send("Bitte helfen Sie mir")
    await ayse.tap("✅")
    await ayse.tap("💬")
    consent = ayse.last().text or ""
    assert "Bitte helfen Sie mir" in consent
    assert "Beraterin" not in consent and "SOS-Mütterzentrum" not in consent
    assert t.gettext("Sent from the emergency screen: please answer urgently.") in consent


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_draft_left_for_a_day_no_longer_takes_the_residents_messages(
    bot_with_model: BotHarness,
) -> None:
    """A sign-up left half done: within DRAFT_RETENTION_HOURS the next message continues it; after that
    the draft is dropped (nothing of it was sent), the message is a question again, and the old
    dialogue's buttons get a friendly answer."""
    from bot.storage.models.requests import Dialogue

    bot = bot_with_model

    async def drafts() -> int:
        async with bot.services.database.sessions() as session:
            return int((await session.execute(select(func.count()).select_from(Dialogue))).scalar_one())

    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start o_briefe-aemter")
    await olga.tap("✋")
    first_question = olga.last()
    await olga.send("Jobcenter")  # still fresh: the answer to the first intake question
    assert olga.last().text != first_question.text and "⏭" in " ".join(olga.last().labels)
    abandoned = olga.last()
    async with bot.services.database.transaction() as session:
        await session.execute(update(Dialogue).values(updated_at=datetime.now(UTC) - timedelta(hours=25)))

    await olga.send("курсы немецкого для женщин с детьми")  # a day later: a question
    answer = olga.last()
    assert "⏭" not in " ".join(answer.labels)
    assert "✋" in " ".join(answer.labels)  # the German course, with its own sign-up button
    assert await drafts() == 0
    await olga.tap("⏭", abandoned)  # a button of the dropped draft
    assert bot.telegram.answered_callbacks[-1].get("text")
    await deliver(bot)
    assert not [c for c in bot.telegram.calls if int(c.params.get("chat_id", 0) or 0) < 0]  # nothing sent


async def test_asking_a_person_after_a_failed_search_passes_the_question_on(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start")
    await anna.tap(1)
    await anna.tap(1)
    await anna.send("Wer repariert mein Fahrrad Xylophon")
    await anna.tap("🙋")
    await anna.tap("✅")  # nothing more to add: the question is already the message
    await anna.tap("💬")
    assert "Wer repariert mein Fahrrad Xylophon" in (anna.last().text or "")


async def test_withdrawing_a_request_asks_first_and_leaves_nothing_to_act_on(
    bot_factory, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """🗑 (not the ✖️ of every Cancel) asks before a request is withdrawn: "No, keep it" goes back to the
    list and tells the partner nothing; "Yes, withdraw" withdraws it and the partner's thread says so.
    After that the partner's card no longer offers Take on / Close / Hand over (the thread note says why),
    a button of an older copy of the card and a reply to it say the resident withdrew it (instead of "That
    has already happened." or "closed"), and the resident's own buttons of it get a friendly answer."""
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        request_id = card.flat_buttons[0]["callback_data"].split(":")[-1]
        old_buttons = [button["callback_data"] for button in card.flat_buttons]
        partner_messages = len(bot.telegram.bot_messages(GROUP))
        await amal.send("/requests")
        listing = amal.last()
        number = next(label for label in listing.labels if "🗑" in label).split()[-1]
        assert not any("✖️" in label for label in listing.labels)

        await amal.tap("🗑", listing)
        question = amal.last()
        assert question.message_id == listing.message_id  # asked in place of the list
        assert number in (question.text or "") and "؟" in (question.text or "")
        assert len(question.labels) == 2 and question.labels[0].startswith("🗑")
        await amal.tap("➡️", question)  # no, keep it (back points right in Arabic)
        await deliver(bot)
        assert any("🗑" in label for label in amal.last().labels)  # the list again, the request still open
        assert len(bot.telegram.bot_messages(GROUP)) == partner_messages

        await amal.tap("🗑")
        await amal.tap("🗑")  # yes, withdraw
        assert "تم السحب." in [answer.get("text") for answer in bot.telegram.answered_callbacks]
        await deliver(bot)
        assert not any("🗑" in label for label in amal.last_with_buttons().labels)
        note = bot.telegram.bot_messages(GROUP)[-1].text or ""
        assert number in note and "zurückgezogen" in note

        # The card lost its buttons; an older copy's buttons say why and change nothing.
        assert not card.reply_markup
        petra = bot.partner("Petra", GROUP)
        for data in old_buttons:
            await petra.press(data, card)
            assert "zurückgezogen" in (bot.telegram.answered_callbacks[-1].get("text") or "")
        await deliver(bot)
        assert len(bot.telegram.bot_messages(GROUP)) == 2  # the card and the note: nothing else

        # The resident's button of the now closed request gets a friendly answer.
        await amal.press(f"req:add:{request_id}", listing)
        assert bot.telegram.answered_callbacks[-1].get("text")

        # A reply to the withdrawn request is refused with the reason, not relayed.
        before = len(bot.telegram.bot_messages(amal.user_id))
        await petra.send("Der Kurs beginnt Dienstag.", reply_to=card)
        await deliver(bot)
        assert len(bot.telegram.bot_messages(amal.user_id)) == before
        refusal = bot.telegram.bot_messages(GROUP)[-1].text or ""
        assert "zurückgezogen" in refusal and "nicht weitergeleitet" in refusal
        assert "abgeschlossen" not in refusal


@pytest.mark.parametrize("show_staff_names", [False, True])
async def test_a_card_taken_on_says_so_and_offers_no_take_on(  # type: ignore[no-untyped-def]
    bot_factory, tmp_path: Path, show_staff_names: bool
) -> None:
    """After Take on the card shows that it was taken on (by whom, where cards may name staff) and keeps
    only Close / Hand over; the card itself is unchanged above that line."""
    content = content_with_group(tmp_path)
    async with bot_factory(content_dir=content, show_staff_names=show_staff_names) as bot:
        await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        before = card.text or ""
        petra = bot.partner("Petra", GROUP)
        await petra.tap("Übernehmen", card)
        after = card.text or ""
        assert after.startswith(before)
        taken = "Übernommen von Petra" if show_staff_names else "Übernommen"
        assert after[len(before) :].strip() == f"✅ <b>{taken}</b>"
        assert not any("Übernehmen" in label for label in card.labels)
        assert any("Abschließen" in label for label in card.labels)
        assert any("übergeben" in label for label in card.labels)

        # Closed: the card says so, by whom where cards name staff (exploratory test 3, F12: it still said
        # only "Taken on", with a lone Reopen button). Maria closes what Petra took on.
        await bot.partner("Maria", GROUP).tap("Abschließen", card)
        closed = "Abgeschlossen von Maria" if show_staff_names else "Abgeschlossen"
        assert card.text == f"{after}\n🔒 <b>{closed}</b>" and card.labels == ["↩️ Wieder öffnen"]
        await petra.tap("Wieder öffnen", card)  # reopened: still taken on, still no "Take on"
        assert any("Abschließen" in label for label in card.labels)
        assert not any("Übernehmen" in label for label in card.labels)
        assert card.text == after


async def test_a_card_closed_without_being_taken_on_says_it_is_closed(bot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with bot_factory(content_dir=content_with_group(tmp_path), show_staff_names=True) as bot:
        await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        before = card.text or ""
        petra = bot.partner("Petra", GROUP)
        await petra.tap("Abschließen", card)
        assert card.text == f"{before}\n\n🔒 <b>Abgeschlossen von Petra</b>"
        await petra.tap("Wieder öffnen", card)
        assert card.text == before and "Übernehmen" in card.labels


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_card_whose_text_is_no_longer_kept_still_loses_take_on(bot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The card's text comes from its outbox row; once that is purged, Take on still goes (the text stays)."""
    from bot.storage.models.outbox import OutboxMessage

    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        before = card.text
        async with bot.services.database.transaction() as session:
            await session.execute(delete(OutboxMessage))
        await bot.partner("Petra", GROUP).tap("Übernehmen", card)
        assert card.text == before
        assert not any("Übernehmen" in label for label in card.labels) and card.labels


QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content
COURSE_PROVIDER = "Bildungsträger in Salzgitter"
REOPENED = "Wieder geöffnet; die Person wurde informiert."  # the toast on "Wieder öffnen"


async def escalate(bot: BotHarness):  # type: ignore[no-untyped-def]
    """The reminder job, run as if the partner had not reacted for four days: the request is escalated;
    returns the card's copy at the Quartiersmanagement."""
    await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(days=4))
    await deliver(bot)
    (copy,) = [m for m in bot.telegram.bot_messages(QM_GROUP) if "An Sie weitergeleitet" in (m.text or "")]
    return copy


async def test_every_copy_of_an_escalated_card_shows_what_became_of_the_request(  # type: ignore[no-untyped-def]
    bot_factory, tmp_path: Path
) -> None:
    """An escalated request has a card in the partner's group and a copy at the Quartiersmanagement: once
    one of them takes it on, neither offers "Take on"; closed, both keep only "Reopen"."""
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        assert any("Übernehmen" in label for label in copy.labels)
        copy_before = copy.text or ""

        await bot.partner("Petra", GROUP).tap("Übernehmen", card)
        assert bot.telegram.answered_callbacks[-1].get("text") == "Übernommen; die Person wurde informiert."
        for shown in (card, copy):
            assert not any("Übernehmen" in label for label in shown.labels)
            assert any("Abschließen" in label for label in shown.labels)
        assert (copy.text or "").startswith(copy_before)
        assert (copy.text or "")[len(copy_before) :].strip() == "✅ <b>Übernommen</b>"

        await bot.partner("Quentin", QM_GROUP).tap("Abschließen", copy)
        assert card.labels == copy.labels == ["↩️ Wieder öffnen"]


async def test_a_request_reopened_by_its_partner_leaves_the_quartiersmanagements_copy_without_buttons(  # type: ignore[no-untyped-def]
    bot_factory, tmp_path: Path
) -> None:
    """Reopened, the escalated request is its partner's alone again: the partner's card offers Close / Hand
    over, and the copy at the Quartiersmanagement keeps no "Reopen", which could only answer that the
    request belongs to another organisation."""
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        petra = bot.partner("Petra", GROUP)
        copy_before = copy.text or ""
        await petra.tap("Abschließen", card)
        assert card.labels == copy.labels == ["↩️ Wieder öffnen"]
        assert copy.text == f"{copy_before}\n\n🔒 <b>Abgeschlossen</b>"  # the copy says so too

        await petra.tap("Wieder öffnen", card)
        # What happened, in the card's words ("Erledigt." read as closed)
        assert bot.telegram.answered_callbacks[-1].get("text") == REOPENED
        assert any("Abschließen" in label for label in card.labels)
        assert copy.labels == []
        assert copy.text == f"{copy_before}\n\n↩️ <i>Wieder bei {COURSE_PROVIDER}.</i>"  # says why


async def test_a_request_reopened_by_its_resident_stays_escalated(  # type: ignore[no-untyped-def]
    bot_factory, tmp_path: Path
) -> None:
    """She reopens the escalated request (a message after it was closed): it is handled where it was, the
    partner's card and the Quartiersmanagement's copy both offer Close / Hand over again and both threads
    get her message. Only the partner's own reopening takes the request back (the test above)."""
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        petra = bot.partner("Petra", GROUP)
        await petra.send("Ja, es gibt Kinderbetreuung.", reply_to=card)  # her conversation opens
        await petra.tap("Abschließen", card)
        await deliver(bot)
        await amal.send("سؤال آخر: هل توجد رعاية للأطفال؟")
        await amal.tap("↩️", amal.last())
        await deliver(bot)
        for shown in (card, copy):
            assert any("Abschließen" in label for label in shown.labels)
            assert "Wieder bei" not in (shown.text or "")
        for chat in (GROUP, QM_GROUP):
            assert "سؤال آخر" in (bot.telegram.bot_messages(chat)[-1].text or "")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_request_the_quartiersmanagement_reopens_stays_escalated_for_it(  # type: ignore[no-untyped-def]
    bot_factory, tmp_path: Path
) -> None:
    """The Quartiersmanagement reopens the escalated request in its copy: it goes on acting on it there
    (Close / Hand over under its copy, and an answer in its thread reaches the resident), and the partner's
    card offers the same."""
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        quentin = bot.partner("Quentin", QM_GROUP)
        await quentin.tap("Abschließen", copy)
        await quentin.tap("Wieder öffnen", copy)
        # What happened, in the card's words ("Erledigt." read as closed)
        assert bot.telegram.answered_callbacks[-1].get("text") == REOPENED
        for shown in (card, copy):
            assert any("Abschließen" in label for label in shown.labels)
            assert any("übergeben" in label for label in shown.labels)
        await deliver(bot)
        before = len(bot.telegram.bot_messages(amal.user_id))
        await quentin.send("Wir kümmern uns weiter darum.", reply_to=copy)
        await deliver(bot)
        assert "Wir kümmern uns weiter darum." in (amal.last().text or "")
        assert len(bot.telegram.bot_messages(amal.user_id)) == before + 1


async def test_a_withdrawn_escalated_requests_copies_lose_their_buttons(bot_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with bot_factory(content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        await amal.send("/requests")
        await amal.tap("🗑")
        await amal.tap("🗑")  # yes, withdraw
        assert not card.reply_markup and not copy.reply_markup
        # Both cards say so where a closed card says it is closed, and no longer tell how to answer: staff
        # scrolling the group later saw an open-looking card (only a note further down said otherwise).
        for shown in (card, copy):
            text = shown.text or ""
            assert text.rstrip().endswith("🗑 <b>Von der Person zurückgezogen – nichts mehr zu tun</b>"), text
            assert "So antworten Sie" not in text and "Anfrage Nr." in text


async def test_the_quartiersmanagements_copy_of_a_withdrawn_email_request_no_longer_asks_to_pass_on(
    bot: BotHarness,
) -> None:
    """The Bildungsträger gets requests by e-mail only: the Quartiersmanagement's group got a copy asking it
    to pass the e-mailed answer on. Withdrawn, that copy still asked for it."""
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    await deliver(bot)
    (copy,) = [m for m in bot.telegram.bot_messages(QM_GROUP) if "Auch für Sie" in (m.text or "")]
    assert "Bitte geben Sie sie mit" in (copy.text or "")
    await amal.send("/requests")
    await amal.tap("🗑")
    await amal.tap("🗑")  # yes, withdraw
    text = copy.text or ""
    assert not copy.reply_markup
    assert "So antworten Sie" not in text, text
    # Whose request it was still shows; that it is to be passed on is struck through.
    assert "<i><s>Auch für Sie: Bildungsträger" in text and "Bitte geben Sie sie mit" in text
    assert text.index("<s>") < text.index("Bitte geben Sie sie mit") < text.index("</s>")
    assert text.rstrip().endswith("🗑 <b>Von der Person zurückgezogen – nichts mehr zu tun</b>"), text
    assert "Anfrage Nr." in text


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_cards_sent_in_an_earlier_wording_are_marked_withdrawn_all_the_same(bot: BotHarness) -> None:
    """Review: a withdrawn card lost its "how to answer" and had the Quartiersmanagement's "please pass it
    on" struck through only where the card's words matched today's catalog; a card sent before a wording
    change (or in another language) kept both, as if there were still something to do."""
    from bot.storage.models.outbox import OutboxMessage
    from bot.storage.models.requests import LinkRole

    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    await deliver(bot)
    (copy,) = [m for m in bot.telegram.bot_messages(QM_GROUP) if "Auch für Sie" in (m.text or "")]
    # Both cards as an earlier version sent them: other words for the note and for how to answer.
    older = {"Auch für Sie: ": "Zur Weitergabe (ältere Fassung): ", "So antworten Sie": "Antworten (alt)"}
    async with bot.services.database.transaction() as session:
        for row in await session.scalars(
            select(OutboxMessage).where(OutboxMessage.link_role == LinkRole.CARD)
        ):
            text = row.payload["text"]
            assert all(words in text for words in older if row.target == str(QM_GROUP))
            for words, earlier in older.items():
                text = text.replace(words, earlier)
            row.payload = {**row.payload, "text": text}
    await amal.send("/requests")
    await amal.tap("🗑")
    await amal.tap("🗑")  # yes, withdraw
    text = copy.text or ""
    assert "Antworten (alt)" not in text and "So antworten Sie" not in text, text
    assert "<i><s>Zur Weitergabe (ältere Fassung): Bildungsträger" in text, text
    assert text.rstrip().endswith("🗑 <b>Von der Person zurückgezogen – nichts mehr zu tun</b>"), text
    assert "Anfrage Nr." in text


async def test_ask_a_person_under_her_danger_words_goes_on_with_her_draft_after_she_looked_around(
    bot_with_model: BotHarness,
) -> None:
    """Soft danger words typed into her draft joined it; below the numbers she opens an entry (the draft
    waits), goes back and taps "🙋 Ask a person": her draft goes on, marked urgent, as it would have
    without the look at the entry, instead of a new request to the catch-all holding only those words."""
    bot = bot_with_model
    ola = bot.resident("Ola", lang="pl")
    urgent = bot.services.i18n.translator("pl").gettext(
        "Sent from the emergency screen: please answer urgently."
    )
    await ola.send("/start o_frauencafe")
    await ola.tap(1)
    await skip_questions(ola)
    await ola.send("Chciałabym porozmawiać z doradczynią, nie przez telefon")
    before = len(bot.telegram.bot_messages(ola.chat))
    await ola.send("pomocy, jestem nowa tutaj")
    numbers = bot.telegram.bot_messages(ola.chat)[before]
    assert "🆘" in (numbers.text or "")
    await ola.tap(1, numbers)  # an entry below the numbers: the draft waits
    await ola.tap("⬅️", numbers)  # back to the numbers
    await ola.tap("🙋", numbers)
    await ola.tap("✅", numbers)
    await ola.tap("💬", numbers)
    consent = numbers.text or ""
    assert "pomocy, jestem nowa tutaj" in consent and urgent in consent
    assert "porozmawiać z doradczynią" in consent and "SOS-Mütterzentrum" in consent  # her partner


async def test_change_lets_her_write_the_text_anew_instead_of_only_adding_to_it(bot: BotHarness) -> None:
    """On the check screen she sees a mistake: "✏️ Ändern" goes back to writing, where "🗑 Text löschen"
    takes her text away (before, whatever she typed was added below the mistake)."""
    ayse = bot.resident("Ayşe", lang="de")
    await fill_in_request(ayse, "briefe-aemter", "Ich habe einen Brief vom Jobcenetr bekomen")
    await ayse.tap("✏️")
    assert "🗑 Text löschen" in ayse.last().labels
    await ayse.tap("🗑")
    writing = ayse.last()
    assert "Angekommen" not in (writing.text or "") and "🗑 Text löschen" not in writing.labels
    await ayse.send("Ich habe einen Brief vom Jobcenter bekommen.")
    await ayse.tap("✅")
    await ayse.tap("💬")
    consent = ayse.last().text or ""
    assert "Ich habe einen Brief vom Jobcenter bekommen." in consent
    assert "Jobcenetr" not in consent


async def test_a_request_handed_back_leaves_the_partners_old_card_saying_where_it_went_then(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """Review rv7 #4: handed from the course provider to the Quartiersmanagement and back, the provider's
    old card (whose group had stopped acting) was rewritten to "Handed over to <the provider itself>, use
    the new card", losing where it had gone; only a group that acted until the hand-over gets that line."""
    shutil.copyfile(sqlite_template, tmp_path / "handback.db")  # migrated already
    database_url = f"sqlite+aiosqlite:///{tmp_path}/handback.db"
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        partners = bot.services.content.catalogue.partners
        qm_de = str(partners[bot.services.content.catalogue.catch_all_partner_id].name["de"])
        provider_de = str(partners["bildungstraeger"].name["de"])
        bea = bot.partner("Bea", GROUP)
        await bea.tap("Übernehmen", card)
        await bea.tap("übergeben", card)
        choices = bot.telegram.bot_messages(GROUP)[-1]
        await bea.tap(choices.labels.index(qm_de) + 1, choices)
        await deliver(bot)
        await amal.tap("✅", amal.last())
        await deliver(bot)
        assert f"An {qm_de} übergeben" in (card.text or "")
        (qm_card,) = [m for m in bot.telegram.bot_messages(QM_GROUP) if m.reply_markup]
        quentin = bot.partner("Quentin", QM_GROUP)
        await quentin.tap("Übernehmen", qm_card)
        await quentin.tap("übergeben", qm_card)
        choices = bot.telegram.bot_messages(QM_GROUP)[-1]
        await quentin.tap(choices.labels.index(provider_de) + 1, choices)
        await deliver(bot)
        await amal.tap("✅", amal.last())
        await deliver(bot)
        old = bot.telegram.chats[GROUP][card.message_id]
        assert f"An {qm_de} übergeben" in (old.text or "")
        assert f"An {provider_de} übergeben" not in (old.text or "")
        live = [m for m in bot.telegram.bot_messages(GROUP) if m.reply_markup and m.labels]
        assert len(live) == 1 and live[0].message_id != card.message_id  # the new card acts
