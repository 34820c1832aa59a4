"""What a resident sees on event and offer pages and around them (findings of the exploratory round "xres"):
whether she must sign up, a way to a person on every page, "today"/"now"/"tomorrow" and the next date of a
weekly offer, events listed soonest first, the menu itself after an unknown command, no "did this help?"
above a list, and navigation words typed without their letters ("zurueck", "nazad")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.languages import LANGUAGES
from bot.render import screens
from bot.testing.fakeapi import SimUser
from tests.harness import BotHarness

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


# --- M3: walk-in events say so, and every event and offer page has a way to a person ----------------------


async def test_a_walk_in_meeting_says_no_sign_up_is_needed_and_offers_a_person(bot: BotHarness) -> None:
    ola = await resident_in(bot, "pl")
    await ola.send("/start e_bewohnerversammlung-2027-05")
    page = ola.last()
    assert "ℹ️ Zapisy nie są potrzebne – wystarczy przyjść." in (page.text or "")
    assert ask_a_person(bot, "pl") in page.labels
    assert not any(label.startswith("✋") for label in page.labels)
    # She may want to say she brings children: the request names the meeting.
    await ola.tap(ask_a_person(bot, "pl"))
    await ola.send("Przyjdę z dwójką dzieci.")
    await ola.tap("✅")
    await ola.tap("💬")
    assert "Zebranie mieszkańców" in (ola.last().text or "")


async def test_an_event_with_sign_up_and_walk_in_says_both_and_offers_a_person(bot: BotHarness) -> None:
    elif_ = await resident_in(bot, "tr")
    await elif_.send("/start e_akteursforum-2027-03")
    page = elif_.last()
    assert "ℹ️ Kayıt olmadan da gelebilirsiniz." in (page.text or "")
    assert any(label.startswith("✋") for label in page.labels)
    assert ask_a_person(bot, "tr") in page.labels


async def test_every_offer_and_event_page_has_a_person_back_and_the_menu(bot: BotHarness) -> None:
    """The brief's rule for every screen: a way back and a way to a person, in every language."""
    catalogue = bot.services.content.catalogue
    missing = []
    for lang in LANGUAGES:
        t = bot.services.i18n.translator(lang)
        for kind, entries in (("offer", catalogue.offers), ("event", catalogue.events)):
            for entry_id in entries:
                _text, keyboard = screens.entry_screen(t, catalogue, kind, entry_id, MONDAY)
                labels = [label for row in keyboard for label, _data in row]
                for needed in (ask_a_person(bot, lang), "🏠 " + t.gettext("Menu")):
                    if needed not in labels:
                        missing.append(f"{lang} {kind} {entry_id}: {needed}")
    assert missing == []


# --- m3 and m4: today, now, tomorrow; the next date of a weekly offer --------------------------------------


async def test_an_event_today_says_today_and_once_it_runs_takes_no_sign_up(bot: BotHarness) -> None:
    morning = await resident_in(bot, "de", datetime(2027, 2, 17, 10, 0, tzinfo=BERLIN))
    await morning.send("/start e_begleitausschuss-2027-02")
    assert "🗓 Heute, 17:00 – 19:00" in (morning.last().text or "")
    assert "✋ Anmelden" in morning.last().labels

    bot.services.clock = lambda: datetime(2027, 2, 17, 17, 30, tzinfo=BERLIN)
    await morning.send("/start e_begleitausschuss-2027-02")
    page = morning.last()
    assert "🗓 Läuft gerade – bis 19:00" in (page.text or "")
    assert not any(label.startswith("✋") for label in page.labels)
    assert ask_a_person(bot, "de") in page.labels


async def test_an_event_tomorrow_says_tomorrow(bot: BotHarness) -> None:
    olga = await resident_in(bot, "ru", datetime(2027, 5, 18, 12, 0, tzinfo=BERLIN))
    await olga.send("/start e_bewohnerversammlung-2027-05")
    assert "🗓 Завтра, 17:30 – 19:30" in (olga.last().text or "")


async def test_a_weekly_offer_names_its_next_date(bot: BotHarness) -> None:
    anna = await resident_in(bot, "en")  # Monday 7 December; the Sprachcafé meets on Fridays
    await anna.send("/start o_sprachcafe")
    assert "⏭ Next: Fri, Dec 11, 4:00\u202fPM – 6:00\u202fPM" in (anna.last().text or "")


async def test_the_next_date_skips_public_holidays(bot: BotHarness) -> None:
    # Christmas Eve: Friday 25 December and Friday 1 January are public holidays in Lower Saxony.
    emma = await resident_in(bot, "de", datetime(2026, 12, 24, 9, 0, tzinfo=BERLIN))
    await emma.send("/start o_sprachcafe")
    assert "⏭ Nächster Termin: Fr., 8. Jan., 16:00 – 18:00" in (emma.last().text or "")


async def test_a_weekly_offer_on_now_says_until_when(bot: BotHarness) -> None:
    ahmad = await resident_in(bot, "ar", datetime(2026, 12, 11, 17, 0, tzinfo=BERLIN))
    await ahmad.send("/start o_sprachcafe")
    assert "⏭ جارٍ الآن – حتى " in (ahmad.last().text or "")


# --- M2: several events are listed soonest first ---------------------------------------------------------


def event_dates(bot: BotHarness, resident: SimUser) -> list[datetime]:
    """The start of each event among the buttons of her latest message, in the order she reads them."""
    catalogue = bot.services.content.catalogue
    data = [b["callback_data"] for b in resident.last().flat_buttons if "callback_data" in b]
    ids = [d.split(":")[1] for d in data if d.startswith("event:")]
    return [catalogue.events[event_id].starts for event_id in ids]


@pytest.mark.parametrize(
    ("lang", "question"), [("en", "when is the next meeting"), ("ru", "когда следующее собрание")]
)
async def test_when_is_the_next_meeting_lists_the_soonest_first(
    bot: BotHarness, lang: str, question: str
) -> None:
    resident = await resident_in(bot, lang)
    await resident.send(question)
    dates = event_dates(bot, resident)
    assert len(dates) >= 2, resident.last().labels
    assert dates == sorted(dates)


# --- m7: an unknown command shows the menu it announces ---------------------------------------------------


async def test_an_unknown_command_shows_the_menu_itself(bot: BotHarness) -> None:
    ola = await resident_in(bot, "pl")
    await ola.send("/foo")
    reply = ola.last()
    assert (reply.text or "").startswith("Nie znam tego polecenia.")
    t = bot.services.i18n.translator("pl")
    assert t.html("What can I help you with? Choose a topic or just write your question.") in (
        reply.text or ""
    )
    assert "🆘 " + t.gettext("Emergency") in reply.labels


async def test_help_and_privacy_have_a_way_to_a_person(bot: BotHarness) -> None:
    """Screens that answer nothing themselves: "I can pass your question to a person" with the button."""
    olena = await resident_in(bot, "uk")
    ask = "🙋 " + bot.services.i18n.translator("uk").gettext("Ask a question")
    for command in ("/help", "/privacy"):
        await olena.send(command)
        assert ask in olena.last().labels, command
    await olena.send_sticker()
    assert ask in olena.last().labels


# --- m2: "did this help?" only under a single answer -----------------------------------------------------


async def test_no_vote_above_a_list_of_events_found_by_a_question(bot: BotHarness) -> None:
    ayse = await resident_in(bot, "tr")
    await ayse.send("etkinlik var mi")
    reply = ayse.last()
    assert any(label.startswith("📅") for label in reply.labels)  # the Events topic
    assert "👍" not in reply.labels
    assert said(bot, "tr", "Did this help?") not in (reply.text or "")


async def test_a_single_answer_still_asks_whether_it_helped(bot: BotHarness) -> None:
    anna = await resident_in(bot, "en")
    await anna.send("when is the next sprachcafe")
    assert anna.last().labels[:2] == ["👍", "👎"]


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
