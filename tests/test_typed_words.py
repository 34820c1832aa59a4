"""A button's label typed instead of tapped: residents who seldom read type what they see on a button
("Menü", "geri", "القائمة"). Only the bot's own labels (its catalogs, in the resident's language and in
German) count, and only as the whole message. While a request is written, the labels of the buttons on
its screen ("Überspringen", "iptal", "Fertig") act as those buttons, and "Menü" shows the menu with the
draft kept; a sentence with the word, or the word a question offers as a choice, stays her text."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

import pytest

from bot.testing.fakeapi import Sent, SimUser
from tests.harness import ROOT, BotHarness, confirmed_resident, skip_questions

MENU_QUESTION = "What can I help you with? Choose a topic or just write your question."


def is_menu(bot: BotHarness, lang: str, message: Sent) -> bool:
    t = bot.services.i18n.translator(lang)
    return message.text == t.html(MENU_QUESTION) and "🆘 " + t.gettext("Emergency") in message.labels


def topic_title(bot: BotHarness, topic_id: str, lang: str) -> str:
    return str(bot.services.content.catalogue.topics[topic_id].title[lang])


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("de", "Menü"),
        ("de", "menu"),
        ("de", "Hauptmenü"),
        ("de", "🏠 Menü"),
        ("tr", "menü"),
        ("tr", "Ana menü"),
        ("tr", "MENU!"),
        ("tr", "Menü"),  # the German label counts for everyone
        ("ar", "القائمة"),
        ("ar", "القائمة الرئيسية"),
        ("fa", "منو"),
        ("ru", "меню"),
    ],
)
async def test_the_menus_label_typed_opens_the_menu(bot: BotHarness, lang: str, typed: str) -> None:
    resident = await confirmed_resident(bot, "Amal", lang)
    await resident.send("/help")
    await resident.send(typed)
    assert is_menu(bot, lang, resident.last())


async def test_another_languages_label_is_searched_as_before(bot: BotHarness) -> None:
    """Only the resident's language and German: "منو" (Farsi) from a Turkish resident is no label."""
    ayse = await confirmed_resident(bot, "Ayşe", "tr")
    await ayse.send("/help")
    await ayse.send("منو")
    reply = ayse.last()
    assert not is_menu(bot, "tr", reply)
    assert "🙋 " + bot.services.i18n.translator("tr").gettext("Ask a person") in reply.labels  # searched


@pytest.mark.parametrize("typed", ["Ich suche ein Menü für Kinder", "Menü Menü", "zurück zur Arbeit"])
async def test_a_sentence_with_the_label_in_it_is_searched(bot: BotHarness, typed: str) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send("/help")
    await anna.send(typed)
    reply = anna.last()
    assert not is_menu(bot, "de", reply)
    assert "🙋 " + bot.services.i18n.translator("de").gettext("Ask a person") in reply.labels


@pytest.mark.parametrize(
    ("lang", "typed"), [("de", "zurück"), ("de", "Zurück"), ("tr", "geri"), ("ar", "رجوع")]
)
async def test_back_typed_after_an_entry_returns_to_its_topic(bot: BotHarness, lang: str, typed: str) -> None:
    """Topic → offer → "zurück": the topic again, on the page the offer was opened from, as the ⬅️ would."""
    resident = await confirmed_resident(bot, "Shirin", lang)
    t = bot.services.i18n.translator(lang)
    counselling = topic_title(bot, "beratung", lang)
    await resident.tap(counselling)
    await resident.tap("◀️" if lang == "ar" else "▶️")  # forward points left in Arabic
    second_page = t.html("Page {page} of {pages}", page=2, pages=2)
    await resident.tap(1)  # the first entry of the second page
    entry = resident.last()
    back = ("➡️ " if lang == "ar" else "⬅️ ") + t.gettext("Back")
    assert second_page not in (entry.text or "") and back in entry.labels

    await resident.send(typed)
    topic = resident.last()
    assert topic.message_id != entry.message_id  # a typed word is answered below it
    assert escape(counselling) in (topic.text or "") and second_page in (topic.text or "")


async def test_back_typed_after_a_suggestion_returns_to_the_suggestions(bot: BotHarness) -> None:
    shirin = await confirmed_resident(bot, "Shirin", "fa")
    t = bot.services.i18n.translator("fa")
    await shirin.send("زنان")  # "women": the women's café, two partners
    choices = shirin.last()
    suggested = (choices.text, choices.labels)
    await shirin.tap(1, choices)  # the entry replaces the suggestions
    await shirin.send(t.gettext("Back"))
    assert (shirin.last().text, shirin.last().labels) == suggested


async def test_back_typed_without_a_way_back_opens_the_menu(bot: BotHarness) -> None:
    """A topic opened from the menu has no ⬅️ (the menu is its way back); nor has the menu itself."""
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.tap(topic_title(bot, "beratung", "de"))
    assert "⬅️ Zurück" not in anna.last().labels
    await anna.send("Zurück")
    first = anna.last()
    assert is_menu(bot, "de", first)
    await anna.send("zurück")
    assert anna.last().message_id != first.message_id and is_menu(bot, "de", anna.last())


async def test_the_menus_label_typed_during_a_request_shows_the_menu_and_keeps_the_draft(
    bot: BotHarness,
) -> None:
    """ "Menü" while writing a request: the menu, as everywhere else, with her draft to continue; the word
    never becomes her message."""
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start o_briefe-aemter")
    await anna.tap("✋")
    await skip_questions(anna)
    await anna.send("Ich habe einen Brief vom Jobcenter.")
    await anna.send("Menü")
    menu = anna.last()
    assert (menu.text or "").startswith("📝 Sie haben eine unfertige Anfrage")
    assert (menu.text or "").endswith(bot.services.i18n.translator("de").html(MENU_QUESTION))
    assert "🆘 Notfall" in menu.labels and "▶️ Weiter" in menu.labels
    await anna.tap("▶️ Weiter")
    await anna.tap("✅")
    await anna.tap("💬")
    consent = anna.last().text or ""
    assert "Ich habe einen Brief vom Jobcenter." in consent and "Menü" not in consent


async def start_course_request(bot: BotHarness, name: str, lang: str) -> SimUser:
    """A resident at the course's first intake question (childcare), its ⏭ and ✖️ below it."""
    resident = bot.resident(name, lang=lang)
    await resident.send("/start o_deutschkurs-frauen")
    await resident.tap("✋")
    assert len(resident.last().labels) == 2 and resident.last().labels[0].startswith("⏭")
    return resident


async def consent_after_message(resident: SimUser, message: str) -> str:
    await skip_questions(resident)
    await resident.send(message)
    await resident.tap("✅")
    await resident.tap("💬")
    return resident.last().text or ""


@pytest.mark.parametrize(
    ("lang", "typed"), [("de", "Überspringen"), ("de", "⏭ überspringen"), ("tr", "atla"), ("ar", "تخطي")]
)
async def test_skip_typed_at_a_question_skips_it(bot: BotHarness, lang: str, typed: str) -> None:
    # Found by exploratory testing: "Überspringen" was filed as her answer to the childcare question.
    resident = await start_course_request(bot, "Nora", lang)
    childcare = resident.last()
    await resident.send(typed)
    german = resident.last()
    assert german.message_id != childcare.message_id and german.text != childcare.text
    assert german.labels == childcare.labels  # the next question, with ⏭ and ✖️
    consent = await consent_after_message(resident, "Hallo")
    assert escape(typed) not in consent and escape(childcare.text or "") not in consent


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("de", "Abbrechen"), ("de", "ABBRECHEN!"), ("tr", "iptal"), ("ar", "إلغاء"), ("tr", "Abbrechen")],
)
async def test_cancel_typed_cancels_the_request_as_the_button_does(
    bot: BotHarness, lang: str, typed: str
) -> None:
    resident = await start_course_request(bot, "Nora", lang)
    await resident.send(typed)
    t = bot.services.i18n.translator(lang)
    assert resident.last().text == t.html("Cancelled. Nothing was sent.")
    assert resident.last().labels == ["🏠 " + t.gettext("Menu")]
    await resident.send("Hallo")  # nothing waits for an answer any more: the greeting is answered
    assert not any(b["callback_data"].startswith("dlg:") for b in resident.last().flat_buttons)


@pytest.mark.parametrize(("lang", "typed"), [("de", "Fertig"), ("tr", "tamam"), ("ar", "انتهيت")])
async def test_done_typed_after_the_message_goes_on_as_the_button_does(
    bot: BotHarness, lang: str, typed: str
) -> None:
    resident = await start_course_request(bot, "Nora", lang)
    await skip_questions(resident)
    await resident.send("Ich möchte mitmachen.")
    await resident.send(typed)
    t = bot.services.i18n.translator(lang)
    assert "💬 " + t.gettext("Here in this chat") in resident.last().labels  # how should they answer?
    await resident.tap("💬")
    consent = resident.last().text or ""
    assert "Ich möchte mitmachen." in consent and escape(typed) not in consent


async def test_a_buttons_word_that_the_question_offers_stays_her_answer(
    database_url: str, tmp_path: Path
) -> None:
    """At a question that names the word as a choice, the word typed is her choice, not the button."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    course = content / "offers" / "deutschkurs-frauen.yaml"  # the course's own questions
    asked = "Wie gut sprechen Sie Deutsch? (gar nicht, ein bisschen, gut)"
    offered = "Möchten Sie weitermachen oder abbrechen?"
    course.write_text(course.read_text(encoding="utf-8").replace(asked, offered), encoding="utf-8")
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        nora = await start_course_request(bot, "Nora", "de")
        await nora.tap("⏭")  # childcare
        assert offered in (nora.last().text or "")
        await nora.send("Abbrechen")
        assert offered not in (nora.last().text or "")  # answered: the next step, nothing cancelled
        consent = await consent_after_message(nora, "Hallo")
        assert f"{offered} Abbrechen" in consent


async def test_a_sentence_with_a_buttons_word_stays_her_answer_and_message(bot: BotHarness) -> None:
    nora = await start_course_request(bot, "Nora", "de")
    await nora.send("Abbrechen will ich nicht, zwei Kinder")
    consent = await consent_after_message(nora, "ich kann nicht fertig werden")
    assert "Abbrechen will ich nicht, zwei Kinder" in consent
    assert "ich kann nicht fertig werden" in consent


async def test_a_language_named_without_its_letters_opens_the_language_picker(bot: BotHarness) -> None:
    """The same comparison finds a language's name typed on a keyboard without ç or ü ("Turkce")."""
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send("Turkce")
    assert anna.last().labels[0] == "✓ Deutsch" and "Türkçe" in anna.last().labels


@pytest.mark.parametrize("typed", ["1", "2", "1.", "١", "1️⃣"])
async def test_a_number_typed_instead_of_tapped_points_to_the_buttons(bot: BotHarness, typed: str) -> None:
    # Found by exploratory testing: "1" typed at the language picker got "please write your question in a few
    # words", and a resident who types instead of tapping never got past the first screen.
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("/start")
    picker = ayse.last()
    await ayse.send(typed)
    t = bot.services.i18n.translator("tr")
    assert ayse.last().text == t.gettext("Please tap one of the buttons above.")
    await ayse.tap(1, picker)  # the buttons above still work
    await ayse.tap(1)
    await ayse.send("3")  # the same under the menu
    assert ayse.last().text == t.gettext("Please tap one of the buttons above.")


async def test_a_number_in_a_request_stays_her_answer(bot: BotHarness) -> None:
    nora = await confirmed_resident(bot, "Nora", "de")
    await nora.send("/start o_deutschkurs-frauen")
    await nora.tap("✋")
    await nora.send("2")  # two children to look after
    hint = bot.services.i18n.translator("de").gettext("Please tap one of the buttons above.")
    assert nora.last().text != hint
    await skip_questions(nora)
    await nora.send("Ich möchte mitmachen.")
    await nora.tap("✅")
    await nora.tap("💬")
    assert "wie alt sind sie? 2\n" in (nora.last().text or "")  # the childcare question's answer


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("ru", "хочу поговорить с человеком"),
        ("tr", "bir insanla konusmak istiyorum"),
        ("uk", "хочу поговорити з людиною"),
        ("fa", "میخواهم با یک آدم صحبت کنم"),
        ("de", "ich will mit einem Menschen sprechen"),
        ("en", "i want to talk to a person"),
    ],
)
async def test_typed_talk_to_a_person_opens_the_ask_a_person_dialogue(
    bot: BotHarness, lang: str, typed: str
) -> None:
    """Found by exploratory testing (round 3, F5): what the 🙋 button says, typed, was searched and offered
    volunteering or the Sprachcafé. It opens the dialogue the button opens."""
    tapped = await confirmed_resident(bot, "Olga", lang)
    await tapped.tap("🙋")
    dialogue = tapped.last()
    resident = await confirmed_resident(bot, "Amal", lang)
    await resident.send(typed)
    reply = resident.last()
    assert (reply.text, reply.labels) == (dialogue.text, dialogue.labels)


async def test_talk_to_a_person_typed_after_an_unanswered_question_passes_the_question_on(
    bot: BotHarness,
) -> None:
    """As "🙋 Ask a person" under the answer does: her question starts the message, not the wish."""
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send("Wer repariert mein Fahrrad Xylophon")
    await anna.send("Kann ich bitte mit einem Mitarbeiter sprechen?")
    await anna.tap("✅")  # nothing more to add
    await anna.tap("💬")
    consent = anna.last().text or ""
    assert "Fahrrad Xylophon" in consent and "Mitarbeiter" not in consent


async def test_a_call_for_help_asking_for_a_person_shows_the_emergency_numbers(bot: BotHarness) -> None:
    galina = await confirmed_resident(bot, "Galina", "ru")
    await galina.send("помогите, нужен человек")
    text = galina.last().text or ""
    # "112" alone is also in the FAQ answer on waiting for a partner ("in an emergency call 110 or 112").
    assert "🆘" in text and "112" in text, text


@pytest.mark.parametrize(
    ("lang", "typed"), [("de", "ja"), ("de", "Ok!"), ("tr", "evet"), ("ru", "да"), ("ar", "5")]
)
async def test_yes_or_a_number_typed_on_the_check_screen_points_to_send_and_adds_nothing(
    bot: BotHarness, lang: str, typed: str
) -> None:
    # Found by exploratory testing: "ja", "ok", "5" on the check screen joined her message again and again,
    # nothing was sent, and she waited for an answer that never came.
    nora = await start_course_request(bot, "Nora", lang)
    consent_before = await consent_after_message(nora, "Ich möchte mitmachen.")
    seen = len(bot.telegram.bot_messages(nora.user_id))
    await nora.send(typed)
    t = bot.services.i18n.translator(lang)
    send, change = "✅ " + t.gettext("Send"), "✏️ " + t.gettext("Change")
    hint = t.html(
        "Nothing has been sent yet. To send your message, please tap “{send}” below; to change it, "
        "“{change}”.",
        send=send,
        change=change,
    )
    shown = "\n".join(m.text or "" for m in bot.telegram.bot_messages(nora.user_id)[seen:])
    assert hint in shown
    check = nora.last()
    assert check.text == consent_before  # her message as before: nothing added
    assert send in check.labels
