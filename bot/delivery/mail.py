"""E-mail to partners without a Telegram group: stdlib smtplib, run in a thread so the event loop stays free.

Errors are not handled here: the worker retries connection problems and 4xx answers with backoff, and
treats a 5xx refusal like a deleted group (re-routed to the catch-all after a few attempts).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import mimetypes
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Literal

from telegram import Bot
from telegram.error import BadRequest

logger = logging.getLogger(__name__)

FileFetcher = Callable[[str], Awaitable[bytes]]
"""Downloads a Telegram file by file_id (see `telegram_file_fetcher`)."""

DEFAULT_NAMES = {"image/jpeg": "photo.jpg", "audio/ogg": "voice.ogg"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    from_address: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    security: Literal["starttls", "ssl", "none"] = "starttls"
    # Where partners' replies go (the Quartiersmanagement's mailbox); the From address if unset.
    reply_to: str | None = None
    # With inbound mail (bot.delivery.inbound): replies to a request go to an address of this domain that
    # names the request and carries a signature, and the bot relays them to the resident.
    reply_domain: str | None = None
    reply_secret: str | None = None
    timeout: float = 30.0

    @property
    def domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "quartiersbot.invalid"


def telegram_file_fetcher(bot: Bot) -> FileFetcher:
    async def fetch(file_id: str) -> bytes:
        file = await bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())

    return fetch


def reply_signature(request_number: str, secret: str) -> str:
    """A short HMAC so nobody can answer a request by guessing its number."""
    return hmac.new(secret.encode(), request_number.encode(), hashlib.sha256).hexdigest()[:12]


def reply_address(request_number: str, domain: str, secret: str) -> str:
    return f"antwort+{request_number}-{reply_signature(request_number, secret)}@{domain}"


class SmtpMailer:
    """Builds the e-mail from an outbox payload (plain text + HTML alternative + attachments) and sends it."""

    def __init__(self, settings: SmtpSettings, fetch_file: FileFetcher | None = None) -> None:
        self.settings = settings
        self.fetch_file = fetch_file

    def _msgid(self, key: str) -> str:
        return f"<{key}@{self.settings.domain}>"

    def reply_address(self, request_number: str | None) -> str:
        s = self.settings
        if request_number and s.reply_domain and s.reply_secret:
            return reply_address(request_number, s.reply_domain, s.reply_secret)
        return s.reply_to or s.from_address

    async def build(self, to: str, payload: Mapping[str, Any]) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = payload["subject"]
        message["From"] = self.settings.from_address
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
        if self.fetch_file is None:
            raise RuntimeError("e-mail with attachments needs a file fetcher")
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

    def _send_sync(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with smtp:
            if s.security == "starttls":
                smtp.starttls(context=context)
            if s.user and s.password:
                smtp.login(s.user, s.password)
            smtp.send_message(message)
