"""The resident's own data: who they are to the bot (language, neighbourhood), everything stored about them
(/mydata, DSGVO Art. 15, the right of access) and forgetting them (/delete, the right to erasure).

The domain service the handlers call; each call is one transaction. Nothing here knows Telegram.
What /mydata returns is plain data: bot/render/personal_data.py turns it into a message and a JSON file.
Only the resident's own data is included: the first names of partner staff in a thread are theirs, not the
resident's.

Longer than most modules on purpose: every row kept about a resident outside her requests (settings, the
lines held while she decides where they belong, votes, recent questions) is written, collected for /mydata
and forgotten by /delete here, so a new kind of row cannot be added without /mydata and /delete seeing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Table, and_, bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import flood
from bot.feedback import mask_contact_details
from bot.storage import requests as store
from bot.storage.db import Database, upsert_insert
from bot.storage.models import Resident, WaitingMessage
from bot.storage.models.base import utcnow
from bot.storage.models.feedback import AnswerFeedback, UnansweredQuestion
from bot.storage.models.outbox import OutboxMessage, OutboxStatus
from bot.storage.models.requests import AnswerShown, Dialogue, Request, RequestMessage

LAST_SEEN_PRECISION = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class ResidentSettings:
    """What the bot keeps about a resident and uses on every update."""

    language: str
    district: str | None
    language_confirmed: bool
    # Read with their row, so that an update need not ask the request tables again: the resident is
    # writing a request (a draft that is not parked: their texts go to it), has a draft at all (a parked
    # one is offered with the menu), may be in a request's conversation (one was opened and not ended:
    # whether it is still open, bot/tickets/conversation.py decides).
    drafting: bool
    has_draft: bool
    conversing: bool
    # Something of hers waits in `waiting_messages` (asked of it only when it does): her first minute after
    # /delete runs (`FIRST_MINUTE`), a message waits for her tap on "is this your answer?" (`ANSWER`).
    first_minute: bool = False
    answer_waits: bool = False


# What a message of hers waits for (`WaitingMessage.waits_for`).
FIRST_MINUTE = "first_minute"  # her language and district after /delete: then answered, or asked about
WHICH = "which"  # her tap on the request it is for ("which request?")
ANSWER = "answer"  # "is this your answer to …?": her tap, or it goes there when she writes on
REOPEN = "reopen"  # her tap on "Reopen" of the closed request
ADD = "add"  # her tap on "add this to my request" under a question the bot could not answer


@dataclass(frozen=True, slots=True)
class Waiting:
    """A message of hers kept for her tap (`WaitingMessage`): its text (a file's caption) and its file (as
    `bot.tickets.dialogue.Attachment.to_json`), the bot's question about it and the request it names (for
    "which request?": the requests it `offered`)."""

    message_id: int
    text: str | None
    attachment: dict[str, Any] | None = None
    prompt_id: int | None = None
    request_id: int | None = None
    created_at: datetime | None = None
    offered: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """One message of a request's thread: from the resident (`to_partner`) or from the partner. Never the
    staff member's name (`author`): staff decide whether residents see it (SHOW_STAFF_NAMES)."""

    direction: str  # "to_partner" or "to_resident"
    kind: str  # text, photo, voice, document
    text: str | None
    file_name: str | None
    created_at: datetime
    partner_id: str | None  # the organisation that wrote it (a partner's message), if recorded


@dataclass(frozen=True, slots=True)
class RequestRecord:
    number: str
    partner_id: str
    offer_id: str | None
    event_id: str | None
    topic_id: str | None
    district: str | None
    language: str
    status: str
    contact: str
    phone: str | None
    first_name: str
    intake: dict[str, str]
    created_at: datetime
    updated_at: datetime
    messages: tuple[ThreadMessage, ...]
    # What its status says where "answered" is not true: reopened without a partner's answer, or no answer
    # reached her (`store.answered_status`, as /requests)
    status_shown: AnswerShown | None = None


@dataclass(frozen=True, slots=True)
class DraftRecord:
    """A request the resident started but did not send (deleted after the draft retention time)."""

    step: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """A 👍 (helpful) or 👎 under an answer."""

    kind: str  # offer, event, partner, faq
    entry_id: str
    helpful: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """A question the bot found no answer to, as stored (phone numbers and e-mail addresses masked)."""

    text: str
    language: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PersonalData:
    telegram_id: int
    language: str
    language_confirmed: bool
    district: str | None
    first_name: str | None
    blocked: bool
    blocked_reason: str | None  # why (`BlockedReason`): she blocked the bot, or her account was gone
    first_seen: datetime
    last_seen: datetime
    requests: tuple[RequestRecord, ...]
    draft: DraftRecord | None
    votes: tuple[VoteRecord, ...]
    questions: tuple[QuestionRecord, ...]
    # Her messages waiting for a tap of hers (`Waiting`).
    waiting: tuple[Waiting, ...] = ()


_R = TypeVar("_R")


def _record(record: type[_R], row: object, **values: Any) -> _R:
    """`record` with the values given, its other fields from the same-named attributes of `row` (enums as
    their stored values)."""
    for name in (f.name for f in fields(record)):  # type: ignore[arg-type]
        if name not in values:
            value = getattr(row, name)
            values[name] = value.value if isinstance(value, Enum) else value
    return record(**values)


def _changes(resident: Any, now: datetime, first_name: str | None) -> bool:
    """Whether a resident's arrival changes their row (see `ResidentService.arrive`)."""
    return (
        now - resident.last_seen > LAST_SEEN_PRECISION
        or bool(first_name and resident.first_name != first_name)
        or resident.blocked
    )


def _settings(resident: Any, dialogue: Any, *flags: bool) -> ResidentSettings:
    """`resident` (a row of `_RESIDENT_COLUMNS`) and their `dialogue` (its id and data; None: they have
    none) as settings."""
    conversing, first_minute, answer_waits = flags
    draft = dialogue is not None and dialogue[0] is not None
    return ResidentSettings(
        resident.language,
        resident.district,
        resident.language_confirmed,
        drafting=draft and not Dialogue.is_parked(dialogue[1]),
        has_draft=draft,
        conversing=conversing,
        first_minute=first_minute,
        answer_waits=answer_waits,
    )


# Core statements on the tables (no ORM entities): every update runs them, and loading a Resident and a
# Dialogue object (identity map, state) cost more than the statement.
_RESIDENTS = cast(Table, Resident.__table__)
_DIALOGUES = cast(Table, Dialogue.__table__)
_REQUESTS = cast(Table, Request.__table__)
_WAITING = cast(Table, WaitingMessage.__table__)
_RESIDENT_COLUMNS = tuple(
    _RESIDENTS.c[name]
    for name in ("language", "district", "language_confirmed", "first_name", "blocked", "last_seen")
)


def _waits(waits_for: str) -> Any:
    """Whether a message of the arriving resident waits for `waits_for`."""
    return exists().where(
        _WAITING.c.resident_id == _RESIDENTS.c.telegram_id, _WAITING.c.waits_for == waits_for
    )


# Every update reads its resident, with their draft and whether a conversation of theirs was opened: built
# once, as is the upsert of a new or changed resident (building them anew cost about what running them does).
_ARRIVING = (
    select(
        *_RESIDENT_COLUMNS,
        _DIALOGUES.c.id,
        _DIALOGUES.c.data,
        exists().where(
            _REQUESTS.c.resident_id == _RESIDENTS.c.telegram_id, _REQUESTS.c.conversation_at.is_not(None)
        ),
        _waits(FIRST_MINUTE),
        _waits(ANSWER),
    )
    .select_from(_RESIDENTS.outerjoin(_DIALOGUES, _DIALOGUES.c.resident_id == _RESIDENTS.c.telegram_id))
    .where(_RESIDENTS.c.telegram_id == bindparam("telegram_id", type_=_RESIDENTS.c.telegram_id.type))
)


@cache
def _arrival(insert: Any) -> Any:
    """The upsert of an arriving resident (:telegram_id, :language, :first_name, :now), returning their row:
    a new one, or the known one seen now, their first name if given, unblocked (and why she was blocked
    forgotten)."""
    arriving = insert(_RESIDENTS).values(
        telegram_id=bindparam("telegram_id"),
        language=bindparam("language"),
        language_confirmed=False,
        first_name=bindparam("first_name"),
        blocked=False,
        blocked_reason=None,
        first_seen=bindparam("first_seen"),
        last_seen=bindparam("last_seen"),
    )
    return arriving.on_conflict_do_update(
        index_elements=[_RESIDENTS.c.telegram_id],
        set_={
            "last_seen": arriving.excluded.last_seen,
            "first_name": func.coalesce(arriving.excluded.first_name, _RESIDENTS.c.first_name),
            "blocked": False,
            "blocked_reason": None,
        },
    ).returning(*_RESIDENT_COLUMNS)


async def _remember(
    session: AsyncSession, telegram_id: int, language: str, first_name: str | None, now: datetime
) -> ResidentSettings:
    """The resident's settings, their row inserted or brought up to date (see `arrive`)."""
    first_name = (first_name or None) and first_name[:64]
    found = (await session.execute(_ARRIVING, {"telegram_id": telegram_id})).first()
    dialogue, flags = (found[6:8], found[8:]) if found is not None else (None, (False, False, False))
    # Most taps change nothing; a new resident's row, or (something changed, `_changes`) the known
    # one brought up to date, in one statement: also when another update of theirs inserted the row
    # meanwhile. A resident who writes again has evidently unblocked the bot.
    if found is not None and not _changes(found, now, first_name):
        return _settings(found, dialogue, *flags)
    values = {"telegram_id": telegram_id, "language": language, "first_name": first_name}
    upsert = _arrival(upsert_insert(session))
    resident = (await session.execute(upsert, {**values, "first_seen": now, "last_seen": now})).one()
    return _settings(resident, dialogue, *flags)


@dataclass(frozen=True, slots=True)
class Flooding:
    """The resident sent more messages this minute than `bot.flood` allows: their update goes no further."""

    warn: bool  # the first refused one of its window: they are told to slow down
    # Theirs (the negotiated one if the bot does not know them yet): a refused update may still be answered
    # (the slow-down notice, a button's toast, the emergency numbers).
    language: str
    # Beyond the limit by no more than the limit again, emergency words still pass (not without end, or
    # "help!" sent over and over would flood the partner group she is writing to): the settings they go on
    # with, read in the same transaction. None beyond that.
    emergency_settings: ResidentSettings | None = None


# What else /delete does in its transaction, before the resident's rows go (`ResidentService.forget`): the
# request desk tells the partners (`bot.tickets.partners.resident_deleted`).
# /delete's part outside the resident's own rows; what it returns are partner messages (chat id, message id,
# their text now: None to keep it) whose buttons have nothing left to do.
DeletedCard = tuple[int, int, str | None]
ForgetHook = Callable[[AsyncSession, int], Awaitable[Sequence[DeletedCard]]]


async def _nothing_else(_session: AsyncSession, _telegram_id: int) -> Sequence[DeletedCard]:
    return ()


class ResidentService:
    def __init__(
        self,
        database: Database,
        *,
        flood_limit: int = flood.MAX_UPDATES,
        on_forget: ForgetHook = _nothing_else,
        transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]] | None = None,
    ) -> None:
        # `transaction`: a write transaction (`Services.transaction` wakes the delivery worker after it).
        self._database = database
        # Updates a resident may send per window (`bot.flood`); tests lower it to reach it in fewer messages.
        self.flood_limit = flood_limit
        self._on_forget = on_forget
        self._transaction = transaction or database.transaction

    async def arrive(
        self, telegram_id: int, *, language: str, first_name: str | None, now: datetime, count: bool = True
    ) -> ResidentSettings | Flooding:
        """A resident writes or taps at `now` (the bot's clock): count it (`bot.flood`; far beyond the limit
        only their language is read), remember them (new ones with `language`, the negotiated one) and return
        their settings. One transaction: the counter is written on every update anyway. Without `count`
        (an update that belongs to one counted already) it is let through uncounted."""
        async with self._transaction() as session:
            beyond = (await flood.count(session, telegram_id, now) if count else 0) - self.flood_limit
            if beyond > self.flood_limit:
                chosen = select(Resident.language).where(Resident.telegram_id == telegram_id)
                return Flooding(beyond == 1, await session.scalar(chosen) or language)
            settings = await _remember(session, telegram_id, language, first_name, now)
            if beyond > 0:
                return Flooding(beyond == 1, settings.language, settings)
            return settings

    async def choose_language(self, telegram_id: int, language: str) -> None:
        """The resident picked their language (it counts as confirmed)."""
        async with self._transaction() as session:
            resident = await session.get(Resident, telegram_id)
            if resident is not None:
                resident.language = language
                resident.language_confirmed = True

    async def choose_district(self, telegram_id: int, district: str | None) -> None:
        """The resident picked their district; None: they do not know it (it stays unknown)."""
        async with self._transaction() as session:
            resident = await session.get(Resident, telegram_id)
            if resident is not None:
                resident.district = district

    async def forget(self, telegram_id: int) -> Sequence[DeletedCard]:
        """/delete: the resident, their dialogue, requests and thread links, votes and unanswered questions
        (cascade) and every outbox row to them or about their requests, sent or not (a row a worker is
        sending right now is left to finish). First `on_forget` tells the partners of their requests (in
        messages about no request: those stay); what it returns: the cards of their open requests (chat id,
        message id, what they say now, see `ForgetHook`), whose buttons have nothing left to do."""
        their_requests = select(Request.id).where(Request.resident_id == telegram_id)
        theirs = or_(OutboxMessage.target == str(telegram_id), OutboxMessage.request_id.in_(their_requests))
        async with self._transaction() as session:
            cards = await self._on_forget(session, telegram_id)
            await session.execute(
                delete(OutboxMessage).where(theirs, OutboxMessage.status != OutboxStatus.SENDING)
            )
            await session.execute(delete(Resident).where(Resident.telegram_id == telegram_id))
        return cards

    async def collect(self, telegram_id: int) -> PersonalData | None:
        """Everything stored about the resident `telegram_id`; None if the bot knows nothing about them."""
        async with self._database.sessions() as session:
            resident = await session.get(Resident, telegram_id)
            if resident is None:
                return None
            requests = (
                await session.scalars(
                    select(Request)
                    .where(Request.resident_id == telegram_id)
                    .order_by(Request.created_at, Request.id)
                )
            ).all()
            messages = await session.scalars(
                select(RequestMessage)
                .where(RequestMessage.request_id.in_([r.id for r in requests]))
                .order_by(RequestMessage.id)
            )
            shown = await store.answered_status(session, requests)
            threads: dict[int, list[ThreadMessage]] = {}
            for message in messages:
                threads.setdefault(message.request_id, []).append(_record(ThreadMessage, message))
            dialogue = await session.scalar(select(Dialogue).where(Dialogue.resident_id == telegram_id))
            votes = await session.scalars(
                select(AnswerFeedback)
                .where(AnswerFeedback.resident_id == telegram_id)
                .order_by(AnswerFeedback.created_at, AnswerFeedback.id)
            )
            questions = await session.scalars(
                select(UnansweredQuestion)
                .where(UnansweredQuestion.resident_id == telegram_id)
                .order_by(UnansweredQuestion.created_at, UnansweredQuestion.id)
            )
            return _record(
                PersonalData,
                resident,
                requests=tuple(
                    _record(
                        RequestRecord,
                        r,
                        intake=dict(r.intake or {}),
                        messages=tuple(threads.get(r.id, ())),
                        status_shown=shown.get(r.id),
                    )
                    for r in requests
                ),
                draft=None
                if dialogue is None
                else _record(DraftRecord, dialogue, data=dict(dialogue.data or {})),
                votes=tuple(_record(VoteRecord, vote) for vote in votes),
                questions=tuple(_record(QuestionRecord, question) for question in questions),
                waiting=tuple(
                    _waiting(row)
                    for row in await session.scalars(
                        select(WaitingMessage)
                        .where(WaitingMessage.resident_id == telegram_id)
                        .order_by(WaitingMessage.id)
                    )
                ),
            )

    async def keep(self, telegram_id: int, waits_for: str, message: Waiting, *, limit: int) -> None:
        """Keep her `message` until her tap (`waits_for`), the latest `limit` of that kind: a resident who
        writes on for days without tapping does not grow the table without end. Once: the same update
        handled again keeps nothing more. A question of the first minute after /delete is kept masked
        (`mask_contact_details`, as every question the bot stores): it is searched, never passed on."""
        text = message.text
        if waits_for == FIRST_MINUTE and message.attachment is None and text is not None:
            text = mask_contact_details(text)
        async with self._transaction() as session:
            insert = upsert_insert(session)
            await session.execute(
                insert(WaitingMessage)
                .values(
                    resident_id=telegram_id,
                    waits_for=waits_for,
                    prompt_id=message.prompt_id,
                    request_id=message.request_id,
                    message_id=message.message_id,
                    text=text,
                    attachment=message.attachment,
                    offered=list(message.offered) or None,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["resident_id", "waits_for", "message_id"])
            )
            older = (
                select(WaitingMessage.id)
                .where(WaitingMessage.resident_id == telegram_id, WaitingMessage.waits_for == waits_for)
                .order_by(WaitingMessage.id.desc())
                .offset(limit)
            )
            await session.execute(delete(WaitingMessage).where(WaitingMessage.id.in_(older)))

    async def waiting(self, telegram_id: int, waits_for: str) -> list[Waiting]:
        """Her messages waiting for `waits_for`, oldest first."""
        async with self._database.sessions() as session:
            rows = await session.scalars(_waiting_rows(telegram_id, waits_for))
            return [_waiting(row) for row in rows]

    async def take(self, telegram_id: int, waits_for: str) -> list[Waiting]:
        """Her messages waiting for `waits_for`, oldest first; they wait no longer (one statement)."""
        async with self._transaction() as session:
            rows = await session.scalars(
                delete(WaitingMessage)
                .where(WaitingMessage.resident_id == telegram_id, WaitingMessage.waits_for == waits_for)
                .returning(WaitingMessage)
            )
            return sorted((_waiting(row) for row in rows), key=_oldest)

    def tapped(self, telegram_id: int, prompt_id: int, request_id: int) -> Passing:
        """Her tap on request `request_id` under the bot's question `prompt_id`: the message under it, and
        every message of hers waiting under "which request?" whose question offered that request (not one
        whose question offered only others), oldest first (`Passing`)."""
        query = select(WaitingMessage).where(
            WaitingMessage.resident_id == telegram_id,
            or_(
                and_(WaitingMessage.waits_for.in_((WHICH, ANSWER)), WaitingMessage.prompt_id == prompt_id),
                WaitingMessage.waits_for == WHICH,
            ),
        )
        return Passing(
            self._database,
            self.passed,
            query,
            lambda row: row.prompt_id == prompt_id or request_id in (row.offered or ()),
        )

    def adding(
        self, telegram_id: int, message_id: int, request_id: int, *, album: Sequence[int] = ()
    ) -> Passing:
        """Her message `message_id`, kept under the bot's answer that could not answer it for her tap on "add
        this to my request" (`ADD`) `request_id`: that one message (with a file: the further files of its
        `album`, kept with it), never another, and only if its screen offered that request (`Passing`)."""
        ids = (message_id, *album)
        query = _waiting_rows(telegram_id, ADD).where(WaitingMessage.message_id.in_(ids))
        return Passing(self._database, self.passed, query, lambda row: request_id in (row.offered or ()))

    def answers(self, telegram_id: int, *, within: timedelta) -> Passing:
        """Her message under "is this your answer?", as she writes on: only if it was written `within` the
        last minutes (her very next message, not one a day later: then it waits no longer, and she is told
        it was not passed on: `Passing.left_out`; only her tap passes it on), oldest first (`Passing`)."""
        since = utcnow() - within
        query = _waiting_rows(telegram_id, ANSWER)
        return Passing(self._database, self.passed, query, lambda row: row.created_at >= since, dropping=True)

    def reopening(self, telegram_id: int, request_id: int) -> Passing:
        """Her messages under "Reopen?" of request `request_id`, oldest first (`Passing`)."""
        query = _waiting_rows(telegram_id, REOPEN).where(WaitingMessage.request_id == request_id)
        return Passing(self._database, self.passed, query, lambda _row: True)

    async def corrected(self, telegram_id: int, message_id: int, text: str | None) -> None:
        """She edited her message `message_id` (a text, or a file's caption: None when she removed it): if
        it waits for her tap, it waits with her new `text` (a question of the first minute masked, as kept;
        a file's caption is its `text`, see `_waiting`)."""
        question = and_(WaitingMessage.waits_for == FIRST_MINUTE, WaitingMessage.attachment.is_(None))
        masked = mask_contact_details(text) if text is not None else None
        async with self._transaction() as session:
            await session.execute(
                update(WaitingMessage)
                .where(WaitingMessage.resident_id == telegram_id, WaitingMessage.message_id == message_id)
                .values(text=case((question, masked), else_=text))
            )

    async def settled(self, telegram_id: int, prompt_id: int) -> None:
        """She answered the bot's question `prompt_id` otherwise (a new question, the menu): the message
        under it waits no longer. Read first: a write transaction only when one waits."""
        query = select(WaitingMessage.id).where(
            WaitingMessage.resident_id == telegram_id,
            WaitingMessage.waits_for.in_((WHICH, ANSWER)),
            WaitingMessage.prompt_id == prompt_id,
        )
        async with self._database.sessions() as session:
            ids = list(await session.scalars(query))
        await self.passed(ids)

    async def passed(self, ids: Sequence[int]) -> None:
        """The rows `ids` (`Passing`) wait no longer."""
        if ids:
            async with self._transaction() as session:
                await session.execute(delete(WaitingMessage).where(WaitingMessage.id.in_(ids)))


class Passing:
    """Her waiting messages to pass on (`async with … as kept:`), the `chosen` of those `query` reads: the
    caller passes them on, and only then do they wait no longer (with those left out, if `dropping`). When
    passing them on failed (the Bot API down), they still wait, and the update handled again finds them
    (one passed on twice is sent once: `RequestDesk.converse`). No transaction stays open while the caller
    sends: one read, and one write only when there is something to remove. Those `dropping` leaves out
    are `left_out` (oldest first): the caller tells her about them in the same `async with`."""

    def __init__(
        self,
        database: Database,
        passed: Callable[[Sequence[int]], Awaitable[None]],
        query: Any,
        chosen: Callable[[WaitingMessage], bool],
        *,
        dropping: bool = False,
    ) -> None:
        self._database, self._passed, self._query = database, passed, query
        self._chosen, self._dropping = chosen, dropping
        self._ids: list[int] = []
        self.left_out: list[Waiting] = []

    async def __aenter__(self) -> list[Waiting]:
        async with self._database.sessions() as session:
            rows = list(await session.scalars(self._query.order_by(WaitingMessage.id)))
        chosen = [row for row in rows if self._chosen(row)]
        self._ids = [row.id for row in (rows if self._dropping else chosen)]
        if self._dropping:
            self.left_out = [_waiting(row) for row in rows if not self._chosen(row)]
        return [_waiting(row) for row in chosen]

    async def __aexit__(self, kind: type[BaseException] | None, *_exc: object) -> None:
        if kind is None:
            await self._passed(self._ids)


def _waiting_rows(telegram_id: int, *kinds: str) -> Any:
    return (
        select(WaitingMessage)
        .where(WaitingMessage.resident_id == telegram_id, WaitingMessage.waits_for.in_(kinds))
        .order_by(WaitingMessage.id)
    )


def _oldest(kept: Waiting) -> int:
    return kept.message_id


def _waiting(row: WaitingMessage) -> Waiting:
    # A file's caption is the row's text, as she last edited it (`corrected`): its file goes with it.
    attachment = {**row.attachment, "caption": row.text} if row.attachment is not None else None
    offered = tuple(row.offered or ())
    return Waiting(
        row.message_id, row.text, attachment, row.prompt_id, row.request_id, row.created_at, offered
    )
