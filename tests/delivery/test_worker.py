"""The delivery worker against a real database and a fake Bot API that fails on demand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TimedOut

from bot.delivery import outbox
from bot.delivery.outbox import Destination
from bot.delivery.worker import DeliveryWorker, RetryPolicy
from bot.storage.db import Database
from bot.storage.models import Resident
from bot.storage.models.outbox import Audience, Channel, OutboxStatus
from bot.storage.models.requests import PartnerChat, Request, ThreadLink
from bot.tickets import partners, relay
from bot.tickets.deps import Outcome, TicketContext
from bot.tickets.hooks import TicketDeliveryHooks
from bot.tickets.relay import ResidentMessage
from bot.transport import ChatPacer, Pacing, Rate
from tests.tickets.fakes import (
    ADMIN_CHAT,
    CATCH_ALL_CHAT,
    PARTNER_CHAT,
    RESIDENT,
    Clock,
    FakeBot,
    flaky,
    retry_after,
)
from tests.tickets.helpers import drain, outbox_rows, partner_says, photo, sql_log, submit

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_worker(
    database: Database, ctx: TicketContext, bot: FakeBot, clock: Clock, **kwargs: Any
) -> DeliveryWorker:
    return DeliveryWorker(
        database,
        bot,
        hooks=TicketDeliveryHooks(lambda: ctx),
        clock=clock,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_a_sent_card_is_recorded_and_linked_without_reading_its_row_first(
    database: Database, ctx: TicketContext
) -> None:
    """Telegram accepted the card: its row is marked sent and locked by one statement (no read of the row
    before it), and the card is mapped to its request, so a reply to it reaches the resident."""
    request = await submit(database, ctx)
    bot = FakeBot()
    clock = Clock(datetime.now(UTC))
    with sql_log(database) as sent:
        await drain(make_worker(database, ctx, bot, clock), clock)
    (card,) = bot.to(PARTNER_CHAT)
    recorded = [s for s in sent if s.startswith("UPDATE outbox SET status") and "sent_at=" in s]
    assert len(recorded) == 1 and "RETURNING" in recorded[0]
    assert not [s for s in sent if s.startswith("SELECT") and "FROM outbox WHERE outbox.id =" in s]
    (row,) = await outbox_rows(database)
    assert (row.status, row.attempts, row.result_message_id) == (OutboxStatus.SENT, 1, card.message_id)
    async with database.sessions() as session:
        link = await session.get(ThreadLink, (PARTNER_CHAT, card.message_id))
    assert link is not None and link.request_id == request.id


async def test_retry_after_is_honoured_and_network_errors_are_retried(
    database: Database, ctx: TicketContext
) -> None:
    await submit(database, ctx)
    errors = [retry_after(30), NetworkError("Bad Gateway"), TimedOut()]
    bot = FakeBot(fail=lambda method, chat, kw: errors.pop(0) if chat == PARTNER_CHAT and errors else None)
    clock = Clock(datetime.now(UTC))
    worker = make_worker(database, ctx, bot, clock)

    await worker.run_once()
    card = (await outbox_rows(database))[0]
    assert card.status == "pending" and card.attempts == 0  # flood control is not counted as an attempt
    assert card.next_attempt_at >= clock.now + timedelta(seconds=30)
    clock.advance(seconds=29)
    await worker.run_once()
    assert bot.calls == 1  # the card waits
    await drain(worker, clock)
    card = (await outbox_rows(database))[0]
    assert card.status == "sent" and card.attempts == 3 and card.last_error is None
    assert len(bot.to(PARTNER_CHAT)) == 1


@pytest.mark.db_behaviour
async def test_messages_to_one_chat_keep_their_order(database: Database, ctx: TicketContext) -> None:
    await submit(database, ctx, attachments=[photo(1), photo(2), photo(3)])
    failures = [NetworkError("boom")]
    bot = FakeBot(fail=lambda m, chat, kw: failures.pop() if chat == PARTNER_CHAT and failures else None)
    clock = Clock(datetime.now(UTC))
    await drain(make_worker(database, ctx, bot, clock), clock)
    group = bot.to(PARTNER_CHAT)
    assert [s.method for s in group] == ["sendMessage", "copyMessage", "copyMessage", "copyMessage"]
    assert [s.kwargs["source_message_id"] for s in group[1:]] == [1, 2, 3]
    assert all(s.reply_to == group[0].message_id for s in group[1:])  # attachments hang under the card
    async with database.sessions() as session:
        links = (await session.scalars(select(ThreadLink).where(ThreadLink.chat_id == PARTNER_CHAT))).all()
    assert sorted(link.message_id for link in links) == [s.message_id for s in group]


async def test_resident_who_blocked_the_bot_is_marked_and_not_retried(
    database: Database, ctx: TicketContext
) -> None:
    request = await submit(database, ctx)
    async with database.transaction() as session:
        await partners.take_on(session, ctx, request_id=request.id, chat_id=PARTNER_CHAT, staff_name="Aylin")
    bot = FakeBot(
        fail=lambda m, chat, kw: Forbidden("bot was blocked by the user") if chat == RESIDENT else None
    )
    clock = Clock(datetime.now(UTC))
    await drain(make_worker(database, ctx, bot, clock), clock)
    taken_on = next(r for r in await outbox_rows(database) if r.audience == "resident")
    assert taken_on.status == "failed" and taken_on.attempts == 1
    async with database.sessions() as session:
        resident = await session.get(Resident, RESIDENT)
        assert resident is not None and resident.blocked


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_answers_dropped_because_she_blocked_the_bot_are_told_to_their_group_once_each(
    database: Database, ctx: TicketContext
) -> None:
    """Two answers of the group (one a photo) wait for her when she blocks the bot: the worker drops them
    with her other messages and the hooks tell the group, in reply to each answer, that she blocked the bot;
    the staff once; the next rounds nothing."""
    request = await submit(database, ctx)
    bot = FakeBot()
    clock = Clock(datetime.now(UTC))
    worker = make_worker(database, ctx, bot, clock)
    await drain(worker, clock)
    (card,) = bot.to(PARTNER_CHAT)
    async with database.transaction() as session:
        for message_id, extra in ((501, {"text": "Yes"}), (502, {"text": None, "attachment": photo(7)})):
            result = await partner_says(
                session, ctx, message_id=message_id, reply_to_message_id=card.message_id, **extra
            )
            assert result.outcome is Outcome.OK
    bot.fail = lambda m, chat, kw: Forbidden("bot was blocked by the user") if chat == RESIDENT else None
    await drain(worker, clock)
    await drain(worker, clock)

    told = bot.to(PARTNER_CHAT)[1:]
    assert sorted(s.reply_to or 0 for s in told) == [501, 502]
    assert all(request.number in s.text and "blocked the bot" in s.text for s in told)
    (staff,) = bot.to(ADMIN_CHAT)
    assert request.number in staff.text and "blocked" in staff.text
    waiting = [r for r in await outbox_rows(database) if r.target == str(RESIDENT) and r.status != "sent"]
    assert len(waiting) == 2 and {r.status for r in waiting} == {"failed"}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_deleted_partner_group_reroutes_to_catch_all_and_tells_admin(
    database: Database, ctx: TicketContext
) -> None:
    request = await submit(database, ctx)
    bot = FakeBot(fail=lambda m, chat, kw: BadRequest("Chat not found") if chat == PARTNER_CHAT else None)
    clock = Clock(datetime.now(UTC))
    await drain(make_worker(database, ctx, bot, clock, policy=RetryPolicy(unreachable_attempts=3)), clock)

    assert bot.calls - len(bot.sent) == 3  # three attempts at the dead group
    rows = await outbox_rows(database)
    assert rows[0].status == "dead" and rows[0].attempts == 3
    (card,) = bot.to(CATCH_ALL_CHAT)
    assert request.number in card.text and "could not be delivered to Bildungsträger" in card.text
    (notice,) = bot.to(ADMIN_CHAT)
    assert "Bildungsträger" in notice.text and "Chat not found" in notice.text
    async with database.sessions() as session:
        moved = await session.get(Request, request.id)
        assert moved is not None and moved.partner_id == "qm" and moved.handed_over_from == "bildung"
    assert any("handed over to Quartiersmanagement" in s.text for s in bot.to(RESIDENT))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_migrated_group_keeps_working_and_staff_are_told(
    database: Database, ctx: TicketContext
) -> None:
    new_chat = -100555
    request = await submit(database, ctx)
    bot = FakeBot(fail=lambda m, chat, kw: ChatMigrated(new_chat) if chat == PARTNER_CHAT else None)
    clock = Clock(datetime.now(UTC))
    worker = make_worker(database, ctx, bot, clock)
    await drain(worker, clock)
    (card,) = bot.to(new_chat)
    assert request.number in card.text
    assert "supergroup" in bot.to(ADMIN_CHAT)[0].text and str(new_chat) in bot.to(ADMIN_CHAT)[0].text
    async with database.sessions() as session:
        override = await session.get(PartnerChat, "bildung")
        assert override is not None and (override.chat_id, override.previous_chat_id) == (
            new_chat,
            PARTNER_CHAT,
        )
    # Replies in the new group map to the request; new messages go there.
    async with database.transaction() as session:
        result = await partner_says(
            session,
            ctx,
            chat_id=new_chat,
            message_id=9,
            reply_to_message_id=card.message_id,
            staff_name="A",
            from_user_id=1,
            text="Hallo",
        )
        assert result.outcome is Outcome.OK
        await relay.resident_reply(session, ctx, ResidentMessage(RESIDENT, 10, "Danke"), request.id)
    await drain(worker, clock)
    assert bot.to(new_chat)[-1].reply_to == card.message_id


@pytest.mark.db_behaviour
async def test_chaos_every_message_delivered_once_despite_failures_and_a_restart(
    database: Database, ctx: TicketContext
) -> None:
    """20 % of Bot API calls fail (429, 500, timeouts); the worker dies mid-send and a new one takes over."""
    for i in range(12):
        await submit(
            database, ctx, resident_id=RESIDENT + i, attachments=[photo(i + 1, chat_id=RESIDENT + i)]
        )
    async with database.transaction() as session:
        for i in range(30):
            await outbox.enqueue(
                session,
                Destination(Channel.TELEGRAM, str(RESIDENT + i % 5)),
                f"news {i}",
                audience=Audience.RESIDENT,
                dedupe_key=f"news:{i}",
            )
    total = len(await outbox_rows(database))
    errors = [lambda: retry_after(3), lambda: NetworkError("Internal Server Error"), lambda: TimedOut()]
    fail = flaky(0.2, seed=7, errors=errors)
    kill_after = 25
    killed: list[str] = []

    class Killed(BaseException):
        """The process dies: the message reached Telegram, but nothing after that happened."""

    def fail_or_die(method: str, chat: int, kwargs: dict[str, Any]) -> BaseException | None:
        if len(bot.sent) == kill_after and not killed:
            killed.append(kwargs.get("text") or str(kwargs.get("source_message_id")))
            return None
        return fail(method, chat, kwargs)

    bot = FakeBot(fail=fail_or_die)
    original = bot._deliver

    def deliver(method: str, chat_id: int, kwargs: dict[str, Any]) -> Any:
        sent = original(method, chat_id, kwargs)
        if killed and len(killed) == 1:
            killed.append("dead")
            raise Killed
        return sent

    bot._deliver = deliver  # type: ignore[method-assign]
    clock = Clock(datetime.now(UTC))
    first = make_worker(database, ctx, bot, clock, batch_size=1)
    task = asyncio.create_task(drain(first, clock))
    try:
        await task
    except Killed:
        pass
    assert killed, "the worker was never killed"
    # A new process: the dead worker's claim runs out after its lease, then the new worker takes over.
    clock.advance(seconds=RetryPolicy().lease + 1)
    await drain(make_worker(database, ctx, bot, clock), clock)

    rows = await outbox_rows(database)
    assert len(rows) == total and all(r.status == "sent" for r in rows)
    keys = [(s.chat_id, s.method, s.text, s.kwargs.get("source_message_id")) for s in bot.sent]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert len(duplicates) <= 1  # only the message in flight when the process died
    assert len(bot.sent) in (total, total + 1)


@pytest.mark.db_behaviour
async def test_rows_of_a_worker_that_died_are_taken_over_within_seconds(
    database: Database, ctx: TicketContext
) -> None:
    await submit(database, ctx)

    class Killed(BaseException):
        """The process dies while its rows are claimed."""

    dying = FakeBot(fail=lambda method, chat, kw: Killed())
    clock = Clock(datetime.now(UTC))
    try:
        await make_worker(database, ctx, dying, clock).run_once()
    except Killed:
        pass
    rows = await outbox_rows(database)
    assert rows and all(r.status == "sending" for r in rows)

    clock.advance(seconds=20)  # a restart takes seconds, not minutes
    bot = FakeBot()
    await drain(make_worker(database, ctx, bot, clock), None)
    assert all(r.status == "sent" for r in await outbox_rows(database))
    assert len(bot.sent) == len(rows)


@pytest.mark.db_behaviour
async def test_a_slow_send_keeps_its_row_while_another_worker_looks(
    database: Database, ctx: TicketContext
) -> None:
    await submit(database, ctx)
    policy = RetryPolicy(lease=0.06)  # renewed every 20 ms; whether it ran out is judged on the test's clock
    release = asyncio.Event()

    class SlowBot(FakeBot):
        async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
            await release.wait()  # the rate limiter or a retry keeps this send busy
            return await super().send_message(chat_id, text, **kwargs)

    async def until_rows(condition: Any) -> None:
        for _ in range(500):  # not a fixed wait: the first worker's renewal task decides when
            rows = [r for r in await outbox_rows(database) if r.status == "sending"]
            if rows and all(condition(r) for r in rows):
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the first worker neither claimed nor renewed its rows")

    slow, other = SlowBot(), FakeBot()
    clock = Clock(datetime.now(UTC))
    first = make_worker(database, ctx, slow, clock, policy=policy)
    second = make_worker(database, ctx, other, clock, policy=policy)
    busy = asyncio.create_task(first.run_once())
    await until_rows(lambda row: row.claimed_by == first.worker_id)
    for _ in range(5):  # five leases long: each time the lease would have run out, but was renewed first
        clock.advance(seconds=0.05)
        await until_rows(lambda row: row.next_attempt_at >= clock.now + timedelta(seconds=policy.lease))
        await second.run_once()
    release.set()
    await busy
    await drain(first, None)
    assert [s.chat_id for s in other.sent].count(PARTNER_CHAT) == 0  # the card went out once, by the first
    assert len([s for s in slow.sent if s.chat_id == PARTNER_CHAT]) == 1


class Ticker:
    """The pacer's clock, moved by the test; a paced send sleeps until the test moves it far enough."""

    def __init__(self) -> None:
        self.now = 0.0
        self._moved = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        while self.now < until:
            self._moved.clear()
            await self._moved.wait()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self._moved.set()


async def test_a_resident_does_not_wait_behind_partner_groups_that_wait_for_their_pace(
    database: Database, ctx: TicketContext
) -> None:
    """Two partner groups have used up Telegram's 20 messages a minute and each has a card waiting; the
    resident's message written after them goes out at once, and the cards when their groups may send."""
    groups = [PARTNER_CHAT, CATCH_ALL_CHAT]
    async with database.transaction() as session:
        for chat_id, audience in [(g, Audience.PARTNER) for g in groups] + [(RESIDENT, Audience.RESIDENT)]:
            await outbox.enqueue(
                session, Destination(Channel.TELEGRAM, str(chat_id)), f"to {chat_id}", audience=audience
            )
    ticker = Ticker()
    pacer = ChatPacer(Pacing(overall=Rate(100, 1 / 30)), clock=ticker, sleep=ticker.sleep)

    async def nothing() -> bool:
        return True

    minute = pacer.pacing.group
    for chat_id in groups:  # the groups' minute is used up: the next message may go when it is over
        for _ in range(minute.count):
            await pacer.process_request(nothing, (), {}, "sendMessage", {"chat_id": chat_id}, None)
    assert pacer.waiting_chats() == {g: minute.seconds for g in groups}

    arrived = {chat_id: asyncio.Event() for chat_id in [*groups, RESIDENT]}

    class PacedBot(FakeBot):
        """Sends through the pacer, as the bot's own rate limiter does."""

        async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
            send = super().send_message
            data = {"chat_id": chat_id}
            message = await pacer.process_request(send, (chat_id, text), kwargs, "sendMessage", data, None)
            arrived[chat_id].set()
            return message

    bot = PacedBot()
    # Two send slots: without regard to the pace, both would hold a group's card while it waits.
    # Only a wake-up or a finished send makes it look again, never its poll.
    clock = Clock(datetime.now(UTC))
    worker = make_worker(database, ctx, bot, clock, batch_size=2, pacer=pacer, poll_interval=3600)
    worker.start()
    try:
        await asyncio.wait_for(arrived[RESIDENT].wait(), timeout=10)
        assert [s.chat_id for s in bot.sent] == [RESIDENT]  # the cards wait for their groups' pace

        ticker.advance(minute.seconds)
        worker.wake()
        await asyncio.wait_for(asyncio.gather(*(arrived[g].wait() for g in groups)), timeout=10)
    finally:
        ticker.advance(3600)  # nothing may stay asleep when the worker stops
        await worker.stop()
    assert sorted(s.chat_id for s in bot.sent) == sorted([*groups, RESIDENT])


@pytest.mark.db_behaviour
async def test_after_a_restart_a_group_that_just_had_its_burst_waits_for_its_pace(
    database: Database, ctx: TicketContext
) -> None:
    """The process before a kill sent a partner group its 20 messages of a minute a second ago: the new
    process's worker holds the next card back until the group may send again (Telegram would answer 429),
    the resident's message goes at once."""
    pacing = Pacing(overall=Rate(100, 1 / 30))
    async with database.transaction() as session:
        for index in range(pacing.group.count):  # sent by the process that was killed
            row = await outbox.enqueue(
                session,
                Destination(Channel.TELEGRAM, str(PARTNER_CHAT)),
                f"card {index}",
                audience=Audience.PARTNER,
            )
            row.status, row.sent_at = OutboxStatus.SENT, datetime.now(UTC) - timedelta(seconds=1)
        for chat_id, audience in [(PARTNER_CHAT, Audience.PARTNER), (RESIDENT, Audience.RESIDENT)]:
            await outbox.enqueue(
                session, Destination(Channel.TELEGRAM, str(chat_id)), "new", audience=audience
            )
    clock = Clock(datetime.now(UTC))
    ticker = Ticker()
    pacer = ChatPacer(pacing, clock=ticker, sleep=ticker.sleep)  # the new process's: nothing sent yet
    arrived = {chat_id: asyncio.Event() for chat_id in [PARTNER_CHAT, RESIDENT]}

    class PacedBot(FakeBot):
        async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
            send = super().send_message
            data = {"chat_id": chat_id}
            message = await pacer.process_request(send, (chat_id, text), kwargs, "sendMessage", data, None)
            arrived[chat_id].set()
            return message

    bot = PacedBot()
    worker = make_worker(database, ctx, bot, clock, pacer=pacer, poll_interval=3600)
    worker.start()
    try:
        await asyncio.wait_for(arrived[RESIDENT].wait(), timeout=10)
        # Claimed in the same round as the resident's, had the group not had to wait.
        card = (await outbox_rows(database))[pacing.group.count]
        assert card.target == str(PARTNER_CHAT) and card.status == "pending"
        ticker.advance(pacing.group.seconds - 1.0)  # the oldest was sent a second ago: its minute is over
        worker.wake()
        await asyncio.wait_for(arrived[PARTNER_CHAT].wait(), timeout=10)
    finally:
        ticker.advance(3600)  # nothing may stay asleep when the worker stops
        await worker.stop()
    assert [s.chat_id for s in bot.sent] == [RESIDENT, PARTNER_CHAT]


# SQLite only: PostgreSQL has no process-wide write lock, a record there waits for no other writer.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_sent_message_is_recorded_before_the_writes_already_waiting(
    database: Database, ctx: TicketContext
) -> None:
    """Until the record of a message Telegram accepted is committed, a kill sends it again (the next process
    takes the row over once its lease runs out). On SQLite's one writer that record must not queue behind
    the inbox's and the handlers' writes: it goes first (the kill benchmark's duplicates, issue 14)."""
    assert database.write_lock is not None
    async with database.transaction() as session:
        await outbox.enqueue(
            session, Destination(Channel.TELEGRAM, str(RESIDENT)), "hello", audience=Audience.RESIDENT
        )
    calling, answer, answered = asyncio.Event(), asyncio.Event(), asyncio.Event()

    class WaitingBot(FakeBot):
        async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
            calling.set()  # the claim is committed
            await answer.wait()  # Telegram takes its time; meanwhile others write
            message = await super().send_message(chat_id, text, **kwargs)
            answered.set()
            return message

    clock = Clock(datetime.now(UTC))
    worker = make_worker(database, ctx, WaitingBot(), clock)
    sending = asyncio.create_task(worker.run_once())
    await calling.wait()

    holding, release = asyncio.Event(), asyncio.Event()

    async def handler() -> None:  # a handler's transaction, open while the message is answered
        async with database.transaction():
            holding.set()
            await release.wait()

    seen: list[str] = []

    async def inbox() -> None:  # an ordinary write that queued before the record
        async with database.transaction():
            seen.extend(r.status for r in await outbox_rows(database))

    held = asyncio.create_task(handler())
    await holding.wait()
    queued = asyncio.create_task(inbox())
    for _ in range(3):
        await asyncio.sleep(0)  # the ordinary write reaches the lock and waits
    answer.set()
    await answered.wait()
    for _ in range(3):
        await asyncio.sleep(0)  # the record reaches the lock and waits
    release.set()
    await asyncio.gather(held, queued, sending)
    assert seen == ["sent"]  # the record went first
