"""Partners reached by e-mail answer by replying; the answer reaches the resident in the chat."""

from __future__ import annotations

import asyncio
import re
import shutil
import smtplib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text, update

from bot import jobs
from bot.delivery.worker import RetryPolicy
from bot.storage import requests as store
from bot.storage.models import Resident
from bot.storage.models.outbox import OutboxMessage
from bot.storage.models.requests import RequestStatus
from bot.testing.fakeapi import SimUser
from tests.harness import ROOT, BotHarness, deliver
from tests.test_card_conversation import hand_over
from tests.test_conversation import MUETTERZENTRUM, group_texts
from tests.test_requests_e2e import Inbox, arabic_resident_signs_up_for_the_german_course, free_port

QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content

SECRET = "a-long-test-secret-for-reply-addresses"


def reply(port: int, to: str, sender: str, body: str, message_id: str) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Message-ID"] = sender, to, "Re: Anfrage", message_id
    mail.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(mail)


@asynccontextmanager
async def bot_with_inbound_mail(
    database_url: str, inbound: bool = True, **settings: Any
) -> AsyncIterator[tuple[BotHarness, Inbox, int]]:
    """A bot that sends cards to the partner by e-mail and listens for replies: (bot, the partner's inbox,
    the port replies go to). `inbound=False`: it does not listen (replies go to SMTP_REPLY_TO). `settings`:
    further settings (`content_dir`)."""
    inbox, out_port, in_port = Inbox(), free_port(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=out_port)
    controller.start()
    listening = {
        "mail_inbound_port": in_port,
        "mail_reply_domain": "antworten.example.org",
        "mail_reply_secret": SECRET,
    }
    try:
        async with BotHarness.running(
            database_url=database_url,
            smtp_host="127.0.0.1",
            smtp_port=out_port,
            smtp_security="none",
            smtp_from="bot@example.org",
            smtp_reply_to="qm@example.org",
            **(listening if inbound else {}),
            **settings,
        ) as bot:
            yield bot, inbox, in_port
    finally:
        controller.stop()


async def first_mail(bot: BotHarness, inbox: Inbox, number: int = 1) -> Message:
    """The partner's first mail (or the `number`th), once it arrived (the outbox delivers until then: at
    once, and again every 50 ms, not 50 ms before it is first asked)."""
    for attempt in range(40):
        if len(inbox.mails) >= number:
            break
        if attempt:
            await asyncio.sleep(0.05)
        await deliver(bot)
    return inbox.mails[number - 1]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_an_email_reply_reaches_the_resident_strangers_are_refused_and_a_deletion_is_told(
    database_url: str,
) -> None:
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = await first_mail(bot, inbox)
        body = next(p for p in card.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
        assert "direkt in ihrem Chat" in body.decode()  # the card says the reply reaches the resident
        assert "von der Adresse, an die sie ging" in body.decode()  # …from which address
        address = str(card["Reply-To"])
        assert address.startswith("antwort+") and address.endswith("@antworten.example.org")

        answer = "Gerne, der Kurs beginnt am Dienstag.\n\nAm 25.11. schrieb Quartiersbot:\n> Anfrage ..."
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", answer, "<r1@example.org>")
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", answer, "<r1@example.org>")
        await deliver(bot)
        relayed = [
            m.text or "" for m in bot.telegram.bot_messages(amal.user_id) if "Dienstag" in (m.text or "")
        ]
        assert len(relayed) == 1  # delivered twice by the mail server, relayed once
        assert "schrieb" not in relayed[0] and "Anfrage ..." not in relayed[0]  # quoted original cut off

        # A colleague the card was forwarded to answers from her own address: refused, in German, saying
        # from which address to answer (the partner's mail program shows it in the bounce).
        with pytest.raises(smtplib.SMTPDataError) as refused:
            await asyncio.to_thread(reply, in_port, address, "p.yilmaz@gmail.com", "Hallo", "<r2@x>")
        assert refused.value.smtp_code == 550
        assert refused.value.smtp_error.decode() == (
            "5.7.1 Bitte antworten Sie von der E-Mail-Adresse, an die die Anfrage ging: Antworten von "
            "anderen Adressen erreichen die Person nicht."
        )
        forged = address.replace(address.split("-")[-1].split("@")[0], "0" * 12)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            await asyncio.to_thread(reply, in_port, forged, "bildung@example.org", "Hallo", "<r3@x>")

        # The resident deletes her data: the partner is told, in the card's thread as its other mails
        # about the request.
        await amal.send("/delete")
        await amal.tap(1)
        note = await first_mail(bot, inbox, 2)
        assert note["Subject"] == "Re: " + card["Subject"]
        assert note["In-Reply-To"].startswith(card["Message-ID"].split(".")[0])
        text = next(p for p in note.walk() if p.get_content_type() == "text/plain")
        assert "Die Person hat ihre Daten gelöscht" in text.get_payload(decode=True).decode()


def plain_text(mail: Message) -> str:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    return bytes(part.get_payload(decode=True)).decode()


async def test_an_email_answer_with_opening_times_or_written_below_the_quote_reaches_the_resident_whole(
    database_url: str,
) -> None:
    """A line "Von: 16 Uhr" is the partner's answer, not the start of the quoted card; an answer written
    below the quote is relayed, not bounced as empty; a reply with nothing of its own is bounced in German."""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        address = str((await first_mail(bot, inbox))["Reply-To"])
        times = "Hallo Amal,\nunsere Zeiten:\nVon: 16 Uhr\nBis: 18 Uhr\nIhr Baby ist willkommen."
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", times, "<t1@example.org>")
        below = (
            "Am 07.12.2026 um 04:48 schrieb Quartiersbot <bot@example.org>:\n> Anfrage Nr. 1\n> Von: Amal\n\n"
            "Der Kurs beginnt am Dienstag."
        )
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", below, "<t2@example.org>")
        await deliver(bot)
        texts = [m.text or "" for m in bot.telegram.bot_messages(amal.user_id)]
        (relayed,) = [text for text in texts if "Von: 16 Uhr" in text]
        assert "Bis: 18 Uhr\nIhr Baby ist willkommen." in relayed
        (after,) = [text for text in texts if "Dienstag" in text]
        assert "schrieb" not in after and "Von: Amal" not in after

        only_quote = "\n\nAm 07.12.2026 um 04:48 schrieb Quartiersbot <bot@example.org>:\n> Anfrage Nr. 1"
        with pytest.raises(smtplib.SMTPDataError) as refused:
            await asyncio.to_thread(
                reply, in_port, address, "bildung@example.org", only_quote, "<t3@example.org>"
            )
        assert refused.value.smtp_error.decode() == (
            "5.6.0 Ihre Antwort enthaelt keinen eigenen Text ueber oder unter der zitierten Anfrage."
        )


async def test_without_inbound_mail_the_quartiersmanagement_gets_the_card_at_once_to_pass_the_reply_on(
    database_url: str,
) -> None:
    """No MAIL_INBOUND_PORT: a reply goes to SMTP_REPLY_TO, the Quartiersmanagement's mailbox. Found in
    exploratory testing (xstaff finding 4): the resident was promised the answer in the chat within two
    days, while the Quartiersmanagement could pass a reply on only after the escalation, days later. Now its
    group gets the card at once, the card tells the partner where its reply goes, and her acknowledgement
    who brings the answer."""
    async with bot_with_inbound_mail(database_url, inbound=False) as (bot, inbox, _):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = await first_mail(bot, inbox)
        assert card["Reply-To"] == "qm@example.org"
        text = " ".join(plain_text(card).split())
        assert "leitet Ihre Antwort weiter" not in text
        qm = "Quartiersmanagement Ost- und Westsiedlung"
        assert (
            "Bitte antworten Sie auf diese E-Mail: Ihre Antwort geht an "
            f"{qm} und wird von dort an die Person weitergegeben."
        ) in text
        (copy,) = bot.telegram.bot_messages(QM_GROUP)
        assert "bekommt diese Anfrage per E-Mail und kann nicht im Chat antworten" in (copy.text or "")
        ack = amal.last().text or ""
        # The course provider answers by e-mail, the Quartiersmanagement brings the answer into the chat.
        assert "بالبريد الإلكتروني، ويوصل" in ack and "الجواب إليك هنا" in ack
        # The Quartiersmanagement passes the answer on with "Reply": it reaches her at once.
        quentin = bot.partner("Quentin", QM_GROUP)
        await quentin.send("Der Kurs beginnt am Dienstag um 9 Uhr.", reply_to=copy)
        await deliver(bot)
        assert "Dienstag um 9 Uhr" in (amal.last().text or "")


def content_with_quick_course_provider(tmp_path: Path) -> Path:
    """The shipped content, in which the education provider (e-mail only) promises an answer within 24
    hours, sooner than the Quartiersmanagement's 48."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    partners = target / "partners.yaml"
    head, marker, tail = partners.read_text(encoding="utf-8").partition("\n  bildungstraeger:\n")
    assert tail.count("response_hours: 48") and "\n  quartiersmanagement:\n" in head
    partners.write_text(head + marker + tail.replace("response_hours: 48", "response_hours: 24", 1), "utf-8")
    return target


async def german_resident_asks_the_course_provider(bot: BotHarness, user_id: int | None = None) -> SimUser:
    """Lena asks about the German course in the chat (not by phone) and taps "Send"."""
    lena = bot.resident("Lena", lang="de", user_id=user_id)
    await lena.send("/start o_deutschkurs-frauen")
    await lena.tap("✋")
    if "⏭" in " ".join(lena.last().labels):
        await lena.send("Ja, zwei Kinder")
    await lena.send("Ein bisschen")
    await lena.tap("✅")  # done writing
    await lena.tap("💬")  # answer here in the chat
    await lena.tap("✅")  # send
    await deliver(bot)
    return lena


async def test_without_inbound_mail_the_resident_is_promised_the_time_of_whoever_brings_the_answer(
    database_url: str, tmp_path: Path
) -> None:
    """Found in exploratory testing: the acknowledgement promised the e-mail-only partner's own
    response_hours, although the answer reaches her only when the Quartiersmanagement passes it on. The
    course provider promises 24 hours, the Quartiersmanagement 48: she is told two days."""
    content = content_with_quick_course_provider(tmp_path)
    async with bot_with_inbound_mail(database_url, inbound=False, content_dir=content) as (bot, _, _):
        lena = await german_resident_asks_the_course_provider(bot)
        ack = " ".join((lena.last().text or "").split())
        assert "Die Antwort kann bis zu 2 Tage dauern." in ack
        assert "24 Stunden" not in ack
        assert "Bildungsträger in Salzgitter antwortet per E-Mail" in ack
    # With inbound mail the partner answers in the chat itself: its own 24 hours.
    async with bot_with_inbound_mail(database_url, content_dir=content) as (bot, _, _):
        lena = await german_resident_asks_the_course_provider(bot, user_id=600_001)
        assert "Die Antwort kann bis zu 24 Stunden dauern." in " ".join((lena.last().text or "").split())


async def test_an_answer_the_quartiersmanagement_passes_on_is_named_as_the_partners(
    database_url: str,
) -> None:
    """Found in exploratory testing: the course provider's e-mailed answer, passed on by the
    Quartiersmanagement, reached her as "Antwort von Quartiersmanagement", though she had asked the course
    provider and was told it answers by e-mail. She reads whose answer it is and who passed it on; the
    staff member's name (SHOW_STAFF_NAMES) is not given as the course provider's."""
    async with bot_with_inbound_mail(database_url, inbound=False, show_staff_names=True) as (bot, inbox, _):
        lena = await german_resident_asks_the_course_provider(bot)
        await first_mail(bot, inbox)
        (copy,) = bot.telegram.bot_messages(QM_GROUP)
        number = re.findall(r"\d{6}", copy.text or "")[0]
        # The copy tells the Quartiersmanagement how its reply reaches her.
        assert (
            "Bitte geben Sie sie mit „Antworten“ auf diese Karte weiter: Die Person liest sie als Antwort "
            "von Bildungsträger in Salzgitter, von Ihnen weitergegeben. Wenn Sie selbst antworten, schreiben "
            "Sie das dazu."
        ) in " ".join((copy.text or "").split())
        await bot.partner("Quentin", QM_GROUP).send("Der Kurs beginnt am Dienstag um 9 Uhr.", reply_to=copy)
        await deliver(bot)
        answer = lena.last().text or ""
        assert answer.startswith(
            f"💬 <b>Antwort von Bildungsträger in Salzgitter auf Ihre Anfrage Nr. {number}, weitergegeben "
            "von Quartiersmanagement Ost- und Westsiedlung:</b>\n"
            "<blockquote>Der Kurs beginnt am Dienstag um 9 Uhr.</blockquote>"
        )
        assert "Quentin" not in answer
        # Her reply reaches both, as the hint below says.
        assert "Bildungsträger in Salzgitter und Quartiersmanagement Ost- und Westsiedlung" in answer


async def test_a_copy_made_before_0016_still_passes_the_partners_answer_on(database_url: str) -> None:
    """Review: whether the Quartiersmanagement got the card at once to pass the partner's answers on was
    inferred from `overdue_at` differing from `escalated_at`; migration 0016 set the two equal for every
    request, and its passing on of the course provider's answer reached her as its own. The request stores
    it now (`passed_on_by`, filled by migration 0018 from the copy's card)."""
    async with bot_with_inbound_mail(database_url, inbound=False) as (bot, inbox, _):
        lena = await german_resident_asks_the_course_provider(bot)
        await first_mail(bot, inbox)
        (copy,) = bot.telegram.bot_messages(QM_GROUP)
        async with bot.services.database.transaction() as session:  # what 0016 did to every request
            await session.execute(text("UPDATE requests SET overdue_at = escalated_at"))
        await bot.partner("Quentin", QM_GROUP).send("Der Kurs beginnt am Dienstag um 9 Uhr.", reply_to=copy)
        await deliver(bot)
        assert (lena.last().text or "").startswith("💬 <b>Antwort von Bildungsträger in Salzgitter auf Ihre")
        assert "weitergegeben von Quartiersmanagement" in (lena.last().text or "")


async def test_after_a_hand_over_the_quartiersmanagement_answers_an_escalation_in_its_own_name(
    database_url: str,
) -> None:
    """The Quartiersmanagement hands the request it got at once over to the SOS-Mütterzentrum, which
    answers in the chat; when it is escalated there later, the Quartiersmanagement's answer is its own,
    not the Mütterzentrum's passed on."""
    async with bot_with_inbound_mail(database_url, inbound=False) as (bot, inbox, _):
        lena = await german_resident_asks_the_course_provider(bot)
        await first_mail(bot, inbox)
        (copy,) = bot.telegram.bot_messages(QM_GROUP)
        await hand_over(bot, lena, copy, QM_GROUP, "SOS", MUETTERZENTRUM)
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(days=20))
        await deliver(bot)
        card = bot.telegram.bot_messages(QM_GROUP)[-1]
        assert "nicht übernommen" in (card.text or "")
        await bot.partner("Quentin", QM_GROUP).send("Rufen Sie uns bitte an: 05341 0000.", reply_to=card)
        await deliver(bot)
        answer = lena.last().text or ""
        assert answer.startswith("💬 <b>Antwort von Quartiersmanagement Ost- und Westsiedlung auf Ihre"), (
            answer
        )
        assert "weitergegeben" not in answer


def test_only_the_new_part_of_an_html_reply_is_relayed_once_unescaped() -> None:
    from email import message_from_string, policy

    from bot.delivery.inbound import reply_text

    mail = message_from_string(
        "Content-Type: text/html; charset=utf-8\n\n<p>Termin am Montag &amp; Dienstag</p>"
        "<p>Am 25.11. schrieb Quartiersbot:</p><blockquote>alt</blockquote>",
        policy=policy.default,
    )
    assert reply_text(mail) == "Termin am Montag & Dienstag"  # type: ignore[arg-type]


async def bounce(in_port: int, address: str, message_id: str, sender: str = "bildung@example.org") -> str:
    """The reason the bot refuses a reply with."""
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await asyncio.to_thread(reply, in_port, address, sender, "Gerne", message_id)
    return refused.value.smtp_error.decode()


def number_of(address: str) -> str:
    return address.split("+")[1].split("-")[0]


def draws(monkeypatch: pytest.MonkeyPatch, *numbers: str) -> None:
    """The next request numbers drawn are `numbers`, in this order."""
    upcoming = iter([int(n) - 100000 for n in numbers])
    monkeypatch.setattr(store.secrets, "randbelow", lambda _: next(upcoming))


async def test_an_email_reply_to_a_withdrawn_or_deleted_request_bounces_with_the_reason(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The partner's mail server bounces the reply with what the resident did: withdrew the request, or
    deleted their data (as a reply in a partner group is told), not "closed" or "no such request". Only
    the partner learns it; the number is never given again (its reply address stays valid)."""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        address = str((await first_mail(bot, inbox))["Reply-To"])

        await amal.send("/requests")
        await amal.tap("🗑")
        await amal.tap("🗑")  # yes, withdraw
        assert "Die Person hat diese Anfrage zurueckgezogen" in await bounce(in_port, address, "<w1@ex.org>")
        await amal.send("/delete")
        await amal.tap(1)
        stranger = await bounce(in_port, address, "<d0@example.org>", sender="mallory@example.net")
        assert "Bitte antworten Sie von der E-Mail-Adresse" in stranger and "geloescht" not in stranger
        assert "Die Person hat ihre Daten geloescht" in await bounce(in_port, address, "<d1@example.org>")

        draws(monkeypatch, number_of(address), "123456")
        async with bot.services.database.sessions() as session:
            assert await store.new_request_number(session) == "123456"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_an_email_answer_to_a_resident_who_blocked_the_bot_bounces(database_url: str) -> None:
    """Review rv15 F4: an e-mail answer to a resident who blocked the bot was accepted (250 OK), the request
    turned "answered" and the answer was dropped on its way to her: lost without a word. It bounces with
    what a reply in the partner's group is told."""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        await arabic_resident_signs_up_for_the_german_course(bot)
        address = str((await first_mail(bot, inbox))["Reply-To"])
        async with bot.services.database.transaction() as session:
            await session.execute(update(Resident).values(blocked=True))
        refused = await bounce(in_port, address, "<b1@example.org>")
        assert f"Die Person hinter Anfrage Nr. {number_of(address)} hat den Bot blockiert" in refused
        async with bot.services.database.sessions() as session:
            request = await store.get_request_by_number(session, number_of(address))
            assert request is not None and request.status is RequestStatus.OPEN


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_an_email_reply_to_a_request_purged_long_after_it_was_finished_finds_no_such_request(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retention purge took the request: its partner is told there is no such request (not that the
    resident deleted anything), and its number is never given again."""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        address = str((await first_mail(bot, inbox))["Reply-To"])
        await amal.send("/requests")
        await amal.tap("🗑")
        await amal.tap("🗑")  # withdrawn: finished
        now = datetime.now(UTC)
        retention = timedelta(days=bot.services.settings.request_retention_days + 1)
        bot.services.clock = lambda: now + retention
        assert await jobs.purge_old_data(bot.services) >= 1

        answer = await bounce(in_port, address, "<p1@example.org>")
        assert "Diese Anfrage gibt es nicht (mehr)" in answer and "Daten" not in answer
        stranger = await bounce(in_port, address, "<p2@example.org>", sender="mallory@example.net")
        assert "Bitte antworten Sie von der E-Mail-Adresse" in stranger

        draws(monkeypatch, number_of(address), "123456")
        async with bot.services.database.sessions() as session:
            assert await store.new_request_number(session) == "123456"


def content_without_the_quartiersmanagements_group(tmp_path: Path) -> Path:
    """The shipped content with the Quartiersmanagement (catch-all) reached by e-mail only: without inbound
    mail nobody can bring an e-mail-only partner's answer, or its own, into the chat."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    partners = target / "partners.yaml"
    text = partners.read_text(encoding="utf-8")
    group = "      telegram_chat_id: -1000000000001\n      email: quartiersmanagement@example.org\n"
    assert group in text
    partners.write_text(text.replace(group, "      email: quartiersmanagement@example.org\n"), "utf-8")
    return target


async def lena_writes_to_the_course(bot: BotHarness) -> SimUser:
    """Lena signs up for the German course and is done writing: the next screen asks how to answer her."""
    lena = bot.resident("Lena", lang="de")
    await lena.send("/start o_deutschkurs-frauen")
    await lena.tap("✋")
    if "⏭" in " ".join(lena.last().labels):
        await lena.send("Ja, zwei Kinder")
    await lena.send("Ein bisschen")
    await lena.tap("✅")  # done writing
    return lena


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_when_no_answer_can_reach_the_chat_the_resident_is_offered_a_call_and_never_promised_one(
    database_url: str, tmp_path: Path
) -> None:
    """Found in exploratory testing (xr3 M2): with the Quartiersmanagement's group gone and no inbound mail,
    the resident was promised "the answer comes here in this chat, within 2 days", while the e-mail told
    the partner its reply goes to the Quartiersmanagement, which could pass it on only after the escalation
    (with no group to pass it on from). Now the contact step says only a call can answer her, the
    acknowledgement promises nothing in the chat, and no e-mail tells anyone to wait for an escalation."""
    content = content_without_the_quartiersmanagements_group(tmp_path)
    async with bot_with_inbound_mail(database_url, inbound=False, content_dir=content) as (bot, inbox, _):
        lena = await lena_writes_to_the_course(bot)
        contact = lena.last()
        asked = " ".join((contact.text or "").split())
        assert "bekommt Anfragen nur per E-Mail und kann Ihnen hier im Chat nicht antworten" in asked
        assert contact.labels[0].startswith("📞") and not any("Hier im Chat" in x for x in contact.labels)
        await lena.tap("➡️")  # no phone number
        await lena.tap("✅")  # send
        await deliver(bot)
        ack = " ".join((lena.last().text or "").split())
        assert "Antwort kommt hier in diesen Chat" not in ack and "Tage dauern" not in ack
        assert "per E-Mail und kann Ihnen hier im Chat nicht antworten" in ack and "/requests" in ack
        card = " ".join(plain_text(await first_mail(bot, inbox)).split())
        assert "erst weitergeben" not in card and "unbeantwortet" not in card
        assert "kommt bei der Person nicht an, und niemand kann sie weitergeben" in card

        # A request to the Quartiersmanagement itself: its own e-mail does not tell it to wait for itself.
        mira = bot.resident("Mira", lang="de", user_id=600_002)
        await mira.send("/start")
        await mira.tap("✓ Deutsch")
        await mira.tap(1)  # her district
        await mira.tap("🙋")
        await mira.send("Hallo, ich brauche Hilfe mit einem Brief")
        await mira.tap("✅")  # done writing
        await mira.tap("➡️")  # no phone number
        await mira.tap("✅")  # send
        await deliver(bot)
        assert "kann Ihnen hier im Chat nicht antworten" in " ".join((mira.last().text or "").split())
        own = " ".join(plain_text(await first_mail(bot, inbox, 2)).split())
        assert "kommt bei der Person nicht an" in own
        assert "geht an das Quartiersmanagement" not in own and "unbeantwortet" not in own

        # Nor is anyone reminded to answer what cannot reach her: she was promised no time (xr3 m10).
        mails = len(inbox.mails)
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(hours=50))
        await deliver(bot)
        assert not any("Erinnerung" in plain_text(mail) for mail in inbox.mails[mails:])


async def test_the_turkish_acknowledgement_says_the_partner_answers_by_email_not_that_she_gets_one(
    database_url: str,
) -> None:
    """Found in exploratory testing (xr3 m1): the Turkish text read "the answer comes by e-mail (sender:
    …)", and a resident without an e-mail address looked in a mailbox; the other languages say what the
    partner does: it answers by e-mail, the Quartiersmanagement passes the answer on here."""
    async with bot_with_inbound_mail(database_url, inbound=False) as (bot, _, _):
        ayse = bot.resident("Ayşe", lang="tr")
        await ayse.send("/start o_deutschkurs-frauen")
        await ayse.tap("✋")
        if "⏭" in " ".join(ayse.last().labels):
            await ayse.send("evet, iki çocuk")
        await ayse.send("biraz")
        await ayse.tap("✅")  # done writing
        await ayse.tap("💬")  # answer here in the chat
        await ayse.tap("✅")  # send
        ack = " ".join((ayse.last().text or "").split())
    assert "Cevap e-posta ile gelir" not in ack
    assert "e-posta ile cevap verir;" in ack and "cevabı size burada, bu sohbette iletir" in ack


async def test_when_no_answer_can_reach_the_chat_her_number_written_later_brings_the_partners_reminder(
    database_url: str, tmp_path: Path
) -> None:
    """She is told to add her phone number through /requests ✏️ when no answer can reach the chat: once she
    has, the partner can call her, and the reminder it was spared before comes after all (with the time she
    was told at "Send" marked nowhere: no reminder was due while it could lead to nothing)."""
    content = content_without_the_quartiersmanagements_group(tmp_path)
    async with bot_with_inbound_mail(database_url, inbound=False, content_dir=content) as (bot, inbox, _):
        lena = await lena_writes_to_the_course(bot)
        await lena.tap("➡️")  # no phone number
        await lena.tap("✅")  # send
        await deliver(bot)
        later = datetime.now(UTC) + timedelta(hours=50)
        await bot.services.requests.remind_and_escalate(later)
        await deliver(bot)
        assert not any("Erinnerung" in plain_text(mail) for mail in inbox.mails)

        await lena.send("/requests")
        await lena.tap("✏️")
        await lena.send("Meine Nummer: 0151 00000000")
        await deliver(bot)
        await bot.services.requests.remind_and_escalate(later + timedelta(minutes=1))
        await deliver(bot)
        reminders = [plain_text(mail) for mail in inbox.mails if "Erinnerung" in plain_text(mail)]
        assert len(reminders) == 1


async def test_an_urgent_request_where_no_answer_can_reach_the_chat_keeps_the_danger_line(
    database_url: str, tmp_path: Path
) -> None:
    """From the emergency screen no waiting time is named and she is told not to wait in danger; where no
    answer can reach the chat that line was dropped with the rest (review of today's change)."""
    content = content_without_the_quartiersmanagements_group(tmp_path)
    async with bot_with_inbound_mail(database_url, inbound=False, content_dir=content) as (bot, inbox, _):
        lena = bot.resident("Lena", lang="de")
        await lena.send("/start")
        await lena.tap("✓ Deutsch")
        await lena.tap(1)  # her district
        await lena.send("Mein Mann schlägt mich, ich brauche Beratung")
        await lena.tap("🙋")
        labels = " ".join(lena.last().labels)
        while "✅" not in labels or "⏭" in labels:
            await lena.tap("⏭" if "⏭" in labels else "✅")
            labels = " ".join(lena.last().labels)
        await lena.tap("✅")  # done writing
        if "➡️" in " ".join(lena.last().labels):
            await lena.tap("➡️")  # no phone number
        await lena.tap("✅")  # send
        ack = " ".join((lena.last().text or "").split())
        assert "Ihre Anfrage Nr." in ack, ack
        assert "kann Ihnen hier im Chat nicht antworten" in ack
        assert "Notrufnummern" in ack and "Tage" not in ack

        # Review: once she wrote her number, the partner's reminder said nothing of the emergency screen.
        await lena.send("/requests")
        await lena.tap("✏️")
        await lena.send("Meine Nummer: 0151 00000000")
        await deliver(bot)
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(hours=50))
        await deliver(bot)
        (reminder,) = [text for mail in inbox.mails if "Erinnerung" in (text := plain_text(mail))]
        reminder = " ".join(reminder.split())
        assert "Sie wurde über die Notfall-Seite gesendet, und eine Antwort erreicht die Person nur per " in (
            reminder
        )
        assert "rufen Sie sie bitte bald an" in reminder


async def test_where_no_answer_can_reach_the_chat_every_email_says_only_a_call_answers_her(
    database_url: str, tmp_path: Path
) -> None:
    """Review of the no-chat setup: the partner's card read "wants the answer in the chat", its reminder
    "she was told to expect one within 2 days" (she was promised no time) and "answer as the first e-mail
    says" (which says no reply reaches her), and the Quartiersmanagement's escalation e-mail said too that
    she wants the answer in the chat. Now each says a call is the one answer, and where her number is."""
    content = content_without_the_quartiersmanagements_group(tmp_path)
    async with bot_with_inbound_mail(database_url, inbound=False, content_dir=content) as (bot, inbox, _):
        lena = await lena_writes_to_the_course(bot)
        await lena.tap("➡️")  # no phone number
        await lena.tap("✅")  # send
        card = " ".join(plain_text(await first_mail(bot, inbox)).split())
        assert "im Chat" not in card.split("Die Person ist nur")[0]
        assert "Hat keine Telefonnummer angegeben: Eine Antwort erreicht die Person nur per Anruf." in card

        await lena.send("/requests")
        await lena.tap("✏️")
        await lena.send("Meine Nummer: 0151 00000000")
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(days=20))
        await first_mail(bot, inbox, 5)
        mails = {(mail["To"], plain_text(mail).split(":")[0]): plain_text(mail) for mail in inbox.mails}
        reminder = " ".join(mails["bildung@example.org", "Erinnerung"].split())
        assert "dauern kann" not in reminder and "ersten E-Mail" not in reminder
        assert "nur per Anruf: Hat sie zu dieser Anfrage eine Telefonnummer geschrieben" in reminder
        (escalated,) = [text for (to, _), text in mails.items() if to == "quartiersmanagement@example.org"]
        escalated = " ".join(escalated.split())
        assert "im Chat bekommen" not in escalated and "nur per Anruf" in escalated
        assert "Lena: > Meine Nummer: 0151 00000000" in escalated
        assert "Hat sie im Austausch oben eine Telefonnummer geschrieben, rufen Sie sie bitte an" in escalated


async def test_an_answer_of_the_quartiersmanagement_to_a_request_escalated_to_its_new_group_is_its_own(
    database_url: str, tmp_path: Path
) -> None:
    """Review of `passes_on_for`: it asked today's content whether the Quartiersmanagement passes the
    partner's answers on. A request sent while it had no group, escalated to the group staff added since,
    got its answer as "Antwort von Bildungsträger …, weitergegeben von Quartiersmanagement" – though the
    card there said the partner had not taken it on, and the Quartiersmanagement answered itself. What the
    request stores decides now: only a card copied at "Send" to pass the answers on passes them on."""
    content = content_without_the_quartiersmanagements_group(tmp_path)
    async with bot_with_inbound_mail(database_url, inbound=False, content_dir=content) as (bot, inbox, _):
        lena = await lena_writes_to_the_course(bot)
        await lena.tap("➡️")  # no phone number
        await lena.tap("✅")  # send
        await first_mail(bot, inbox)
        shutil.copy(ROOT / "content" / "partners.yaml", content / "partners.yaml")  # the group is back
        assert (await bot.services.content.reload()).ok
        await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(days=20))
        await deliver(bot)
        (card,) = bot.telegram.bot_messages(QM_GROUP)
        assert "nicht übernommen" in (card.text or "")
        await bot.partner("Quentin", QM_GROUP).send("Rufen Sie uns bitte an: 05341 0000.", reply_to=card)
        await deliver(bot)
        answer = lena.last().text or ""
        assert answer.startswith("💬 <b>Antwort von Quartiersmanagement Ost- und Westsiedlung auf Ihre"), (
            answer
        )
        assert "weitergegeben" not in answer


LOST = (
    "Your message for request {number} could not be delivered to the resident. "
    "The Quartiersmanagement has been told."
)


def refuse_her(bot: BotHarness, resident: SimUser, status: int, description: str) -> None:
    """Telegram answers every message to `resident` with `status` and `description`."""
    body = {"ok": False, "error_code": status, "description": description}
    bot.telegram.fault = lambda method, params: (
        (status, body) if str(params.get("chat_id")) == str(resident.user_id) else None
    )


async def delivered(bot: BotHarness, inbox: Inbox, mails: int) -> None:
    """Deliver until the partner's inbox holds `mails` mails (and a few rounds more: no further one)."""
    if mails:
        await first_mail(bot, inbox, mails)
    for _ in range(3):
        await deliver(bot)
    assert len(inbox.mails) == mails, [plain_text(mail) for mail in inbox.mails]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
@pytest.mark.parametrize(
    ("status", "description"),
    [(400, "Bad Request: can't parse entities: unsupported start tag"), (502, "Bad Gateway")],
    ids=["refused", "retries-exhausted"],
)
async def test_an_email_answer_that_cannot_reach_the_resident_is_told_to_its_partner_once(
    database_url: str, status: int, description: str
) -> None:
    """Review rv17 F3: a partner's answer given up for good on its way to the resident (Telegram refused it,
    or every retry failed) was told to a partner group in reply to its message, and to the staff, but an
    e-mail partner never learnt it: it believed she had its answer. It gets one e-mail, in German, in the
    request's thread, naming the request and quoting the answer; nobody else does. (An answer lost because
    she blocked the bot is told with that reason: the next answer bounces with it.)"""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        assert bot.services.delivery is not None
        bot.services.delivery.policy = RetryPolicy(max_attempts=1)  # a retry that fails is the last
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = await first_mail(bot, inbox)
        address = str(card["Reply-To"])
        number = number_of(address)
        refuse_her(bot, amal, status, description)
        answer = "Gerne, der Kurs beginnt am Dienstag um 9 Uhr."
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", answer, "<lost1@example.org>")
        await delivered(bot, inbox, 2)
        bot.telegram.fault = None

        notice = inbox.mails[1]
        assert notice["To"] == "bildung@example.org"
        assert notice["Subject"] == "Re: " + card["Subject"]
        assert notice["In-Reply-To"].startswith(card["Message-ID"].split(".")[0])  # the card's thread
        said = " ".join(plain_text(notice).split())
        lost = bot.services.i18n.translator("de").gettext(LOST).format(number=number)
        assert lost.startswith("Ihre Nachricht zur Anfrage Nr.")  # German, as the group's notice
        assert said == f"⚠️ {lost} {answer}"
        assert not any("Dienstag" in (m.text or "") for m in bot.telegram.bot_messages(amal.user_id))
        assert not any(lost in line for chat in (QM_GROUP, MUETTERZENTRUM) for line in group_texts(bot, chat))

        # She blocked the bot before the next answer reached her: the partner is told so, with that reason
        # (task "blocked": it was told nothing and believed she had it); its next answer bounces with it.
        refuse_her(bot, amal, 403, "Forbidden: bot was blocked by the user")
        later = "Bringen Sie bitte Ihren Ausweis mit."
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", later, "<lost2@example.org>")
        await delivered(bot, inbox, 3)
        assert "hat den Bot blockiert" in plain_text(inbox.mails[2]) and later in plain_text(inbox.mails[2])
        assert "hat den Bot blockiert" in await bounce(in_port, address, "<lost3@example.org>")


async def test_an_email_partner_learns_that_her_account_is_gone_not_that_she_blocked_the_bot(
    database_url: str,
) -> None:
    """Found in exploratory testing: "chat not found" (her Telegram account deleted) was told as "has blocked
    the bot". The e-mail partner whose answer was lost learns the true reason, and its next answer bounces
    with it."""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = await first_mail(bot, inbox)
        address = str(card["Reply-To"])
        refuse_her(bot, amal, 400, "Bad Request: chat not found")
        answer = "Bringen Sie bitte Ihren Ausweis mit."
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", answer, "<gone1@example.org>")
        await delivered(bot, inbox, 2)
        told = plain_text(inbox.mails[1])
        assert "Ihr Telegram-Konto gibt es nicht mehr" in told and answer in told and "blockiert" not in told
        bounced = await bounce(in_port, address, "<gone2@example.org>")
        assert "Telegram-Konto gibt es nicht mehr" in bounced and "blockiert" not in bounced


BLOCKED = "The resident of request {number} has blocked the bot; your message cannot reach them."


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_email_answers_waiting_when_she_blocked_the_bot_are_each_told_to_their_partner_once(
    database_url: str,
) -> None:
    """Two e-mail answers of the course provider wait for her (Telegram was down) when she blocks the bot:
    both are dropped. Each is told to the course provider by one e-mail in the request's thread, with the
    true reason (she blocked the bot) and quoting the answer it means; the staff learn it once; later rounds
    send nothing more."""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = await first_mail(bot, inbox)
        address = str(card["Reply-To"])
        number = number_of(address)
        refuse_her(bot, amal, 502, "Bad Gateway")  # both answers wait for the next try
        answers = ["Der Kurs beginnt am Dienstag.", "Bringen Sie bitte Ihren Ausweis mit."]
        for index, answer in enumerate(answers):
            mail_id = f"<wait{index}@example.org>"
            await asyncio.to_thread(reply, in_port, address, "bildung@example.org", answer, mail_id)
        await deliver(bot)
        assert len(inbox.mails) == 1
        refuse_her(bot, amal, 403, "Forbidden: bot was blocked by the user")
        async with bot.services.database.transaction() as session:
            await session.execute(update(OutboxMessage).values(next_attempt_at=bot.services.clock()))
        await delivered(bot, inbox, 3)
        bot.telegram.fault = None

        blocked = bot.services.i18n.translator("de").gettext(BLOCKED).format(number=number)
        assert blocked.startswith("Die Person hinter Anfrage Nr.")  # German, as the group's refusal
        told = sorted(" ".join(plain_text(mail).split()) for mail in inbox.mails[1:])
        assert told == sorted(f"⚠️ {blocked} {answer}" for answer in answers)
        assert all(mail["To"] == "bildung@example.org" for mail in inbox.mails[1:])
        assert all(mail["Subject"] == "Re: " + card["Subject"] for mail in inbox.mails[1:])
        staff = [
            m
            for chat in bot.telegram.chats
            for m in bot.telegram.bot_messages(chat)
            if f"Anfrage Nr. {number} konnte nicht" in (m.text or "")
        ]
        assert len(staff) == 1 and "blocked" in (staff[0].text or "")
        for _ in range(3):
            await deliver(bot)
        assert len(inbox.mails) == 3


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # its hand-over, in SQL
async def test_an_email_answer_lost_after_a_hand_over_is_told_to_its_writer_not_the_new_partner(
    database_url: str,
) -> None:
    """The course provider's e-mail answer waits for Telegram; meanwhile the request went to the
    SOS-Mütterzentrum (what a hand-over stores), and then the answer is given up for good. The course
    provider, which wrote it, is told by e-mail; the Mütterzentrum's group is not."""
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        card = await first_mail(bot, inbox)
        address = str(card["Reply-To"])
        number = number_of(address)
        refuse_her(bot, amal, 502, "Bad Gateway")
        answer = "Der Kurs ist leider voll."
        await asyncio.to_thread(reply, in_port, address, "bildung@example.org", answer, "<h1@example.org>")
        await deliver(bot)  # the first try fails: it waits for the next
        assert len(inbox.mails) == 1
        async with bot.services.database.transaction() as session:
            await session.execute(
                text(
                    "UPDATE requests SET partner_id = 'sos-muetterzentrum', "
                    "handed_over_from = 'bildungstraeger' WHERE number = :number"
                ),
                {"number": number},
            )
            await session.execute(update(OutboxMessage).values(next_attempt_at=bot.services.clock()))
        refuse_her(bot, amal, 400, "Bad Request: can't parse entities: unclosed tag")
        await delivered(bot, inbox, 2)
        lost = bot.services.i18n.translator("de").gettext(LOST).format(number=number)
        assert inbox.mails[1]["To"] == "bildung@example.org"
        assert lost in " ".join(plain_text(inbox.mails[1]).split())
        assert not any(lost in line for chat in (QM_GROUP, MUETTERZENTRUM) for line in group_texts(bot, chat))
        bot.telegram.fault = None


class StrayBraces:
    """A partners' catalog whose translator slipped a "{" or "}" into its translations."""

    def __init__(self, translations: dict[str, str]) -> None:
        self.translations = translations

    def gettext(self, msgid: str) -> str:
        return self.translations.get(msgid, msgid)


def test_a_translation_with_a_stray_brace_never_breaks_the_smtp_answer() -> None:
    """`smtp_answer` filled the request number into every translation with `str.format`: a stray "{" or "}"
    in one raised inside the SMTP server, and the partner's mail server got no reason at all. The msgid's
    own text stands in for a translation that cannot be filled in; one without a number is not filled in."""
    from bot.delivery.inbound import NO_SUCH_ADDRESS, SMTP_ANSWERS, smtp_answer

    blocked, closed = SMTP_ANSWERS["resident_unreachable"], SMTP_ANSWERS["closed"]
    assert blocked[1] is not None and closed[1] is not None and NO_SUCH_ADDRESS[1] is not None
    broken = StrayBraces(
        {
            blocked[1]: "Die Person hinter Anfrage Nr. {number} hat den Bot blockiert {",
            closed[1]: "Diese Anfrage ist geschlossen} {Ihre Antwort}",
            NO_SUCH_ADDRESS[1]: "Diese Antwortadresse gibt es nicht {0}.",
        }
    )
    t: Any = broken
    assert smtp_answer(t, blocked, "123456") == (
        "550 5.7.1 The resident of request 123456 has blocked the bot; your message cannot reach them."
    )
    assert smtp_answer(t, closed, "123456") == "550 5.7.1 Diese Anfrage ist geschlossen} {Ihre Antwort}"
    assert smtp_answer(t, NO_SUCH_ADDRESS) == "550 5.1.1 Diese Antwortadresse gibt es nicht {0}."
    # A sound translation is filled in as before.
    sound = StrayBraces({blocked[1]: "Die Person hinter Anfrage Nr. {number} hat den Bot blockiert."})
    t = sound
    assert smtp_answer(t, blocked, "123456") == (
        "550 5.7.1 Die Person hinter Anfrage Nr. 123456 hat den Bot blockiert."
    )
