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
