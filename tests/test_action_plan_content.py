"""Content from the city's action plan, as residents reach it: the offices under "Kontakt", the
Begleitausschuss's dates under "Veranstaltungen", what STÄRKEN vor Ort is, the Jobcenter and the
Arbeitsagentur (the plan's "ARGE" and "Arbeitsagentur") as partners with example contact data."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.testing.fakeapi import SimUser
from tests.harness import BotHarness

BERLIN = ZoneInfo("Europe/Berlin")


async def resident_in(bot: BotHarness, district: int, lang: str = "de") -> SimUser:
    bot.services.clock = lambda: datetime(2026, 12, 8, 10, 0, tzinfo=BERLIN)  # a Tuesday, office open
    resident = bot.resident("Elif", lang=lang)
    await resident.send("/start")
    await resident.tap(1)  # the negotiated language
    await resident.tap(district)  # 1: Ost- und Westsiedlung, 2: Fredenberg
    return resident


async def test_kontakt_lists_the_office_of_the_residents_district_with_address_and_hours(
    bot: BotHarness,
) -> None:
    elif_ = await resident_in(bot, 1)
    await elif_.tap("Kontakt")
    kontakt = elif_.last().labels  # before the tap below edits the message
    assert kontakt[0] == "🏢 Quartiersmanagement Ost- und Westsiedlung"
    assert "🏢 Quartiersmanagement Fredenberg" not in kontakt
    await elif_.tap("🏢 Quartiersmanagement Ost- und Westsiedlung")
    page = elif_.last().text or ""
    assert "Beispielstraße 1, 38226 Salzgitter (Beispiel)" in page  # example data, marked as such
    assert "☎️ 0000 000000 (Beispiel)" in page
    assert "Öffnungszeiten" in page and "Jetzt geöffnet" in page
    # The FAQ that sends residents to "Kontakt" for the address now points at something real.
    assert any("Quartiersbüro" in label for label in kontakt)

    fredenberg = await resident_in(bot, 2)
    await fredenberg.tap("Kontakt")
    assert fredenberg.last().labels[0] == "🏢 Quartiersmanagement Fredenberg"


async def test_the_begleitausschuss_dates_are_under_veranstaltungen(bot: BotHarness) -> None:
    elif_ = await resident_in(bot, 1, lang="tr")
    await elif_.tap("Etkinlikler")
    events = elif_.last()
    meetings = [b for b in events.flat_buttons if b["callback_data"].startswith("event:begleitausschuss-")]
    assert len(meetings) == 2
    await elif_.tap(meetings[0]["text"])
    page = elif_.last().text or ""
    assert "İzleme komitesi toplantısı" in page
    assert "2027" in page and "17:00" in page


async def test_what_staerken_vor_ort_is_answers_from_the_mitmachen_menu(bot: BotHarness) -> None:
    elif_ = await resident_in(bot, 1, lang="ru")
    await elif_.tap("Участвовать и высказаться")
    await elif_.tap("▶️")  # the second page
    await elif_.tap("Что такое STÄRKEN vor Ort?")
    answer = elif_.last()
    text = answer.text or ""
    assert "Европейский социальный фонд" in text and "Begleitausschuss" in text
    assert "offer:begleitausschuss" in [
        ":".join(b["callback_data"].split(":")[:2]) for b in answer.flat_buttons
    ]


async def test_jobcenter_and_arbeitsagentur_are_partners_with_example_contacts(bot: BotHarness) -> None:
    catalogue = bot.services.content.catalogue
    for partner_id in ("jobcenter", "arbeitsagentur"):
        partner = catalogue.partners[partner_id]
        assert partner.example and partner.email and partner.email.endswith("@example.org")
        assert catalogue.places[partner.place or ""].example
    resident = bot.resident("Oleh", lang="uk")
    await resident.send("/start p_jobcenter")
    page = resident.last().text or ""
    assert "Jobcenter Salzgitter" in page and "ARGE" in page
    assert "jobcenter@example.org" in page


@pytest.mark.parametrize(
    ("lang", "marked"), [("ru", "(пример)"), ("tr", "(örnek)"), ("ar", "(مثال)"), ("de_simple", "(Beispiel)")]
)
async def test_made_up_contact_data_is_marked_in_the_residents_language(
    bot: BotHarness, lang: str, marked: str
) -> None:
    # "☎️ 0000 000000 (Beispiel)" on a Russian page: the mark was German, so she might call a made-up number.
    olga = bot.resident("Olga", lang="de" if lang == "de_simple" else lang)
    await olga.send("/language")
    await olga.tap(bot.services.i18n.translator(lang).lang_name)
    await olga.send("/start p_sos-muetterzentrum")
    page = (olga.last().text or "").replace("\u2068", "").replace("\u2069", "")  # without bidi isolates
    phone, address = (next(line for line in page.splitlines() if line.startswith(icon)) for icon in "☎📍")
    assert phone.endswith(f"0000 000000 {marked}") and address.endswith(f"38226 Salzgitter {marked}")
    assert lang.startswith("de") or "Beispiel)" not in page


@pytest.mark.parametrize(
    ("offer", "only_women"),
    [
        ("deutschkurs-frauen", True),  # "in einer kleinen Frauengruppe", "Nur Frauen sind in der Gruppe"
        ("qualifizierung-frauen", True),  # "kleine Kurse für Frauen"
        ("wiedereinstieg-frauen", True),  # "Für Frauen mit und ohne Migrationsgeschichte"
        ("frauencafe", True),  # "Frauen aus dem Stadtteil treffen sich"
        ("bewerbungstraining", False),  # a measure for women in the plan, "offen für alle Erwachsenen"
        ("integrationscoaching", False),  # for women in the plan, "für Menschen, die neu in Deutschland sind"
    ],
)
async def test_the_offers_the_plan_reserves_for_women_say_so_first(
    bot: BotHarness, offer: str, only_women: bool
) -> None:
    resident = bot.resident("Elif", lang="de")
    await resident.send(f"/start o_{offer}")
    groups = [line for line in (resident.last().text or "").splitlines() if line.startswith("👥 ")]
    assert (groups == ["👥 Nur für Frauen"]) is only_women, groups
