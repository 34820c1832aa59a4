"""Partner e-mail through a real local SMTP server (aiosmtpd): what arrives, and what if it is down."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.delivery.mail import SmtpMailer, unrelayed_replies
from bot.delivery.worker import DeliveryWorker
from bot.settings import Settings
from bot.storage.db import Database
from bot.tickets.deps import TicketContext
from bot.tickets.hooks import TicketDeliveryHooks
from tests.tickets.fakes import Clock, FakeBot
from tests.tickets.helpers import drain, outbox_rows, photo, submit

PHOTO_BYTES = b"\xff\xd8\xff\xe0fake-jpeg"


class Inbox:
    def __init__(self, refuse: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = refuse

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


def mailer(port: int) -> SmtpMailer:
    async def fetch(file_id: str) -> bytes:
        assert file_id == "photo-78"
        return PHOTO_BYTES

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_from="bot@quartier.example",
        smtp_reply_to="qm@quartier.example",
    )
    return SmtpMailer(settings, fetch)


def worker(database: Database, ctx: TicketContext, port: int, clock: Clock) -> DeliveryWorker:
    return DeliveryWorker(
        database,
        FakeBot(),
        mailer(port),
        hooks=TicketDeliveryHooks(lambda: ctx),
        clock=clock,  # type: ignore[arg-type]
    )


async def test_email_partner_receives_card_with_both_parts_and_attachment(
    database: Database, ctx: TicketContext, inbox: Inbox, smtp_port: int
) -> None:
    request = await submit(database, ctx, offer_id=None, partner_id="beratung", attachments=[photo(78)])
    clock = Clock(datetime.now(UTC))
    await drain(worker(database, ctx, smtp_port, clock), clock)

    (message,) = inbox.messages
    assert inbox.envelopes == [("bot@quartier.example", ["beratung@example.org"])]
    assert request.number in str(message["Subject"])
    assert message["Reply-To"] == "qm@quartier.example"
    assert message["Message-ID"] == f"<request-{request.number}.0@quartier.example>"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    plain_text, html_text = plain.get_content(), html.get_content()
    assert "Ich möchte zum Deutschkurs <b>bitte</b>" in plain_text  # plain text is not escaped…
    assert "&lt;b&gt;bitte&lt;/b&gt;" in html_text  # …the HTML part is
    assert "Amina" in plain_text and "5550001" not in plain_text
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "image/jpeg"
    assert attachment.get_filename() == "1-photo.jpg"
    assert attachment.get_content() == PHOTO_BYTES
    assert (await outbox_rows(database))[0].status == "sent"


async def test_smtp_server_down_is_retried_until_it_answers(database: Database, ctx: TicketContext) -> None:
    port = free_port()  # nothing listens yet: connection refused
    await submit(database, ctx, offer_id=None, partner_id="beratung")
    clock = Clock(datetime.now(UTC))
    w = worker(database, ctx, port, clock)
    await w.run_once()
    row = (await outbox_rows(database))[0]
    assert (
        row.status == "pending" and row.attempts == 1 and "ConnectionRefusedError" in (row.last_error or "")
    )

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await drain(w, clock)
    finally:
        controller.stop()
    assert len(handler.messages) == 1
    assert (await outbox_rows(database))[0].status == "sent"


async def test_refused_mailbox_is_rerouted_to_the_catch_all(database: Database, ctx: TicketContext) -> None:
    port = free_port()
    handler = Inbox(refuse=True)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    request = await submit(database, ctx, offer_id=None, partner_id="beratung")
    clock = Clock(datetime.now(UTC))
    w = worker(database, ctx, port, clock)
    try:
        await drain(w, clock)
    finally:
        controller.stop()
    rows = await outbox_rows(database)
    assert rows[0].status == "dead" and rows[0].attempts == 3
    bot = w.bot
    assert isinstance(bot, FakeBot)
    assert any(request.number in s.text and "could not be delivered" in s.text for s in bot.sent)


def test_start_up_warns_only_when_email_partners_cannot_reach_residents(ctx: TicketContext) -> None:
    partners = ctx.catalogue.partners
    by_mail = sorted(p for p, partner in partners.items() if partner.requests.telegram_chat_id is None)
    assert by_mail and any(partners[p].requests.email for p in by_mail)
    without = Settings(_env_file=None, smtp_host="h", smtp_from="bot@q.example", smtp_reply_to="qm@q.example")  # type: ignore[call-arg]
    warning = unrelayed_replies(without, partners)
    assert warning is not None and "qm@q.example" in warning and "MAIL_INBOUND_PORT" in warning
    assert all(p in warning for p in by_mail if partners[p].requests.email)
    assert "SMTP_REPLY_TO is not set" not in warning
    # Review 1, finding 10: without SMTP_REPLY_TO the replies go to the sender address, perhaps a no-reply
    # one, while partners and residents are told the Quartiersmanagement passes them on.
    no_reply_to = without.model_copy(update={"smtp_reply_to": None})
    unread = unrelayed_replies(no_reply_to, partners)
    assert unread is not None and "SMTP_REPLY_TO is not set" in unread and "bot@q.example" in unread
    relayed = without.model_copy(
        update={"mail_inbound_port": 2525, "mail_reply_domain": "a.example", "mail_reply_secret": "x" * 16}
    )
    assert unrelayed_replies(relayed, partners) is None
    groups_only = {p: partner for p, partner in partners.items() if partner.requests.telegram_chat_id}
    assert unrelayed_replies(without, groups_only) is None
