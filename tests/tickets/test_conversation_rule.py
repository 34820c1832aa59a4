"""When a request's conversation is open, without database or Telegram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage.models.requests import RequestStatus
from bot.tickets.conversation import is_open

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
QUIET = timedelta(hours=12)


def test_a_conversation_is_open_from_the_partners_message_until_the_quiet_period_ends() -> None:
    assert is_open(NOW - timedelta(hours=11), RequestStatus.ANSWERED, NOW, QUIET)
    assert not is_open(NOW - timedelta(hours=13), RequestStatus.ANSWERED, NOW, QUIET)


def test_end_and_closing_the_request_end_the_conversation() -> None:
    assert not is_open(None, RequestStatus.ANSWERED, NOW, QUIET)  # "End" tapped (or never opened)
    assert not is_open(NOW, RequestStatus.CLOSED, NOW, QUIET)
    assert not is_open(NOW, RequestStatus.CANCELLED, NOW, QUIET)


def test_only_a_request_the_partner_closed_within_the_window_can_be_reopened() -> None:
    from typing import Any, cast

    from bot.storage.models.base import utcnow
    from bot.storage.models.requests import Request
    from bot.tickets.deps import TicketContext
    from bot.tickets.partners import reopenable

    ctx = TicketContext(cast(Any, None), cast(Any, None), reopen_window=timedelta(days=14))

    def request(status: RequestStatus, days_ago: int) -> Request:
        return Request(status=status, updated_at=utcnow() - timedelta(days=days_ago))

    assert reopenable(ctx, request(RequestStatus.CLOSED, 13))
    assert not reopenable(ctx, request(RequestStatus.CLOSED, 15))
    assert not reopenable(ctx, request(RequestStatus.CANCELLED, 1))  # the resident withdrew it
    assert not reopenable(ctx, request(RequestStatus.ANSWERED, 1))  # still open
