"""The inbox: every Telegram update, stored before Telegram is told it arrived (see `bot.inbox`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, UTCDateTime, string_enum, utcnow


class InboxStatus(StrEnum):
    PENDING = "pending"  # stored, not (completely) processed yet: processed at the next chance
    DONE = "done"  # the handlers ran; the payload is dropped
    FAILED = "failed"  # the process died while handling it several times: skipped, logged for the admin


class InboxUpdate(Base):
    """One update as Telegram sent it. `update_id` makes storing it twice a no-op."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_status_update_id", "status", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The chat whose updates are processed one after another (None: an update without chat or user).
    chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The update's JSON; dropped once processed (it holds residents' messages).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    status: Mapped[InboxStatus] = mapped_column(string_enum(InboxStatus), default=InboxStatus.PENDING)
    # How often processing started: an update that keeps killing the process is given up after a few.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
