"""Typed context for handlers: the services every handler may call, and the per-user cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.tickets.context import TicketContext

if TYPE_CHECKING:
    from bot.content.service import ContentService
    from bot.delivery.worker import DeliveryWorker
    from bot.feedback import FeedbackService
    from bot.flood import FloodGuard
    from bot.i18n import I18n, Translator
    from bot.personal_data import PersonalDataService
    from bot.residents import ResidentService
    from bot.search.engine import SearchEngine
    from bot.search.vectors import Embedder
    from bot.settings import Settings
    from bot.storage.db import Database


@dataclass
class Services:
    """Long-lived services, created in `build_application` and started in `post_init`."""

    settings: Settings
    i18n: I18n
    database: Database
    content: ContentService
    search: SearchEngine | None = None
    # The search model and the content's vectors (one per process; bot/search/vectors.py).
    embedder: Embedder | None = None
    # Sends what the outbox holds; started with the bot (tests drive it by hand with `run_once`).
    delivery: DeliveryWorker | None = None
    # The SMTP listener for partners' e-mail replies, when configured.
    inbound: Any = None
    # The clock of the whole bot (tests set a fixed one): opening hours, next dates, reminders.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def ticket_context(self) -> TicketContext:
        """What the request services need, for the content that is live right now."""
        settings = self.settings
        return TicketContext(
            self.content.catalogue,
            self.i18n,
            admin_chat_id=settings.admin_chat_id,
            email_replies_relayed=bool(settings.mail_inbound_port and settings.mail_reply_domain),
            show_staff_names=settings.show_staff_names,
            draft_lifetime=timedelta(hours=settings.draft_retention_hours),
        )

    @cached_property
    def residents(self) -> ResidentService:
        """Residents' language, neighbourhood and /delete."""
        from bot.residents import ResidentService

        return ResidentService(self.database)

    @cached_property
    def flood(self) -> FloodGuard:
        """Per-resident message counters (in the database: a restart does not reset them)."""
        from bot.flood import FloodGuard

        return FloodGuard(self.database)

    @cached_property
    def feedback(self) -> FeedbackService:
        """Anonymous votes and unanswered questions."""
        from bot.feedback import FeedbackService

        return FeedbackService(self.database)

    @cached_property
    def personal_data(self) -> PersonalDataService:
        """/mydata: everything stored about one resident."""
        from bot.personal_data import PersonalDataService

        return PersonalDataService(self.database)

    @property
    def engine(self) -> SearchEngine:
        if self.search is None:
            raise RuntimeError("search index not built yet")
        return self.search


class BotData:
    """`context.bot_data`: holds the services (PTB creates it without arguments)."""

    services: Services


@dataclass
class UserData:
    """`context.user_data`: a cache of the resident's row, refreshed at the start of every update."""

    lang: str = "de"
    first_name: str | None = None
    district: str | None = None
    language_confirmed: bool = False
    # The last question the search could not answer with certainty: "Ask a person" passes it on, so the
    # resident need not type it again (memory only; after a restart they are simply asked to write it).
    last_question: str | None = None


class Context(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    """The context every handler receives."""

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def lang(self) -> str:
        return self.user_data.lang if self.user_data is not None else self.services.settings.default_language

    @property
    def t(self) -> Translator:
        """The translator for the resident of this update."""
        return self.services.i18n.translator(self.lang)


AppType = Application[ExtBot[None], Context, UserData, dict[Any, Any], BotData, Any]
