"""Per-resident message counters (`bot.flood`): kept in the database, so a restart does not reset them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, UTCDateTime


class FloodCounter(Base):
    """How many messages a person sent in the current window (a minute)."""

    __tablename__ = "flood_counters"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
