"""SQLAlchemy models. Every table module is imported here so Alembic sees the whole metadata."""

from bot.storage.models import feedback as feedback
from bot.storage.models import flood as flood
from bot.storage.models import inbox as inbox
from bot.storage.models import outbox as outbox
from bot.storage.models import requests as requests
from bot.storage.models.base import Base
from bot.storage.models.resident import Resident, WaitingMessage

__all__ = ["Base", "Resident", "WaitingMessage"]
