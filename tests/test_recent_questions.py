"""“Ask a person” passes on what the resident asked just before, as she sees it before sending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.harness import BotHarness, deliver

QUARTIERSMANAGEMENT_GROUP = -1_000_000_000_001  # content/partners.yaml

LETTER = (
    "Szanowna Pani, w związku z Pani wnioskiem z dnia 12.11.2026 prosimy o przesłanie brakujących "
    "dokumentów do dnia 15.12.2026. "
) * 40  # about 5,000 characters, pasted from a letter


async def test_ask_a_person_takes_the_pasted_letter_with_the_question_about_it(bot: BotHarness) -> None:
    # Found by exploratory testing: she pasted a letter, asked "what do I do with this letter??" and tapped
    # "Ask a person": the request held only the question, the letter was gone.
    now = [datetime(2027, 3, 2, 9, 30, tzinfo=UTC)]
    bot.services.clock = lambda: now[0]
    agnieszka = bot.resident("Agnieszka", lang="pl")
    await agnieszka.send("/start")
    await agnieszka.tap(1)
    await agnieszka.tap(1)
    await agnieszka.send("Kto naprawi mój rower ksylofon")  # asked long before: not passed on
    now[0] += timedelta(hours=1)
    await agnieszka.send(LETTER)
    now[0] += timedelta(minutes=2)
    await agnieszka.send("co mam zrobic z tym listem??")
    await agnieszka.tap("🙋")
    await agnieszka.tap("✅")  # nothing more to add
    await agnieszka.tap("💬")
    consent = agnieszka.last().text or ""
    assert LETTER[:200] in consent and "co mam zrobic z tym listem??" in consent  # she sees both
    assert "rower" not in consent
    await agnieszka.tap("✅")
    await deliver(bot)
    card = "".join(m.text or "" for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT_GROUP))
    assert card.count("Szanowna Pani") == 40 and "co mam zrobic z tym listem??" in card  # all of it
    assert "rower" not in card


async def test_a_question_asked_long_before_ask_a_person_is_not_passed_on(bot: BotHarness) -> None:
    now = [datetime(2027, 3, 2, 9, 30, tzinfo=UTC)]
    bot.services.clock = lambda: now[0]
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start")
    await anna.tap(1)
    await anna.tap(1)
    await anna.send("Wer repariert mein Fahrrad Xylophon")
    now[0] += timedelta(minutes=30)  # she read, went away, came back
    await anna.tap("🙋")
    screen = anna.last().text or ""
    assert "Xylophon" not in screen  # she writes what she wants to ask now
    # The screen shows no question of hers, only whether it holds one: it must ask for her message.
    assert "Schreiben Sie Ihre Nachricht" in screen and "Angekommen" not in screen
