"""“🌐 Türkçe devam et”: her phone, and so the bot, is in German, but she writes Turkish (or Arabic, Polish
…); the answer to her question, read in that language, offers to go on in it, with one tap (closing notes:
"no offer to switch to the language she writes in")."""

from __future__ import annotations

from sqlalchemy import select

from bot.content.models import localized
from bot.render import screens
from bot.render.callback import MAX_BYTES, Origin, decode, deep_link_payload
from bot.storage.models import Resident
from bot.testing.fakeapi import Sent, SimUser
from tests.harness import BotHarness, confirmed_resident

MENU = "What can I help you with? Choose a topic or just write your question."
CHOICES = "I am not sure what you mean. Is it one of these?"


def course_title(bot: BotHarness, lang: str) -> str:
    return localized(bot.services.content.catalogue.offers["deutschkurs-frauen"].title, lang)


def switches(message: Sent) -> list[str]:
    """The “continue in …” buttons of a screen (not the 🌐 to the picker)."""
    return [b["text"] for b in message.flat_buttons if str(b.get("callback_data", "")).startswith("switch:")]


async def language_of(bot: BotHarness, resident: SimUser) -> tuple[str, bool]:
    async with bot.services.database.sessions() as session:
        row = await session.get(Resident, resident.user_id)
    assert row is not None
    return row.language, row.language_confirmed


async def test_a_turkish_question_on_a_german_phone_offers_turkish_and_shows_the_answer_again_in_it(
    bot: BotHarness,
) -> None:
    ayse = await confirmed_resident(bot, "Ayşe", "de")
    await ayse.send("Almanca kursu var mı?")
    card = ayse.last()
    assert course_title(bot, "de") in (card.text or "")
    assert card.labels[-1] == "🌐 Türkçe devam et"  # in Turkish, though the bot writes German
    assert "🌐 Sprache" not in card.labels  # in place of the picker's 🌐, not a second row
    await ayse.tap("🌐 Türkçe devam et", card)
    tr = bot.services.i18n.translator("tr")
    # The same answer, in place, now in Turkish, with "did this help?" (the answer to her question)
    assert course_title(bot, "tr") in (card.text or "")
    assert card.labels[:2] == ["👍", "👎"] and tr.gettext("Menu") in card.labels[-1]
    assert not switches(card)
    chosen = tr.gettext("I will write in {language}.").format(language="Türkçe")
    assert bot.telegram.answered_callbacks[-1].get("text") == chosen
    assert await language_of(bot, ayse) == ("tr", True)  # stored as the picker stores it
    await ayse.send("/start")
    assert tr.gettext(MENU) in (ayse.last().text or "")
    # Another Turkish question now: answered in Turkish, nothing to offer
    await ayse.send("Almanca kursu kadınlar için")
    assert course_title(bot, "tr") in (ayse.last().text or "") and not switches(ayse.last())


async def test_the_choices_to_a_turkish_question_come_again_in_turkish(bot_with_model: BotHarness) -> None:
    """With the model the question names no woman: the choices, the course first (test_answers.py)."""
    bot = bot_with_model
    ayse = await confirmed_resident(bot, "Ayşe", "de")
    await ayse.send("Almanca kursu var mı?")
    choices = ayse.last()
    de = bot.services.i18n.translator("de")
    assert choices.text == de.html(CHOICES) and "Deutschkurs" in choices.labels[0]
    assert choices.labels[-2:] == ["🌐 Türkçe devam et", "🏠 Menü"]  # where 🌐 Sprache was
    await ayse.tap("🌐 Türkçe devam et", choices)
    tr = bot.services.i18n.translator("tr")
    assert choices.text == tr.html(CHOICES)
    assert course_title(bot, "tr") in choices.labels[0]
    assert not switches(choices) and "🌐 " + tr.gettext("Language") in choices.labels
    assert await language_of(bot, ayse) == ("tr", True)


async def test_an_arabic_question_on_a_german_phone_offers_arabic(bot: BotHarness) -> None:
    amal = await confirmed_resident(bot, "Amal", "de")
    await amal.send("هل يوجد دورة لغة ألمانية للنساء؟")
    card = amal.last()
    assert course_title(bot, "de") in (card.text or "")
    assert switches(card) == ["🌐 متابعة بالعربية"]
    await amal.tap("🌐 متابعة بالعربية", card)
    assert course_title(bot, "ar") in (card.text or "")
    assert await language_of(bot, amal) == ("ar", True)


async def test_a_german_question_on_a_german_phone_offers_no_other_language(bot: BotHarness) -> None:
    lena = await confirmed_resident(bot, "Lena", "de")
    await lena.send("Gibt es einen Deutschkurs mit Kinderbetreuung?")
    assert lena.last().text == bot.services.i18n.translator("de").html(CHOICES)
    assert not switches(lena.last()) and "🌐 Sprache" in lena.last().labels  # the picker, as before
    await lena.send("Almanca kursu var mı?")  # offered once …
    assert switches(lena.last()) == ["🌐 Türkçe devam et"]
    await lena.send("Almanca kursu kadınlar için")  # … not under every answer: she chose German herself
    assert course_title(bot, "de") in (lena.last().text or "") and not switches(lena.last())


async def test_a_resident_who_never_chose_her_language_is_offered_it_under_every_answer(
    bot: BotHarness,
) -> None:
    """The bot's German is only her phone's: the offer is not a nag, it replaces 🌐 to the picker."""
    ayse = bot.resident("Ayşe", lang="de")
    await ayse.send("Almanca kursu var mı?")
    first = ayse.last()
    await ayse.send("Almanca kursu kadınlar için")
    second = ayse.last()
    assert switches(first) == switches(second) == ["🌐 Türkçe devam et"]
    assert await language_of(bot, ayse) == ("de", False)
    await ayse.tap("🌐 Türkçe devam et", second)
    assert course_title(bot, "tr") in (second.text or "")
    # The older screen's button, once she is in Turkish already: the answer in Turkish again, no error
    await ayse.tap("🌐 Türkçe devam et", first)
    assert course_title(bot, "tr") in (first.text or "")
    assert await language_of(bot, ayse) == ("tr", True)


async def test_a_stale_continue_button_changes_nothing(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="de")
    await ayse.send("Almanca kursu var mı?")
    card = ayse.last()
    out_of_date = bot.services.i18n.translator("de").gettext("This button is out of date.")
    # An entry the content no longer has, a language the bot does not speak: out of date, her language kept
    await ayse.press("switch:tr:o_gibt-es-nicht-mehr", card)
    assert bot.telegram.answered_callbacks[-1].get("text") == out_of_date
    await ayse.press("switch:xx:o_deutschkurs-frauen", card)
    assert bot.telegram.answered_callbacks[-1].get("text") == out_of_date
    assert await language_of(bot, ayse) == ("de", False)
    # After /delete: the first minute, not a Turkish profile made by an old button
    await ayse.send("/delete")
    await ayse.tap(1)
    await ayse.press("switch:tr:o_deutschkurs-frauen", card)  # the stale taps made it the menu
    assert bot.telegram.answered_callbacks[-1].get("text") == out_of_date
    async with bot.services.database.sessions() as session:
        row = await session.scalar(select(Resident).where(Resident.telegram_id == ayse.user_id))
    assert row is None or not row.language_confirmed


async def test_every_continue_button_fits_into_telegrams_callback_data(bot: BotHarness) -> None:
    """An entry's link (ids are slugs of at most 40 characters), or the refs of the choices."""
    catalogue = bot.services.content.catalogue
    hits = [(kind, entry_id) for kind in screens.ENTRY_KINDS for entry_id in screens.entries(catalogue, kind)]
    for lang in bot.services.i18n.languages:
        t = bot.services.i18n.translator(lang)
        for kind, entry_id in hits:
            button = screens.continue_in(t, deep_link_payload(kind, entry_id))
            assert button is not None and len(button[1].encode()) <= MAX_BYTES
            assert decode(button[1]).args == (lang, deep_link_payload(kind, entry_id))
        button = screens.continue_in(t, str(Origin.of("alternatives", hits[:8])))
        assert button is not None and len(button[1].encode()) <= MAX_BYTES


GREETING = "Hello! How can I help you? Write your question or choose from the menu."


async def test_a_greeting_in_another_language_offers_it_and_greets_again_in_it(bot: BotHarness) -> None:
    """Found in exploratory testing: "مرحبا" or "Merhaba", often the first thing she types, got the German
    greeting with only [🏠 Menü]. Small talk read in another language than the bot's offers it as a question
    does; the tap greets her again in it."""
    for name, hello, lang, offer in [
        ("Ayşe", "Merhaba", "tr", "🌐 Türkçe devam et"),
        ("Fatima", "مرحبا", "ar", None),
        ("Olga", "Привет", "ru", None),
    ]:
        resident = await confirmed_resident(bot, name, "de")
        await resident.send(hello)
        greeted = resident.last()
        de, t = bot.services.i18n.translator("de"), bot.services.i18n.translator(lang)
        assert greeted.text == de.gettext(GREETING)
        assert switches(greeted) == ["🌐 " + t.gettext("Continue in this language")]
        assert offer is None or switches(greeted) == [offer]
        assert greeted.labels[-1] == "🏠 " + de.gettext("Menu")  # the menu stays last
        await resident.tap(switches(greeted)[0], greeted)
        assert greeted.text == t.gettext(GREETING)  # in place, in her language
        assert not switches(greeted)
        assert await language_of(bot, resident) == (lang, True)


async def test_a_greeting_in_the_bots_language_offers_nothing_and_is_not_offered_twice(
    bot: BotHarness,
) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    for hello in ("Hallo", "hi", "Guten Morgen", "Danke"):
        await anna.send(hello)
        assert not switches(anna.last()), hello
    # Turkish small talk to a German bot she chose herself: offered once, as a question is.
    await anna.send("Merhaba")
    assert switches(anna.last())
    await anna.send("selam nasılsın")
    assert not switches(anna.last())
