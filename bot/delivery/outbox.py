"""Writing to the outbox. Services call these inside the transaction that changes the state.

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

`target` is the chat id as text, or the e-mail address. After a Telegram message is sent, the worker records
it as a ThreadLink with `link_role` (when set), so replies to it map back to the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models.outbox import Audience, Channel, OutboxMessage
from bot.storage.models.requests import LinkRole

Keyboard = Sequence[Sequence[tuple[str, str]]]
"""Rows of (label, callback data); JSON-friendly, turned into an InlineKeyboardMarkup when sent."""

SEND_MESSAGE = "sendMessage"
COPY_MESSAGE = "copyMessage"
EMAIL = "email"


def _placement(
    reply_to_message_id: int | None, reply_to_card: int | None, thread_id: int | None
) -> dict[str, Any]:
    """Where in the chat a message goes: as a reply (to a message, or to a request's card), in a topic."""
    optional = {
        "reply_to_message_id": reply_to_message_id,
        "reply_to_card": reply_to_card,
        "message_thread_id": thread_id,
    }
    return {key: value for key, value in optional.items() if value is not None}


def message_payload(
    text: str,
    *,
    keyboard: Keyboard | None = None,
    reply_to_message_id: int | None = None,
    reply_to_card: int | None = None,
    thread_id: int | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if keyboard:
        payload["keyboard"] = [[[label, data] for label, data in row] for row in keyboard]
    return payload | _placement(reply_to_message_id, reply_to_card, thread_id)


def copy_payload(
    from_chat_id: int,
    message_id: int,
    *,
    caption: str | None = None,
    reply_to_message_id: int | None = None,
    reply_to_card: int | None = None,
    thread_id: int | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {"from_chat_id": from_chat_id, "message_id": message_id}
    if caption is not None:
        payload["caption"] = caption
        payload["parse_mode"] = "HTML"
    return payload | _placement(reply_to_message_id, reply_to_card, thread_id)


def email_payload(
    *,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    in_reply_to: str | None = None,
    attachments: Sequence[dict[str, Any]] = (),
    reply_key: str | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "subject": subject,
        "text": text,
        "html": html,
        "message_id": message_id,
        "attachments": list(attachments),
    }
    if in_reply_to:
        payload["in_reply_to"] = in_reply_to
    if reply_key:
        # The request number: with inbound mail configured, Reply-To becomes an address that leads back to it.
        payload["reply_key"] = reply_key
    return payload


async def enqueue(
    session: AsyncSession,
    *,
    channel: Channel,
    target: str | int,
    audience: Audience,
    method: str,
    payload: dict[str, Any],
    request_id: int | None = None,
    partner_id: str | None = None,
    link_role: LinkRole | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add one message to the outbox (flushed, not committed: it goes out only if the transaction commits).

    `dedupe_key` names the logical message ("req:12:ack"); enqueueing it twice violates a unique constraint
    instead of sending twice. Messages without a natural key get a random one.
    """
    row = OutboxMessage(
        channel=channel,
        target=str(target),
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
    return row
