"""E-mail to partners without a Telegram group: stdlib smtplib, run in a thread so the event loop stays free.

Errors are not handled here: the worker retries connection problems and 4xx answers with backoff, and
treats a 5xx refusal like a deleted group (re-routed to the catch-all after a few attempts).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import logging
import mimetypes
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Mapping
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from telegram import Bot
from telegram.error import BadRequest

from bot.content.models import Partner
from bot.settings import Settings

logger = logging.getLogger(__name__)

FileFetcher = Callable[[str], Awaitable[bytes]]
"""Downloads a Telegram file by file_id (see `telegram_file_fetcher`)."""

DEFAULT_NAMES = {"image/jpeg": "photo.jpg", "audio/ogg": "voice.ogg"}
SMTP_TIMEOUT = 30.0  # seconds


def telegram_file_fetcher(bot: Bot) -> FileFetcher:
    async def fetch(file_id: str) -> bytes:
        file = await bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())

    return fetch


def unrelayed_replies(settings: Settings, partners: Mapping[str, Partner]) -> str | None:
    """The start-up warning when partners get requests only by e-mail but their replies cannot reach the
    residents (no MAIL_INBOUND_PORT): their cards then say so, and they can only call a resident who left
    a number. None when every reply can reach its resident."""
    if settings.relays_email_replies:
        return None
    by_mail = sorted(
        pid for pid, p in partners.items() if p.requests.email and p.requests.telegram_chat_id is None
    )
    if not by_mail:
        return None
    mailbox = settings.smtp_reply_to or settings.smtp_from or "SMTP_REPLY_TO"
    # Their e-mails and the residents' acknowledgements say a reply reaches the Quartiersmanagement, which
    # passes it on from its group: true only if it reads the mailbox replies go to.
    unread = (
        f" SMTP_REPLY_TO is not set, so replies go to the sender address {mailbox}: set SMTP_REPLY_TO to "
        "the Quartiersmanagement's mailbox."
        if not settings.smtp_reply_to
        else ""
    )
    return (
        f"{len(by_mail)} partner(s) get requests only by e-mail ({', '.join(by_mail)}), and "
        f"MAIL_INBOUND_PORT is not set: their e-mail replies go to {mailbox}, never straight to the "
        "resident. The Quartiersmanagement gets these requests in its group at once to pass answers on "
        f"(if it has a group), so {mailbox} must be a mailbox it reads.{unread} To relay replies directly, "
        "set MAIL_INBOUND_PORT, MAIL_REPLY_DOMAIN and MAIL_REPLY_SECRET (README), or give these partners "
        "a Telegram group."
    )


def reply_signature(request_number: str, secret: str) -> str:
    """A short HMAC so nobody can answer a request by guessing its number."""
    return hmac.new(secret.encode(), request_number.encode(), hashlib.sha256).hexdigest()[:12]


class SmtpMailer:
    """Builds the e-mail from an outbox payload (plain text + HTML alternative + attachments) and sends it."""

    def __init__(self, settings: Settings, fetch_file: FileFetcher) -> None:
        assert settings.smtp_host and settings.smtp_from, "SMTP_HOST and SMTP_FROM configure the mailer"
        self.settings = settings
        self.fetch_file = fetch_file
        self.from_address = settings.smtp_from
        self.domain = self.from_address.rpartition("@")[2] or "quartiersbot.invalid"

    def _msgid(self, key: str) -> str:
        return f"<{key}@{self.domain}>"

    def reply_address(self, request_number: str | None) -> str:
        """Where the partner's reply goes: with inbound mail (bot.delivery.inbound), an address of
        MAIL_REPLY_DOMAIN that names the request and carries a signature, so the bot relays the reply to
        the resident; else the Quartiersmanagement's mailbox (SMTP_REPLY_TO) or the From address."""
        s = self.settings
        if request_number and s.mail_reply_domain and s.mail_reply_secret:
            signature = reply_signature(request_number, s.mail_reply_secret)
            return f"antwort+{request_number}-{signature}@{s.mail_reply_domain}"
        return s.smtp_reply_to or self.from_address

    async def build(self, to: str, payload: Mapping[str, Any]) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = payload["subject"]
        message["From"] = self.from_address
        message["To"] = to
        message["Reply-To"] = self.reply_address(payload.get("reply_key"))
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = self._msgid(payload["message_id"])
        if payload.get("in_reply_to"):
            message["In-Reply-To"] = self._msgid(payload["in_reply_to"])
            message["References"] = self._msgid(payload["in_reply_to"])
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(payload["text"])
        message.add_alternative(
            f'<!DOCTYPE html><html><body style="font-family:sans-serif">{payload["html"]}</body></html>',
            subtype="html",
        )
        for index, attachment in enumerate(payload.get("attachments", []), start=1):
            await self._attach(message, attachment, index)
        return message

    async def _attach(self, message: EmailMessage, attachment: Mapping[str, Any], index: int) -> None:
        try:
            data = await self.fetch_file(attachment["file_id"])
        except BadRequest as exc:
            # Too big to download (over 20 MB) or gone: send the card anyway; it counts the attachments.
            logger.warning("attachment %s of an e-mail skipped: %s", index, exc.message)
            return
        mime = attachment.get("mime_type") or "application/octet-stream"
        name = (
            attachment.get("file_name")
            or DEFAULT_NAMES.get(mime)
            or f"attachment{mimetypes.guess_extension(mime) or ''}"
        )
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(
            data, maintype=maintype, subtype=subtype or "octet-stream", filename=f"{index}-{name}"
        )

    async def send(self, to: str, payload: Mapping[str, Any]) -> None:
        message = await self.build(to, payload)
        await asyncio.to_thread(self._send_sync, message)

    @functools.cached_property
    def _tls(self) -> ssl.SSLContext:
        """One TLS context for every e-mail (reading the system's certificates takes ~10 ms), made only
        for a server that speaks TLS."""
        return ssl.create_default_context()

    def _send_sync(self, message: EmailMessage) -> None:
        s = self.settings
        assert s.smtp_host is not None
        smtp: smtplib.SMTP
        if s.smtp_security == "ssl":
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT, context=self._tls)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
        with smtp:
            if s.smtp_security == "starttls":
                smtp.starttls(context=self._tls)
            if s.smtp_user and s.smtp_password:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(message)
