"""Answers to an offer's own intake questions, through the real handlers: a plain answer goes on as the
answer, and only a clear new question is asked about – naming what she signs up for, not the partner.
Found by exploratory testing (round "xres", m1)."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness

pytestmark = pytest.mark.screens  # on SQLite only (tests/conftest.py says why)


async def test_plain_answers_at_the_helper_tandem_go_on_without_asking(bot_with_model: BotHarness) -> None:
    bot = bot_with_model
    # "after school tuesdays" matched the school (the offer's own partner) and "shopping, phone help" the
    # tandem's other offer: both were asked about as "your answer to Dr.-Klaus-Schmidt-Hauptschule, or a
    # new question?".
    lena = bot.resident("Lena", lang="en")
    await lena.send("/start o_helfer-tandem-mitmachen")
    await lena.tap("✋")
    assert "When can you help? (days and times)" in (lena.last().text or "")
    await lena.send("after school tuesdays")
    assert "What are you good at" in (lena.last().text or "")
    await lena.send("shopping, phone help")
    assert "Which age group are you in?" in (lena.last().text or "")
    await lena.send("pupil, 15")
    await lena.tap("✅")
    await lena.tap("💬")
    consent = lena.last().text or ""
    assert "after school tuesdays" in consent and "shopping, phone help" in consent


async def test_a_clear_new_question_is_asked_about_naming_the_offer(bot: BotHarness) -> None:
    lena = bot.resident("Lena", lang="en")
    await lena.send("/start o_helfer-tandem-mitmachen")
    await lena.tap("✋")
    await lena.send("Where is the Quartiersbüro?")
    asked = lena.last()
    assert "Is this your answer to the question about" in (asked.text or "")
    assert "Become a helper – tandems of young and old" in (asked.text or "")
    assert "Hauptschule" not in (asked.text or "")
    assert asked.labels == ["✍️ My answer", "🔎 A new question"]
