"""Events and sign-ups through the real handlers: event lists show when, an event sign-up names the event."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.harness import BotHarness, SimUser

BERLIN = ZoneInfo("Europe/Berlin")


async def resident_in(bot: BotHarness, lang: str = "de") -> SimUser:
    bot.services.clock = lambda: datetime(2026, 12, 8, 10, 0, tzinfo=BERLIN)
    resident = bot.resident("Elif", lang=lang)
    await resident.send("/start")
    await resident.tap(1)  # the negotiated language
    await resident.tap(1)  # Ost- und Westsiedlung
    return resident


async def test_the_event_list_shows_each_events_date_and_time_in_the_residents_language(
    bot: BotHarness,
) -> None:
    elif_ = await resident_in(bot)
    await elif_.tap("Veranstaltungen")
    labels = elif_.last().labels
    assert "📅 Mi., 17. Feb., 17:00 · Begleitausschuss STÄRKEN vor Ort – Sitzung" in labels
    assert any(label.startswith("📅 Sa., 18. Sept., 10:00 · ") for label in labels)

    olena = await resident_in(bot, lang="uk")
    await olena.tap("Заходи")
    assert any(label.startswith("📅 ср, 17 лют., 17:00 · ") for label in olena.last().labels)
