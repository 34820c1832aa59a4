"""Defects found in review (h-review2), pinned as strict xfails until fixed."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness


async def deliver(bot: BotHarness) -> None:
    assert bot.services.delivery is not None
    while await bot.services.delivery.run_once():
        pass


@pytest.mark.xfail(strict=True, reason="review2: an urgent word that names an entry drops the call for help")
@pytest.mark.parametrize("text", ["help me now", "please help me now"])
async def test_help_me_now_gets_the_emergency_numbers(bot: BotHarness, text: str) -> None:
    # "now" is one of the words that only say it is urgent (URGENT_WORDS), and "help me please" or "help!"
    # get the numbers; but "now" is also the shipped partner NOW's name, the search's strong hit on it
    # counts as "the rest names something the bot knows", and the call is dropped: the resident gets
    # NOW's contact card instead of the emergency numbers.
    sam = bot.resident("Sam", lang="en")
    await sam.send(text)
    assert "🆘" in (sam.last().text or "")
