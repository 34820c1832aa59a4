"""The request dialogue as residents meet it, through the real handlers: which question is on the screen
when she answers, what a language's name typed in a request does, what "Done" says on offers one does not
sign up for, and the phone step. Found by exploratory testing (console journeys)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.render import requests as render
from bot.tickets.dialogue import MAX_ATTACHMENTS
from tests.harness import (
    COURSE_GROUP,
    BotHarness,
    SimUser,
    confirmed_resident,
    content_with_partner_group,
    deliver,
    skip_questions,
)

CHILDCARE_TR = "Kurs sırasında çocuk bakımına ihtiyacınız var mı?"
GERMAN_TR = "Ne kadar Almanca konuşuyorsunuz? (hiç, biraz, iyi)"
ANSWER_OR_QUESTION_TR = "yeni bir soru mu"
QUARTIERSMANAGEMENT = -1_000_000_000_001  # its group in the shipped content


async def send_request(bot: BotHarness, resident: SimUser) -> None:
    """From the consent screen: "Send", then the outbox delivers."""
    consent = resident.last()
    send = next(b["callback_data"] for b in consent.flat_buttons if b["text"].startswith("✅"))
    await resident.press(send, consent)
    await deliver(bot)


async def test_text_typed_on_after_answer_or_new_question_answers_the_question_she_saw(
    database_url: str, tmp_path: Path
) -> None:
    # Found by exploratory testing: the German question was never shown, yet "Tuesday is fine" was filed
    # on the partner's card as her answer to it.
    content = content_with_partner_group(tmp_path, "bildungstraeger", COURSE_GROUP)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        ayse = bot.resident("Ayse", lang="tr")
        await ayse.send("/start o_deutschkurs-frauen")
        await ayse.tap("✋")
        assert CHILDCARE_TR in (ayse.last().text or "")
        await ayse.send("2 cocuk, 3 ve 5 yasinda. Getirebilir miyim?")
        assert ANSWER_OR_QUESTION_TR in (ayse.last().text or "")
        await ayse.send("sali olur")  # typed on instead of tapping
        # Both texts answer the childcare question; the German question is shown now, unanswered.
        assert GERMAN_TR in (ayse.last().text or "")
        await ayse.send("biraz")
        assert "mesajınızı yazın" in (ayse.last().text or "")
        await ayse.tap("✅")
        await ayse.tap("💬")
        consent = ayse.last().text or ""
        assert "2 cocuk, 3 ve 5 yasinda. Getirebilir miyim?\nsali olur" in consent
        assert f"{GERMAN_TR} biraz" in consent
        await send_request(bot, ayse)
        card = bot.telegram.bot_messages(COURSE_GROUP)[-1].text or ""
        childcare, german = (
            card.index("Brauchen Sie Kinderbetreuung"),
            card.index("Wie gut sprechen Sie Deutsch?"),
        )
        assert "sali olur" in card[childcare:german] and "sali olur" not in card[german:]
        assert "biraz" in card[german:]


async def test_an_answer_about_the_questions_own_subject_is_taken_without_asking(bot: BotHarness) -> None:
    # "2 children, 3 and 5" matches the childcare FAQ of this very course confidently: it talks about the
    # request, so it is her answer, not a new question.
    ayse = bot.resident("Ayse", lang="tr")
    await ayse.send("/start o_deutschkurs-frauen")
    await ayse.tap("✋")
    await ayse.send("2 cocuk 3 ve 5 yasinda")
    assert ANSWER_OR_QUESTION_TR not in (ayse.last().text or "")
    assert GERMAN_TR in (ayse.last().text or "")


async def test_a_language_name_typed_in_a_request_opens_the_picker_and_the_draft_waits(
    bot: BotHarness,
) -> None:
    # Found by exploratory testing: "English" at the childcare question was asked about as a new question
    # (and then answered with the FAQ "my German isn't good"), "Deutsch" filed as the childcare answer.
    maryam = bot.resident("Maryam", lang="fa")
    await maryam.send("/start o_deutschkurs-frauen")
    await maryam.tap("✋")
    await maryam.send("English")
    picker = maryam.last()
    assert {"English", "Deutsch", "فارسی"} <= {label.removeprefix("✓ ") for label in picker.labels}
    await maryam.tap("English", picker)
    # A new resident: her district first (in English), not yet the question.
    assert "Do you need childcare" not in (maryam.last().text or "")
    assert "Which neighbourhood do you live in?" in (maryam.last().text or "")
    await maryam.tap(1)
    # The same question again, in English (explore xr4 F5: the menu with "Continue" came instead, and an
    # answer typed at once went to the search).
    assert "Do you need childcare during the course?" in (maryam.last().text or "")
    assert "Continue" not in " ".join(maryam.last().labels)
    await maryam.send("no")
    assert "How well do you speak German?" in (maryam.last().text or "")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_language_tapped_on_an_old_picker_mid_request_asks_the_question_below(
    bot: BotHarness,
) -> None:
    """Review rv5 #5: the question came back in place of the old picker far up, out of her sight."""
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start")
    await anna.tap(1)  # Deutsch
    await anna.tap(1)  # the district
    await anna.send("/language")
    old_picker = anna.last()
    await anna.send("/start o_deutschkurs-frauen")
    await anna.tap("✋")
    assert "Brauchen Sie Kinderbetreuung" in (anna.last().text or "")
    await anna.tap("English", old_picker)
    assert "English" in " ".join(old_picker.labels)  # the old picker stays as it was
    assert anna.last() is not old_picker
    assert "Do you need childcare during the course?" in (anna.last().text or "")
    await anna.send("no")
    assert "How well do you speak German?" in (anna.last().text or "")


async def test_a_language_name_answers_a_question_that_asks_for_a_language(bot: BotHarness) -> None:
    elif_ = bot.resident("Elif", lang="de")
    await elif_.send("/start")
    await elif_.tap(1)  # Deutsch
    await elif_.tap(1)  # the district
    await elif_.tap("Beratung")
    await elif_.tap("🙋")
    assert "Worum geht es?" in (elif_.last().text or "")
    await elif_.send("Brief vom Amt")
    assert "In welcher Sprache möchten Sie beraten werden?" in (elif_.last().text or "")
    await elif_.send("Türkçe")
    assert "Schreiben Sie Ihre Nachricht" in (elif_.last().text or "")
    await elif_.send("Ich verstehe einen Brief vom Jobcenter nicht.")
    await elif_.tap("✅")
    await elif_.tap("💬")
    assert "In welcher Sprache möchten Sie beraten werden? Türkçe" in (elif_.last().text or "")


async def test_a_drop_in_offer_asks_a_person_and_done_needs_words(bot: BotHarness) -> None:
    # Found by exploratory testing: the drop-in Sprachcafé said "tap Done to sign up" and sent "I would like
    # to sign up for this offer" to the Gemeinde, where there is nothing to sign up for.
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start o_sprachcafe")
    assert "🙋 Einen Menschen fragen" in anna.last().labels
    await anna.tap("🙋")
    screen = anna.last()
    assert "Schreiben Sie Ihre Nachricht" in (screen.text or "") and "anmelden" not in (screen.text or "")
    await anna.tap("✅")
    toast = bot.telegram.answered_callbacks[-1]
    assert toast["text"] == "Bitte schreiben Sie zuerst ein paar Worte." and toast["show_alert"]
    assert anna.last().text == screen.text  # still the message step


async def test_ordering_help_says_so_on_the_button_the_dialogue_and_the_message(bot: BotHarness) -> None:
    # Found by exploratory testing: ordering everyday help said "sign me up" like a course.
    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start o_helfer-tandem-hilfe")
    assert "✋ Хочу заказать помощь" in olga.last().labels
    await olga.tap("✋")
    await skip_questions(olga)
    screen = olga.last().text or ""
    assert (
        "Или просто нажмите «Готово». Тогда ваше сообщение будет таким: <i>Хочу заказать помощь</i>" in screen
    )
    assert "записаться" not in screen
    await olga.tap("✅")
    await olga.tap("💬")
    consent = olga.last().text or ""
    assert "Хочу заказать помощь" in consent and "записаться" not in consent


async def test_the_phone_step_says_one_thing(bot: BotHarness) -> None:
    # Found by exploratory testing: "write your number or send it with the button" was followed by "only
    # the button passes it on", yet a typed number is taken.
    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start o_helfer-tandem-hilfe")
    await olga.tap("✋")
    await skip_questions(olga)
    await olga.send("покупки в среду")
    await olga.tap("✅")
    await olga.tap("📞")
    screen, prompt = bot.telegram.bot_messages(olga.user_id)[-2:]
    assert "Напишите здесь свой номер телефона" in (screen.text or "")
    assert prompt.text == "Кнопка внизу отправляет номер телефона вашего аккаунта Telegram."
    await olga.send("0176 1234 5678")
    assert "0176 1234 5678" in (olga.last().text or "")  # the consent screen: the typed number is taken


@pytest.mark.parametrize(
    ("lang", "question", "begins", "got_it"),
    [
        (
            "de",
            "Was kostet der Kurs?",
            "Ihre Nachricht beginnt mit dem, was Sie geschrieben haben:",
            "Angekommen.",
        ),
        ("tr", "Kurs ücretli mi?", "Mesajınız yazdıklarınızla başlıyor:", "Aldım."),
    ],
)
async def test_a_question_carried_to_a_person_is_shown_as_the_start_of_her_message(
    bot: BotHarness, lang: str, question: str, begins: str, got_it: str
) -> None:
    # Found by exploratory testing: "Ask a person" below an answer said "Got it. You can send more" though
    # she had sent nothing new; her question only reappeared on the check screen.
    anna = await confirmed_resident(bot, "Anna", lang)
    await anna.send(question)
    assert any(label.startswith("🙋") for label in anna.last().labels)
    await anna.tap("🙋")
    await skip_questions(anna)
    screen = anna.last()
    assert f"{begins} <i>{question}</i>" in (screen.text or "")
    assert got_it not in (screen.text or "")
    assert screen.labels[0].startswith("✅")
    # Her own words added to it are acknowledged as usual.
    await anna.send("Und ab wann?")
    screen = anna.last()
    assert got_it in (screen.text or "") and begins not in (screen.text or "")


async def test_words_carried_from_the_emergency_screen_are_not_called_her_question(bot: BotHarness) -> None:
    # Review rv20: "Mein Mann schlägt mich", then "Ask a person" on the emergency screen, said "Your message
    # begins with your question: Mein Mann schlägt mich". What she wrote is shown as what she wrote.
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send("Mein Mann schlägt mich")
    assert "110" in (anna.last().text or "")
    await anna.tap("🙋")
    await skip_questions(anna)
    text = anna.last().text or ""
    assert "Ihre Nachricht beginnt mit dem, was Sie geschrieben haben: <i>Mein Mann schlägt mich</i>" in text
    assert "Frage" not in text


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # files added to a sent request
async def test_files_past_the_limit_are_counted_in_one_notice_and_reach_the_partner_after_sending(
    bot: BotHarness,
) -> None:
    # Found by exploratory testing: "no more fit" was followed at once by "you can send more", pages were
    # dropped without a word of how many or what to do. The notice's advice (/requests ✏️) really works.
    olena = await confirmed_resident(bot, "Olena", "uk")
    t = bot.services.i18n.translator("uk")
    for _ in range(8):
        await olena.send_photo(media_group="letter-1")
    await olena.tap("Quartiersmanagement")
    before = len(bot.telegram.bot_messages(olena.chat))
    for _ in range(4):  # two pages fit, two do not
        await olena.send_photo(media_group="letter-2")
    screen, notice, full = bot.telegram.bot_messages(olena.chat)[before:]
    assert "Отримано. Можна додати ще" in (screen.text or "")  # the album's first page, which fit
    assert notice.text == render.files_left_out(t, 2, MAX_ATTACHMENTS)
    assert notice.text.startswith("📎 2 вкладення не прийнято") and "/requests" in notice.text
    assert "Більше вкладень у цей запит не поміститься" in (full.text or "")
    assert "Можна додати ще" not in (full.text or "") and full.labels[0].startswith("✅")
    await olena.tap("✅")
    await olena.tap("💬")
    assert f"{MAX_ATTACHMENTS} вкладень" in (olena.last().text or "")
    await olena.tap("✅")
    await deliver(bot)
    # The rest, as the notice says: /requests, ✏️, then the pages.
    await olena.send("/requests")
    await olena.tap("✏️")
    for _ in range(2):
        await olena.send_photo(media_group="letter-3")
    await deliver(bot)
    photos = [m for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT) if m.kind == "photo"]
    assert len(photos) == MAX_ATTACHMENTS + 2
