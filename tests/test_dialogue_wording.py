"""The request dialogue as residents meet it, through the real handlers: which question is on the screen
when she answers, what a language's name typed in a request does, what "Done" says on offers one does not
sign up for, and the phone step. Found by exploratory testing (console journeys)."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness, skip_questions

pytestmark = pytest.mark.screens  # on SQLite only (tests/conftest.py says why)


async def test_the_phone_step_says_one_thing(bot: BotHarness) -> None:
    # Found by exploratory testing: "write your number or send it with the button" was followed by "only
    # the button passes it on", yet a typed number is taken.
    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start o_helfer-tandem-hilfe")
    await olga.tap("✋")
    await skip_questions(olga)
    await olga.send("покупки в среду")
    await olga.tap("✅")
    await olga.tap("📞")
    screen, prompt = bot.telegram.bot_messages(olga.user_id)[-2:]
    assert "Напишите здесь свой номер телефона" in (screen.text or "")
    assert prompt.text == "Кнопка внизу отправляет номер телефона вашего аккаунта Telegram."
    await olga.send("0176 1234 5678")
    assert "0176 1234 5678" in (olga.last().text or "")  # the consent screen: the typed number is taken
