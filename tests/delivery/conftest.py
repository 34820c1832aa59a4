"""Fixtures for delivery tests: the ticket context from tests/tickets (the database fixture is shared)."""

from __future__ import annotations

import pytest

from bot.tickets.deps import TicketContext
from tests.tickets.fakes import ticket_context


@pytest.fixture
def ctx() -> TicketContext:
    return ticket_context()
