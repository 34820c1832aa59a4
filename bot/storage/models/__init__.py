"""SQLAlchemy models. Every table module is imported here so Alembic sees the whole metadata."""

from bot.storage.models import feedback as feedback  # registers the tables
from bot.storage.models import flood as flood  # registers the table
from bot.storage.models import inbox as inbox  # registers the table
from bot.storage.models import outbox as outbox  # registers the table
from bot.storage.models import requests as requests  # registers the tables
from bot.storage.models.base import Base
from bot.storage.models.resident import Resident

__all__ = ["Base", "Resident"]
