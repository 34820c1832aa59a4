"""What a resident sees on event and offer pages and around them (findings of the exploratory round "xres"):
whether she must sign up, a way to a person on every page, "today"/"now"/"tomorrow" and the next date of a
weekly offer, events listed soonest first, the menu itself after an unknown command, no "did this help?"
above a list, and navigation words typed without their letters ("zurueck", "nazad")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.testing.fakeapi import SimUser
from tests.harness import BotHarness

pytestmark = pytest.mark.screens  # on SQLite only (tests/conftest.py says why)

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 12, 7, 7, 30, tzinfo=BERLIN)  # the day of the exploratory round


async def resident_in(bot: BotHarness, lang: str, now: datetime = MONDAY) -> SimUser:
    bot.services.clock = lambda: now
    resident = bot.resident("Ola", lang=lang)
    await resident.send("/start")
    await resident.tap(1)  # the negotiated language
    await resident.tap(1)  # Ost- und Westsiedlung
    return resident


def said(bot: BotHarness, lang: str, msgid: str, **values: object) -> str:
    return bot.services.i18n.translator(lang).html(msgid, **values)


def ask_a_person(bot: BotHarness, lang: str) -> str:
    return "🙋 " + bot.services.i18n.translator(lang).gettext("Ask a person")


# --- m5: navigation words typed without their letters ----------------------------------------------------


def is_menu(bot: BotHarness, lang: str, resident: SimUser) -> bool:
    t = bot.services.i18n.translator(lang)
    return "🆘 " + t.gettext("Emergency") in resident.last().labels


@pytest.mark.parametrize(
    ("lang", "back", "menu"),
    [
        ("de", "zurueck", "menue"),
        ("ru", "nazad", "menyu"),
        ("uk", "nazad", "menyu"),
        ("pl", "wstecz", "menu glowne"),
    ],
)
async def test_back_and_menu_typed_without_their_letters(
    bot: BotHarness, lang: str, back: str, menu: str
) -> None:
    resident = await resident_in(bot, lang)
    await resident.send("/start o_sprachcafe")
    await resident.send(back)
    topic = bot.services.content.catalogue.topics["treffpunkte"]
    assert str(topic.title[lang]) in (resident.last().text or "")  # the offer's topic, as ⬅️ does
    await resident.send(menu)
    assert is_menu(bot, lang, resident)
