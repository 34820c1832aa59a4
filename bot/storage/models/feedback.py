"""Answer statistics: 'did this help?' votes and questions the bot could not answer.

A vote keeps who gave it, so that it counts once per resident and entry (a second tap changes it); it is
theirs: /mydata shows it, /delete removes it, and staff only ever see the counts. An unanswered question is
theirs too (/mydata, /delete), stored without phone numbers and e-mail addresses (`bot.feedback`); staff see
what was asked, never who asked.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, UTCDateTime, utcnow


class AnswerFeedback(Base):
    """One resident's 👍 or 👎 under an answer: which entry, helpful or not, when."""

    __tablename__ = "answer_feedback"
    __table_args__ = (UniqueConstraint("resident_id", "kind", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for the anonymous votes given before votes were counted once per resident.
    resident_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("residents.telegram_id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[str] = mapped_column(String(40), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnansweredQuestion(Base):
    """A question that found nothing, kept for staff until the retention period ends."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Who asked, for /mydata and /delete only. (None: a resident's question is never stored without it.)
    resident_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("residents.telegram_id", ondelete="CASCADE"), default=None, index=True
    )
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
