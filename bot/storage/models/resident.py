"""Residents: the people who write to the bot."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, UTCDateTime, utcnow


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
    # Set when Telegram says the resident blocked the bot: nothing is sent any more.
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
