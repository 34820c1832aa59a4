"""The outbox: every message sent for a request, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, UTCDateTime, string_enum, utcnow


class Channel(StrEnum):
    TELEGRAM = "telegram"
    EMAIL = "email"


class Audience(StrEnum):
    RESIDENT = "resident"
    PARTNER = "partner"
    ADMIN = "admin"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for (another) attempt at next_attempt_at
    SENDING = "sending"  # claimed by worker `claimed_by` until next_attempt_at (a short lease it renews)
    SENT = "sent"
    FAILED = "failed"  # permanently refused and nobody else needs to act (e.g. the resident blocked the bot)
    DEAD = "dead"  # given up; the admin chat was told and the request re-routed where possible


# The payload's key naming the message of a request's thread (`RequestMessage.id`) that a row carries to
# the resident (a partner's answer): whether it reached her (`bot.storage.requests.lapsed_conversation`).
CARRIES = "carries"


class OutboxMessage(Base):
    """One message to deliver. See `bot.delivery` for the payload format."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_channel_target_id", "channel", "target", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[Channel] = mapped_column(string_enum(Channel))
    # A Telegram chat id (as text) or an e-mail address.
    target: Mapped[str] = mapped_column(String(320))
    audience: Mapped[Audience] = mapped_column(string_enum(Audience))
    # The partner the target belongs to (for re-routing and ChatMigrated), if the audience is a partner.
    partner_id: Mapped[str | None] = mapped_column(String(40), default=None)
    # Bot API method ("sendMessage", "copyMessage") or "email".
    method: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), default=None, index=True
    )
    # When set, the sent message is recorded as a ThreadLink with this role.
    link_role: Mapped[str | None] = mapped_column(String(16), default=None)
    status: Mapped[OutboxStatus] = mapped_column(string_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The worker (one per process start) sending it now; only it renews the lease.
    claimed_by: Mapped[str | None] = mapped_column(String(32), default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    result_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Makes enqueueing the same logical message twice fail loudly instead of sending it twice.
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
