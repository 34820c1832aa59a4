"""Time and numbers as residents see them: public holidays and closures in "open now" and on the page,
each emergency number with its own availability, numbers kept in order inside Arabic and Farsi text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands import COMMANDS
from bot.i18n import FSI, LRI, PDI
from bot.render.requests import passed_on, reply_outcome
from bot.testing.fakeapi import SimUser
from tests.harness import ROOT, BotHarness, shared_i18n

BERLIN = ZoneInfo("Europe/Berlin")


async def open_page(bot: BotHarness, at: datetime, payload: str, lang: str = "de") -> str:
    """What a resident sees when a poster's deep link opens `payload` at local time `at`."""
    bot.services.clock = lambda: at
    resident = bot.resident("Rita", lang=lang)
    await resident.send(f"/start {payload}")
    return resident.last().text or ""


async def test_ascension_day_is_closed_although_it_is_a_weekday_with_hours(bot: BotHarness) -> None:
    ascension_day = datetime(2027, 5, 6, 10, 0, tzinfo=BERLIN)  # Thursday, the office opens 09:00-12:00
    page = await open_page(bot, ascension_day, "p_quartiersmanagement")
    assert "Jetzt geöffnet" not in page
    assert "Heute geschlossen (Feiertag)." in page
    assert "Öffnet wieder am Montag um 09:00 Uhr" in page  # Friday has no hours
    assert "An Feiertagen geschlossen." in page


async def test_the_page_names_a_public_holiday_in_the_next_two_weeks(bot: BotHarness) -> None:
    page = await open_page(bot, datetime(2027, 4, 26, 10, 0, tzinfo=BERLIN), "p_quartiersmanagement")
    assert "Am Donnerstag, 6. Mai 2027 geschlossen (Feiertag)" in page
    assert "1. Mai" not in page  # a Saturday: the office is closed anyway


async def test_a_monday_inside_the_christmas_closure_does_not_say_opens_monday(bot: BotHarness) -> None:
    monday = datetime(2026, 12, 28, 10, 0, tzinfo=BERLIN)
    for payload in ("p_sos-muetterzentrum", "o_frauencafe"):  # the partner's page and one of its offers
        page = await open_page(bot, monday, payload)
        assert "Geschlossen bis einschließlich 3. Januar 2027: Weihnachtspause (Beispiel)" in page
        assert "Öffnet wieder am Montag, 4. Januar 2027 um 09:00 Uhr" in page
        assert "am Montag um" not in page
        assert "Jetzt geöffnet" not in page


async def test_a_holiday_inside_a_closure_is_told_as_the_closure(bot: BotHarness) -> None:
    new_year = datetime(2027, 1, 1, 10, 0, tzinfo=BERLIN)  # a Friday, a holiday, inside the closure
    page = await open_page(bot, new_year, "p_sos-muetterzentrum")
    assert "Geschlossen bis einschließlich 3. Januar 2027: Weihnachtspause (Beispiel)" in page
    assert "Heute geschlossen (Feiertag)" not in page
    assert "Öffnet wieder am Montag um 09:00 Uhr" in page  # three days ahead: the weekday is enough


async def test_a_coming_closure_is_on_the_page_in_the_residents_language(bot: BotHarness) -> None:
    before = datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)
    page = await open_page(bot, before, "p_sos-muetterzentrum")
    assert "Geschlossen vom 23. Dezember 2026 bis zum 3. Januar 2027: Weihnachtspause (Beispiel)" in page
    assert "Jetzt geöffnet" in page
    page = await open_page(bot, before, "p_sos-muetterzentrum", lang="tr")
    assert "Noel tatili (örnek)" in page


async def emergency_screen(bot: BotHarness, lang: str) -> str:
    resident: SimUser = bot.resident("Sami", lang=lang)
    await resident.send("/start")
    await resident.tap(1)  # the negotiated language
    await resident.tap(1)  # the first district
    await resident.tap("🆘")
    return resident.last().text or ""


def block_of(screen: str, number: str) -> str:
    """The lines of the emergency screen about one number."""
    return next(block for block in screen.split("\n\n") if number in block.split("\n")[0])


async def test_each_emergency_number_says_when_it_answers(bot: BotHarness) -> None:
    screen = await emergency_screen(bot, "de")
    kummer = block_of(screen, "116 111")
    assert "Erreichbar: montags bis samstags, 14–20 Uhr" in kummer
    assert "Rund um die Uhr" not in kummer
    for number in ("110", "112", "116 016", "0800 111 0 111"):
        assert "🕐 Rund um die Uhr erreichbar · Kostenlos" in block_of(screen, number), number
    assert "Tag und Nacht erreichbar" not in screen  # the old sentence about every number is gone


async def test_a_phone_number_in_arabic_prose_is_wrapped_in_isolates(bot: BotHarness) -> None:
    screen = await emergency_screen(bot, "ar")
    assert f"{LRI}0800 111 0 222{PDI}" in screen  # inside the TelefonSeelsorge's Arabic description
    assert f"{LRI}14:00–20:00{PDI}" in block_of(screen, "116 111")
    assert "0800 111 0 222" not in screen.replace(f"{LRI}0800 111 0 222{PDI}", "")  # never unwrapped


async def test_farsi_prose_keeps_commands_and_digits_in_order(bot: BotHarness) -> None:
    resident = bot.resident("Dariush", lang="fa")
    await resident.send("/start")
    await resident.tap(1)
    await resident.send("/privacy")
    notice = resident.last().text or ""
    assert f"{LRI}/delete{PDI}" in notice


async def test_the_help_list_in_arabic_keeps_each_commands_slash_in_front(bot: BotHarness) -> None:
    resident = bot.resident("Amal", lang="ar")
    await resident.send("/start")
    await resident.tap(1)
    await resident.send("/help")
    listed = resident.last().text or ""
    for name, _description in COMMANDS:
        assert f"{LRI}/{name}{PDI} – " in listed
    assert len(re.findall(r"(?<!<)/[a-z]+", listed)) == listed.count(f"{LRI}/")  # no command left bare


def test_a_partners_latin_name_is_isolated_wherever_arabic_says_it_was_passed_on() -> None:
    t = shared_i18n(ROOT / "locales", "de").translator("ar")
    said = reply_outcome(t, "ok", "SOS-Mütterzentrum", None) or ""
    assert f"{FSI}SOS-Mütterzentrum{PDI}" in said
    assert said == passed_on(t, "SOS-Mütterzentrum", 1)[0]  # the same sentence in the conversation


@pytest.mark.parametrize(
    ("lang", "dated", "weekly"),
    [
        ("de", "🗓 09.03.2027, 18:00–20:00 Uhr", "🗓 Dienstag, 09:00–11:30 Uhr"),
        ("ar", "🗓 09\u200f/03\u200f/2027، 6:00 م–8:00 م", "🗓 الثلاثاء، 9:00 ص–11:30 ص"),
    ],
)
def test_an_offers_dated_sessions_read_like_its_weekly_times(lang: str, dated: str, weekly: str) -> None:
    from datetime import date

    from bot.content.models import Session
    from bot.render.screens import offer_screen
    from tests.harness import shipped_words_only

    shipped = shipped_words_only().catalogue
    course = shipped.offers["deutschkurs-frauen"]
    evening = Session(date=date(2027, 3, 9), start="18:00", end="20:00")
    schedule = course.schedule.model_copy(update={"sessions": (evening,)})  # type: ignore[union-attr]
    offers = {"deutschkurs-frauen": course.model_copy(update={"schedule": schedule})}
    catalogue = replace(shipped, offers=offers)
    t = shared_i18n(ROOT / "locales", "de").translator(lang)
    now = datetime(2027, 3, 2, 10, tzinfo=BERLIN)
    text, _keyboard = offer_screen(t, catalogue, "deutschkurs-frauen", now)
    lines = text.replace(FSI, "").replace(PDI, "").splitlines()
    assert dated in lines and weekly in lines, lines
