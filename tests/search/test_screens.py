"""The three outcomes of a question as a resident sees them, and the search's state as staff see it."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from html import escape
from pathlib import Path
from typing import Any

import pytest

from bot.render import screens
from tests.harness import ROOT, BotHarness, shared_i18n, skip_questions

ADMIN_CHAT = -1_000_000_000_500


@pytest.fixture
async def bot(database_url: str, shipped_search: Any) -> AsyncIterator[BotHarness]:
    """The bot with the search model: the session's engine, as `bot_with_model` (tests/conftest.py), with an
    admin chat. An engine of its own (`bot_loading_the_model`) costs half a second a test: only the reload
    test needs one."""
    settings = {"search_model": True, "vector_cache_dir": shipped_search.embedder.cache_dir}
    async with BotHarness.running(
        database_url=database_url, admin_chat_id=ADMIN_CHAT, search=shipped_search, **settings
    ) as harness:
        assert harness.services.engine.semantic_ready, harness.services.embedder
        yield harness


@pytest.fixture
async def bot_loading_the_model(
    tmp_path: Path, shipped_vectors: Path, sqlite_template: Path
) -> AsyncIterator[BotHarness]:
    """The bot loading the search model and the shipped vectors itself, as a started bot does (on a copy of
    the migrated template)."""
    shutil.copyfile(sqlite_template, tmp_path / "bot.db")
    async with BotHarness.running(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        admin_chat_id=ADMIN_CHAT,
        search_model=True,
        vector_cache_dir=shipped_vectors,
    ) as harness:
        assert await harness.services.engine.wait_semantic(60)
        yield harness


async def test_a_clear_question_opens_the_offer_with_did_this_help(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("çocuklu kadınlar için almanca kursu")
    answer = ayse.last()
    title = bot.services.content.catalogue.offers["deutschkurs-frauen"].title["tr"]
    assert title in (answer.text or "")
    assert answer.labels[:2] == ["👍", "👎"]


async def test_a_question_that_fits_several_entries_offers_two_or_three_and_a_person(bot: BotHarness) -> None:
    emma = bot.resident("Emma", lang="en")
    await emma.send("course for women")
    choices = emma.last()
    t = bot.services.i18n.translator("en")
    assert choices.text == escape(t.gettext("I am not sure what you mean. Is it one of these?"))
    entries = [  # `offer:<id>`, without the screen the button is on
        ":".join(str(b["callback_data"]).split(":")[:2])
        for b in choices.flat_buttons
        if str(b["callback_data"]).startswith("offer:")
    ]
    assert 2 <= len(entries) <= 3 and "offer:deutschkurs-frauen" in entries
    way_out = ["🙋 " + t.gettext("Ask a person"), "🌐 " + t.gettext("Language"), "🏠 " + t.gettext("Menu")]
    assert choices.labels[-3:] == way_out
    await emma.press("offer:deutschkurs-frauen", choices)
    assert "German course for women" in (emma.last().text or "")


async def test_an_out_of_scope_question_gets_i_dont_know_and_the_way_to_a_person(bot: BotHarness) -> None:
    olga = bot.resident("Olga", lang="ru")
    question = "где купить дешевый телевизор"
    await olga.send(question)
    reply = olga.last()
    t = bot.services.i18n.translator("ru")
    assert escape(t.gettext("I don't know the answer to this.")) in (reply.text or "")
    assert "Спросить человека" in (reply.text or "")  # the text names the button it asks to tap
    assert reply.labels == [
        "🙋 " + t.gettext("Ask a person"),
        "🌐 " + t.gettext("Language"),
        "🏠 " + t.gettext("Menu"),
    ]
    await olga.tap("🙋", reply)  # the question goes along: nobody has to type it again
    await skip_questions(olga)
    await olga.tap("✅")
    await olga.tap("💬")
    assert question in (olga.last().text or "")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_staff_see_whether_the_search_is_meaning_based(bot: BotHarness) -> None:
    await bot.partner("Nadine", ADMIN_CHAT).send("/stats")
    report = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
    assert "Suche: nach Bedeutung und Wörtern (Suchmodell bereit)." in report


async def test_without_the_model_residents_get_answers_and_staff_are_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "bot.db")  # migrated already

    class Missing:
        def __init__(self) -> None:
            raise OSError("libgomp.so.1: cannot open shared object file")

    monkeypatch.setattr("bot.app.E5Model", Missing)
    async with BotHarness.running(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.db", admin_chat_id=ADMIN_CHAT, search_model=True
    ) as bot:
        assert not await bot.services.engine.wait_semantic(10)
        anna = bot.resident("Anna", lang="de")
        await anna.send("Bewerbungstraining Lebenslauf")
        assert "Bewerbungstraining" in (anna.last().text or "") + " ".join(anna.last().labels)
        await bot.partner("Nadine", ADMIN_CHAT).send("/stats")
        report = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
        assert "Suche: nur nach Wörtern – das Suchmodell konnte nicht geladen werden (OSError" in report


async def test_a_reload_with_unchanged_texts_stays_meaning_based_at_once(
    bot_loading_the_model: BotHarness,
) -> None:
    bot = bot_loading_the_model
    before = bot.services.search
    assert (await bot.services.content.reload()).ok
    after = bot.services.search
    assert after is not before and after is not None and after.semantic_ready  # no text to embed again
    anna = bot.resident("Anna", lang="de")
    await anna.send("Deutschkurs für Frauen mit Kinderbetreuung")
    assert anna.last().labels[:2] == ["👍", "👎"]


async def test_staff_see_the_votes_per_entry_and_the_questions_without_an_answer(bot: BotHarness) -> None:
    # Two residents answer 'did this help?' differently for the course, one of them twice (her second tap
    # changes her vote), a third votes for another entry; a question nobody can answer is kept anonymously.
    question = "Wo kann ich mein Fahrrad reparieren lassen Xylophon"
    for name, lang, taps in (("Ayşe", "tr", ["👎", "👍"]), ("Emma", "en", ["👎"])):
        resident = bot.resident(name, lang=lang)
        for tap in taps:
            await resident.send("German course for women with childcare")
            await resident.tap(tap, resident.last())
    ben = bot.resident("Ben", lang="de")
    await ben.send("Bewerbungstraining Lebenslauf")
    answer = ben.last()
    await ben.tap("👍", answer)
    await ben.send(question)
    await bot.partner("Nadine", ADMIN_CHAT).send("/stats")
    report = (bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or "").splitlines()
    votes = [line for line in report if re.search(r" – \d+ / \d+$", line)]
    # By its German title (staff know no ids); most votes first; Ayşe counted once.
    assert votes[0] == "Deutschkurs für Frauen mit Kinderbetreuung – 1 / 1"
    assert len(votes) == 2 and votes[1].endswith(" – 1 / 0")
    assert f"• [de] {question}" in report
    assert not any("Ayşe" in line or "Emma" in line or "Ben" in line for line in report)


async def test_violence_told_without_a_trigger_word_gets_the_numbers_and_a_person_not_a_fun_run(
    bot: BotHarness,
) -> None:
    # Exploratory test of 7 Dec 2026, F8: "my husband hits me" is an emergency by meaning; below the numbers
    # came "Not an emergency? Maybe one of these: How can I help? · Neighbourhood run · Courses" (entries
    # below the floor of "I don't know"). Now: the numbers, Ask a person and the menu, nothing else.
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("kocam bana vuruyor")
    screen = ayse.last()
    t = bot.services.i18n.translator("tr")
    assert "🆘" in (screen.text or "") and "110" in (screen.text or "")
    assert t.html("No emergency? Maybe one of these helps:") not in (screen.text or "")
    assert screen.labels == ["🙋 " + t.gettext("Ask a person"), "🏠 " + t.gettext("Menu")]


async def test_a_polite_call_for_help_with_a_letter_gets_the_letter_help_not_the_numbers(
    bot: BotHarness,
) -> None:
    # F1 of the same test: "help (please), a letter came from the Jobcenter" showed police, 112 and the
    # suicide line, the letter help only below them as "Not an emergency?".
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("yardım edin, Jobcenter'dan mektup geldi")
    screen = ayse.last()
    assert "🆘" not in (screen.text or "") and "110" not in (screen.text or "")
    letters = bot.services.content.catalogue.faq["briefe-von-aemtern"].questions["tr"][0]
    assert any(letters in label for label in screen.labels) or letters in (screen.text or ""), screen


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mein Mann schlägt mich, hilfe", "de"),  # verbatim
        ("hilfe mein kind atmet nicht", "de"),  # verbatim
        ("mein Vater ist gestürzt und steht nicht mehr auf, hilfe", "de"),  # no trigger word before the call
        ("mama upadla w lazience i nie odpowiada, pomocy", "pl"),
        # A review's emergencies that a rule reading a closing call as politeness had demoted:
        ("mein Sohn braucht dringend einen Arzt, hilfe", "de"),
        ("my wife is in labour, help", "en"),
        ("لا أجد ابني، ساعدوني", "ar"),
    ],
)
async def test_an_emergency_closed_by_a_call_for_help_keeps_the_numbers(
    bot: BotHarness, text: str, lang: str
) -> None:
    resident = bot.resident("Olena", lang=lang)
    await resident.send(text)
    screen = resident.last()
    t = bot.services.i18n.translator(lang)
    assert (screen.text or "").startswith("🆘 <b>" + t.html("Emergency help – call now:") + "</b>"), screen
    assert "112" in (screen.text or "") and "110" in (screen.text or "")


async def test_a_parent_asking_for_help_with_applications_sees_the_apprenticeship_offer(
    bot: BotHarness,
) -> None:
    # Exploratory test of 7 Dec 2026 (pleas), finding 4: "I don't know". With the model the choices list
    # the apprenticeship offer (the tester's "I don't know" is what the words alone give, before the vectors
    # are computed: BENCHMARKS.md); this keeps it among them.
    anna = bot.resident("Anna", lang="de")
    await anna.send("Mein Sohn braucht auch Hilfe bei Bewerbungen")
    screen = anna.last()
    t = bot.services.i18n.translator("de")
    assert screen.text == t.html("I am not sure what you mean. Is it one of these?"), screen
    title = bot.services.content.catalogue.offers["jugend-ausbildung"].title["de"]
    assert any(title in label for label in screen.labels), screen.labels


async def test_a_shouted_police_before_a_letter_keeps_the_numbers_with_the_letter_help_below(
    bot: BotHarness,
) -> None:
    # Exploratory test: "Polizei!" alone shows the numbers, "Polizei! Ich habe einen Brief vom Jobcenter"
    # got only the letter help, as a letter *from* the police does (that one still does).
    anna = bot.resident("Anna", lang="de")
    t = bot.services.i18n.translator("de")
    letters = bot.services.content.catalogue.faq["briefe-von-aemtern"].questions["de"][0]
    await anna.send("Polizei! Ich habe einen Brief vom Jobcenter")
    screen = anna.last()
    assert (screen.text or "").startswith("🆘 <b>" + t.html("Emergency help – call now:") + "</b>"), screen
    assert any(letters in label for label in screen.labels), screen.labels
    await anna.send("Ich habe einen Brief von der Polizei bekommen")
    screen = anna.last()
    assert "🆘" not in (screen.text or "") and "110" not in (screen.text or "")
    assert any(letters in label for label in screen.labels) or letters in (screen.text or ""), screen


async def test_a_registration_at_an_office_gets_choices_not_the_sign_up_faq(bot: BotHarness) -> None:
    # Exploratory test: "Wo muss ich meine neue Wohnung anmelden?" (the flat is registered at the
    # Bürgeramt) got the FAQ about signing up for offers as the answer, with 👍 👎.
    anna = bot.resident("Anna", lang="de")
    t = bot.services.i18n.translator("de")
    await anna.send("Wo muss ich meine neue Wohnung anmelden?")
    assert anna.last().text == t.html("I am not sure what you mean. Is it one of these?"), anna.last()
    await anna.send("Wie melde ich mich für ein Angebot an?")
    answer = anna.last()
    assert answer.labels[:2] == ["👍", "👎"]


async def test_call_the_police_in_turkish_gets_the_emergency_numbers(bot: BotHarness) -> None:
    # Open finding 1 (7 Dec 2026): "polisi arayın" (call the police) got "I don't know".
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("polisi arayın")
    screen = ayse.last()
    t = bot.services.i18n.translator("tr")
    assert (screen.text or "").startswith("🆘 <b>" + t.html("Emergency help – call now:") + "</b>"), screen
    assert "110" in (screen.text or "") and "112" in (screen.text or "")


async def test_asking_where_the_police_station_is_gets_no_emergency_screen(bot: BotHarness) -> None:
    # "polis karakolu nerede" (where is the police station) showed the numbers and nothing else.
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("polis karakolu nerede")
    assert "🆘" not in (ayse.last().text or ""), ayse.last()


def test_the_short_list_has_every_number_of_the_full_screen_in_its_order_with_limited_hours(
    catalogue: Any,
) -> None:
    """bot/sos.py: every number of the content, not a guess at the kind of danger (review rv11: a rape got
    the women's helpline without the police); the hours of a number not reachable day and night (Arabic:
    numbers isolated, as on the full screen); the full screen, a person and the menu one tap away."""
    t = shared_i18n(ROOT / "locales", "de").translator("ar")
    text, keyboard = screens.emergency_reminder(t, catalogue)
    full, _ = screens.emergency_screen(t, catalogue, origin="sos.q")
    positions = [text.index(t.isolate(entry.number)) for entry in catalogue.emergency.values()]
    assert positions == sorted(positions) and len(positions) >= 5
    assert all(entry.name["ar"] in text for entry in catalogue.emergency.values())
    assert len(text.split("\n")) == len(catalogue.emergency) + 1 < len(full.split("\n")) / 2
    limited = [e for e in catalogue.emergency.values() if not e.around_the_clock and e.hours]
    assert limited and text.count("🕐") == len(limited)
    assert keyboard[0] == [("🆘 " + t.gettext("Show all emergency numbers"), "sos:q")]
    assert "ask:sos.q" in str(keyboard) and "menu" in str(keyboard)
