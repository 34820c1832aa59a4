"""The delivery side reads a failed send's error into a reason; the render layer has words for each."""

from __future__ import annotations

import smtplib

import pytest
from telegram.error import BadRequest, Forbidden, TimedOut

from bot.delivery.refusals import Refusal, chat_gone, refusal
from bot.delivery.worker import MailNotConfigured, classify
from bot.render.partners import UNDELIVERED_REASONS
from bot.storage.models.outbox import Audience

PARTNER, RESIDENT = Audience.PARTNER, Audience.RESIDENT


@pytest.mark.parametrize(
    ("exc", "audience", "reason"),
    [
        (Forbidden("Forbidden: bot was kicked from the supergroup chat"), PARTNER, Refusal.BOT_REMOVED),
        (Forbidden("Forbidden: bot is not a member of the channel chat"), PARTNER, Refusal.BOT_REMOVED),
        (BadRequest("Bad Request: chat not found"), PARTNER, Refusal.GROUP_GONE),
        (Forbidden("Forbidden: the group chat was deactivated"), PARTNER, Refusal.GROUP_GONE),
        (BadRequest("Bad Request: have no rights to send a message"), PARTNER, Refusal.NO_RIGHTS),
        (BadRequest("Bad Request: can't parse entities"), PARTNER, Refusal.MESSAGE_REFUSED),
        (Forbidden("Forbidden: bot was blocked by the user"), RESIDENT, Refusal.BLOCKED),
        (BadRequest("Bad Request: chat not found"), RESIDENT, Refusal.ACCOUNT_GONE),
        (Forbidden("Forbidden: user is deactivated"), RESIDENT, Refusal.ACCOUNT_GONE),
        (BadRequest("Bad Request: message is too long"), RESIDENT, Refusal.MESSAGE_REFUSED),
        (TimedOut(), RESIDENT, Refusal.OTHER),
        (
            smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"5.1.1 <x@example.org>: User unknown")}),
            PARTNER,
            Refusal.ADDRESS_UNKNOWN,
        ),
        (
            smtplib.SMTPRecipientsRefused({"x@e.org": (550, b"No such user here")}),
            PARTNER,
            Refusal.ADDRESS_UNKNOWN,
        ),
        (smtplib.SMTPDataError(552, b"5.2.2 Mailbox full"), PARTNER, Refusal.MAILBOX_FULL),
        (
            smtplib.SMTPRecipientsRefused({"x@e.org": (452, b"4.2.2 Over quota")}),
            PARTNER,
            Refusal.MAILBOX_FULL,
        ),
        (smtplib.SMTPDataError(554, b"5.7.1 Rejected as spam"), PARTNER, Refusal.MAIL_REFUSED),
        (smtplib.SMTPDataError(550, b"5.7.1 Policy: user unknown to us"), PARTNER, Refusal.MAIL_REFUSED),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication failed"), PARTNER, Refusal.MAIL_SERVER),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "bot@q"), PARTNER, Refusal.MAIL_SERVER),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), PARTNER, Refusal.MAIL_SERVER),
        (smtplib.SMTPResponseException(421, b"4.3.2 Service not available"), PARTNER, Refusal.MAIL_SERVER),
        (ConnectionRefusedError(111, "Connection refused"), PARTNER, Refusal.MAIL_SERVER),
        (TimeoutError("timed out"), PARTNER, Refusal.MAIL_SERVER),
        (MailNotConfigured("no SMTP server configured"), PARTNER, Refusal.MAIL_SERVER),
        (RuntimeError("a bug quoting <the message>"), PARTNER, Refusal.OTHER),
    ],
)
def test_a_failed_sends_error_is_read_back_into_its_reason(
    exc: BaseException, audience: Audience, reason: Refusal
) -> None:
    error = classify(exc, audience).error
    assert refusal(error, audience) is reason, error
    assert "<the message>" not in error  # a bug's text could quote anything: only its name


def test_an_error_stored_before_it_named_forbidden_once_reads_the_same() -> None:
    assert refusal("Forbidden: Forbidden: bot was kicked from the group chat", PARTNER) is Refusal.BOT_REMOVED
    assert chat_gone("Forbidden: Forbidden: user is deactivated")
    assert not chat_gone("Forbidden: Forbidden: bot was blocked by the user")


def test_every_reason_has_its_words_for_the_staff() -> None:
    assert set(UNDELIVERED_REASONS) == {reason.value for reason in Refusal}
