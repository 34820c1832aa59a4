"""Partners answer request cards by e-mail: a small SMTP server for the replies.

Outgoing cards carry `Reply-To: antwort+<number>-<signature>@<MAIL_REPLY_DOMAIN>`. The city's mail server
forwards that domain (or just that address pattern) to this listener (`MAIL_INBOUND_PORT`). The recipient
address maps the e-mail to its request — like message ids on Telegram, never by reading the text — and
the signature keeps strangers from answering by guessing numbers. Refusals are SMTP errors, so the partner's
mail server bounces them with the reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.delivery.mail import reply_signature
from bot.delivery.quotes import html_text, strip_quotes
from bot.languages import N_
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.i18n import Translator

logger = logging.getLogger(__name__)

ADDRESS_RE = re.compile(
    r"^antwort\+(?P<number>[0-9A-Za-z]{1,16})-(?P<sig>[0-9a-f]{12})@(?P<domain>.+)$", re.I
)
MAX_TEXT = 4000
MAX_MAIL_BYTES = 10 * 1024 * 1024

# (number, sender address, text, Message-ID) → what became of the reply: "ok", "duplicate", "wrong_chat"
# (a sender the request's partner does not name), "closed", "withdrawn", "deleted" (by its resident, with
# their data), "empty", "resident_unreachable" (she blocked the bot), "resident_gone" (her Telegram
# account is gone), or anything else for "no such request" (purged long after it was finished).
ReplyCallback = Callable[[str, str, str, str], Awaitable[str]]
# The outcome as the SMTP answer: a refusal bounces back to the partner with its reason, in the partners'
# language. Only the partner's own addresses may answer (SECURITY.md, partner impersonation: a forwarded
# card must not let whoever holds it write to the resident in the organisation's name), so the refusal
# says from which one to answer, without naming it to a stranger.
SMTP_ANSWERS = {
    "ok": ("250 OK", None),
    "duplicate": ("250 OK", None),
    "wrong_chat": (
        "550 5.7.1",
        N_(
            "Please answer from the e-mail address the request was sent to: replies from other addresses "
            "do not reach the resident."
        ),
    ),
    "closed": ("550 5.7.1", N_("This request is closed: your reply did not reach the resident.")),
    "withdrawn": ("550 5.7.1", N_("The resident withdrew this request: your reply did not reach them.")),
    "deleted": ("550 5.1.1", N_("The resident deleted their data: this request no longer exists.")),
    "empty": ("550 5.6.0", N_("Your reply contains no text of your own above or below the quoted request.")),
    # What a reply in the partner's group is told (`bot.render.partners.REFUSALS`).
    "resident_unreachable": (
        "550 5.7.1",
        N_("The resident of request {number} has blocked the bot; your message cannot reach them."),
    ),
    "resident_gone": (
        "550 5.1.1",
        N_(
            "The resident of request {number} can no longer be reached: their Telegram account no longer "
            "exists. Your message cannot reach them."
        ),
    ),
}
NO_SUCH_REQUEST = (
    "550 5.1.1",
    N_("This request does not exist (any more): finished requests are deleted after a while."),
)
NO_SUCH_ADDRESS = ("550 5.1.1", N_("This reply address does not exist."))
TOO_BIG = ("552 5.3.4", N_("Your e-mail is too big (at most 10 MB)."))
# SMTP answers are ASCII: German is written as in a telegram, other scripts fall back to the English.
ASCII_GERMAN = str.maketrans(
    dict(zip("äöüÄÖÜß„“–", ["ae", "oe", "ue", "Ae", "Oe", "Ue", "ss", '"', '"', "-"], strict=True))
)


def smtp_answer(t: Translator, answer: tuple[str, str | None], number: str = "") -> str:
    """`answer` (code, msgid) as an SMTP status line in the partners' language, ASCII only (`number`: the
    request's, for a msgid that names it)."""
    code, message = answer
    if message is None:
        return code
    text = unicodedata.normalize("NFKD", _filled(t.gettext(message), message, number).translate(ASCII_GERMAN))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return f"{code} {text if text.isascii() else _filled(message, message, number)}"


def _filled(text: str, msgid: str, number: str) -> str:
    """`text` (the translation of `msgid`) with the request number filled in where the msgid names it; a
    translation that cannot be filled in (a stray "{" or "}") gives way to the msgid: an SMTP answer must
    never fail inside the server."""
    if "{number}" not in msgid:
        return text
    try:
        return text.format(number=number)
    except (IndexError, KeyError, ValueError):
        return msgid.format(number=number)


def reply_text(mail: EmailMessage) -> str:
    """The new part of a reply: the plain-text body (else the HTML one as text) without the quoted card."""
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = str(part.get_content())
    if part.get_content_type() == "text/html":
        content = html_text(content)
    return strip_quotes(content)[:MAX_TEXT]


class ReplyHandler:
    """aiosmtpd handler: accepts only signed reply addresses of our domain, hands each e-mail over."""

    def __init__(self, domain: str, secret: str, on_reply: ReplyCallback, t: Translator) -> None:
        self.domain = domain.lower()
        self.secret = secret
        self.on_reply = on_reply
        self.t = t  # the partners' language for refusals

    def _number(self, address: str) -> str | None:
        match = ADDRESS_RE.match(address.strip())
        if match is None or match["domain"].lower() != self.domain:
            return None
        if not hmac.compare_digest(match["sig"].lower(), reply_signature(match["number"], self.secret)):
            return None
        return match["number"]

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self._number(address) is None:
            return smtp_answer(self.t, NO_SUCH_ADDRESS)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if not isinstance(raw, bytes) or len(raw) > MAX_MAIL_BYTES:
            return smtp_answer(self.t, TOO_BIG)
        mail: Any = message_from_bytes(raw, policy=policy.default)
        sender = parseaddr(str(mail.get("From", "")))[1] or str(envelope.mail_from or "")
        message_id = str(mail.get("Message-ID") or "") or f"<no-id-{hashlib.sha256(raw).hexdigest()}>"
        text = reply_text(mail)
        status = "250 OK"
        for address in envelope.rcpt_tos:
            number = self._number(address)
            if number is None:
                continue
            outcome = str(await self.on_reply(number, sender, text, message_id))
            status = smtp_answer(self.t, SMTP_ANSWERS.get(outcome, NO_SUCH_REQUEST), number)
            if not status.startswith("250"):
                break
        logger.info("reply e-mail for a request: %s", status)
        return status


async def listen(settings: Settings, on_reply: ReplyCallback, t: Translator) -> asyncio.Server:
    """Start the SMTP listener for partners' replies (MAIL_INBOUND_HOST, MAIL_INBOUND_PORT); `t` writes
    the refusals (the partners' language)."""
    domain, secret = settings.mail_reply_domain, settings.mail_reply_secret
    assert domain and secret, "MAIL_INBOUND_PORT needs MAIL_REPLY_DOMAIN and MAIL_REPLY_SECRET"
    handler = ReplyHandler(domain, secret, on_reply, t)
    host, port = settings.mail_inbound_host, settings.mail_inbound_port
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname=domain), host, port)
    logger.info("listening for partners' e-mail replies on %s:%s", host, port)
    return server
