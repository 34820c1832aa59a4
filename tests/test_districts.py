"""Districts: offers are for everyone unless the content makes them local; residents change their
district with /district or the 🏘 button of the main menu."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.storage.models import Resident
from bot.testing.fakeapi import SimUser
from tests.harness import ROOT, BotHarness, skip_questions

BERLIN = ZoneInfo("Europe/Berlin")


async def resident_in(bot: BotHarness, district_label: str, lang: str = "de") -> SimUser:
    bot.services.clock = lambda: datetime(2027, 3, 2, 10, 0, tzinfo=BERLIN)
    resident = bot.resident("Nora", lang=lang)
    await resident.send("/start")
    await resident.tap(1)  # the negotiated language
    await resident.tap(district_label)
    return resident


def offer_ids(screen_buttons: list[dict[str, str]]) -> set[str]:
    """The offers a screen's buttons open (their data is `offer:<id>[:<the screen they are on>]`)."""
    return {
        str(b.get("callback_data", "")).split(":")[1]
        for b in screen_buttons
        if b.get("callback_data", "").startswith("offer:")
    }


async def test_fredenberg_residents_find_something_behind_every_topic(bot: BotHarness) -> None:
    nora = await resident_in(bot, "Fredenberg")
    menu = nora.last()
    assert "🏘 Fredenberg" in menu.labels
    topics = [b for b in menu.flat_buttons if str(b.get("callback_data", "")).startswith("topic:")]
    assert len(topics) == len(bot.services.content.catalogue.topics)
    nothing = bot.services.i18n.translator("de").gettext(
        "There is nothing here at the moment. You can ask a person."
    )
    for topic in topics:
        await nora.send("/menu")
        await nora.tap(topic["text"])
        screen = nora.last()
        assert nothing not in (screen.text or ""), topic["text"]
        entries = [
            b
            for b in screen.flat_buttons
            if b["callback_data"].split(":")[0] in {"offer", "event", "partner"}
        ]
        assert entries, topic["text"]  # something to go to, not only general questions


async def test_local_offers_stay_local_and_the_others_are_open_to_both_districts(bot: BotHarness) -> None:
    nora = await resident_in(bot, "Fredenberg")
    await nora.tap("Alltagshilfe")
    fredenberg = offer_ids(nora.last().flat_buttons)
    assert (
        "helfer-tandem-hilfe" not in fredenberg
    )  # the helper tandems belong to the Hauptschule's all-day school
    assert "briefe-aemter" in fredenberg
    await nora.send("/menu")
    await nora.tap("Kurse")
    assert {"deutschkurs-frauen", "qualifizierung-frauen"} <= offer_ids(nora.last().flat_buttons)


async def test_district_command_changes_the_district_and_the_menus(bot: BotHarness) -> None:
    nora = await resident_in(bot, "Fredenberg")
    await nora.send("/district")
    picker = nora.last()
    assert "✓ Fredenberg" in picker.labels
    await nora.tap("Ost- und Westsiedlung")
    menu = nora.last()
    assert "🏘 Ost- und Westsiedlung" in menu.labels
    await nora.tap("Alltagshilfe")
    assert "helfer-tandem-hilfe" in offer_ids(nora.last().flat_buttons)
    # The same from the main menu's 🏘 button, and it is remembered for the next /start.
    await nora.send("/menu")
    await nora.tap("🏘")
    assert "✓ Ost- und Westsiedlung" in nora.last().labels
    await nora.tap("Fredenberg")
    await nora.send("/start")
    assert "🏘 Fredenberg" in nora.last().labels


async def test_the_district_button_speaks_the_residents_language(bot: BotHarness) -> None:
    nora = await resident_in(bot, "فريدنبرغ", lang="ar")
    assert "🏘 فريدنبرغ (Fredenberg)" in nora.last().labels


async def consent_after(resident: SimUser, ask_button: str, text: str) -> str:
    """From a button that asks a person to the consent screen ("This goes to: …"), questions skipped; then
    cancelled (a draft she wrote in would wait for her "continue / discard" at the next request)."""
    await resident.tap(ask_button)
    await skip_questions(resident)
    await resident.send(text)
    await resident.tap("✅")
    await resident.tap("💬")
    consent = resident.last().text or ""
    await resident.tap("✖️")
    return consent


async def test_a_general_request_goes_to_the_office_of_the_residents_district(bot: BotHarness) -> None:
    nora = await resident_in(bot, "Fredenberg")
    assert "Quartiersmanagement Fredenberg" in await consent_after(nora, "Frage stellen", "Wann ist offen?")
    # Asked of the Ost- und Westsiedlung's office itself, the question goes there.
    await nora.send("/start p_quartiersmanagement")
    consent = await consent_after(nora, "🙋", "Ich ziehe bald in die Westsiedlung.")
    assert "Quartiersmanagement Ost- und Westsiedlung" in consent
    assert "Quartiersmanagement Fredenberg" not in consent
    assert "Ihr Stadtteil: Fredenberg" in consent  # her own, as the card names it

    olga = await resident_in(bot, "Ost- und Westsiedlung")
    assert "Fredenberg" not in await consent_after(olga, "Frage stellen", "Wann ist offen?")


async def test_an_answer_naming_the_other_districts_office_sends_her_to_her_own(bot: BotHarness) -> None:
    # Found by exploratory testing: the answer about letters from the authorities names the Ost- und
    # Westsiedlung's office (a partner only for that district); a Fredenberg resident's "Ask a person" under
    # it went there, and its button led there, although her district's requests go to her own office.
    nora = await resident_in(bot, "Fredenberg")
    await nora.send("/start f_briefe-von-aemtern")
    answer = nora.last()
    assert "🏢 Quartiersmanagement Fredenberg" in answer.labels
    assert not [label for label in answer.labels if "Ost- und Westsiedlung" in label]
    assert "helfer-tandem-hilfe" not in offer_ids(answer.flat_buttons)  # not for her district either
    consent = await consent_after(nora, "🙋", "Was mache ich mit dem Brief?")
    goes_to = next(line for line in consent.split("\n") if line.startswith("Das geht an:"))
    assert "Quartiersmanagement Fredenberg" in goes_to and "Ost- und Westsiedlung" not in goes_to
    # Her office gets requests by e-mail only: the catch-all's group sees it at once to pass the answer on,
    # and the screen says so (`routing.copied_at_once`).
    assert "Quartiersmanagement Ost- und Westsiedlung sieht Ihre Anfrage auch sofort" in consent
    # So does a question about a topic whose partner works in the Ost- und Westsiedlung only (the helper
    # tandems of its Hauptschule).
    await nora.send("/menu")
    await nora.tap("Alltagshilfe")
    consent = await consent_after(nora, "🙋", "Wer hilft mir beim Einkaufen?")
    assert "Quartiersmanagement Fredenberg" in consent and "Hauptschule" not in consent
    # A photo sent outside a request is offered to her own office too, until she picks a topic.
    await nora.send("/menu")
    await nora.send_photo()
    assert "Quartiersmanagement Fredenberg" in (nora.last().text or "")

    olga = await resident_in(bot, "Ost- und Westsiedlung")
    await olga.send("/start f_briefe-von-aemtern")
    assert "🏢 Quartiersmanagement Ost- und Westsiedlung" in olga.last().labels
    assert "helfer-tandem-hilfe" in offer_ids(olga.last().flat_buttons)
    assert "Ost- und Westsiedlung" in await consent_after(olga, "🙋", "Was mache ich mit dem Brief?")


async def test_a_resident_who_does_not_know_their_district_sees_both_districts_and_can_choose_later(
    bot: BotHarness,
) -> None:
    nora = await resident_in(bot, "Weiß ich nicht")
    menu = nora.last()
    assert "🏘 Stadtteil wählen" in menu.labels  # not "Ost- und Westsiedlung", which she did not choose
    topics = [b for b in menu.flat_buttons if str(b.get("callback_data", "")).startswith("topic:")]
    assert len(topics) == len(bot.services.content.catalogue.topics)
    # The offers of both districts: the Fredenberg office and the Ost- und Westsiedlung's helper tandems.
    await nora.tap("Mitmachen")
    listed = offer_ids(nora.last().flat_buttons)
    while "▶️" in nora.last().labels:
        await nora.tap("▶️")
        listed |= offer_ids(nora.last().flat_buttons)
    assert {"fredenberg", "helfer-tandem-mitmachen"} <= listed
    async with bot.services.database.sessions() as session:
        resident = await session.get(Resident, nora.user_id)
    assert resident is not None and resident.district is None
    await nora.send("/district")
    assert not any(label.startswith("✓") for label in nora.last().labels)
    await nora.tap("Fredenberg")
    assert "🏘 Fredenberg" in nora.last().labels


@pytest.mark.parametrize(
    ("lang", "district"),
    [
        ("tr", "Ost- und Westsiedlung"),
        ("pl", "Ost- und Westsiedlung"),
        ("ru", "Ost- und Westsiedlung (Ост- и Вестзидлунг)"),
        ("uk", "Ost- und Westsiedlung (Ост- і Вестзідлунг)"),
    ],
)
async def test_the_district_keeps_the_name_on_its_signs_in_every_language(
    bot: BotHarness, lang: str, district: str
) -> None:
    # "Ost- ve Westsiedlung", "Ost- i Westsiedlung": half translated, the name matched no sign or letter.
    nora = await resident_in(bot, district, lang=lang)
    assert f"🏘 {district}" in nora.last().labels
    await nora.send("/start p_quartiersmanagement-fredenberg")  # its description names the other district
    assert "Ost- und Westsiedlung" in (nora.last().text or "")


def test_no_content_text_half_translates_the_district_name() -> None:
    """The German name in running text of every language (non-Latin scripts add a reading in the picker)."""
    half = re.compile(r"Ost- (?!und Westsiedlung)|Ост- [иі] Вестз[иі]длунг(?!\))")
    texts = (path.read_text(encoding="utf-8") for path in (ROOT / "content").rglob("*.yaml"))
    assert not [line for text in texts for line in text.splitlines() if half.search(line)]
