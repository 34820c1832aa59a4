"""Fixtures for the ticket services: a migrated database (shared `database` fixture) and a ticket context."""

from __future__ import annotations

import pytest

from bot.tickets.deps import TicketContext
from tests.tickets.fakes import ticket_context


@pytest.fixture
def ctx() -> TicketContext:
    return ticket_context()
