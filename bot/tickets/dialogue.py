"""The resident's request dialogue (a draft): kept in the database so it survives restarts.

The handlers drive the steps; these functions only store what the resident chose and check it. Nothing here
leaves the bot: only `service.submit` (after the resident pressed "Send") creates a request.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import IntakeQuestion
from bot.storage import requests as store
from bot.storage.models.base import utcnow
from bot.storage.models.requests import ContactPreference, Dialogue, MessageKind
from bot.tickets.context import TicketContext
from bot.tickets.routing import routable_partner

# Telegram lets bots download files up to 20 MB; bigger files could not be attached to e-mails.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_TEXT_CHARS = 3000
ATTACHMENT_KINDS = frozenset({MessageKind.PHOTO, MessageKind.VOICE, MessageKind.DOCUMENT})


class DialogueStep(StrEnum):
    INTAKE = "intake"  # answering the topic's intake questions (data["intake_index"] is the next one)
    MESSAGE = "message"  # writing the message / sending attachments
    CONTACT = "contact"  # choosing chat or phone
    CONFIRM = "confirm"  # the consent screen: Send / Change / Cancel


class AttachmentProblem(StrEnum):
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class Attachment:
    """A photo, voice message or document the resident or a partner sent (copied, never forwarded)."""

    kind: MessageKind
    file_id: str
    chat_id: int
    message_id: int
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    caption: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        return cls(**{**data, "kind": MessageKind(data["kind"])})


def check_attachment(attachment: Attachment, already: int = 0) -> AttachmentProblem | None:
    if attachment.kind not in ATTACHMENT_KINDS:
        return AttachmentProblem.UNSUPPORTED
    if attachment.file_size is not None and attachment.file_size > MAX_FILE_BYTES:
        return AttachmentProblem.TOO_LARGE
    if already >= MAX_ATTACHMENTS:
        return AttachmentProblem.TOO_MANY
    return None


@dataclass(frozen=True)
class Draft:
    """A typed view of `Dialogue.data`."""

    partner_id: str
    offer_id: str | None
    topic_id: str | None
    intake: dict[str, str]
    text: str | None
    attachments: tuple[Attachment, ...]
    contact: ContactPreference
    phone: str | None

    @classmethod
    def of(cls, dialogue: Dialogue) -> Draft:
        d = dialogue.data
        return cls(
            partner_id=d["partner_id"],
            offer_id=d.get("offer_id"),
            topic_id=d.get("topic_id"),
            intake=dict(d.get("intake", {})),
            text=d.get("text"),
            attachments=tuple(Attachment.from_json(a) for a in d.get("attachments", [])),
            contact=ContactPreference(d.get("contact", ContactPreference.CHAT.value)),
            phone=d.get("phone"),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.text and self.text.strip()) and not self.attachments


def _update(dialogue: Dialogue, step: DialogueStep | None = None, **changes: Any) -> None:
    # JSON columns do not notice in-place changes: assign a new dict.
    dialogue.data = {**dialogue.data, **changes}
    if step is not None:
        dialogue.step = step.value
    dialogue.updated_at = utcnow()


async def start_dialogue(
    session: AsyncSession,
    ctx: TicketContext,
    resident_id: int,
    *,
    offer_id: str | None = None,
    topic_id: str | None = None,
    partner_id: str | None = None,
) -> Dialogue:
    """Start (or restart) the request dialogue; the partner comes from the offer, else the topic's default
    partner, else the catch-all. A running dialogue is replaced.
    """
    offer = ctx.catalogue.offers.get(offer_id or "")
    topic = ctx.catalogue.topics.get(topic_id or "")
    if topic is None and offer is not None and offer.topics:
        topic_id, topic = offer.topics[0], ctx.catalogue.topics.get(offer.topics[0])
    wanted = partner_id or (offer.partner if offer else None) or (topic.default_partner if topic else None)
    chosen = await routable_partner(session, ctx, wanted)
    old = await store.get_dialogue(session, resident_id)
    if old is not None:
        await store.delete_dialogue(session, old)
    dialogue = Dialogue(
        id=secrets.token_urlsafe(9),
        resident_id=resident_id,
        step=(DialogueStep.INTAKE if topic and topic.intake else DialogueStep.MESSAGE).value,
        data={
            "partner_id": chosen,
            "offer_id": offer_id if offer else None,
            "topic_id": topic_id if topic else None,
            "intake": {},
            "intake_index": 0,
            "text": None,
            "attachments": [],
            "contact": ContactPreference.CHAT.value,
            "phone": None,
        },
    )
    session.add(dialogue)
    await session.flush()
    return dialogue


async def get_dialogue(session: AsyncSession, ctx: TicketContext, resident_id: int) -> Dialogue | None:
    """The resident's running dialogue. One untouched for longer than ``ctx.draft_lifetime`` is deleted
    here (the purge job deletes the ones nobody comes back to): nothing of it was sent."""
    dialogue = await store.get_dialogue(session, resident_id)
    if dialogue is not None and dialogue.updated_at < utcnow() - ctx.draft_lifetime:
        await store.delete_dialogue(session, dialogue)
        return None
    return dialogue


RECENT_INPUTS = 8


def first_time(dialogue: Dialogue, input_key: str) -> bool:
    """Whether the resident's input `input_key` (a message or a button tap) is new to this dialogue; records
    it. The same update processed again after a restart (`bot.inbox`) finds its key and changes nothing
    twice. Updates of one chat are processed in order, so only the latest input can come again; the last
    few are kept all the same."""
    recent = list(dialogue.data.get("inputs", []))
    if input_key in recent:
        return False
    _update(dialogue, inputs=[*recent[-(RECENT_INPUTS - 1) :], input_key])
    return True


def intake_questions(ctx: TicketContext, dialogue: Dialogue) -> tuple[IntakeQuestion, ...]:
    topic = ctx.catalogue.topics.get(dialogue.data.get("topic_id") or "")
    return topic.intake if topic else ()


def next_intake_question(ctx: TicketContext, dialogue: Dialogue) -> IntakeQuestion | None:
    questions = intake_questions(ctx, dialogue)
    index = int(dialogue.data.get("intake_index", 0))
    return questions[index] if index < len(questions) else None


def answer_intake(ctx: TicketContext, dialogue: Dialogue, answer: str | None) -> IntakeQuestion | None:
    """Store the answer to the current intake question (None = skipped); returns the next question, if any."""
    question = next_intake_question(ctx, dialogue)
    if question is None:
        _update(dialogue, DialogueStep.MESSAGE)
        return None
    intake = dict(dialogue.data.get("intake", {}))
    if answer and answer.strip():
        intake[question.id] = answer.strip()[:MAX_TEXT_CHARS]
    index = int(dialogue.data.get("intake_index", 0)) + 1
    _update(dialogue, intake=intake, intake_index=index)
    following = next_intake_question(ctx, dialogue)
    if following is None:
        _update(dialogue, DialogueStep.MESSAGE)
    return following


def add_text(dialogue: Dialogue, text: str) -> None:
    """Append the resident's text (several messages become one paragraph each)."""
    text = text.strip()
    if not text:
        return
    current = dialogue.data.get("text")
    combined = f"{current}\n\n{text}" if current else text
    _update(dialogue, text=combined[:MAX_TEXT_CHARS])


def add_attachment(dialogue: Dialogue, attachment: Attachment) -> AttachmentProblem | None:
    attachments = list(dialogue.data.get("attachments", []))
    problem = check_attachment(attachment, len(attachments))
    if problem is None:
        _update(dialogue, attachments=[*attachments, attachment.to_json()])
    return problem


def set_contact(dialogue: Dialogue, contact: ContactPreference, phone: str | None = None) -> None:
    """Chat, or phone with the number from Telegram's "share my phone number" (only on that explicit tap)."""
    if contact is ContactPreference.PHONE and not phone:
        raise ValueError("a phone contact needs the shared number")
    _update(
        dialogue,
        DialogueStep.CONFIRM,
        contact=contact.value,
        phone=phone[:32] if contact is ContactPreference.PHONE and phone else None,
    )


def set_step(dialogue: Dialogue, step: DialogueStep) -> None:
    _update(dialogue, step)


async def cancel_dialogue(session: AsyncSession, resident_id: int) -> bool:
    """Drop the running dialogue; nothing was sent. False if there was none."""
    dialogue = await store.get_dialogue(session, resident_id)
    if dialogue is None:
        return False
    await store.delete_dialogue(session, dialogue)
    return True
