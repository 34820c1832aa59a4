"""When a request's conversation is open: the resident's plain message goes to its thread, or it does not."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from bot.storage.db import Database
from bot.storage.models.base import utcnow
from bot.storage.models.requests import Request, RequestStatus
from bot.tickets.deps import Outcome, TicketContext
from bot.tickets.desk import Relayed, RequestDesk
from bot.tickets.relay import ResidentMessage
from tests.tickets.fakes import RESIDENT
from tests.tickets.helpers import submit

MESSAGE_IDS = itertools.count(9000)


async def write_after(
    database: Database,
    ctx: TicketContext,
    request_id: int,
    conversation_at: datetime | None,
    status: RequestStatus,
) -> Relayed | None:
    """The resident writes a plain message while the request stands so (the quiet period: 12 hours)."""
    async with database.transaction() as session:
        request = await session.get_one(Request, request_id)
        request.conversation_at, request.status = conversation_at, status
    desk = RequestDesk(database, lambda: ctx)
    return await desk.converse(ResidentMessage(RESIDENT, next(MESSAGE_IDS), "Noch eine Frage"))


async def test_a_conversation_is_open_from_the_partners_message_until_the_quiet_period_ends(
    database: Database, ctx: TicketContext
) -> None:
    request = await submit(database, ctx)
    quiet = await write_after(
        database, ctx, request.id, utcnow() - timedelta(hours=13), RequestStatus.ANSWERED
    )
    assert quiet is None  # the message is something else (a question)
    open_ = await write_after(
        database, ctx, request.id, utcnow() - timedelta(hours=11), RequestStatus.ANSWERED
    )
    assert open_ is not None and open_.outcome is Outcome.OK and open_.request_id == request.id


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_end_and_closing_the_request_end_the_conversation(
    database: Database, ctx: TicketContext
) -> None:
    request = await submit(database, ctx)
    # "End" tapped (or never opened)
    assert await write_after(database, ctx, request.id, None, RequestStatus.ANSWERED) is None
    closed = await write_after(database, ctx, request.id, utcnow(), RequestStatus.CLOSED)
    assert closed is not None and closed.outcome is Outcome.CLOSED  # not passed on; reopening is offered
    assert await write_after(database, ctx, request.id, utcnow(), RequestStatus.CANCELLED) is None


def test_only_a_request_the_partner_closed_within_the_window_can_be_reopened() -> None:
    from typing import Any, cast

    from bot.tickets.partners import reopenable

    ctx = TicketContext(
        cast(Any, None), cast(Any, None), reopen_window=timedelta(days=14), email_replies_relayed=False
    )

    def request(status: RequestStatus, days_ago: int) -> Request:
        return Request(status=status, updated_at=utcnow() - timedelta(days=days_ago))

    assert reopenable(ctx, request(RequestStatus.CLOSED, 13))
    assert not reopenable(ctx, request(RequestStatus.CLOSED, 15))
    assert not reopenable(ctx, request(RequestStatus.CANCELLED, 1))  # the resident withdrew it
    assert not reopenable(ctx, request(RequestStatus.ANSWERED, 1))  # still open
