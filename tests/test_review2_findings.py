"""Defects found in review (h-review2), pinned as strict xfails until fixed."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness, skip_questions


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


@pytest.mark.xfail(strict=True, reason="review2: 'Ask a person' under danger words replaces the draft")
async def test_ask_a_person_under_danger_words_in_a_draft_keeps_what_she_wrote(bot: BotHarness) -> None:
    # Writing to the Frauencafé's partner she adds that her husband hits her: the numbers come and the words
    # join her draft (1f753a1). The numbers' "🙋 Ask a person" (ask:sos.q) then starts a new request to the
    # catch-all with only that sentence: the draft she was writing, and its partner, are gone unasked
    # (the old draft's screen above still shows "SOS-Mütterzentrum" and its buttons).
    ayse = bot.resident("Ayşe", lang="de")
    await ayse.send("/start o_frauencafe")
    await ayse.tap(1)
    await skip_questions(ayse)
    await ayse.send("Ich würde gern mit einer Beraterin sprechen, nicht am Telefon")
    before = len(bot.telegram.bot_messages(ayse.chat))
    await ayse.send("Mein Mann schlägt mich")
    numbers = bot.telegram.bot_messages(ayse.chat)[before]
    assert "🆘" in (numbers.text or "")
    await ayse.tap("🙋", numbers)  # the numbers' message becomes the new draft's screen
    await ayse.tap("✅", numbers)
    await ayse.tap("💬", numbers)
    consent = numbers.text or ""
    assert "Mein Mann schlägt mich" in consent
    assert "mit einer Beraterin sprechen" in consent
