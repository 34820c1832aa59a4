"""Requests (tickets) a resident sends to a partner, their message thread and the running request dialogue."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, UTCDateTime, string_enum, utcnow


class RequestStatus(StrEnum):
    """Lifecycle of a sent request. Drafts are not requests yet: they live in `Dialogue`."""

    OPEN = "open"  # sent, nobody took it on yet
    TAKEN = "taken"  # a partner member took it on
    ANSWERED = "answered"  # the partner replied at least once
    CLOSED = "closed"  # the partner closed it
    CANCELLED = "cancelled"  # the resident withdrew it

    @property
    def is_final(self) -> bool:
        return self in (RequestStatus.CLOSED, RequestStatus.CANCELLED)


class AnswerShown(StrEnum):
    """What the status of an "answered" request says instead, where "answered" alone would not be true
    (`bot.storage.requests.answered_status`)."""

    REOPENED = "reopened"  # answered by a reopening alone: no partner ever answered
    LOST = "lost"  # no answer reached her, one was given up for good (she can write to ask for it)


class ContactPreference(StrEnum):
    CHAT = "chat"
    PHONE = "phone"


class DialogueStep(StrEnum):
    """Where a request dialogue stands (`Dialogue.step`; the transitions: bot/tickets/dialogue.py)."""

    ROUTE = "route"  # a photo, voice message or document came first: who should get it?
    INTAKE = "intake"  # answering the topic's intake questions
    MESSAGE = "message"  # writing the message / sending attachments
    CONTACT = "contact"  # choosing chat or phone
    CONFIRM = "confirm"  # the consent screen: Send / Change / Cancel


class Direction(StrEnum):
    TO_PARTNER = "to_partner"
    TO_RESIDENT = "to_resident"


class MessageKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    VOICE = "voice"
    DOCUMENT = "document"


class LinkRole(StrEnum):
    # The request card in the partner's group: replies to it are relayed, resident replies attach to it.
    CARD = "card"
    PARTNER = "partner"  # any other message of the thread in the partner's group
    # Her own message in her private chat (links made before BOT existed may be the bot's messages there).
    RESIDENT = "resident"
    # The bot's own message in her private chat: a partner's answer or a notice (every part of a long one),
    # an "✏️ Add to …" prompt, the screen she sent a request from. Replies to it map back as to hers; it
    # is no line of hers (`store.later_line_in_thread`).
    BOT = "bot"


# The author of the bot's own hand-over question in a request's thread (`bot.tickets.notify.record_question`):
# the bot asked her; no organisation's answer (it has no `partner_id`, nor has a partner's message stored
# before messages named their organisation, migration 0015: the author tells them apart).
QUESTION_AUTHOR = "Quartiersbot"


class Request(Base):
    """A resident's request to one partner organisation (the ticket)."""

    __tablename__ = "requests"
    # SQLite: AUTOINCREMENT, so an id is never given again after its request was deleted (without it SQLite
    # reuses the highest id); buttons in partner groups carry the id (migration 0016).
    __table_args__ = (
        Index("ix_requests_status_routed_at", "status", "routed_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What residents and partners quote; random so it says nothing about volume or other requests.
    number: Mapped[str] = mapped_column(String(16), unique=True)
    resident_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("residents.telegram_id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[str] = mapped_column(String(40))
    offer_id: Mapped[str | None] = mapped_column(String(40), default=None)
    event_id: Mapped[str | None] = mapped_column(String(40), default=None)
    topic_id: Mapped[str | None] = mapped_column(String(40), default=None)
    district: Mapped[str | None] = mapped_column(String(40), default=None)
    # The resident's language when sending: their messages and our messages to them are in it.
    language: Mapped[str] = mapped_column(String(16))
    # The language her message is written in where the bot could tell it differs from `language` (Arabic
    # typed by a resident whose bot speaks Turkish; "arabic" or "cyrillic" where the letters do not tell
    # which language of the script: `SearchEngine.written_in`), decided at "Send" from her own words only
    # (the card's stored text has the bot's German lines too). The partner's card names both.
    written_in: Mapped[str | None] = mapped_column(String(16), default=None)
    status: Mapped[RequestStatus] = mapped_column(string_enum(RequestStatus), default=RequestStatus.OPEN)
    contact: Mapped[ContactPreference] = mapped_column(
        string_enum(ContactPreference), default=ContactPreference.CHAT
    )
    # Sent from the emergency screen, or danger words in her message (`bot.tickets.relay._danger`,
    # `Draft.danger`): the resident is told no waiting time, and it is escalated sooner.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Only set when the resident explicitly tapped "share my phone number".
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    # Intake answers: question id -> answer text.
    intake: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # What the partner sees instead of the Telegram account: the first name only.
    first_name: Mapped[str] = mapped_column(String(64), default="")
    # Who took it on, as shown in the partner's group (a staff first name); never sent to the resident
    # unless configured.
    taken_by: Mapped[str | None] = mapped_column(String(64), default=None)
    handed_over_from: Mapped[str | None] = mapped_column(String(40), default=None)
    # Makes "Send" pressed twice create one request.
    dialogue_id: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the current partner received it: response and escalation times count from here.
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The catch-all got a copy of the card and acts on it too (`routing.responsible_partners`): at the
    # escalation, or at once for a partner that cannot answer in the chat (`routing.answers_through`).
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The catch-all that got the card at once, when the request was routed, to pass on the answers of its
    # partner, which cannot answer in the chat (`notify._copy_for`); its answers reach the resident as that
    # partner's, passed on (`routing.passes_on_for`). None: an ordinary escalation, or no copy.
    passed_on_by: Mapped[str | None] = mapped_column(String(40), default=None)
    # Staff were told that nobody took it on within the partner's escalation time (`bot.tickets.reminders`).
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The resident was told that the time she was promised an answer within passed without one
    # (`bot.tickets.reminders`): once per partner it was routed to.
    late_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The open conversation (bot/tickets/conversation.py): when the request last waited for the resident or
    # heard from them; the resident's plain messages go to its thread for a quiet period. None: not open.
    conversation_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # A partner proposed handing the request over to this partner: it waits for the resident's consent.
    handover_to: Mapped[str | None] = mapped_column(String(40), default=None)
    # The partner that proposed it: its own, or the catch-all acting on its copy of the escalated request.
    handover_by: Mapped[str | None] = mapped_column(String(40), default=None)


class RequestMessage(Base):
    """One message of a request's thread, in either direction."""

    __tablename__ = "request_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    direction: Mapped[Direction] = mapped_column(string_enum(Direction))
    kind: Mapped[MessageKind] = mapped_column(string_enum(MessageKind))
    text: Mapped[str | None] = mapped_column(Text, default=None)
    file_id: Mapped[str | None] = mapped_column(String(256), default=None)
    file_name: Mapped[str | None] = mapped_column(String(255), default=None)
    mime_type: Mapped[str | None] = mapped_column(String(127), default=None)
    file_size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Where the original message lives, so attachments can be copied (not forwarded).
    source_chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    source_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Telegram's media_group_id: the photos of one album arrive as separate messages.
    media_group: Mapped[str | None] = mapped_column(String(64), default=None)
    # A partner member's first name for partner-side display; the resident sees the organisation.
    author: Mapped[str | None] = mapped_column(String(64), default=None)
    # The organisation: the partner that wrote it (a partner's message), or the request's partner when she
    # wrote it (hers). None for the bot's own hand-over question, and for older messages whose organisation
    # is not known (migration 0015).
    partner_id: Mapped[str | None] = mapped_column(String(40), default=None)
    # Hers, relayed with danger words that make a request urgent (`bot.search.urgency`): unanswered, it is
    # reminded of and escalated also after the partner took the request on (`bot.tickets.reminders`).
    danger: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An edit of an earlier message of the thread (a partner's or hers), stored as a message of its own: a
    # partner's correction is no answer to what she wrote meanwhile (`store.unanswered_danger`).
    correction: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadLink(Base):
    """A Telegram message that belongs to a request: replies are mapped back by (chat, message id)."""

    __tablename__ = "thread_links"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    role: Mapped[LinkRole] = mapped_column(string_enum(LinkRole))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeletedRequestLink(Base):
    """A partner-side message of a request whose resident deleted their data (/delete): a reply to it, or a
    button under it, is told so instead of nothing. Only the request's number and where its messages are;
    nothing of the resident. Kept as long as a finished request would have been."""

    __tablename__ = "deleted_request_links"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The deleted request's id, as its card's buttons carry it (no foreign key: the request is gone).
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class RetiredNumber(Base):
    """The number of a request that is gone: its resident deleted their data (/delete), or the retention
    purge took it long after it was finished. Never drawn again: the signed reply address of its e-mails
    (bot.delivery.inbound) never expires, and a reply to one must not reach a later request. That reply is
    told which of the two happened. Nothing of the resident; kept for good (a few bytes a request)."""

    __tablename__ = "retired_numbers"

    number: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Whose addresses may still write to it, and learn what became of it.
    partner_id: Mapped[str] = mapped_column(String(40))
    # True: its resident deleted it; False: purged.
    deleted: Mapped[bool] = mapped_column(Boolean)


class Dialogue(Base):
    """A resident's request dialogue in progress (one per resident); survives restarts."""

    __tablename__ = "dialogues"

    # A random token, also carried in the "Send" button, so a second press maps to the same request.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("residents.telegram_id", ondelete="CASCADE"), unique=True
    )
    step: Mapped[str] = mapped_column(String(24))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def parked(self) -> bool:
        """The resident navigated away: the draft waits for "Continue" and takes none of their texts."""
        return self.is_parked(self.data)

    @staticmethod
    def is_parked(data: dict[str, Any]) -> bool:
        """`parked` of a dialogue whose `data` is read without its row (`bot.residents`)."""
        return bool(data.get("parked", False))


class PartnerChat(Base):
    """A partner's current group when it differs from the content (the group migrated to a supergroup)."""

    __tablename__ = "partner_chats"

    partner_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    previous_chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
