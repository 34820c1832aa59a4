"""The open conversation: while a request waits for the resident, their plain messages go to its thread.

Most residents never use Telegram's swipe-reply. So a request that waits for the resident (its partner asked
something, or the resident tapped "Add to …") takes their next messages, texts and files alike:

    closed ─partner's message relayed / "Add to …"─► open ─each message─► open (the quiet period restarts)
    open ─"End" / request closed or withdrawn / `quiet` without a message─► closed

With several open conversations the resident is asked which request a message is for. A running (active)
draft comes first; a partner's message parks it, since the resident answers what they saw last (the message
says so and offers to continue the draft). Each function works in the caller's transaction;
`bot.tickets.desk` owns them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import localized
from bot.storage import requests as store
from bot.storage.models.base import utcnow
from bot.storage.models.requests import QUESTION_AUTHOR, Dialogue, Direction, Request
from bot.tickets.deps import Outcome, Result, TicketContext

if TYPE_CHECKING:
    from bot.content.catalogue import Catalogue


class Subject(Protocol):
    """What a request (or a draft) is about."""

    @property
    def offer_id(self) -> str | None: ...
    @property
    def event_id(self) -> str | None: ...
    @property
    def topic_id(self) -> str | None: ...


def about(catalogue: Catalogue, subject: Subject, match: tuple[str, str]) -> bool:
    """Whether the search's confident entry for a text is what the request (or draft) is about: its offer,
    event or topic, or an FAQ entry about its offer or topic. Such a text talks about the request ("2
    children, 3 and 5" at the childcare question matches the childcare FAQ): an answer, not a new question."""
    kind, entry_id = match
    if kind == "faq":
        faq = catalogue.faq.get(entry_id)
        return faq is not None and (subject.offer_id in faq.offers or subject.topic_id in faq.topics)
    return match in {("offer", subject.offer_id), ("event", subject.event_id), ("topic", subject.topic_id)}


async def subject(session: AsyncSession, ctx: TicketContext, request: Request, lang: str) -> str:
    """What the request is about, for the resident to tell two requests to one partner apart: the title of
    its offer, event or topic in `lang`, else the start of her message (the card's first text, without the
    emergency screen's mark). Empty if neither."""
    catalogue = ctx.catalogue
    for entries, entry_id in (
        (catalogue.offers, request.offer_id),
        (catalogue.events, request.event_id),
        (catalogue.topics, request.topic_id),
    ):
        entry = entries.get(entry_id or "")
        if entry is not None:
            return localized(entry.title, lang)
    text = await store.first_text_to_partner(session, request.id) or ""
    return " ".join(line for line in text.splitlines() if line.strip() and not line.startswith("⚠️"))


async def open_for(session: AsyncSession, request: Request) -> Dialogue | None:
    """The request waits for its resident: open (or refresh) the conversation and park a running draft;
    the draft parked here, if any (the resident must learn where it went)."""
    request.conversation_at = utcnow()
    row = await store.get_dialogue(session, request.resident_id)
    if row is None or row.parked:
        return None
    # Same as `dialogue.advance(draft, Park())`, without loading the content's intake questions (a text
    # held for "your answer, or a new question?" stays: "Continue" asks about it again).
    row.data = {**row.data, "parked": True}
    return row


async def open_conversations(
    session: AsyncSession, ctx: TicketContext, resident_id: int
) -> Sequence[Request]:
    """The resident's requests whose conversation is open (not ended, the request not closed or withdrawn,
    a message within `ctx.conversation_quiet`; the query holds the rule), most recent first."""
    return await store.list_conversations(session, resident_id, utcnow() - ctx.conversation_quiet)


async def choose(
    session: AsyncSession,
    ctx: TicketContext,
    resident_id: int,
    request_id: int | None,
    media_group: str | None,
) -> Result | None:
    """The request a plain message goes to: the one open conversation (or `request_id`, the one the
    resident chose when several were open; or the one that got the album `media_group`'s first file).
    None: no conversation is open (the message is something else); AMBIGUOUS: several are open and the
    resident must choose; CLOSED: the chosen one has ended."""
    requests = await open_conversations(session, ctx, resident_id)
    if request_id is None and media_group is not None and len(requests) > 1:
        album = await store.album_requests(session, [r.id for r in requests], media_group)
        if len(album) == 1:
            request_id = album.pop()
    if request_id is not None:
        requests = [r for r in requests if r.id == request_id]
        if not requests:
            return Result(Outcome.CLOSED)
    if not requests:
        # The partner closed the request while the conversation ran: the message is about it (the resident
        # is offered to reopen it instead of starting over).
        closed = await store.last_closed_conversation(session, resident_id, utcnow() - ctx.conversation_quiet)
        return Result(Outcome.CLOSED, closed) if closed is not None else None
    if len(requests) > 1:
        return Result(Outcome.AMBIGUOUS)
    return Result(Outcome.OK, requests[0])


async def awaiting_answer(session: AsyncSession, ctx: TicketContext, resident_id: int) -> Request | None:
    """The open request whose partner wrote last and whose conversation went quiet (`ctx.conversation_quiet`,
    not ended with "End") within `ctx.reopen_window`: a text of hers that is no clear question may be her
    answer to it, written the next morning (she is asked)."""
    now = utcnow()
    found = await store.lapsed_conversation(
        session, resident_id, now - ctx.conversation_quiet, now - ctx.reopen_window
    )
    if found is None:
        return None
    request, last = found
    # The partner's message, not the bot's hand-over question (its buttons answer that).
    if last.direction is not Direction.TO_RESIDENT or last.author == QUESTION_AUTHOR:
        return None
    return request


async def resume(session: AsyncSession, resident_id: int, request_id: int) -> None:
    """She chose request `request_id` for her message (which request? your answer?): its conversation opens
    again if it went quiet meanwhile (the request still open), and her next messages go there too."""
    request = await session.get(Request, request_id)
    if request is not None and request.resident_id == resident_id and not request.status.is_final:
        request.conversation_at = utcnow()


def lapsed(ctx: TicketContext) -> datetime:
    """The time a conversation went quiet a moment ago: after it, her plain messages no longer go to the
    request, but one that the search cannot answer is asked about while the partner's message is the last
    (`awaiting_answer`). For a conversation that the partner's Reopen brings back without a word."""
    return utcnow() - ctx.conversation_quiet - timedelta(seconds=1)


def touch(request: Request) -> None:
    """The resident wrote through the conversation: the quiet period starts again."""
    request.conversation_at = utcnow()


async def end(session: AsyncSession, resident_id: int, request_id: int) -> tuple[Request, bool] | None:
    """The resident tapped (or typed) "End": their messages no longer go to the request. The request, and
    whether it ended; None if no conversation was open.

    Not while a message about it is on its way to her chat (a partner's answer says "your messages go to …
    until you tap End", review rv12 F1): then the conversation stays open, as that message will say, and her
    reply to it reaches the partner (never the bot's search); End under it, once it came, ends it. So End
    always ends once nothing is on its way: twice, typed, or after that message failed (waiting to be tried
    again, or given up: `store.on_its_way_to_resident`).

    Nor once its partner closed it: her messages no longer reach it already, and her next one is offered
    the reopening while the conversation is recent (`choose`), an old ⏹ tapped first or not (explore: after
    that tap "Noch eine Frage: wann genau?" went to the search instead)."""
    request = await session.get(Request, request_id)
    if request is None or request.resident_id != resident_id or request.conversation_at is None:
        return None
    if request.status.is_final:
        return None
    if await store.on_its_way_to_resident(session, request):
        return request, False
    request.conversation_at = None
    return request, True
