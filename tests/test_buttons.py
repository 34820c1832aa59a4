"""Buttons tolerate double taps, stale and forged data, and act only in the chat where they appear."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.storage.models.requests import Dialogue
from bot.testing.fakeapi import Sent
from tests.harness import BotHarness

STRANGER_GROUP = -1_000_000_099_999
OUT_OF_DATE = "Dieser Button ist nicht mehr aktuell."


def forged(chat_id: int, message_id: int = 987_654) -> Sent:
    """A message the press claims to come from (it need not exist)."""
    return Sent(chat_id, message_id, "alt", {"inline_keyboard": [[{"text": "x", "callback_data": "x"}]]})


async def dialogues(bot: BotHarness) -> int:
    async with bot.services.database.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Dialogue))).scalar_one())


@pytest.mark.parametrize(
    "data",
    ["ask:q", "signup:briefe-aemter", "lang:tr", "forget:yes", "fb:up:offer:briefe-aemter", "topic:kurse"],
)
async def test_a_residents_button_pressed_in_a_group_acts_for_nobody(
    bot: BotHarness, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    sven = bot.partner("Sven", STRANGER_GROUP)
    await sven.press(data, forged(STRANGER_GROUP))
    assert bot.telegram.answered_callbacks[-1].get("text") == OUT_OF_DATE
    assert not bot.telegram.bot_messages(STRANGER_GROUP)  # no menu, no dialogue shown in the group
    assert await dialogues(bot) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_button_without_data_is_out_of_date(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    anna = bot.resident("Anna")
    await anna.send("/start")
    await anna.press("", anna.last())
    assert bot.telegram.answered_callbacks[-1].get("text") == OUT_OF_DATE
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
