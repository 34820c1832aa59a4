"""The long-lived services of one bot process: created in `build_services`, started in `start_services`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.delivery.outbox import QUEUED
from bot.feedback import FeedbackService
from bot.residents import ResidentService
from bot.tickets.deps import TicketContext
from bot.tickets.desk import RequestDesk
from bot.tickets.partners import resident_deleted

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.content.catalogue import Catalogue
    from bot.content.service import ContentService
    from bot.delivery.worker import DeliveryWorker
    from bot.i18n import I18n
    from bot.search.engine import SearchEngine, SearchResult
    from bot.search.vectors import Embedder
    from bot.settings import Settings
    from bot.storage.db import Database


@dataclass
class Services:
    settings: Settings
    i18n: I18n
    database: Database
    content: ContentService
    # The console's offline chat (bot/app.py `build_services`): shows example data, never warns of it.
    preview: bool = False
    search: SearchEngine | None = None
    # The search model and the content's vectors (one per process; bot/search/vectors.py).
    embedder: Embedder | None = None
    # Sends what the outbox holds; started with the bot (tests drive it by hand with `run_once`).
    delivery: DeliveryWorker | None = None
    # The SMTP listener for partners' e-mail replies, when configured.
    inbound: Any = None
    # The clock of the whole bot (tests set a fixed one): opening hours, next dates, reminders.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # Requests to partners: the dialogue, sending, relaying, partner actions, reminders.
    requests: RequestDesk = field(init=False)
    # Residents' arrival (message counters included), language, neighbourhood, /mydata and /delete.
    residents: ResidentService = field(init=False)
    # Votes (once per resident and entry) and unanswered questions (masked; staff never see who asked).
    feedback: FeedbackService = field(init=False)

    def __post_init__(self) -> None:
        self.requests = RequestDesk(self.database, self.ticket_context, self.transaction)
        self.residents = ResidentService(
            self.database, on_forget=self._resident_deleted, transaction=self.transaction
        )
        self.feedback = FeedbackService(self.database)

    def ticket_context(self) -> TicketContext:
        """What the request services need, for the content that is live right now."""
        settings = self.settings
        return TicketContext(
            self.content.catalogue,
            self.i18n,
            admin_chat_id=settings.admin_chat_id,
            email_replies_relayed=settings.relays_email_replies,
            show_staff_names=settings.show_staff_names,
            draft_lifetime=timedelta(hours=settings.draft_retention_hours),
            conversation_quiet=timedelta(hours=settings.conversation_quiet_hours),
            reopen_window=timedelta(days=settings.reopen_days),
            clock=self.clock,
            written_in=self._written_in,
        )

    def _written_in(self, text: str, lang: str) -> str | None:
        """`SearchEngine.written_in` of the search live now (None before it is built)."""
        return self.search.written_in(text, lang) if self.search is not None else None

    async def _resident_deleted(
        self, session: AsyncSession, resident_id: int
    ) -> list[tuple[int, int, str | None]]:
        """/delete, in its transaction: the partners of the resident's requests are told; the cards of the
        open ones (chat id, message id, their text now)."""
        return await resident_deleted(session, self.ticket_context(), resident_id)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write transaction of the services; after its commit the delivery worker is woken if it wrote
        to the outbox (what it queued goes out now, not at the worker's next look)."""
        async with self.database.transaction() as session:
            yield session
        if session.info.get(QUEUED) and self.delivery is not None:
            self.delivery.wake()

    async def answer_question(self, text: str, lang: str, district: str | None) -> SearchResult:
        """What the search understood of a resident's message, without the offers and events that are over
        or not yet on: the menus' rule (`Catalogue.is_current`) for its answers too."""
        result = await self.engine.answer_async(text, lang, district)
        return current_only(result, self.content.catalogue, self.clock())

    @property
    def engine(self) -> SearchEngine:
        if self.search is None:
            raise RuntimeError("search index not built yet")
        return self.search


def current_only(result: SearchResult, catalogue: Catalogue, now: datetime) -> SearchResult:
    """`result` without the entries a resident may not be shown at `now`; when that leaves neither an
    answer nor choices, the bot does not know ("no_match": a person is offered, the question counted)."""
    answer = result.answer
    if answer is not None and not catalogue.is_current(answer.kind, answer.id, now):
        answer = None
    alternatives = [hit for hit in result.alternatives if catalogue.is_current(hit.kind, hit.id, now)]
    if answer is result.answer and alternatives == result.alternatives:
        return result
    reason = result.reason
    if answer is None and not alternatives and reason is None and result.small_talk is None:
        reason = "no_match"
    return replace(result, answer=answer, alternatives=alternatives, reason=reason)
