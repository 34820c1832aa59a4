"""The request dialogue as residents meet it, through the real handlers: which question is on the screen
when she answers, what a language's name typed in a request does, what "Done" says on offers one does not
sign up for, and the phone step. Found by exploratory testing (console journeys)."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness, skip_questions

pytestmark = pytest.mark.screens  # on SQLite only (tests/conftest.py says why)


async def test_a_drop_in_offer_asks_a_person_and_done_needs_words(bot: BotHarness) -> None:
    # Found by exploratory testing: the drop-in Sprachcafé said "tap Done to sign up" and sent "I would like
    # to sign up for this offer" to the Gemeinde, where there is nothing to sign up for.
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start o_sprachcafe")
    assert "🙋 Einen Menschen fragen" in anna.last().labels
    await anna.tap("🙋")
    screen = anna.last()
    assert "Schreiben Sie Ihre Nachricht" in (screen.text or "") and "anmelden" not in (screen.text or "")
    await anna.tap("✅")
    toast = bot.telegram.answered_callbacks[-1]
    assert toast["text"] == "Bitte schreiben Sie zuerst ein paar Worte." and toast["show_alert"]
    assert anna.last().text == screen.text  # still the message step


async def test_ordering_help_says_so_on_the_button_the_dialogue_and_the_message(bot: BotHarness) -> None:
    # Found by exploratory testing: ordering everyday help said "sign me up" like a course.
    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start o_helfer-tandem-hilfe")
    assert "✋ Хочу заказать помощь" in olga.last().labels
    await olga.tap("✋")
    await skip_questions(olga)
    screen = olga.last().text or ""
    assert (
        "Или просто нажмите «Готово». Тогда ваше сообщение будет таким: <i>Хочу заказать помощь</i>" in screen
    )
    assert "записаться" not in screen
    await olga.tap("✅")
    await olga.tap("💬")
    consent = olga.last().text or ""
    assert "Хочу заказать помощь" in consent and "записаться" not in consent


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
