"""Residents: the people who write to the bot."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, UTCDateTime, string_enum, utcnow


class BlockedReason(StrEnum):
    """Why Telegram refuses to deliver to a `blocked` resident: what partners are told of her."""

    BLOCKED = "blocked"  # she blocked the bot ("Forbidden: bot was blocked by the user")
    GONE = "gone"  # her Telegram account (or chat) no longer exists ("chat not found", "user is deactivated")


class Resident(Base):
    """A resident known by their Telegram user id. Stores only what the bot needs to answer well."""

    __tablename__ = "residents"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The language the resident chose (or that was negotiated from Telegram's language_code).
    language: Mapped[str] = mapped_column(String(16))
    # True once the resident confirmed the language in the picker; until then we ask once.
    language_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    district: Mapped[str | None] = mapped_column(String(40), default=None)
    # First name only, for greeting and for the partner's request card; never the username.
    first_name: Mapped[str | None] = mapped_column(String(64), default=None)
    # Set when Telegram says the resident blocked the bot (or her account is gone): nothing is sent any more.
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why, set and cleared with `blocked` (None while she is not blocked; a row flagged before 0022 without a
    # refusal left to tell it by counts as BLOCKED). Kept here, not read back from the refused outbox row,
    # which the retention purge deletes long before she may be written to again.
    blocked_reason: Mapped[BlockedReason | None] = mapped_column(string_enum(BlockedReason), default=None)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WaitingMessage(Base):
    """A message of hers that waits for her tap, kept here so that a restart (a deploy, a crash) loses none:
    her question or file while she chooses her language and district after /delete (`waits_for`
    "first_minute", answered or asked about once she has chosen), and a message the bot asked about
    ("which" request?, is this her "answer" to `request_id`?, "reopen" `request_id`?: the bot's question,
    `prompt_id`, replies to her message), passed on with her tap (with it her other messages whose "which
    request?" `offered` the request she chose) or, for "answer", when her very next message follows within
    minutes (`bot.handlers.context.RECENT_QUESTIONS`); and a question the bot could not answer while
    requests of hers are open ("add" it to one of those it `offered`: only her tap passes it on). Removed
    only once passed on: a failed send, handled again, still finds them. A question of the first minute is
    stored masked (`mask_contact_details`). Goes with her row (/delete), is in /mydata, and is purged with
    abandoned drafts."""

    __tablename__ = "waiting_messages"
    # A message of hers waits once for each kind of tap: an update handled again holds it no second time.
    __table_args__ = (
        Index("uq_waiting_messages_message", "resident_id", "waits_for", "message_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("residents.telegram_id", ondelete="CASCADE")
    )
    waits_for: Mapped[str] = mapped_column(String(16))
    prompt_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    request_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # Her message in her chat: its text (a file's caption), its file (`bot.tickets.dialogue.Attachment`).
    message_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    attachment: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The requests "which request?" offered (their ids): her tap on one passes on only the messages whose
    # question offered it.
    offered: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
