"""The delivery worker: sends what the outbox holds, with retries, and records where each message landed.

Each round claims due rows (status `sending`, `claimed_by` this worker, a lease in `next_attempt_at`) in one
short transaction, sends them without holding a transaction open, then records the result in a second
transaction — together with the ThreadLink of the sent message, so a reply can never arrive for a message
we did not map. The lease is short (`RetryPolicy.lease`, the OUTBOX_LEASE_SECONDS setting, 10 s by
default) and renewed every third of it while the rows are being sent (rate-limiter waits and retries
included), so the rows of a process that died are taken over by the next worker within seconds. If the
process dies between sending and recording, that one message is sent again: the only duplicate a kill can
produce. (A send that timed out but arrived is sent again too; replies to either copy still find the
request, see `bot.tickets.relay.partner_reply`.)

A text longer than Telegram takes (4,096 characters; a caption 1,024) goes out in numbered parts
(`bot.render.split`), the keyboard on the last. If a part fails, the parts sent so far are recorded with the
row (`parts_sent`), so the retry sends only the rest.

Two workers may run against PostgreSQL (rows are claimed with FOR UPDATE SKIP LOCKED and a conditional
update); on SQLite run one.

Longer than most modules on purpose: claiming, sending (in parts where a text is long), recording and
the lease renewal are one protocol with one reader; split up, the order of those steps would be hidden.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import smtplib
from asyncio import FIRST_COMPLETED
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.delivery import outbox
from bot.delivery.refusals import UNREACHABLE_CHAT_ERRORS, chat_gone
from bot.render.split import CAPTION_LIMIT, MESSAGE_LIMIT, split_html
from bot.storage import requests as store
from bot.storage.db import Database
from bot.storage.models.base import utcnow
from bot.storage.models.outbox import Audience, Channel, OutboxMessage, OutboxStatus
from bot.storage.models.requests import LinkRole, Request, RequestStatus
from bot.storage.models.resident import BlockedReason
from bot.transport import ChatPacer, backoff, retry_after_seconds

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, to: str, payload: Mapping[str, Any]) -> None: ...


class DeliveryHooks(Protocol):
    """Domain reactions to delivery failures, and to a request card that arrived after its request went
    (implemented by `bot.tickets.hooks.TicketDeliveryHooks`)."""

    async def card_of_gone_request(
        self, session: AsyncSession, row: OutboxMessage, message_ids: list[int]
    ) -> None: ...

    async def undeliverable(
        self, session: AsyncSession, row: OutboxMessage, error: str, chat_unreachable: bool
    ) -> None: ...

    async def resident_unreachable(
        self, session: AsyncSession, rows: Sequence[OutboxMessage], error: str
    ) -> None: ...

    async def chat_migrated(
        self, session: AsyncSession, partner_id: str, old_chat_id: int, new_chat_id: int
    ) -> None: ...


class MailNotConfigured(Exception):
    """An e-mail is due but no SMTP server is configured: kept and retried, so setting it up delivers it."""


@dataclass(frozen=True)
class RetryPolicy:
    # Seconds before the first retry; doubles each attempt. Short: the transport already tried a few times.
    base_delay: float = 2.0
    max_delay: float = 900.0  # backoff cap (15 minutes): a group unreachable for an hour loses nothing
    max_attempts: int = 30  # transient failures before a message is given up (about six hours)
    unreachable_attempts: int = 3  # "chat not found" / Forbidden / SMTP 5xx for a partner before re-routing
    lease: float = 10.0  # how long a claimed row is ours without renewal; renewed every lease/3 while sending


class _Kind(Enum):
    RETRY = "retry"
    RETRY_AFTER = "retry_after"
    BLOCKED = "blocked"
    UNREACHABLE = "unreachable"
    MIGRATED = "migrated"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class _Failure:
    kind: _Kind
    error: str
    delay: float = 0.0
    new_chat_id: int | None = None


def classify(exc: BaseException, audience: Audience) -> _Failure:
    """Map a send error to what to do about it. Never includes message bodies."""
    name = type(exc).__name__
    if isinstance(exc, RetryAfter):
        return _Failure(_Kind.RETRY_AFTER, name, delay=retry_after_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return _Failure(_Kind.MIGRATED, name, new_chat_id=exc.new_chat_id)
    if isinstance(exc, Forbidden | BadRequest):  # before NetworkError: BadRequest is a subclass of it
        text = exc.message.lower()
        if isinstance(exc, BadRequest) and not any(marker in text for marker in UNREACHABLE_CHAT_ERRORS):
            return _Failure(_Kind.PERMANENT, _said(name, exc.message))
        kind = _Kind.BLOCKED if audience is Audience.RESIDENT else _Kind.UNREACHABLE
        return _Failure(kind, _said(name, exc.message))
    if isinstance(exc, NetworkError):  # includes TimedOut and 5xx answers
        return _Failure(_Kind.RETRY, _said(name, exc.message))
    if isinstance(exc, smtplib.SMTPResponseException):
        # 5xx: the server refuses for good (unknown mailbox, rejected) — treated like a deleted group.
        kind = _Kind.UNREACHABLE if exc.smtp_code >= 500 else _Kind.RETRY
        return _Failure(kind, f"{name}: {_smtp_answer(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = [_smtp_answer(code, text) for code, text in exc.recipients.values()]
        return _Failure(_Kind.UNREACHABLE, f"{name}: {answers[0]}" if answers else name)
    if isinstance(exc, TelegramError):
        return _Failure(_Kind.RETRY, _said(name, exc.message))
    if isinstance(exc, OSError | smtplib.SMTPException | MailNotConfigured):
        # Connection refused, SMTP server down, mail not configured: retried with backoff. The system's
        # words (no message body) say which.
        return _Failure(_Kind.RETRY, f"{name}: {exc}" if str(exc) else name)
    # A bug: retried with backoff; its text could quote anything, so only its name.
    return _Failure(_Kind.RETRY, name)


def _said(name: str, message: str) -> str:
    """A Telegram error on one line, named once: "Forbidden: bot was kicked from the group chat" (Telegram's
    own description of a 403 starts with "Forbidden:" already), "BadRequest: Chat not found"."""
    return message if message.startswith(f"{name}:") else f"{name}: {message}"


def _smtp_answer(code: int, text: bytes | str) -> str:
    """An SMTP server's answer on one line: "550 5.1.1 <x@example.org>: Recipient address rejected"."""
    words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return " ".join(f"{code} {words}".split())


def _parts(method: str, payload: Mapping[str, Any]) -> list[str | None]:
    """What one outbox row sends, in order: a text in parts that each fit one message; a copy with a caption
    too long for one caption carries its first part, the rest follow as messages."""
    html = (payload.get("parse_mode") or "").upper() == "HTML"
    if method == outbox.COPY_MESSAGE:
        caption = payload.get("caption")
        if caption is None or not html:
            return [caption]
        return list(split_html(caption, CAPTION_LIMIT))
    text = payload["text"]
    return list(split_html(text, MESSAGE_LIMIT)) if html else [text]


def _of_deleted_request(row: OutboxMessage | store.SentRow) -> bool:
    """Whether `row` belonged to a request's thread (it has a link role) whose request is gone: its resident
    deleted their data while it was being sent."""
    return row.link_role is not None and row.request_id is None


async def _link_parts(
    session: AsyncSession, row: OutboxMessage | store.SentRow, message_ids: list[int]
) -> None:
    """Map the sent messages of a thread's row (every part of a long one) to its request, whose existence the
    caller checked: a reply to any of them counts."""
    if not (message_ids and row.link_role and row.request_id is not None):
        return
    for message_id in message_ids:
        await store.add_thread_link(
            session, int(row.target), message_id, row.request_id, LinkRole(row.link_role)
        )


class DeliveryWorker:
    """Delivers outbox rows: `run_once()` for one round (tests, a job), `start()`/`stop()` to keep polling."""

    def __init__(
        self,
        database: Database,
        bot: Bot,
        mailer: Mailer | None = None,
        *,
        hooks: DeliveryHooks,
        policy: RetryPolicy | None = None,
        batch_size: int = 20,
        poll_interval: float = 2.0,
        clock: Callable[[], datetime] = utcnow,
        pacer: ChatPacer | None = None,
    ) -> None:
        self.database = database
        self.bot = bot
        self.mailer = mailer
        self.hooks = hooks
        self.policy = policy or RetryPolicy()
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.clock = clock
        self.pacer = pacer
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Who claims rows: one id per worker (per process start), so only the owner renews a lease.
        self.worker_id = secrets.token_hex(8)

    # --- loop ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="delivery-worker")

    def wake(self) -> None:
        """Deliver now instead of at the next poll (call after committing new outbox rows)."""
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _loop(self) -> None:
        """Keeps up to `batch_size` sends under way: when one finishes, its chat's next message is claimed
        at once; a slow send (a timeout, flood control) holds its own chat, not everyone's. A chat that must
        wait for its pace (a group's 20 messages a minute) holds no slot: its next row stays unclaimed until
        the chat may send, so the others' messages never queue behind a group's backlog."""
        sending: set[int] = set()
        tasks: set[asyncio.Task[None]] = set()
        try:
            await self._seed_pacer()
        except Exception:
            logger.exception("could not read what was sent before the start")
        renewal = asyncio.create_task(self._renew_leases(sending), name="delivery-lease")
        try:
            while not self._stopping:
                self._wake.clear()
                free = self.batch_size - len(tasks)
                claimed: list[OutboxMessage] = []
                soonest: float | None = None
                if free > 0:
                    try:
                        claimed, soonest = await self._claim(free, paced=True)
                    except Exception:
                        logger.exception("claiming outbox rows failed")
                for row in claimed:
                    sending.add(row.id)
                    task = asyncio.create_task(self._deliver(row, sending), name=f"outbox-{row.id}")
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if claimed and len(claimed) == free:
                    continue  # perhaps more are due
                # A paced chat with a row due: look again the moment it may send.
                timeout = self.poll_interval if soonest is None else min(self.poll_interval, soonest)
                wake = asyncio.create_task(self._wake.wait())
                await asyncio.wait({wake, *tasks}, timeout=timeout, return_when=FIRST_COMPLETED)
                wake.cancel()
        finally:
            await asyncio.gather(*tasks, return_exceptions=True)
            renewal.cancel()
            await asyncio.gather(renewal, return_exceptions=True)

    async def _seed_pacer(self) -> None:
        """The pacer learns what the outbox sent in the last minute (before a restart, say): a group
        that just had its 20 messages a minute gets no fresh burst from a new process."""
        if self.pacer is None:
            return
        now = self.clock()
        async with self.database.sessions() as session:
            sent = await store.recently_sent(session, now - timedelta(minutes=1))
        self.pacer.seed((chat_id, (now - sent_at).total_seconds()) for chat_id, sent_at in sent)

    # --- one round ----------------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim and send the rows due now (a chat's pace is waited for); returns how many were handled
        (sent or failed)."""
        claimed, _ = await self._claim(self.batch_size)
        if not claimed:
            return 0
        # At most one row per target is claimed, so sending them concurrently keeps each chat's order.
        sending = {row.id for row in claimed}
        renewal = asyncio.create_task(self._renew_leases(sending), name="delivery-lease")
        try:
            await asyncio.gather(*(self._deliver(row, sending) for row in claimed))
        finally:
            renewal.cancel()
            await asyncio.gather(renewal, return_exceptions=True)
        return len(claimed)

    async def _claim(self, limit: int, *, paced: bool = False) -> tuple[list[OutboxMessage], float | None]:
        """Claim up to `limit` due rows (at most one per target; none for a target still being sent to).

        `paced`: the rows of chats that must wait for their pace stay unclaimed; then it also returns the
        soonest of those waits among the chats with a row due (None: none has).
        """
        waiting = self.pacer.waiting_chats() if paced and self.pacer is not None else {}
        paced_targets = {str(chat): wait for chat, wait in waiting.items()}
        now = self.clock()
        lease_until = now + timedelta(seconds=self.policy.lease)
        due: list[int] = []
        waits: list[float] = []
        async with self.database.transaction() as session:
            # One row per target at most: as many more as chats are paced leave room for all of them.
            for row_id, target in await store.due_outbox(session, now, limit + len(paced_targets)):
                if target in paced_targets:
                    waits.append(paced_targets[target])
                elif len(due) == limit:
                    break
                else:
                    due.append(row_id)
            # The rows stay readable once the session is closed (sessions do not expire on commit); the
            # results are recorded on a fresh copy.
            claimed = await store.claim_outbox(session, due, now, lease_until, self.worker_id) if due else []
        return claimed, min(waits, default=None)

    async def _renew_leases(self, sending: set[int]) -> None:
        """Keep the rows being sent ours while they take (waits for the rate limiter, retries); runs until
        cancelled."""
        while True:
            await asyncio.sleep(self.policy.lease / 3)
            if not sending:
                continue
            try:
                async with self.database.transaction() as session:
                    until = self.clock() + timedelta(seconds=self.policy.lease)
                    await store.renew_outbox_leases(session, list(sending), self.worker_id, until)
            except Exception:
                logger.exception("could not renew the outbox leases")

    async def _deliver(self, row: OutboxMessage, sending: set[int]) -> None:
        message_ids: list[int] = []  # of the messages sent (a long text: one per part that went out)
        try:
            await self._send(row, message_ids)
        except Exception as exc:
            sending.discard(row.id)
            failure = classify(exc, row.audience)
            logger.warning(
                "outbox %s to %s (%s) failed: %s", row.id, row.audience.value, row.method, failure.error
            )
            # Urgent if parts went out: they are sent again if a kill comes before this commit.
            async with self.database.transaction(urgent=bool(message_ids)) as session:
                await self._record_failure(session, row, failure, message_ids)
            return
        sending.discard(row.id)
        # Urgent: until this commits, a kill sends the message again (on SQLite it goes before the
        # inbox's and the handlers' writes waiting for the one writer).
        async with self.database.transaction(urgent=True) as session:
            orphaned = await self._record_sent(session, row, message_ids)
        if orphaned:  # after the commit: no network call while a transaction is open
            try:
                await self.bot.edit_message_reply_markup(int(row.target), message_ids[-1], reply_markup=None)
            except TelegramError as exc:
                logger.info("card of outbox %s keeps its buttons: %s", row.id, exc)

    async def _send(self, row: OutboxMessage, sent: list[int]) -> None:
        """Send `row`, adding the id of every message that went out to `sent` (none for an e-mail)."""
        if row.channel is Channel.EMAIL:
            if self.mailer is None:
                raise MailNotConfigured("no SMTP server configured")
            await self.mailer.send(row.target, row.payload)
            return
        if row.method not in (outbox.SEND_MESSAGE, outbox.COPY_MESSAGE):
            raise BadRequest(f"unknown outbox method {row.method}")
        payload = row.payload
        chat_id = int(row.target)
        reply_to = payload.get("reply_to_message_id")
        if reply_to is None and payload.get("reply_to_card") is not None:
            async with self.database.sessions() as session:
                cards = await store.request_cards(session, int(payload["reply_to_card"]))
                reply_to = cards.get(chat_id)
        reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        markup = outbox.markup(payload.get("keyboard"))
        parts = _parts(row.method, payload)
        done = int(payload.get("parts_sent", 0))
        for index, text in enumerate(parts):
            if index < done:
                continue
            common: dict[str, Any] = {
                "chat_id": chat_id,
                "parse_mode": payload.get("parse_mode"),
                "reply_markup": markup if index == len(parts) - 1 else None,
                "reply_parameters": reply if index == 0 else None,
                "message_thread_id": payload.get("message_thread_id"),
            }
            if index == 0 and row.method == outbox.COPY_MESSAGE:
                source = {"from_chat_id": payload["from_chat_id"], "message_id": payload["message_id"]}
                sent.append((await self.bot.copy_message(caption=text, **source, **common)).message_id)
            else:
                assert text is not None
                sent.append((await self.bot.send_message(text=text, **common)).message_id)

    # --- results ------------------------------------------------------------------------------------------

    async def _record_sent(self, session: AsyncSession, row: OutboxMessage, message_ids: list[int]) -> bool:
        """Record `row` as sent. True if it was a request card whose request went while it was on its way
        (/delete, which left the row but unset its request, or a withdrawal): /delete and the withdrawal took
        the buttons off the cards they knew, and this one's buttons have nothing left to do either (the hooks
        learn of it).

        The row and a card's request are locked (PostgreSQL; SQLite has one writer anyway): a withdrawal or
        /delete under way either commits first, and this finds the request withdrawn or gone, or waits for
        this commit, and then finds the card's link among the cards it takes the buttons off. Any other
        message of the thread leaves its request unlocked: it has no buttons to take off."""
        sent = await store.record_sent(
            session, row.id, self.clock(), message_ids[-1] if message_ids else None
        )
        if sent is None:
            # Deleted while we were sending (the resident used /delete): nothing left to record.
            logger.info("outbox %s vanished while being sent", row.id)
            return False
        card = sent.link_role == LinkRole.CARD and bool(message_ids)
        status = sent.request_status
        if card and sent.request_id is not None:
            status = await store.lock_request_status(session, sent.request_id)
        if status is not None:  # the request exists: its status was read
            await _link_parts(session, sent, message_ids)
        if _of_deleted_request(sent):
            db_row = await session.get_one(OutboxMessage, row.id)
            if card:
                await self.hooks.card_of_gone_request(session, db_row, message_ids)
            # Its resident's words go with the rest of their data: /delete left the row only to finish.
            await session.delete(db_row)
        return card and (status is None or status is RequestStatus.CANCELLED)

    async def _link(self, session: AsyncSession, db_row: OutboxMessage, message_ids: list[int]) -> None:
        """Map the sent messages (every part of a long one) to the request: a reply to any of them counts."""
        if db_row.request_id is not None and await session.get(Request, db_row.request_id) is not None:
            await _link_parts(session, db_row, message_ids)

    async def _record_failure(
        self, session: AsyncSession, row: OutboxMessage, failure: _Failure, sent: list[int]
    ) -> None:
        # Locked like a sent row (`_record_sent`): a /delete under way is seen once it has committed.
        db_row = await session.get(OutboxMessage, row.id, with_for_update=True)
        assert db_row is not None
        if _of_deleted_request(db_row):
            # Never sent again: /delete left the row only to finish (a part sent already stays unlinked).
            logger.info("outbox %s dropped: its request was deleted while it was being sent", row.id)
            await session.delete(db_row)
            return
        if sent:
            # The first parts of a long message went out: the next try sends only the rest.
            parts_sent = int(db_row.payload.get("parts_sent", 0)) + len(sent)
            db_row.payload = {**db_row.payload, "parts_sent": parts_sent}
            await self._link(session, db_row, sent)
        now = self.clock()
        db_row.last_error = failure.error[:500]
        db_row.status = OutboxStatus.PENDING
        if failure.kind is _Kind.RETRY_AFTER:
            # Flood control is not the message's fault: does not count as an attempt.
            db_row.next_attempt_at = now + timedelta(seconds=failure.delay + random.uniform(0, 1))
            return
        db_row.attempts += 1
        if failure.kind is _Kind.MIGRATED:
            assert failure.new_chat_id is not None
            await self._migrate(session, db_row, failure.new_chat_id)
            return
        if failure.kind is _Kind.BLOCKED:
            # Why, kept with the flag: the partners who write to her later are told it after this row is
            # purged too.
            reason = BlockedReason.GONE if chat_gone(failure.error) else BlockedReason.BLOCKED
            await store.mark_resident_blocked(session, int(row.target), reason)
            pending = await store.pending_for_target(session, Channel.TELEGRAM, row.target)
            dropped = [db_row, *(other for other in pending if other.id != db_row.id)]
            for other in dropped:
                other.status = OutboxStatus.FAILED
                other.last_error = db_row.last_error
            logger.info("outbox %s: the resident blocked the bot; their pending messages are dropped", row.id)
            # A partner's answer among them: the hooks tell whoever wrote it (and the staff) why.
            await self.hooks.resident_unreachable(session, dropped, failure.error)
            return
        unreachable = failure.kind is _Kind.UNREACHABLE and row.audience is Audience.PARTNER
        if (unreachable and db_row.attempts < self.policy.unreachable_attempts) or (
            failure.kind is _Kind.RETRY and db_row.attempts < self.policy.max_attempts
        ):
            delay = backoff(db_row.attempts, self.policy.base_delay, self.policy.max_delay)
            db_row.next_attempt_at = now + timedelta(seconds=delay)
            return
        if unreachable:
            await self._give_up_target(session, db_row, failure.error)
            return
        # Permanent error, or retries exhausted: never reported as delivered; the hooks tell the sender and
        # the staff.
        db_row.status = OutboxStatus.FAILED if row.audience is Audience.RESIDENT else OutboxStatus.DEAD
        if row.audience is not Audience.ADMIN:
            await self.hooks.undeliverable(session, db_row, failure.error, chat_unreachable=False)
        logger.error("outbox %s given up after %s attempts: %s", row.id, db_row.attempts, failure.error)

    async def _give_up_target(self, session: AsyncSession, db_row: OutboxMessage, error: str) -> None:
        """The partner's group or mailbox is gone: everything waiting for it is dead and re-routed once."""
        rows = [db_row, *await store.pending_for_target(session, db_row.channel, db_row.target)]
        seen_requests: set[int | None] = set()
        for row in rows:
            row.status = OutboxStatus.DEAD
            row.last_error = error[:500]
        logger.error(
            "partner %s unreachable at its %s destination: %s", db_row.partner_id, db_row.channel, error
        )
        for row in rows:
            if row.request_id not in seen_requests:
                seen_requests.add(row.request_id)
                await self.hooks.undeliverable(session, row, error, chat_unreachable=True)

    async def _migrate(self, session: AsyncSession, db_row: OutboxMessage, new_chat_id: int) -> None:
        """A group became a supergroup: send there from now on, and tell the staff to update the content."""
        old_chat_id = int(db_row.target)
        for row in [db_row, *await store.pending_for_target(session, Channel.TELEGRAM, db_row.target)]:
            row.target = str(new_chat_id)
            row.status = OutboxStatus.PENDING
            row.next_attempt_at = self.clock()
        if db_row.audience is Audience.PARTNER and db_row.partner_id:
            await store.set_partner_chat(session, db_row.partner_id, old_chat_id, new_chat_id)
            await self.hooks.chat_migrated(session, db_row.partner_id, old_chat_id, new_chat_id)
        else:
            logger.error("chat %s migrated to %s: update the settings", old_chat_id, new_chat_id)
