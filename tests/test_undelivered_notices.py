"""What the Quartiersmanagement's staff read when a message could not be delivered: why, in plain words,
and what to do about it; Telegram's or the mail server's own words only at the end, as a technical detail.

Found in review: the staff chat read "A message to SOS-Mütterzentrum could not be delivered: Forbidden: bot
was kicked from the supergroup chat", or only "SMTPRecipientsRefused": words staff cannot act on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.delivery.outbox import html_to_text
from bot.delivery.worker import RetryPolicy
from bot.testing.fakeapi import Sent
from tests.harness import BotHarness, deliver
from tests.test_conversation import MUETTERZENTRUM, send_request
from tests.test_requests_e2e import arabic_resident_signs_up_for_the_german_course, free_port

STAFF = -1_000_000_000_099  # the Quartiersmanagement's staff chat (ADMIN_CHAT_ID)
DETAIL = "<i>Technische Angabe:</i> <code>"


@asynccontextmanager
async def staff_bot(database_url: str, **settings: Any) -> AsyncIterator[BotHarness]:
    """The bot with a staff chat, giving up on a partner's group or mailbox at its first refusal and on
    any other message at its first failure (as it would after hours of retries)."""
    async with BotHarness.running(database_url=database_url, admin_chat_id=STAFF, **settings) as bot:
        assert bot.services.delivery is not None
        bot.services.delivery.policy = RetryPolicy(max_attempts=1, unreachable_attempts=1)
        yield bot


def staff_notices(bot: BotHarness) -> list[Sent]:
    """The staff chat's notices that a message could not be delivered."""
    return [m for m in bot.telegram.bot_messages(STAFF) if "nicht zugestellt" in (m.text or "")]


def read(notice: Sent) -> tuple[list[str], str]:
    """A notice as staff read it, line by line (without its markup), and its last line's HTML."""
    html = notice.text or ""
    return html_to_text(html).splitlines(), html.splitlines()[-1]


def refuse_chat(bot: BotHarness, chat: int, status: int, description: str) -> None:
    body = {"ok": False, "error_code": status, "description": description}
    bot.telegram.fault = lambda method, params: (
        (status, body) if str(params.get("chat_id")) == str(chat) else None
    )


@pytest.mark.parametrize(
    ("status", "description", "says"),
    [
        (
            403,
            "Forbidden: bot was kicked from the supergroup chat",
            "Der Bot ist nicht mehr in der Telegram-Gruppe von SOS-Mütterzentrum: Jemand hat ihn entfernt. "
            "Bitte fügen Sie den Bot wieder zur Gruppe hinzu.",
        ),
        (
            400,
            "Bad Request: chat not found",
            "Die Telegram-Gruppe von SOS-Mütterzentrum wurde nicht gefunden: Sie wurde gelöscht, oder ihre "
            "Nummer in den Inhalten ist falsch. Bitte prüfen Sie telegram_chat_id in content/partners.yaml.",
        ),
        (
            400,
            "Bad Request: not enough rights to send text messages to the chat",
            "Der Bot darf in der Telegram-Gruppe von SOS-Mütterzentrum nicht schreiben. Bitte erlauben Sie "
            "ihm dort, Nachrichten zu senden (in den Gruppeneinstellungen, oder machen Sie ihn zum Admin).",
        ),
    ],
    ids=["kicked", "group-gone", "no-rights"],
)
async def test_a_partner_group_that_refuses_the_card_is_told_to_staff_in_plain_words(
    database_url: str, status: int, description: str, says: str
) -> None:
    async with staff_bot(database_url) as bot:
        ayse = bot.resident("Ayşe", lang="de")
        refuse_chat(bot, MUETTERZENTRUM, status, description)
        card = await send_request(bot, ayse, "frauencafe", "Ist das Café samstags offen?")
        bot.telegram.fault = None
        assert card.chat_id != MUETTERZENTRUM  # passed on to the Quartiersmanagement

        [notice] = staff_notices(bot)
        lines, last = read(notice)
        number = card.text and card.text.split("Nr. ")[1][:6]
        assert lines[0] == (
            f"⚠️ Eine Nachricht an SOS-Mütterzentrum zur Anfrage Nr. {number} konnte nicht zugestellt werden."
        )
        assert lines[1] == says
        assert lines[2] == (
            f"Anfrage Nr. {number} wurde an Quartiersmanagement Ost- und Westsiedlung weitergeleitet."
        )
        # Telegram's words only at the very end, as a technical detail.
        words = description.split(": ", 1)[1]  # Telegram's words, whatever it calls the error
        assert last.startswith(DETAIL) and words in last.lower() and last.endswith("</code>")
        assert all(words not in line.lower() and "Forbidden" not in line for line in lines[:-1])


async def test_a_long_error_is_cut_and_escaped_in_the_technical_detail(database_url: str) -> None:
    async with staff_bot(database_url) as bot:
        ayse = bot.resident("Ayşe", lang="de")
        description = "Forbidden: bot was kicked from the group <b>chat</b> & " + "x" * 400
        refuse_chat(bot, MUETTERZENTRUM, 403, description)
        await send_request(bot, ayse, "frauencafe", "Ist das Café samstags offen?")
        bot.telegram.fault = None

        [notice] = staff_notices(bot)
        lines, last = read(notice)
        assert "Bitte fügen Sie den Bot wieder zur Gruppe hinzu." in lines[1]
        detail = last.removeprefix(DETAIL).removesuffix("</code>")
        assert detail.startswith("Forbidden: bot was kicked from the group &lt;b&gt;chat&lt;/b&gt; &amp;")
        assert detail.endswith("x…") and len(html_to_text(detail)) == 200


class RefusingMailbox:
    """A partner's mail server that refuses its mail: at RCPT (`rcpt`) or after the message (`data`)."""

    def __init__(self, rcpt: str | None = None, data: str | None = None) -> None:
        self.rcpt, self.data = rcpt, data

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.rcpt:
            return self.rcpt.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return self.data or "250 OK"


@asynccontextmanager
async def mail_bot(database_url: str, port: int) -> AsyncIterator[BotHarness]:
    async with staff_bot(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_from="bot@example.org",
        smtp_reply_to="qm@example.org",
    ) as bot:
        yield bot


async def notice_about_the_course(bot: BotHarness) -> Sent:
    """An Arabic resident asks the German course's provider (reached by e-mail); the staff's one notice
    that its e-mail did not arrive, once the outbox gave up on it."""
    await arabic_resident_signs_up_for_the_german_course(bot)
    for attempt in range(40):
        if staff_notices(bot):
            break
        if attempt:
            await asyncio.sleep(0.05)
        await deliver(bot)
    [notice] = staff_notices(bot)
    return notice


@pytest.mark.parametrize(
    ("server", "says", "raw"),
    [
        (
            RefusingMailbox(rcpt="550 5.1.1 <{address}>: Recipient address rejected: User unknown"),
            "Die E-Mail-Adresse von Bildungsträger in Salzgitter gibt es nicht. Bitte prüfen Sie die "
            "E-Mail-Adresse in content/partners.yaml.",
            "SMTPRecipientsRefused: 550 5.1.1 &lt;bildung@example.org&gt;: Recipient address rejected",
        ),
        (
            RefusingMailbox(rcpt="552 5.2.2 Mailbox full"),
            "Das Postfach von Bildungsträger in Salzgitter ist voll. Bitten Sie Bildungsträger in "
            "Salzgitter, darin Platz zu schaffen.",
            "SMTPRecipientsRefused: 552 5.2.2 Mailbox full",
        ),
        (
            RefusingMailbox(data="554 5.7.1 Message rejected as spam"),
            "Der Mailserver von Bildungsträger in Salzgitter hat die E-Mail abgelehnt. Bitte prüfen Sie die "
            "E-Mail-Adresse in content/partners.yaml; wenn sie stimmt, bitten Sie Bildungsträger in "
            "Salzgitter, E-Mails des Bots anzunehmen.",
            "SMTPDataError: 554 5.7.1 Message rejected as spam",
        ),
    ],
    ids=["no-such-address", "mailbox-full", "spam-filter"],
)
async def test_a_mail_server_that_refuses_the_card_is_told_to_staff_in_plain_words(
    database_url: str, server: RefusingMailbox, says: str, raw: str
) -> None:
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        async with mail_bot(database_url, port) as bot:
            notice = await notice_about_the_course(bot)
    finally:
        controller.stop()
    lines, last = read(notice)
    assert lines[0].startswith("⚠️ Eine Nachricht an Bildungsträger in Salzgitter zur Anfrage Nr. ")
    assert lines[1] == says
    assert last.startswith(DETAIL) and raw in last
    code = raw.split(": ", 1)[1][:9]  # "550 5.1.1": never in a request number (six digits)
    assert all("SMTP" not in line and code not in line for line in lines[:-1])


async def test_a_mail_server_that_cannot_be_reached_is_told_as_the_bots_own(database_url: str) -> None:
    """Nobody listens at the SMTP port (hours of retries, here one): not the partner's fault; whoever looks
    after the bot is to check the mail server."""
    async with mail_bot(database_url, free_port()) as bot:
        notice = await notice_about_the_course(bot)
    lines, last = read(notice)
    assert lines[1] == (
        "Der Bot konnte die E-Mail nicht senden: Sein eigener Mailserver war nicht erreichbar oder hat sie "
        "abgelehnt. Bitte sagen Sie der Person, die den Bot betreut, dass sie den Mailserver und die "
        "SMTP-Einstellungen prüfen soll."
    )
    assert len(lines) == 3 and last.startswith(DETAIL + "ConnectionRefusedError: ")


@pytest.mark.parametrize(
    ("status", "description", "says"),
    [
        (
            403,
            "Forbidden: bot was blocked by the user",
            [
                "Die Person hat den Bot blockiert.",
                "Im Chat erreicht die Person jetzt nichts mehr. Wenn sie eine Telefonnummer angegeben hat, "
                "können Sie sie anrufen.",
            ],
        ),
        (
            400,
            "Bad Request: can't parse entities: unsupported start tag",
            [
                "Telegram hat nur diese eine Nachricht abgelehnt; mit dem Chat selbst ist alles in Ordnung. "
                "Wenn das wieder passiert, sagen Sie bitte der Person Bescheid, die den Bot betreut."
            ],
        ),
    ],
    ids=["blocked", "refused"],
)
async def test_an_answer_that_cannot_reach_the_resident_is_told_to_staff_in_plain_words(
    database_url: str, status: int, description: str, says: list[str]
) -> None:
    """She blocked the bot (then what staff can still do: call her), or Telegram refused the one message."""
    async with staff_bot(database_url) as bot:
        ayse = bot.resident("Ayşe", lang="de")
        card = await send_request(bot, ayse, "frauencafe", "Ist das Café samstags offen?")
        refuse_chat(bot, ayse.chat, status, description)
        await bot.partner("Petra", MUETTERZENTRUM).send("Ja, samstags von 10 bis 12 Uhr.", reply_to=card)
        await deliver(bot)
        bot.telegram.fault = None

        [notice] = staff_notices(bot)
        lines, last = read(notice)
        assert lines[0].startswith("⚠️ Eine Nachricht an die Bewohnerin oder den Bewohner der Anfrage Nr.")
        assert lines[0].endswith("konnte nicht zugestellt werden.")
        assert lines[1:-1] == says
        words = description.split(": ", 1)[1].replace("'", "&#x27;")
        assert last.startswith(DETAIL) and words in last.lower()
