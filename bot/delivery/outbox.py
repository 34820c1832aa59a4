"""Writing to the outbox: services call `enqueue` inside the transaction that changes the state.

Payload format (JSON, stored in `OutboxMessage.payload`):

Telegram, method "sendMessage":
    {"text": "<html>", "parse_mode": "HTML",
     "keyboard": [[["Take on", "req:take:12"], ["Close", "req:close:12"]]],   # optional inline keyboard
     "reply_to_message_id": 123,        # optional: reply to this message of the target chat
     "reply_to_card": 12}               # optional: reply to the latest card of request 12 in the target chat,
                                        # looked up when sending (the card's id is only known once sent)
Telegram, method "copyMessage" (attachments are copied, never forwarded):
    {"from_chat_id": 42, "message_id": 7, "caption": "<html>", "parse_mode": "HTML",
     "reply_to_message_id": ..., "reply_to_card": ...}
E-mail, method "email":
    {"subject": "...", "text": "...", "html": "...", "message_id": "<...@quartiersbot>",
     "in_reply_to": "<...>"?, "attachments": [{"file_id": "...", "file_name": "...", "mime_type": "..."}]}
Any of them: "carries": 31 (optional): the message of a request's thread (`RequestMessage.id`) this row
carries, a partner's answer to the resident: whether it reached her (`store.lapsed_conversation`,
`store.answered_status`).

`target` is the chat id as text, or the e-mail address. After a Telegram message is sent, the worker records
it as a ThreadLink with `link_role` (when set), so replies to it map back to the request.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.keyboards import Keyboard
from bot.storage.models.outbox import CARRIES, Audience, Channel, OutboxMessage
from bot.storage.models.requests import LinkRole

SEND_MESSAGE = "sendMessage"
COPY_MESSAGE = "copyMessage"
EMAIL = "email"


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """The keyboard model (a screen's, or a payload's JSON rows) as Telegram's inline keyboard: the one place
    it becomes a Telegram type, for the worker and the handlers alike."""
    if keyboard is None:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in keyboard]
    )


# Set in a session's `info` when it put a message into the outbox: after its commit the worker is woken.
QUEUED = "outbox_queued"


@dataclass(frozen=True)
class Destination:
    """Where a message goes: a Telegram chat (and forum topic), or an e-mail address."""

    channel: Channel
    target: str  # chat id as text, or the e-mail address
    thread_id: int | None = None  # the forum topic of a partner's supergroup, if it uses topics

    @property
    def chat_id(self) -> int | None:
        return int(self.target) if self.channel is Channel.TELEGRAM else None


@dataclass(frozen=True)
class Copy:
    """A resident's or partner's photo, voice message or document: copied on Telegram, attached to e-mail."""

    chat_id: int
    message_id: int
    file_id: str | None
    file_name: str | None
    mime_type: str | None


def html_to_text(html: str) -> str:
    """Plain text of the bot's own HTML (for e-mails); never used on HTML a person wrote."""
    return unescape(re.sub(r"<[^>]+>", "", html))


async def enqueue(
    session: AsyncSession,
    dest: Destination,
    html: str,
    *,
    audience: Audience,
    subject: str = "",
    mail_id: str = "",
    text: str | None = None,
    mail_html: str | None = None,
    keyboard: Keyboard | None = None,
    copy: Copy | None = None,
    mail_attachments: Sequence[Copy] = (),
    reply_to_message_id: int | None = None,
    reply_to_card: int | None = None,
    in_reply_to: str | None = None,
    reply_key: str | None = None,
    request_id: int | None = None,
    partner_id: str | None = None,
    link_role: LinkRole | None = None,
    dedupe_key: str | None = None,
    carries: int | None = None,
) -> OutboxMessage:
    """Add `html` to the outbox as a Telegram message (a copy of `copy` with `html` as caption) or as an
    e-mail (flushed, not committed: it goes out only if the transaction commits).

    E-mail only (left out where the destination is always a chat): `subject`, `mail_id` (its Message-ID),
    `text`/`mail_html` when the plain and HTML parts are not simply `html` (`copy` and `mail_attachments`
    become attachments). Telegram only: `keyboard`, the reply placement and `link_role` (the sent message
    joins a request's thread).

    `dedupe_key` names the logical message ("req:12:ack"); enqueueing it twice violates a unique constraint
    instead of sending twice. Messages without a natural key get a random one. `carries`: the message
    of a request's thread this row carries (`RequestMessage.id`).
    """
    payload: dict[str, Any]
    if dest.channel is Channel.TELEGRAM:
        if copy is None:
            method, payload = SEND_MESSAGE, {"text": html, "parse_mode": "HTML"}
            if keyboard:
                payload["keyboard"] = [[[label, data] for label, data in row] for row in keyboard]
        else:  # the attachment, with `html` as its caption (and without keyboard)
            method, payload = COPY_MESSAGE, {"caption": html, "parse_mode": "HTML"}
            payload |= {"from_chat_id": copy.chat_id, "message_id": copy.message_id}
        placement = {
            "reply_to_message_id": reply_to_message_id,
            "reply_to_card": reply_to_card,
            "message_thread_id": dest.thread_id,
        }
        payload |= {key: value for key, value in placement.items() if value is not None}
    else:
        method, link_role = EMAIL, None
        files = [*([copy] if copy is not None else []), *mail_attachments]
        payload = {
            "subject": subject,
            "text": text if text is not None else html_to_text(html),
            "html": mail_html if mail_html is not None else f"<p>{html.replace(chr(10), '<br>')}</p>",
            "message_id": mail_id,
            "attachments": [
                {"file_id": f.file_id, "file_name": f.file_name, "mime_type": f.mime_type} for f in files
            ],
        }
        if in_reply_to:
            payload["in_reply_to"] = in_reply_to
        if reply_key:
            # The request number: with inbound mail configured, Reply-To becomes an address that leads back
            # to it.
            payload["reply_key"] = reply_key
    if carries is not None:
        payload[CARRIES] = carries
    row = OutboxMessage(
        channel=dest.channel,
        target=dest.target,
        audience=audience,
        method=method,
        payload=payload,
        request_id=request_id,
        partner_id=partner_id,
        link_role=link_role.value if link_role else None,
        dedupe_key=dedupe_key or f"uuid:{uuid.uuid4().hex}",
    )
    session.add(row)
    await session.flush()
    session.info[QUEUED] = True
    return row
