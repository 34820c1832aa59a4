"""An escalated request, end to end through the offline harness: its partner's group holds the card and the
Quartiersmanagement's group a copy; whoever acts on it there, the resident learns who did, and both groups
learn what happened in their thread."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.harness import BotHarness, deliver, fill_in_request
from tests.test_requests_e2e import (
    COURSE_PROVIDER,
    GROUP,
    QM_GROUP,
    arabic_resident_signs_up_for_the_german_course,
    content_with_group,
    escalate,
)

DELETED = "Die Person hat ihre Daten gelöscht und damit auch Anfrage Nr."


def names(bot: BotHarness, lang: str) -> tuple[str, str]:
    """The Quartiersmanagement's and the course provider's names in `lang`."""
    partners = bot.services.content.catalogue.partners
    qm = partners[bot.services.content.catalogue.catch_all_partner_id].name[lang]
    return str(qm), str(partners["bildungstraeger"].name[lang])


def notes_on(bot: BotHarness, chat: int, card_id: int) -> list[str]:
    """The bot's messages in `chat` replying to its card `card_id` (the request's thread there)."""
    return [m.text or "" for m in bot.telegram.bot_messages(chat) if m.reply_to == card_id]


async def test_the_quartiersmanagement_closing_and_reopening_its_copy_is_told_as_its_own_doing(
    database_url: str, tmp_path: Path
) -> None:
    """Found in review: she read that the course provider had closed her request, which it had never
    touched, and only the course provider's thread heard of it."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        qm, provider = names(bot, "ar")
        number = re.findall(r"\d{6}", card.text or "")[0]
        quentin = bot.partner("Quentin", QM_GROUP)

        await quentin.tap("Übernehmen", copy)
        await deliver(bot)
        taken = amal.last().text or ""
        assert qm in taken and provider not in taken
        await quentin.tap("Abschließen", copy)
        await deliver(bot)
        closed = amal.last().text or ""
        assert qm in closed and provider not in closed
        for chat, card_id in ((GROUP, card.message_id), (QM_GROUP, copy.message_id)):
            assert (
                notes_on(bot, chat, card_id)[-1]
                == f"<i>Quentin ({names(bot, 'de')[0]}) hat Anfrage Nr. {number} abgeschlossen.</i>"
            )

        await quentin.tap("Wieder öffnen", copy)
        await deliver(bot)
        reopened = amal.last()
        assert qm in (reopened.text or "") and provider not in (reopened.text or "")
        # No conversation yet (the reopening came without words, so no ⏹ End): ✏️ opens one if she wants.
        assert [label.split()[0] for label in reopened.labels] == ["✏️", "🏠"]
        for chat, card_id in ((GROUP, card.message_id), (QM_GROUP, copy.message_id)):
            assert f"Quentin ({names(bot, 'de')[0]}) hat Anfrage" in notes_on(bot, chat, card_id)[-1]
            assert "wieder geöffnet" in notes_on(bot, chat, card_id)[-1]

        # Her answer reaches both threads: the Quartiersmanagement, which reopened it, reads it too.
        await quentin.send("Brauchen Sie noch einen Platz?", reply_to=copy)
        await deliver(bot)
        hint = (amal.last().text or "").split("\n\n")[-1]
        assert qm in hint and provider in hint  # both read her next messages
        await amal.send("شكرا، ما زلت أحتاج إلى مكان في الدورة")
        await deliver(bot)
        for chat, card_id in ((GROUP, card.message_id), (QM_GROUP, copy.message_id)):
            assert "ما زلت أحتاج" in notes_on(bot, chat, card_id)[-1]


async def test_delete_tells_every_group_holding_a_card_of_the_escalated_request_once(
    database_url: str, tmp_path: Path
) -> None:
    """Found in review: the Quartiersmanagement's copy stood there as if the request still existed; only
    the course provider's thread heard of the deletion."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        await amal.send("/delete")
        await amal.tap(1)
        await deliver(bot)
        for chat, card_id in ((GROUP, card.message_id), (QM_GROUP, copy.message_id)):
            told = [text for text in notes_on(bot, chat, card_id) if DELETED in text]
            assert len(told) == 1, chat
        assert not card.reply_markup and not copy.reply_markup
        assert COURSE_PROVIDER not in "".join(notes_on(bot, QM_GROUP, copy.message_id))


async def test_an_answer_from_the_quartiersmanagements_copy_is_named_as_its_own(
    database_url: str, tmp_path: Path
) -> None:
    """Found in review: the Quartiersmanagement's answer in its copy's thread reached her as the course
    provider's, and her reply went only to the course provider, which had not written."""
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        qm, provider = names(bot, "ar")
        await bot.partner("Quentin", QM_GROUP).send("Der Kurs beginnt am Dienstag.", reply_to=copy)
        await deliver(bot)
        answer = amal.last().text or ""
        assert "Der Kurs beginnt am Dienstag." in answer
        head, hint = answer.split("\n")[0], answer.split("\n\n")[-1]
        assert qm in head and provider not in head
        assert "↩️" in hint and qm in hint and provider in hint  # both threads get what she writes
        await amal.send("هل يمكنني إحضار ابنتي؟")
        # "Passed on to" names whom the hint named, not the provider alone, which has not written.
        passed = amal.last().text or ""
        assert passed.startswith("تم الإرسال إلى") and qm in passed and provider in passed
        await deliver(bot)
        for chat, card_id in ((GROUP, card.message_id), (QM_GROUP, copy.message_id)):
            assert "هل يمكنني إحضار ابنتي؟" in notes_on(bot, chat, card_id)[-1]


async def test_a_hand_over_the_quartiersmanagement_proposes_is_asked_and_noted_in_its_name(
    database_url: str, tmp_path: Path
) -> None:
    """Found in review: proposed from the Quartiersmanagement's copy, the question read "<the course
    provider> would like to hand your request over", and so did the notes about her answer, though the
    course provider had proposed nothing."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        qm, provider = names(bot, "ar")
        qm_de, provider_de = names(bot, "de")
        number = re.findall(r"\d{6}", card.text or "")[0]
        quentin = bot.partner("Quentin", QM_GROUP)

        async def propose() -> str:
            await quentin.tap("übergeben", copy)
            choices = bot.telegram.bot_messages(QM_GROUP)[-1]
            await quentin.tap(choices.labels.index("Jobcenter Salzgitter") + 1, choices)
            await deliver(bot)
            return amal.last().text or ""

        question = await propose()
        assert question.startswith(f"❓ يرغب ⁨{qm}⁩ في نقل طلبك ⁨{number}⁩")
        assert provider not in question.split("\n")[0]  # only as the one her conversation so far was with
        # A reply is no answer: the question comes again, in the same name.
        await amal.send("لماذا؟", reply_to=amal.last())
        await deliver(bot)
        again = amal.last()
        assert (again.text or "").startswith(question) and again.labels == ["✅ نعم، انقله", "✖️ لا"]
        await amal.tap("✖️", again)
        await deliver(bot)
        assert provider in (amal.last().text or "")  # it stays with the course provider
        declined = (
            f"<i>Die Person hat der von {qm_de} vorgeschlagenen Übergabe von Anfrage Nr. {number} an "
            f"Jobcenter Salzgitter nicht zugestimmt. Sie bleibt bei {provider_de}.</i>"
        )
        for chat, card_id in ((GROUP, card.message_id), (QM_GROUP, copy.message_id)):
            assert notes_on(bot, chat, card_id)[-1] == declined

        await propose()
        await amal.tap("✅", amal.last())
        await deliver(bot)
        agreed = (
            f"<i>Die Person hat zugestimmt: Anfrage Nr. {number} wurde, wie von {qm_de} vorgeschlagen, an "
            "Jobcenter Salzgitter übergeben.</i>"
        )
        assert notes_on(bot, GROUP, card.message_id)[-1] == agreed
        # The job centre gets requests by e-mail only: the Quartiersmanagement got its card again (to pass
        # the job centre's e-mail answer on), and the note is in that thread.
        assert [m.text for m in bot.telegram.bot_messages(QM_GROUP)][-1] == agreed
        # Its old copy lost the "hand-over waits" line with her yes (review 1, finding 7), and its buttons:
        # the new card acts (explore xr4 F4: two live cards of one request in one group).
        assert "angefragt" not in (copy.text or "") and copy.labels == []
        assert "Bitte ab jetzt die neue Karte unten nutzen" in (copy.text or "")
        live = [m for m in bot.telegram.bot_messages(QM_GROUP) if m.reply_markup]
        assert len(live) == 1 and live[0].labels[-1] == "🔒 Abschließen"


async def test_her_reopening_of_a_request_the_quartiersmanagement_answered_and_closed_reaches_it(
    database_url: str, tmp_path: Path
) -> None:
    """Found in exploratory testing: the Quartiersmanagement took on, answered and closed the escalated
    request; her next question reopened it for the course provider alone, which had ignored it for days,
    and the Quartiersmanagement never saw it (taken on and answered, nothing would remind anyone)."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = bot.telegram.bot_messages(GROUP)[0]
        copy = await escalate(bot)
        number = re.findall(r"\d{6}", card.text or "")[0]
        quentin = bot.partner("Quentin", QM_GROUP)
        await quentin.tap("Übernehmen", copy)
        await quentin.send("Ja, Ihre Tochter kann mitkommen.", reply_to=copy)
        await quentin.tap("Abschließen", copy)
        await deliver(bot)

        qm, provider = names(bot, "ar")
        await amal.send("وهل يجب أن أسجّل؟")
        offer = amal.last()
        assert qm in (offer.text or "") and provider in (offer.text or "")  # "then it goes to …"
        await amal.tap("↩️", offer)
        passed = amal.last().text or ""
        assert passed.startswith("تم الإرسال إلى") and qm in passed and provider in passed
        await deliver(bot)
        for chat, card_id in ((GROUP, card.message_id), (QM_GROUP, copy.message_id)):
            thread = notes_on(bot, chat, card_id)
            assert f"<i>Die Person hat Anfrage Nr. {number} wieder geöffnet.</i>" in thread, chat
            assert "وهل يجب أن أسجّل؟" in thread[-1], chat
        # The copy can act on it again: the Quartiersmanagement can close it once more.
        assert any("Abschließen" in label for label in copy.labels)
        assert "Wieder bei" not in (copy.text or "")


async def test_the_resident_is_told_once_when_her_unanswered_request_goes_to_the_quartiersmanagement(
    database_url: str, tmp_path: Path
) -> None:
    """xr3 m9: she was promised an answer within two days; when nobody had taken her request on after
    four and it went to the Quartiersmanagement she heard nothing, and /requests still said it waited for
    the partner."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        number = re.findall(r"\d{6}", bot.telegram.bot_messages(GROUP)[0].text or "")[0]
        before = len(bot.telegram.bot_messages(amal.chat))
        await escalate(bot)
        qm = names(bot, "ar")[0]
        told = bot.telegram.bot_messages(amal.chat)[before:]
        assert [m.text for m in told] == [
            f"ℹ️ لم يتم الرد على طلبك \u2068{number}\u2069 بعد. الطلب الآن لدى \u2068{qm}\u2069 أيضًا، "
            "وسيتواصلون معك."
        ]
        # The next poll, hours later, tells her nothing again.
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(days=5))
        await deliver(bot)
        assert len(bot.telegram.bot_messages(amal.chat)) == before + 1

        await amal.send("/requests")
        assert f"لا يوجد رد بعد، ويتابع \u2068{qm}\u2069 الأمر" in (amal.last().text or "")


async def test_a_request_to_an_e_mail_partner_left_unanswered_tells_her_the_quartiersmanagement_follows_it_up(
    database_url: str,
) -> None:
    """xr3 m9, the course provider reached only by e-mail: the Quartiersmanagement's group had her request
    from the start, to pass the provider's e-mailed answer on. When none came in the promised time she heard
    nothing; now she learns (in Arabic) that the Quartiersmanagement follows it up, not that it has it "now
    also"."""
    async with BotHarness.running(database_url=database_url) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        assert "البريد الإلكتروني" in (amal.last().text or "")  # told the answer comes by e-mail, passed on
        number = re.findall(r"\d{6}", amal.last().text or "")[0]
        before = len(bot.telegram.bot_messages(amal.chat))
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(days=10))
        await deliver(bot)
        qm = names(bot, "ar")[0]
        assert [m.text for m in bot.telegram.bot_messages(amal.chat)[before:]] == [
            f"ℹ️ لم يصلك بعد أي رد على طلبك \u2068{number}\u2069. "
            f"يتابع \u2068{qm}\u2069 الأمر الآن وسيتواصلون معك."
        ]
        await amal.send("/requests")
        assert f"لا يوجد رد بعد، ويتابع \u2068{qm}\u2069 الأمر" in (amal.last().text or "")


async def test_a_phone_request_left_unanswered_is_not_listed_as_unanswered(database_url: str) -> None:
    """Review: /requests said "no answer yet, the Quartiersmanagement follows it up" for a request she
    wanted answered by phone, which the partner may have done; she was (rightly) sent no such note."""
    async with BotHarness.running(database_url=database_url) as bot:
        anna = bot.resident("Anna", lang="de")
        await fill_in_request(anna, "deutschkurs-frauen", "Bitte rufen Sie mich an", answer_by="📞")
        if not (anna.last().text or "").startswith("✅"):
            await anna.tap("Telefonnummer teilen")  # share the number, as asked
        await anna.tap("✅")
        await deliver(bot)
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(days=10))
        await deliver(bot)
        await anna.send("/requests")
        assert "Anfrage" in (anna.last().text or "")
        assert "noch keine Antwort" not in (anna.last().text or ""), anna.last().text


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_request_the_quartiersmanagement_hands_to_an_e_mail_partner_has_one_live_card_in_its_group(
    bot: BotHarness,
) -> None:
    """Explore xr4 F4: the Quartiersmanagement took a request on and handed it to the Jobcenter (e-mail only,
    its answers passed on by the Quartiersmanagement). Its group then held two live cards: the old one reset
    to "Übernehmen" without its history, whose tap told her "the Quartiersmanagement accepted your request"
    right after "handed over to the Jobcenter", and e-mailed the Jobcenter that it had taken it on."""
    anna = bot.resident("Anna", lang="fa")
    await anna.send("/start")
    await anna.tap(1)
    await anna.tap(1)
    await anna.send("از جاب سنتر نامه آمده و نمی فهمم")
    await anna.tap("🙋")
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    (card,) = [m for m in bot.telegram.bot_messages(QM_GROUP) if m.reply_markup]
    sent = card.text or ""
    petra = bot.partner("Petra", QM_GROUP)
    await petra.tap("Übernehmen", card)
    await petra.tap("übergeben", card)
    choices = bot.telegram.bot_messages(QM_GROUP)[-1]
    await petra.tap(choices.labels.index("Jobcenter Salzgitter") + 1, choices)
    await deliver(bot)
    await anna.tap("✅", anna.last())  # she agrees
    await deliver(bot)
    handed_over = anna.last().text or ""
    assert "Jobcenter" in handed_over

    # The old card keeps its history, says where the request went and sends staff to the new card.
    assert card.labels == []
    assert card.text == (
        f"{sent}\n\n✅ <b>Übernommen</b>\n\n➡️ <i>An Jobcenter Salzgitter übergeben. Bitte ab jetzt die neue "
        "Karte unten nutzen (Antworten und Knöpfe).</i>"
    )
    live = [m for m in bot.telegram.bot_messages(QM_GROUP) if m.reply_markup]
    assert len(live) == 1 and "Auch für Sie: Jobcenter Salzgitter" in (live[0].text or "")

    # A tap on the old card's button (a phone that still shows it) changes nothing and says why.
    take = next(b["callback_data"] for b in live[0].flat_buttons if b["text"] == "Übernehmen")
    mails = len(await e_mails(bot))
    await petra.press(take, card)
    await deliver(bot)
    assert bot.telegram.answered_callbacks[-1].get("text") == (
        "Diese Karte ist veraltet: Bitte nutzen Sie die neuere Karte dieser Anfrage in dieser Gruppe."
    )
    assert anna.last().text == handed_over  # nothing about the Quartiersmanagement taking it on
    assert len(await e_mails(bot)) == mails
    # The new card acts.
    await petra.tap("Übernehmen", live[0])
    await deliver(bot)
    assert "✅ <b>Übernommen</b>" in (live[0].text or "")


async def e_mails(bot: BotHarness) -> list[str]:
    """The texts of every e-mail the bot wrote to the outbox."""
    from sqlalchemy import select

    from bot.storage.models.outbox import Channel, OutboxMessage

    async with bot.services.database.sessions() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == Channel.EMAIL))
        return [str(row.payload) for row in rows]


async def test_the_quartiersmanagements_copy_offers_no_hand_over_to_itself(
    database_url: str, tmp_path: Path
) -> None:
    """Explore xr5 #7: the escalated copy's "Hand over" listed the Quartiersmanagement itself, and she was
    asked to let it go "to the Quartiersmanagement, who can help you better"; a hand-over it proposes tells
    her that her conversation with the course provider goes along (it named the Quartiersmanagement)."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        copy = await escalate(bot)
        qm, provider = names(bot, "ar")
        qm_de, provider_de = names(bot, "de")
        quentin = bot.partner("Quentin", QM_GROUP)
        await quentin.tap("übergeben", copy)
        choices = bot.telegram.bot_messages(QM_GROUP)[-1]
        assert "Jobcenter Salzgitter" in choices.labels
        assert qm_de not in choices.labels and provider_de not in choices.labels
        await quentin.tap(choices.labels.index("Jobcenter Salzgitter") + 1, choices)
        await deliver(bot)
        asked = (amal.last().text or "").split("\n")
        assert qm in asked[0]  # the Quartiersmanagement proposes it
        conversation = [line for line in asked if line.startswith("•")][-1]  # "your conversation with …"
        assert provider in conversation and qm not in conversation, asked
