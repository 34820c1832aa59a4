"""Query functions for requests, their threads, dialogues and the outbox. Session first; they never commit.

Longer than most modules on purpose: a request's rows and the outbox rows about it are read and locked
together (/delete, the worker's record of a sent card), so their queries stay side by side.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Exists,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.storage.db import upsert_insert
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.outbox import CARRIES, Channel, OutboxMessage, OutboxStatus
from bot.storage.models.requests import (
    QUESTION_AUTHOR,
    AnswerShown,
    ContactPreference,
    DeletedRequestLink,
    Dialogue,
    Direction,
    LinkRole,
    PartnerChat,
    Request,
    RequestMessage,
    RequestStatus,
    RetiredNumber,
    ThreadLink,
)
from bot.storage.models.resident import BlockedReason

OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.TAKEN, RequestStatus.ANSWERED)
ACTIVE_OUTBOX = (OutboxStatus.PENDING, OutboxStatus.SENDING)
# The payload key of a card that was being sent when its resident used /delete: [request id, number] of the
# deleted request, so the card is remembered like its other messages once it has arrived.
DELETED_CARD = "deleted_request"


# The queries an update or a delivered message runs are built once, here, with bound parameters: building a
# statement anew (coercing each comparison, computing its cache key) cost about as much as running it.
# Statements with a varying shape (`transition`'s values, the lists of /mydata and /delete) are built
# where they run.


def _param(column: Any, name: str | None = None) -> Any:
    """A bound parameter of `column`'s type, named like it (or `name`)."""
    return bindparam(name or column.key, type_=column.type)


# --- requests -----------------------------------------------------------------------------------------

_REQUEST_BY_DIALOGUE = select(Request).where(Request.dialogue_id == _param(Request.dialogue_id))
_REQUEST_BY_NUMBER = select(Request).where(Request.number == _param(Request.number))


async def get_request_by_dialogue(session: AsyncSession, dialogue_id: str) -> Request | None:
    return await session.scalar(_REQUEST_BY_DIALOGUE, {"dialogue_id": dialogue_id})


async def get_request_by_number(session: AsyncSession, number: str) -> Request | None:
    return await session.scalar(_REQUEST_BY_NUMBER, {"number": number})


async def new_request_number(session: AsyncSession) -> str:
    """A random six-digit number (digits read the same in every script residents use) used by no request,
    now or before (`RetiredNumber`: a reply quoting an old one must not find this one)."""
    while True:
        number = str(100000 + secrets.randbelow(900000))
        used = exists().where(Request.number == number)
        retired = exists().where(RetiredNumber.number == number)
        if not await session.scalar(select(used | retired)):
            return number


_OPEN_REQUESTS = (
    select(Request)
    .where(Request.resident_id == _param(Request.resident_id), Request.status.in_(OPEN_STATUSES))
    .order_by(Request.created_at, Request.id)
)


async def list_open_requests(session: AsyncSession, resident_id: int) -> Sequence[Request]:
    return (await session.scalars(_OPEN_REQUESTS, {"resident_id": resident_id})).all()


async def any_open_request(session: AsyncSession) -> bool:
    """Whether any request is open (a start's or reload's follow-up of new content has nothing to do
    without one, and needs no write lock then)."""
    found = await session.scalar(select(Request.id).where(Request.status.in_(OPEN_STATUSES)).limit(1))
    return found is not None


async def open_requests_not_with(session: AsyncSession, partner_ids: Iterable[str]) -> Sequence[Request]:
    """Open requests whose partner is none of `partner_ids` (the partners that can receive requests)."""
    result = await session.scalars(
        select(Request)
        .where(Request.status.in_(OPEN_STATUSES), Request.partner_id.not_in(list(partner_ids)))
        .order_by(Request.id)
    )
    return result.all()


async def open_requests_with_card_in(session: AsyncSession, chat_id: int, limit: int) -> Sequence[Request]:
    """Open requests of which chat `chat_id` got a card, newest first, at most `limit` (a message written in
    a partner group without "Reply" is offered to them)."""
    carded = select(ThreadLink.request_id).where(
        ThreadLink.chat_id == chat_id, ThreadLink.role == LinkRole.CARD
    )
    result = await session.scalars(
        select(Request)
        .where(Request.id.in_(carded), Request.status.in_(OPEN_STATUSES))
        .order_by(Request.id.desc())
        .limit(limit)
    )
    return result.all()


def _conversations(statuses: Iterable[RequestStatus]) -> Select[Request]:
    """The resident's (:resident_id) requests in `statuses` with a conversation active after :since,
    latest first."""
    return (
        select(Request)
        .where(
            Request.resident_id == _param(Request.resident_id),
            Request.status.in_(tuple(statuses)),
            Request.conversation_at.is_not(None),
            Request.conversation_at >= _param(Request.conversation_at, "since"),
        )
        .order_by(Request.conversation_at.desc(), Request.id.desc())
    )


_CONVERSATIONS = _conversations(OPEN_STATUSES)
_LAPSED = _CONVERSATIONS.where(
    Request.conversation_at < _param(Request.conversation_at, "quiet_since")
).limit(1)


def _carried_unread(status: ColumnElement[bool]) -> Exists:
    """An outbox row carrying a message of the thread (`CARRIES`, since task conv9) with `status`, of which
    not even the first part of a long one went out (`parts_sent`, bot/delivery/worker.py)."""
    return exists().where(
        OutboxMessage.request_id == RequestMessage.request_id,
        OutboxMessage.payload[CARRIES].as_integer() == RequestMessage.id,
        status,
        func.coalesce(OutboxMessage.payload["parts_sent"].as_integer(), 0) == 0,
    )


# A message of the thread to her whose row the outbox gave up, or has not sent yet: she never saw it (an
# older row, without `CARRIES`, counts as seen, as before).
_NOT_SEEN = _carried_unread(OutboxMessage.status.not_in((OutboxStatus.SENT, OutboxStatus.SENDING)))
_ON_ITS_WAY = _carried_unread(OutboxMessage.status.in_(ACTIVE_OUTBOX))
_GIVEN_UP = _carried_unread(OutboxMessage.status.in_((OutboxStatus.DEAD, OutboxStatus.FAILED)))
_LAST_MESSAGE = (
    select(RequestMessage)
    .where(
        RequestMessage.request_id == _param(RequestMessage.request_id),
        (RequestMessage.direction != Direction.TO_RESIDENT) | ~_NOT_SEEN,
    )
    .order_by(RequestMessage.id.desc())
    .limit(1)
)
_LAST_CLOSED = _conversations([RequestStatus.CLOSED]).limit(1)


async def list_conversations(session: AsyncSession, resident_id: int, since: datetime) -> Sequence[Request]:
    return (await session.scalars(_CONVERSATIONS, {"resident_id": resident_id, "since": since})).all()


async def lapsed_conversation(
    session: AsyncSession, resident_id: int, quiet_since: datetime, since: datetime
) -> tuple[Request, RequestMessage] | None:
    """The resident's open request whose conversation went quiet before `quiet_since` (not ended) but was
    active after `since`, the latest such, with the last message of its thread that is hers or reached her
    (or is being sent: it may be on her screen; of a long one, its first part will do): not a partner's
    that the outbox gave up or has still not sent, which she never saw."""
    found = {"resident_id": resident_id, "since": since, "quiet_since": quiet_since}
    request = await session.scalar(_LAPSED, found)
    if request is None:
        return None
    last = await session.scalar(_LAST_MESSAGE, {"request_id": request.id})
    return (request, last) if last is not None else None


async def on_its_way_to_resident(session: AsyncSession, request: Request) -> bool:
    """Whether a message about `request` to its resident's chat (a partner's answer, a notice) is on its way
    and about to arrive: being sent, or waiting for its first try. Not one that failed and waits to be tried
    again (up to hours while Telegram is unreachable: review rv14 F3 found End refused all that time)."""
    found = await session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.request_id == request.id,
            OutboxMessage.channel == Channel.TELEGRAM,
            OutboxMessage.target == str(request.resident_id),
            (OutboxMessage.status == OutboxStatus.SENDING)
            | ((OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.attempts == 0)),
        )
        .limit(1)
    )
    return found is not None


async def later_line_in_thread(session: AsyncSession, request: Request, message_id: int) -> bool:
    """Whether a later line of the request's resident than her message `message_id` reached its thread:
    one of her own messages linked to it (LinkRole.RESIDENT), not the bot's messages in her chat (BOT: a
    partner's answer in every part, a notice, a prompt). Message ids grow within a chat."""
    found = await session.scalar(
        select(ThreadLink.message_id)
        .where(
            ThreadLink.chat_id == request.resident_id,
            ThreadLink.request_id == request.id,
            ThreadLink.role == LinkRole.RESIDENT,
            ThreadLink.message_id > message_id,
        )
        .limit(1)
    )
    return found is not None


async def reached_chat_after(session: AsyncSession, chat_id: int, message_id: int) -> bool:
    """Whether a message of the outbox (a partner's answer, a notice about a request) reached Telegram chat
    `chat_id` after its message `message_id` (message ids grow within a chat), or is being sent there now:
    it may be on her screen before its row says so (the lease ends when Telegram's answer is written)."""
    found = await session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.channel == Channel.TELEGRAM,
            OutboxMessage.target == str(chat_id),
            or_(
                OutboxMessage.status == OutboxStatus.SENDING,
                and_(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.result_message_id > message_id),
            ),
        )
        .limit(1)
    )
    return found is not None


async def last_closed_conversation(
    session: AsyncSession, resident_id: int, since: datetime
) -> Request | None:
    """The request that was closed while its conversation was active after `since`."""
    return await session.scalar(_LAST_CLOSED, {"resident_id": resident_id, "since": since})


async def transition(
    session: AsyncSession,
    request: Request,
    allowed_from: Iterable[RequestStatus],
    *conditions: Any,
    **values: Any,
) -> bool:
    """Change a request only if its status is still one of `allowed_from`; True if this call won.

    A conditional UPDATE instead of read-then-write: two partner members pressing "Take on" at the same
    moment (or a button pressed twice) change the request and enqueue the messages exactly once.
    `conditions` are further column conditions the row must still meet (e.g. nobody took it on yet).
    """
    # RETURNING brings the changed row back into `request` in the same round trip; only a lost race reads
    # the row again, to show what the winner made of it.
    changed = await session.scalars(
        update(Request)
        .where(Request.id == request.id, Request.status.in_(tuple(allowed_from)), *conditions)
        .values(**values)
        .returning(Request)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    if changed.first() is None:
        await session.refresh(request)
        return False
    return True


async def mark_once(
    session: AsyncSession, request: Request, column: str, when: datetime, **also: Any
) -> bool:
    """Set `reminder_sent_at`, `escalated_at` or `overdue_at` of an open request if still unset (and the
    columns `also` with it); True if we set it."""
    condition = getattr(Request, column).is_(None)
    return await transition(session, request, [RequestStatus.OPEN], condition, **{column: when}, **also)


async def unanswered_requests(session: AsyncSession, routed_before: datetime) -> Sequence[Request]:
    """Open requests nobody took on, routed before `routed_before`, still due a reminder or escalation."""
    result = await session.scalars(
        select(Request)
        .where(
            Request.status == RequestStatus.OPEN,
            Request.routed_at <= routed_before,
            (Request.reminder_sent_at.is_(None)) | (Request.overdue_at.is_(None)),
        )
        .order_by(Request.id)
    )
    return result.all()


_ANSWER = aliased(RequestMessage)


def _partner_answer(message: Any) -> ColumnElement[bool]:
    """`message` (RequestMessage or an alias) is a partner's message to the resident: not the bot's own
    hand-over question (`QUESTION_AUTHOR`, no organisation)."""
    return (message.direction == Direction.TO_RESIDENT) & (
        message.partner_id.is_not(None) | message.author.is_distinct_from(QUESTION_AUTHOR)
    )


@dataclass(frozen=True)
class UnansweredDanger:
    """A request with a message of hers with danger words that nobody answered (`unanswered_danger`): for
    each step still due, the earliest such message it is due for, as (id, when she wrote it); None: that
    step is not due."""

    request: Request
    reminder: tuple[int, datetime] | None
    escalation: tuple[int, datetime] | None


async def unanswered_danger(
    session: AsyncSession, written_before: datetime, catch_all: str
) -> list[UnansweredDanger]:
    """Requests taken on or answered, with a message of hers with danger words (`RequestMessage.danger`)
    written before `written_before` that no partner's message of the same request answered since it was
    written (a correction of an older answer is none) and since the request came to its partner
    (`routed_at`: a hand-over restarts the clock; an answer of the request's partner or the catch-all
    stays one after a reopening), and a step still due for it: no reminder since it, or no escalation yet
    (never to the catch-all itself). The earliest message is chosen for each step apart: a step that
    cannot happen (the escalation without a destination) never holds back the other for a newer message.
    One query."""
    answered = exists().where(
        _ANSWER.request_id == RequestMessage.request_id,
        _partner_answer(_ANSWER),
        _ANSWER.correction.is_(False),
        _ANSWER.id > RequestMessage.id,
        (_ANSWER.created_at >= Request.routed_at) | _ANSWER.partner_id.in_([Request.partner_id, catch_all]),
    )
    reminder_due = Request.reminder_sent_at.is_(None) | (Request.reminder_sent_at < RequestMessage.created_at)
    escalation_due = Request.escalated_at.is_(None) & (Request.partner_id != catch_all)
    result = await session.execute(
        select(
            Request,
            func.min(case((reminder_due, RequestMessage.id))),
            func.min(case((reminder_due, RequestMessage.created_at))),
            func.min(RequestMessage.id),
            func.min(RequestMessage.created_at),
        )
        .join(RequestMessage, RequestMessage.request_id == Request.id)
        .where(
            Request.status.in_((RequestStatus.TAKEN, RequestStatus.ANSWERED)),
            # A request asking for a call is answered by phone, unseen: not its card, but what she writes
            # later (the card's messages share the request's timestamp).
            (Request.contact != ContactPreference.PHONE) | (RequestMessage.created_at > Request.created_at),
            Request.routed_at <= written_before,
            RequestMessage.danger.is_(True),
            RequestMessage.created_at <= written_before,
            reminder_due | escalation_due,
            ~answered,
        )
        .group_by(Request.id)
        .order_by(Request.id)
    )
    return [
        UnansweredDanger(
            request,
            (reminded, reminded_written) if reminded is not None else None,
            (first, written) if request.escalated_at is None and request.partner_id != catch_all else None,
        )
        for request, reminded, reminded_written, first, written in result
    ]


_THREAD = (
    select(RequestMessage)
    .where(RequestMessage.request_id == _param(RequestMessage.request_id))
    .order_by(RequestMessage.id)
)


async def request_messages(session: AsyncSession, request_id: int) -> Sequence[RequestMessage]:
    return (await session.scalars(_THREAD, {"request_id": request_id})).all()


_FIRST_TEXT_TO_PARTNER = (
    select(RequestMessage.text)
    .where(
        RequestMessage.request_id == _param(RequestMessage.request_id),
        RequestMessage.direction == Direction.TO_PARTNER,
        RequestMessage.text != "",  # neither empty nor NULL (NULL != "" is not true)
    )
    .order_by(RequestMessage.id)
    .limit(1)
)


async def first_text_to_partner(session: AsyncSession, request_id: int) -> str | None:
    """The text of the thread's first message to the partner that has one (the card's first text)."""
    return await session.scalar(_FIRST_TEXT_TO_PARTNER, {"request_id": request_id})


async def danger_counted(session: AsyncSession, request: Request, link: ThreadLink) -> bool:
    """Whether her message `link` names (in her chat) reached `request`'s thread with danger words counted
    (`RequestMessage.danger`): as she sent it, or in a correction of it (rows since task conv9 name it as
    their source). A line of the card counts as the card, whose danger is marked on its first row only: a
    line of the draft she sent has no row of its own (the card's text holds it; a correction of it has
    one), a photo of the card has one, unmarked (rows of the card share the request's timestamp). Her text
    stored before rows named their source is the row of hers written last before its link (the link
    follows it in the same transaction); a draft line's link, made at "Send", has none after the card."""
    own = (
        await session.execute(
            select(RequestMessage.danger, RequestMessage.correction, RequestMessage.created_at).where(
                RequestMessage.request_id == request.id,
                RequestMessage.source_chat_id == link.chat_id,
                RequestMessage.source_message_id == link.message_id,
            )
        )
    ).all()
    if any(danger for danger, _, _ in own):
        return True
    if any(not correction and created_at != request.created_at for _, correction, created_at in own):
        return False  # a line she wrote after sending, not counted (nor any correction of it)
    if not any(not correction for _, correction, _ in own):
        older = await session.scalar(
            select(RequestMessage.danger)
            .where(
                RequestMessage.request_id == request.id,
                RequestMessage.direction == Direction.TO_PARTNER,
                RequestMessage.correction.is_(False),
                RequestMessage.created_at > request.created_at,
                RequestMessage.created_at <= link.created_at,
            )
            .order_by(RequestMessage.created_at.desc(), RequestMessage.id.desc())
            .limit(1)
        )
        if older is not None:
            return older
    card = await session.scalar(
        select(RequestMessage.id)
        .where(
            RequestMessage.request_id == request.id,
            RequestMessage.direction == Direction.TO_PARTNER,
            RequestMessage.created_at == request.created_at,
            RequestMessage.danger.is_(True),
        )
        .limit(1)
    )
    return card is not None


async def answered_status(session: AsyncSession, requests: Sequence[Request]) -> dict[int, AnswerShown]:
    """For those of `requests` whose status "answered" (/requests, /mydata) is not true, what is:
    REOPENED when their thread holds no partner's message to the resident (`_partner_answer`; a reopening
    sets that status, so that its card offers Close again); LOST when no partner's answer reached her
    (`_NOT_SEEN`), none is still on its way (pending or being sent) and at least one was given up for good
    (dead or failed, no part sent). Whether, and which, organisation learnt of it is not said: the notice
    goes to whoever wrote the answer, only for a refused Telegram message, and may itself still be waiting."""
    request_ids = [r.id for r in requests if r.status is RequestStatus.ANSWERED]
    if not request_ids:
        return {}
    rows = await session.execute(
        select(RequestMessage.request_id, _NOT_SEEN, _ON_ITS_WAY, _GIVEN_UP).where(
            RequestMessage.request_id.in_(request_ids), _partner_answer(RequestMessage)
        )
    )
    answered: set[int] = set()
    reached: set[int] = set()
    on_its_way: set[int] = set()
    given_up: set[int] = set()
    for request_id, not_seen, coming, lost in rows.all():
        answered.add(request_id)
        for found, into in ((not not_seen, reached), (coming, on_its_way), (lost, given_up)):
            if found:
                into.add(request_id)
    shown = {request_id: AnswerShown.REOPENED for request_id in request_ids if request_id not in answered}
    shown.update((request_id, AnswerShown.LOST) for request_id in given_up - reached - on_its_way)
    return shown


async def wrote_after_sending(session: AsyncSession, request: Request) -> bool:
    """Whether the resident added a message to the partner after "Send" (her phone number, for instance)."""
    found = await session.scalar(
        select(RequestMessage.id)
        .where(
            RequestMessage.request_id == request.id,
            RequestMessage.direction == Direction.TO_PARTNER,
            RequestMessage.created_at > request.created_at,
        )
        .limit(1)
    )
    return found is not None


async def album_requests(session: AsyncSession, request_ids: Sequence[int], media_group: str) -> set[int]:
    """Which of the requests `request_ids` already hold a photo or file of the album `media_group`."""
    result = await session.scalars(
        select(RequestMessage.request_id)
        .where(RequestMessage.request_id.in_(request_ids), RequestMessage.media_group == media_group)
        .distinct()
    )
    return set(result.all())


# --- thread links -------------------------------------------------------------------------------------


async def get_thread_link(session: AsyncSession, chat_id: int, message_id: int) -> ThreadLink | None:
    return await session.get(ThreadLink, (chat_id, message_id))


@cache
def _linking(insert: Any) -> Any:
    """The insert of a thread link that leaves a message mapped already alone; built once (per database
    kind): every message of a thread is linked, the worker's record of each sent one too."""
    return (
        insert(ThreadLink)
        .values(
            chat_id=bindparam("chat_id"),
            message_id=bindparam("message_id"),
            request_id=bindparam("request_id"),
            role=bindparam("role"),
            created_at=bindparam("created_at"),
        )
        .on_conflict_do_nothing(index_elements=["chat_id", "message_id"])
    )


async def add_thread_link(
    session: AsyncSession, chat_id: int, message_id: int, request_id: int, role: LinkRole
) -> None:
    """Map a message to its request; a message mapped already keeps its link. (The delivery worker records
    a card's link after sending it; a partner's reply naming the card's number may record it meanwhile.)"""
    values = {
        "chat_id": chat_id,
        "message_id": message_id,
        "request_id": request_id,
        "role": role,
        "created_at": utcnow(),
    }
    await session.execute(_linking(upsert_insert(session)), values)


_CARDS = (
    select(ThreadLink.chat_id, ThreadLink.message_id)
    .where(ThreadLink.request_id == _param(ThreadLink.request_id), ThreadLink.role == LinkRole.CARD)
    .order_by(ThreadLink.created_at, ThreadLink.message_id)
)


async def request_cards(session: AsyncSession, request_id: int) -> dict[int, int]:
    """The latest request card of `request_id` in each chat it was posted in, chat id → message id (a
    hand-over back posts a new one; of a card in several parts, the last, which holds its buttons)."""
    links = await session.execute(_CARDS, {"request_id": request_id})
    # A later card of a chat replaces an earlier one.
    return {chat_id: message_id for chat_id, message_id in links}


async def cards_on_the_way(session: AsyncSession, request_id: int) -> set[int]:
    """The chats a card of `request_id` is being posted in (written to the outbox, not yet sent)."""
    rows = await session.scalars(
        select(OutboxMessage.target).where(
            OutboxMessage.request_id == request_id,
            OutboxMessage.link_role == LinkRole.CARD.value,
            OutboxMessage.channel == Channel.TELEGRAM,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        )
    )
    return {int(target) for target in rows}


async def open_request_card_chats(session: AsyncSession) -> dict[int, tuple[Request, set[int]]]:
    """Every open request that has a card posted since it was last routed (to its partner, or an escalated
    copy): request id → (the request, the chats holding such a card)."""
    rows = await session.execute(
        select(Request, ThreadLink.chat_id)
        .join(ThreadLink, _card_since_routing(Request.id, Request.routed_at))
        .where(Request.status.in_(OPEN_STATUSES))
        .order_by(Request.id)
    )
    found: dict[int, tuple[Request, set[int]]] = {}
    for request, chat_id in rows:
        found.setdefault(request.id, (request, set()))[1].add(chat_id)
    return found


async def card_since_routing(session: AsyncSession, chat_id: int, request: Request) -> bool:
    """Whether chat `chat_id` holds a card of `request` posted since it was last routed."""
    link = await session.scalar(
        select(ThreadLink.message_id)
        .where(ThreadLink.chat_id == chat_id, _card_since_routing(request.id, request.routed_at))
        .limit(1)
    )
    return link is not None


def _card_since_routing(request_id: Any, routed_at: Any) -> ColumnElement[bool]:
    """A thread link that is a card of request `request_id` posted since `routed_at` (values or columns)."""
    return and_(
        ThreadLink.request_id == request_id,
        ThreadLink.role == LinkRole.CARD,
        ThreadLink.created_at >= routed_at,
    )


async def remember_deleted(session: AsyncSession, resident_id: int) -> None:
    """/delete, before the resident's requests go: their numbers retire as deleted (`RetiredNumber`), and
    every message of their threads in a partner chat (cards, notes, the partner's replies) is remembered
    with its request's number (`DeletedRequestLink`); a card being sent right now (its row is left to
    finish) carries them (`DELETED_CARD`), for the delivery worker to remember once it has arrived.

    The outbox rows about the requests are locked first: on PostgreSQL a card the worker records as sent
    meanwhile is then either among the links read below (it committed first) or marked (the worker waits).
    None of them is claimed before /delete has removed it either."""
    waiting = await session.execute(
        select(OutboxMessage, Request.id, Request.number)
        .join(Request, Request.id == OutboxMessage.request_id)
        .where(Request.resident_id == resident_id, OutboxMessage.status.in_(ACTIVE_OUTBOX))
        .with_for_update(of=OutboxMessage)
    )
    for row, request_id, number in waiting:
        if row.status is OutboxStatus.SENDING and row.link_role == LinkRole.CARD:
            row.payload = {**row.payload, DELETED_CARD: [request_id, number]}
    requests = await session.execute(
        select(Request.number, Request.partner_id).where(Request.resident_id == resident_id)
    )
    session.add_all(
        RetiredNumber(number=number, partner_id=partner_id, deleted=True) for number, partner_id in requests
    )
    links = await session.execute(
        select(ThreadLink.chat_id, ThreadLink.message_id, ThreadLink.request_id, Request.number)
        .join(Request, Request.id == ThreadLink.request_id)
        .where(Request.resident_id == resident_id, ThreadLink.role.in_((LinkRole.CARD, LinkRole.PARTNER)))
    )
    now = utcnow()
    session.add_all(
        DeletedRequestLink(
            chat_id=chat_id, message_id=message_id, request_id=request_id, number=number, created_at=now
        )
        for chat_id, message_id, request_id, number in links
    )


async def remember_deleted_card(
    session: AsyncSession, chat_id: int, message_ids: Sequence[int], request_id: int, number: str
) -> bool:
    """A card of deleted request `number` (id `request_id`) that arrived in chat `chat_id` as `message_ids`
    after /delete is remembered like the request's other messages; True if the chat had none of them before
    (it has not heard of the deletion)."""
    known = exists().where(DeletedRequestLink.chat_id == chat_id, DeletedRequestLink.number == number)
    new = not await session.scalar(select(known))
    now = utcnow()
    session.add_all(
        DeletedRequestLink(
            chat_id=chat_id, message_id=message_id, request_id=request_id, number=number, created_at=now
        )
        for message_id in message_ids
    )
    return new


@cache
def _deleted_number(by_message: bool, by_request: bool) -> Select[str]:
    """`deleted_request_number`'s query: by chat and message, by chat and request, or by all three."""
    found = select(DeletedRequestLink.number).where(
        DeletedRequestLink.chat_id == _param(DeletedRequestLink.chat_id)
    )
    if by_message:
        found = found.where(DeletedRequestLink.message_id == _param(DeletedRequestLink.message_id))
    if by_request:
        found = found.where(DeletedRequestLink.request_id == _param(DeletedRequestLink.request_id))
    return found.order_by(DeletedRequestLink.created_at.desc()).limit(1)


async def deleted_request_number(
    session: AsyncSession, chat_id: int, *, message_id: int | None = None, request_id: int | None = None
) -> str | None:
    """The number of the request its resident deleted that partner chat `chat_id` had message `message_id`
    of (a reply to it, a button under it), or any message of by id `request_id` (a button whose message is
    not known); None if none."""
    found = _deleted_number(message_id is not None, request_id is not None)
    values = {"chat_id": chat_id, "message_id": message_id, "request_id": request_id}
    return await session.scalar(found, {key: value for key, value in values.items() if value is not None})


_CARD_HTML = (
    select(OutboxMessage.payload, OutboxMessage.dedupe_key)
    .where(
        OutboxMessage.channel == Channel.TELEGRAM,
        OutboxMessage.target == _param(OutboxMessage.target),
        OutboxMessage.result_message_id == _param(OutboxMessage.result_message_id),
        OutboxMessage.link_role == LinkRole.CARD,
    )
    .limit(1)
)


async def sent_card(session: AsyncSession, chat_id: int, message_id: int) -> tuple[str, str] | None:
    """(its HTML, its dedupe key) of the request card the bot sent as message `message_id` of `chat_id` (its
    notes included), None if that message is no card (or its outbox row was purged)."""
    row = (
        await session.execute(_CARD_HTML, {"target": str(chat_id), "result_message_id": message_id})
    ).first()
    text = row.payload.get("text") if row is not None and row.payload else None
    return (text, row.dedupe_key) if row is not None and isinstance(text, str) else None


async def sent_card_html(session: AsyncSession, chat_id: int, message_id: int) -> str | None:
    """The HTML of the request card the bot sent as message `message_id` of `chat_id` (`sent_card`)."""
    found = await sent_card(session, chat_id, message_id)
    return found[0] if found is not None else None


async def reached_partner(session: AsyncSession, request: Request, partner_id: str) -> bool:
    """Whether a message about `request` was delivered to partner `partner_id` (by e-mail: no thread
    links)."""
    sent = select(OutboxMessage.id).where(
        OutboxMessage.request_id == request.id,
        OutboxMessage.partner_id == partner_id,
        OutboxMessage.status == OutboxStatus.SENT,
    )
    return (await session.execute(sent.limit(1))).first() is not None


# --- dialogues ----------------------------------------------------------------------------------------


_DIALOGUE = select(Dialogue).where(Dialogue.resident_id == _param(Dialogue.resident_id))


async def get_dialogue(session: AsyncSession, resident_id: int) -> Dialogue | None:
    return await session.scalar(_DIALOGUE, {"resident_id": resident_id})


async def delete_dialogue(session: AsyncSession, dialogue: Dialogue) -> None:
    await session.delete(dialogue)
    await session.flush()


# --- partner chats ------------------------------------------------------------------------------------


# session.info key: the partner chats looked up in the session, partner id → row or None. Routing asks for the
# same partner's several times in one update (its card, the resident's confirmation, the thread note), and
# the row is there only for a group that migrated: `session.get` would ask the database each time.
_PARTNER_CHATS = "partner_chats"


async def partner_chat(session: AsyncSession, partner_id: str) -> PartnerChat | None:
    """The partner's group, if it migrated (looked up once per session and partner)."""
    known: dict[str, PartnerChat | None] = session.info.setdefault(_PARTNER_CHATS, {})
    if partner_id not in known:
        known[partner_id] = await session.get(PartnerChat, partner_id)
    return known[partner_id]


async def set_partner_chat(
    session: AsyncSession, partner_id: str, old_chat_id: int, new_chat_id: int
) -> None:
    row = await session.get(PartnerChat, partner_id)  # asked afresh: a write decides on it
    if row is None:
        row = PartnerChat(partner_id=partner_id, chat_id=new_chat_id, previous_chat_id=old_chat_id)
        session.add(row)
    else:
        row.chat_id = new_chat_id
        # Keep the id the content still names: the override applies as long as the content says that one.
        row.previous_chat_id = row.previous_chat_id or old_chat_id
    session.info.setdefault(_PARTNER_CHATS, {})[partner_id] = row
    await session.flush()


# --- residents ----------------------------------------------------------------------------------------


async def mark_resident_blocked(session: AsyncSession, telegram_id: int, reason: BlockedReason) -> None:
    """Nothing reaches resident `telegram_id` any more, for `reason` (told to partners who write to her)."""
    mark = update(Resident).where(Resident.telegram_id == telegram_id)
    await session.execute(mark.values(blocked=True, blocked_reason=reason))


# --- outbox -------------------------------------------------------------------------------------------


# The outbox statements run for every message, several times (a claim finds nothing after the last): built
# once here, with bound parameters, instead of anew each time (building `_DUE`, with its alias, cost more
# than running it).
_older = aliased(OutboxMessage)
_DUE = (
    select(OutboxMessage.id, OutboxMessage.target)
    .where(
        OutboxMessage.status.in_(ACTIVE_OUTBOX),
        OutboxMessage.next_attempt_at <= bindparam("due_now", type_=OutboxMessage.next_attempt_at.type),
        ~exists().where(
            and_(
                _older.channel == OutboxMessage.channel,
                _older.target == OutboxMessage.target,
                _older.id < OutboxMessage.id,
                _older.status.in_(ACTIVE_OUTBOX),
            )
        ),
    )
    .order_by(OutboxMessage.id)
    .limit(bindparam("due_limit", type_=Integer))
)
_DUE_SKIP_LOCKED = _DUE.with_for_update(skip_locked=True, of=OutboxMessage)
_CLAIM = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id.in_(bindparam("claim_ids", expanding=True)),
        OutboxMessage.status.in_(ACTIVE_OUTBOX),
        OutboxMessage.next_attempt_at <= bindparam("claim_now", type_=OutboxMessage.next_attempt_at.type),
    )
    .values(
        status=OutboxStatus.SENDING,
        next_attempt_at=bindparam("lease_until", type_=OutboxMessage.next_attempt_at.type),
        claimed_by=bindparam("worker_id", type_=OutboxMessage.claimed_by.type),
    )
    .returning(OutboxMessage)
    .execution_options(synchronize_session=False)
)


async def due_outbox(session: AsyncSession, now: datetime, limit: int) -> list[tuple[int, str]]:
    """(id, target) of rows due now, oldest first, at most one per target (messages to one chat keep
    their order).

    A row is due when it is pending (or its sending lease expired: the worker that claimed it died) and no
    older row for the same target is still waiting. On PostgreSQL the rows are locked with SKIP LOCKED so
    two workers never claim the same row.
    """
    stmt = _DUE_SKIP_LOCKED if session.get_bind().dialect.name == "postgresql" else _DUE
    rows = await session.execute(stmt, {"due_now": now, "due_limit": limit})
    return [(row_id, target) for row_id, target in rows.all()]


async def claim_outbox(
    session: AsyncSession, row_ids: Sequence[int], now: datetime, lease_until: datetime, worker_id: str
) -> list[OutboxMessage]:
    """Mark due rows as being sent by `worker_id` until `lease_until`; the rows claimed, by id (one another
    worker got first is not among them)."""
    values = {
        "claim_ids": list(row_ids),
        "claim_now": now,
        "lease_until": lease_until,
        "worker_id": worker_id,
    }
    rows = await session.scalars(_CLAIM, values)
    return sorted(rows, key=lambda row: row.id)


_OUTBOX = cast(Table, OutboxMessage.__table__)
_REQUESTS = cast(Table, Request.__table__)
# The delivery worker's record of a message Telegram accepted (`record_sent`), Core statements on the tables:
# every message sent runs them, and the ORM's identity loads and flush cost more than the statements.
_RECORD_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == _param(OutboxMessage.id, "row_id"))
    .values(
        status=OutboxStatus.SENT,
        attempts=_OUTBOX.c.attempts + 1,
        sent_at=_param(OutboxMessage.sent_at),
        result_message_id=_param(OutboxMessage.result_message_id),
        last_error=None,
    )
    .returning(
        _OUTBOX.c.link_role,
        _OUTBOX.c.request_id,
        _OUTBOX.c.target,
        select(_REQUESTS.c.status).where(_REQUESTS.c.id == _OUTBOX.c.request_id).scalar_subquery(),
    )
)
_LOCK_REQUEST = (
    select(_REQUESTS.c.status).where(_REQUESTS.c.id == _param(Request.id, "request_id")).with_for_update()
)


@dataclass(frozen=True, slots=True)
class SentRow:
    """What `record_sent` brings back of an outbox row: its thread role, request and chat, and the status of
    its request (None: the request is gone, or the row has none)."""

    link_role: str | None
    request_id: int | None
    target: str
    request_status: RequestStatus | None


async def record_sent(
    session: AsyncSession, row_id: int, sent_at: datetime, message_id: int | None
) -> SentRow | None:
    """Mark outbox row `row_id` sent at `sent_at` as message `message_id` (its attempts counted), in one
    statement that also locks it (PostgreSQL: as SELECT ... FOR UPDATE did); None if the row is gone (its
    resident used /delete)."""
    values = {"row_id": row_id, "sent_at": sent_at, "result_message_id": message_id}
    found = (await session.execute(_RECORD_SENT, values)).first()
    return SentRow(*found) if found is not None else None


async def lock_request_status(session: AsyncSession, request_id: int) -> RequestStatus | None:
    """The status of request `request_id`, its row locked until the commit (PostgreSQL); None: it is gone."""
    return await session.scalar(_LOCK_REQUEST, {"request_id": request_id})


async def renew_outbox_leases(
    session: AsyncSession, row_ids: Sequence[int], worker_id: str, lease_until: datetime
) -> None:
    """Extend the lease of rows `worker_id` is still sending (a row taken over by another is left alone)."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(row_ids),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == worker_id,
        )
        .values(next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )


async def recently_sent(session: AsyncSession, since: datetime) -> list[tuple[int, datetime]]:
    """(chat id, sent at) of the Telegram messages sent since `since`, oldest first."""
    rows = await session.execute(
        select(OutboxMessage.target, OutboxMessage.sent_at)
        .where(
            OutboxMessage.channel == Channel.TELEGRAM,
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at >= since,
        )
        .order_by(OutboxMessage.sent_at)
    )
    return [(int(target), sent_at) for target, sent_at in rows.all() if sent_at is not None]


async def pending_for_target(session: AsyncSession, channel: Channel, target: str) -> Sequence[OutboxMessage]:
    result = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.target == target,
            OutboxMessage.status.in_(ACTIVE_OUTBOX),
        )
        .order_by(OutboxMessage.id)
    )
    return result.all()


_KEY_EXISTS = (
    select(OutboxMessage.id).where(OutboxMessage.dedupe_key.in_(bindparam("keys", expanding=True))).limit(1)
)


async def outbox_key_exists(session: AsyncSession, *dedupe_keys: str) -> bool:
    """Whether an outbox row has one of `dedupe_keys`."""
    return (await session.execute(_KEY_EXISTS, {"keys": list(dedupe_keys)})).first() is not None
