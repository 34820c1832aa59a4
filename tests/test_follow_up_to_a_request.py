"""A resident's follow-up to a request she sent ("Hallo? Antwortet mir jemand?"), written as a plain message
the search cannot answer: the bot's answer offers first to add it to that request, and one tap puts exactly
her words into its thread, where the people who have the request read them (explore: follow-up; before, it
was a new question, and "Ask a person" made a second request that nobody linked to the first)."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.i18n import Translator
from bot.storage.models.requests import Request
from bot.testing.fakeapi import FakeTelegram, Sent, SimUser
from tests.harness import BotHarness, confirmed_resident, deliver, skip_questions
from tests.test_conversation import (
    MUETTERZENTRUM,
    QUARTIERSMANAGEMENT,
    close_card,
    group_texts,
    partner_name,
    send_request,
)
from tests.test_escalated_requests import e_mails

ADMIN_CHAT = -1_000_000_000_500
ADD = "Add this to my request to {partner}"
ADDED = "Added to your request {number}. {partner} will see it."
CLOSED = (
    "Your request {number} to {partner} is closed now, so your message was not added. Tap “Ask a "
    "person” to send it as a new request."
)


async def request_count(bot: BotHarness) -> int:
    async with bot.services.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Request)) or 0)


async def request_number(bot: BotHarness) -> str:
    async with bot.services.database.sessions() as session:
        return str(await session.scalar(select(Request.number).order_by(Request.id.desc()).limit(1)))


async def signs_up_for_the_german_course(bot: BotHarness, resident: SimUser, text: str) -> Sent:
    """`resident` signs up for the women's German course (the course provider gets it by e-mail, the
    Quartiersmanagement's group a copy at once); that copy."""
    await resident.send("/start o_deutschkurs-frauen")
    await resident.tap("✋")
    await skip_questions(resident)
    await resident.send(text)
    await resident.tap("✅")
    await resident.tap("💬")
    await resident.tap("✅")
    await deliver(bot)
    return next(m for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT) if text in (m.text or ""))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_a_follow_up_after_a_german_course_sign_up_is_added_to_that_request_with_one_tap(
    bot: BotHarness,
) -> None:
    t = bot.services.i18n.translator("de")
    anna = await confirmed_resident(bot, "Anna", "de")
    card = await signs_up_for_the_german_course(bot, anna, "Ich möchte mich anmelden, ich habe zwei Kinder.")
    number = await request_number(bot)
    provider = partner_name(bot, "de", "bildungstraeger")

    follow_up = await anna.send("Hallo? Antwortet mir jemand?")
    offered = anna.last()
    # First her request, then the screen as it was: the search's choices, "Ask a person", the menu.
    assert offered.labels[0] == "✍️ " + t.gettext(ADD).format(partner=provider)
    assert offered.labels[-3:] == ["🙋 Einen Menschen fragen", "🌐 Sprache", "🏠 Menü"]
    assert "Ist es eines davon?" in (offered.text or "")
    for button in offered.flat_buttons:  # her words are never in a button
        assert "Hallo" not in button["callback_data"] and len(button["callback_data"].encode()) <= 64

    await anna.tap(1, offered)
    await deliver(bot)
    # The Quartiersmanagement's copy of the card gets her words in its thread; the provider, by e-mail.
    thread = bot.telegram.bot_messages(QUARTIERSMANAGEMENT)[-1]
    assert thread.reply_to == card.message_id
    assert "Hallo? Antwortet mir jemand?" in (thread.text or "") and number in (thread.text or "")
    assert any("Hallo? Antwortet mir jemand?" in mail for mail in await e_mails(bot))
    # She reads who sees it, replying to her message, with the way to the menu; no second request.
    confirmation = anna.last()
    assert confirmation.text == (
        f"✅ Ihre Nachricht ist jetzt bei Ihrer Anfrage Nr. {number}. Sie geht an: Bildungsträger in "
        "Salzgitter und Quartiersmanagement Ost- und Westsiedlung."
    )
    assert confirmation.reply_to == follow_up.message_id
    assert confirmation.labels == ["🏠 Menü"]
    assert await request_count(bot) == 1
    # The screen she tapped keeps its choices, without the button: a second tap adds nothing.
    assert offered.labels == [
        "❓ Wann bekomme ich eine Antwort?",
        "🙋 Einen Menschen fragen",
        "🌐 Sprache",
        "🏠 Menü",
    ]
    # Her next question is the bot's again: the conversation did not open.
    before = len(group_texts(bot, QUARTIERSMANAGEMENT))
    await anna.send("Wo ist das Quartiersbüro?")
    await deliver(bot)
    assert len(group_texts(bot, QUARTIERSMANAGEMENT)) == before


async def test_an_arabic_residents_follow_up_reaches_the_partners_group_with_her_request(
    bot: BotHarness,
) -> None:
    t = bot.services.i18n.translator("ar")
    amal = await confirmed_resident(bot, "Amal", "ar")
    card = await send_request(bot, amal, "frauencafe", "هل يمكنني أن آتي مع طفلي الصغير؟")
    number = await request_number(bot)
    centre = partner_name(bot, "ar")

    follow_up = await amal.send("مرحبا؟ هل يرد علي أحد؟")
    offered = amal.last()
    assert offered.labels[0] == "✍️ " + t.gettext(ADD).format(partner=centre)
    assert offered.labels[0] == "✍️ أضِف هذا إلى طلبي لدى " + centre
    assert "🙋 " + t.gettext("Ask a person") in offered.labels
    await amal.tap(1, offered)
    await deliver(bot)
    thread = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    assert thread.reply_to == card.message_id
    assert "مرحبا؟ هل يرد علي أحد؟" in (thread.text or "") and number in (thread.text or "")
    confirmation = amal.last()
    assert confirmation.text == "✅ " + t.html(ADDED, number=t.isolate(number), partner=centre)
    assert confirmation.text.startswith("✅ أُضيفت رسالتك إلى طلبك")
    assert confirmation.reply_to == follow_up.message_id
    assert confirmation.labels == ["🏠 " + t.gettext("Menu")]
    assert await request_count(bot) == 1


async def test_a_follow_up_tapped_after_the_request_was_closed_is_kept_for_a_new_request(
    bot: BotHarness,
) -> None:
    t = bot.services.i18n.translator("de")
    anna = await confirmed_resident(bot, "Anna", "de")
    card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    number = await request_number(bot)
    await anna.send("Hallo? Antwortet mir jemand?")
    offered = anna.last()
    assert offered.labels[0].startswith("✍️ ")
    add = offered.flat_buttons[0]["callback_data"]
    petra = bot.partner("Petra", MUETTERZENTRUM)
    await petra.tap("Abschließen", card)  # closed meanwhile
    await deliver(bot)
    thread = len(group_texts(bot, MUETTERZENTRUM))

    await anna.tap(1, offered)
    await deliver(bot)
    assert len(group_texts(bot, MUETTERZENTRUM)) == thread  # nothing added to a closed request
    stale = anna.last()
    assert stale.text == "⚠️ " + t.html(CLOSED, number=number, partner=partner_name(bot, "de"))
    assert stale.labels == ["🙋 Einen Menschen fragen", "🏠 Menü"]
    # Her words are not lost: "Ask a person" carries them into the new request's message.
    await anna.tap("🙋 Einen Menschen fragen", stale)
    await anna.tap("✅")
    await anna.tap("💬")
    assert "Hallo? Antwortet mir jemand?" in (anna.last().text or "")
    # The button went from the screen; pressed again (a second phone, a double tap), it is out of date:
    # nothing is kept for it any more.
    assert not any(label.startswith("✍️") for label in offered.labels)
    await anna.press(add, offered)
    out_of_date = t.gettext("This button is out of date.")
    assert any(a.get("text") == out_of_date for a in bot.telegram.answered_callbacks[-2:])


async def test_only_an_open_request_is_offered(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send("Hallo? Antwortet mir jemand?")
    without = anna.last().labels
    assert without[0] == "❓ Wann bekomme ich eine Antwort?"
    assert not any(label.startswith("✍️") for label in without)
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    await anna.send("Hallo? Antwortet mir jemand?")
    assert anna.last().labels == ["✍️ Zu meiner Anfrage an SOS-Mütterzentrum hinzufügen", *without]
    # Once she withdrew it, none again.
    await anna.send("/anfragen")
    await anna.tap("🗑")
    await anna.tap("🗑 Ja, zurückziehen")
    await anna.send("Hallo? Antwortet mir jemand?")
    assert anna.last().labels == without


async def test_danger_words_with_an_open_request_show_the_emergency_numbers_first(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    before = len(bot.telegram.bot_messages(anna.chat))
    await anna.send("Hilfe, mein Mann schlägt mich")
    answers = bot.telegram.bot_messages(anna.chat)[before:]
    # The emergency screen first, as without a request (its "Ask a person" carries her words, urgent).
    assert "110" in (answers[0].text or "") and "112" in (answers[0].text or "")
    berta = await confirmed_resident(bot, "Berta", "de")  # the same screen as for one without a request
    await berta.send("Hilfe, mein Mann schlägt mich")
    assert (answers[0].text, answers[0].labels) == (berta.last().text, berta.last().labels)
    assert not any(label.startswith("✍️") for answer in answers for label in answer.labels)
    # A line after it that the bot cannot answer is offered to her request as any other.
    await anna.send("Hallo? Antwortet mir jemand?")
    assert anna.last().labels[0] == "✍️ Zu meiner Anfrage an SOS-Mütterzentrum hinzufügen"


async def test_with_several_open_requests_each_is_offered_and_only_the_chosen_one_gets_it(
    bot: BotHarness,
) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    cafe = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    course = await signs_up_for_the_german_course(bot, anna, "Ich möchte mich für den Kurs anmelden.")
    await anna.send("Hallo? Antwortet mir jemand?")
    offered = anna.last()
    # The most recent first: a line added to the wrong one would show her words to another organisation.
    assert offered.labels[:2] == [
        "✍️ Bildungsträger in Salzgitter",
        "✍️ SOS-Mütterzentrum",
    ]
    qm_thread = len(group_texts(bot, QUARTIERSMANAGEMENT))
    await anna.tap(2, offered)
    await deliver(bot)
    assert bot.telegram.bot_messages(MUETTERZENTRUM)[-1].reply_to == cafe.message_id
    assert "Hallo? Antwortet mir jemand?" in group_texts(bot, MUETTERZENTRUM)[-1]
    assert len(group_texts(bot, QUARTIERSMANAGEMENT)) == qm_thread  # the course's copy got nothing
    assert not any("Hallo?" in mail for mail in await e_mails(bot))
    assert not any(label.startswith("✍️") for label in offered.labels)  # one tap, one request
    assert group_texts(bot, QUARTIERSMANAGEMENT)[-1] == course.text  # the course's card, as it was


def a_while_later(bot: BotHarness, minutes: int = 2) -> None:
    later = bot.services.clock() + timedelta(minutes=minutes)
    bot.services.clock = lambda: later


async def test_with_two_open_requests_the_nudge_speaks_of_two(bot: BotHarness) -> None:
    """Found in exploratory testing: with two open requests "Hallo?" read "Ihre Anfrage ist noch offen.
    Tippen Sie auf ✍️" above two ✍️ buttons. The greeting, the hint and what stays after the tap speak of
    one request or of several, as many as there are buttons."""
    anna = await confirmed_resident(bot, "Anna", "de")
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    await signs_up_for_the_german_course(bot, anna, "Ich möchte mich für den Kurs anmelden.")
    a_while_later(bot)  # not within the minute of her requests' messages (the flood limit)

    await anna.send("Hallo?")
    greeted = anna.last()
    assert greeted.text == (
        "Hallo! Ihre Anfragen sind noch offen. Tippen Sie auf das passende ✍️, dann geht diese Nachricht "
        "dorthin – oder schreiben Sie Ihre Frage."
    )
    assert [label for label in greeted.labels if label.startswith("✍️")] == [
        "✍️ Bildungsträger in Salzgitter",
        "✍️ SOS-Mütterzentrum",
    ]
    await anna.send("Xylophon Reparatur Termin")
    unknown = anna.last()
    hint = "Geht es um eine Ihrer Anfragen? Tippen Sie auf das passende ✍️, dann kommt Ihre Nachricht dorthin."
    assert (unknown.plain or "").endswith("\n\n" + hint)
    # After the tap the sentence about ✍️ goes, in the plural as it was said.
    await anna.tap(2, greeted)
    await deliver(bot)
    assert greeted.plain == "Hallo! Ihre Anfragen sind noch offen."
    assert "Hallo?" in group_texts(bot, MUETTERZENTRUM)[-1]  # the second button: the café's request
    await anna.tap(1, unknown)
    await deliver(bot)
    assert hint not in (unknown.plain or "") and "✍️" not in (unknown.plain or "")


@pytest.mark.parametrize(
    ("lang", "hello", "one", "two"),
    [
        ("ar", "مرحبا", "مرحبًا! طلبك ما زال مفتوحًا.", "مرحبًا! طلباك ما زالا مفتوحين."),
        ("ru", "Привет", "Здравствуйте! Ваш запрос ещё открыт.", "Здравствуйте! Ваши запросы ещё открыты."),
        ("en", "Hello", "Hello! Your request is still open.", "Hello! Your requests are still open."),
    ],
)
async def test_the_nudge_after_the_tap_keeps_its_number(
    bot: BotHarness, lang: str, hello: str, one: str, two: str
) -> None:
    """What stays of the greeting after the tap (`render.after_adding`) in a language with a dual (Arabic)
    and one with three forms: one request, then two."""
    resident = await confirmed_resident(bot, "Amal", lang)
    await send_request(bot, resident, "frauencafe", "Darf ich mein Baby mitbringen?")
    for shown in (one, two):
        await resident.send(hello)
        greeted = resident.last()
        assert (greeted.plain or "").startswith(shown.removesuffix(".")), greeted.plain
        assert "✍️" in (greeted.plain or "")
        await resident.tap(1, greeted)
        await deliver(bot)
        assert greeted.plain == shown
        if shown == one:
            await signs_up_for_the_german_course(bot, resident, "Ich möchte mich für den Kurs anmelden.")
            a_while_later(bot)


@pytest.mark.db_behaviour
@pytest.mark.parametrize("kind", ["text", "photo"])
async def test_what_she_sent_waits_for_the_tap_in_the_database_across_a_restart(
    database_url: str, kind: str
) -> None:
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        anna = await confirmed_resident(bot, "Anna", "de")
        card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
        if kind == "text":
            await anna.send("Hallo? Antwortet mir jemand?")
        else:
            await anna.send_photo("Seite 2")  # page 2 of her letter
        offered = anna.last()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        anna = bot.resident("Anna", lang="de", user_id=anna.user_id)
        await anna.tap(1, offered)
        await deliver(bot)
        thread = telegram.bot_messages(MUETTERZENTRUM)[-1]
        assert thread.kind == kind and thread.reply_to == card.message_id
        said = "Hallo? Antwortet mir jemand?" if kind == "text" else "Seite 2"
        assert said in (thread.text or "")
        assert (anna.last().text or "").startswith("✅ Ihre Nachricht ist jetzt bei Ihrer Anfrage Nr.")


GREETING = "Hello! Your request is still open. Tap ✍️ to send this message to it, or write your question."
HINT = "Is this about your request? Tap ✍️ and your message goes to it."
GREETINGS = (
    "Hello! Your requests are still open. Tap the right ✍️ to send this message there, or write your question."
)
HINTS = "Is this about one of your requests? Tap the right ✍️ and your message goes there."


async def test_a_bare_nudge_while_she_waits_can_go_to_her_request(bot: BotHarness) -> None:
    t = bot.services.i18n.translator("de")
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send("Hallo?")  # no request yet: the bot's greeting, as before
    assert anna.last().text == t.html(
        "Hello! How can I help you? Write your question or choose from the menu."
    )
    assert not any(label.startswith("✍️") for label in anna.last().labels)
    card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    add = "✍️ Zu meiner Anfrage an SOS-Mütterzentrum hinzufügen"

    # "Hallo?" while she waits: not "How can I help you?", but her open request and the way to it.
    hello = await anna.send("Hallo?")
    greeted = anna.last()
    assert greeted.text == t.nhtml(GREETING, GREETINGS, 1)
    assert greeted.text.startswith("Hallo! Ihre Anfrage ist noch offen. Tippen Sie auf ✍️")
    assert greeted.labels[0] == add
    # "???": the "too short" prompt, and the same button, with one sentence saying what it does.
    await anna.send("???")
    short = anna.last()
    assert t.nhtml(HINT, HINTS, 1) in (short.text or "") and "in ein paar Worten" in (short.text or "")
    assert short.labels[0] == add
    # The unknown screen says what ✍️ does besides "Ask a person" (which would make a second request).
    await anna.send("Xylophon Reparatur Termin")
    unknown = anna.last()
    assert (unknown.text or "").endswith(
        "\n\nGeht es um Ihre Anfrage? Tippen Sie auf ✍️, dann kommt Ihre Nachricht dorthin."
    )
    assert unknown.labels[0] == add

    await anna.tap(1, greeted)
    await deliver(bot)
    thread = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    assert thread.reply_to == card.message_id and "Hallo?" in (thread.text or "")
    assert anna.last().reply_to == hello.message_id
    assert (anna.last().text or "").startswith("✅ Ihre Nachricht ist jetzt bei Ihrer Anfrage")


async def test_a_confident_answer_offers_her_recent_request_last_but_the_menu(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    await anna.send("Ich habe noch keine Antwort bekommen")
    answered = anna.last()
    assert "Wann bekomme ich eine Antwort" in (answered.text or "")  # the answer, first and unchanged
    # Last but the menu's row, one button (her latest request): the answer's screen stays short.
    assert answered.labels[-3:] == [
        "✍️ Zu meiner Anfrage an SOS-Mütterzentrum hinzufügen",
        "⬅️ Zurück",
        "🏠 Menü",
    ]
    assert sum(label.startswith("✍️") for label in answered.labels) == 1
    await anna.tap(answered.labels.index("✍️ Zu meiner Anfrage an SOS-Mütterzentrum hinzufügen") + 1, answered)
    await deliver(bot)
    thread = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    assert thread.reply_to == card.message_id and "Ich habe noch keine Antwort bekommen" in (
        thread.text or ""
    )
    # The answer she tapped loses only the ✍️ button (recognised by its callback, not a literal prefix).
    assert answered.labels == ["👍", "👎", "🙋 Einen Menschen fragen", "⬅️ Zurück", "🏠 Menü"]
    # A week after she sent it, a confident answer is only an answer again: the screen stays short.
    later = bot.services.clock() + timedelta(days=8)
    bot.services.clock = lambda: later
    await anna.send("Ich habe noch keine Antwort bekommen")
    assert "Wann bekomme ich eine Antwort" in (anna.last().text or "")
    assert not any(label.startswith("✍️") for label in anna.last().labels)


@pytest.mark.db_behaviour  # new SQL: the delete of her unanswered question
async def test_a_question_added_to_her_request_is_no_unanswered_question_in_stats(database_url: str) -> None:
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        anna = await confirmed_resident(bot, "Anna", "de")
        await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
        await anna.send("Xylophon Reparatur Termin")
        offered = anna.last()
        await anna.send("Trompete Stimmgerät leihen")  # not added: stays a question without an answer
        nadine = bot.partner("Nadine", ADMIN_CHAT)
        await nadine.send("/stats")
        stats = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
        assert "Xylophon Reparatur Termin" in stats and "Trompete Stimmgerät leihen" in stats
        await anna.tap(1, offered)
        await deliver(bot)
        assert "Xylophon Reparatur Termin" in group_texts(bot, MUETTERZENTRUM)[-1]
        await nadine.send("/stats")
        stats = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
        assert "Xylophon Reparatur Termin" not in stats  # her words to one partner, not a gap in the content
        assert "Trompete Stimmgerät leihen" in stats


@pytest.mark.parametrize(
    ("lang", "goes_to"),
    [
        ("ru", "Его получат: {provider} и {qm}."),
        ("uk", "Його отримають: {provider} і {qm}."),
        ("pl", "Otrzymają ją: {provider} i {qm}."),
        ("tr", "{provider} ve {qm} mesajınızı görecek."),
    ],
)
async def test_the_confirmation_names_two_organisations_as_two(
    bot: BotHarness, lang: str, goes_to: str
) -> None:
    olga = await confirmed_resident(bot, "Olga", lang)
    await signs_up_for_the_german_course(bot, olga, "Хочу записаться, у меня двое детей.")
    await olga.send("Алло? Мне кто-нибудь ответит?")
    await olga.tap(1)
    await deliver(bot)
    provider = partner_name(bot, lang, "bildungstraeger")
    qm = partner_name(bot, lang, "quartiersmanagement")
    text = html.unescape(olga.last().text or "")
    assert text.endswith(" " + goes_to.format(provider=provider, qm=qm)), text
    assert "«" not in text and "„" not in text


def shown_before(message: Sent, sentence: str) -> tuple[str, list[dict[str, Any]]]:
    """What `message` shows (its text and entities, as Telegram shows them) without `sentence`, its last."""
    text = message.plain or ""
    assert text.endswith("\n\n" + sentence), text
    head = text.removesuffix("\n\n" + sentence)
    end = len(head.encode("utf-16-le")) // 2  # entities count UTF-16 code units
    return head, [e for e in message.entities if e["offset"] + e["length"] <= end]


async def test_after_the_tap_her_screen_no_longer_asks_her_to_tap(bot: BotHarness) -> None:
    """The screen she tapped ✍️ on keeps what it said above "Tap ✍️ …" (the choices, the "I don't know"), with
    its markup; that sentence goes with the button. A greeting's nudge says only that her request is open."""
    t = bot.services.i18n.translator("de")
    hint = html.unescape(t.nhtml(HINT, HINTS, 1))
    anna = await confirmed_resident(bot, "Anna", "de")
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")

    await anna.send("Hallo? Antwortet mir jemand?")
    choices = anna.last()
    kept = shown_before(choices, hint)
    assert "Ist es eines davon?" in kept[0]
    await anna.tap(1, choices)
    await deliver(bot)
    assert (choices.plain, choices.entities) == kept  # the rest as it was, markup included
    assert hint not in (choices.text or "") and "✍️" not in (choices.plain or "")
    assert not any(label.startswith("✍️") for label in choices.labels)
    assert choices.labels[-3:] == ["🙋 Einen Menschen fragen", "🌐 Sprache", "🏠 Menü"]
    assert (anna.last().text or "").startswith("✅ Ihre Nachricht ist jetzt bei Ihrer Anfrage Nr.")

    await anna.send("Xylophon Reparatur Termin")
    unknown = anna.last()
    kept = shown_before(
        unknown, "Geht es um Ihre Anfrage? Tippen Sie auf ✍️, dann kommt Ihre Nachricht dorthin."
    )
    assert kept[1] == [{"type": "bold", "offset": 3, "length": 37}]  # 🤷 is two UTF-16 units
    await anna.tap(1, unknown)
    assert (unknown.plain, unknown.entities) == kept
    assert (unknown.text or "").startswith("🤷 <b>Darauf weiß ich leider keine Antwort.</b>\n\n")

    await anna.send("Hallo?")
    greeted = anna.last()
    assert greeted.plain == html.unescape(t.nhtml(GREETING, GREETINGS, 1))
    await anna.tap(1, greeted)
    await deliver(bot)
    assert greeted.plain == "Hallo! Ihre Anfrage ist noch offen."
    assert greeted.labels == ["🏠 Menü"]
    assert (anna.last().text or "").startswith("✅ Ihre Nachricht ist jetzt bei Ihrer Anfrage Nr.")


async def test_after_the_tap_an_arabic_screen_no_longer_asks_her_to_tap(bot: BotHarness) -> None:
    t = bot.services.i18n.translator("ar")
    amal = await confirmed_resident(bot, "Amal", "ar")
    await send_request(bot, amal, "frauencafe", "هل يمكنني أن آتي مع طفلي الصغير؟")
    await amal.send("مرحبا؟ هل يرد علي أحد؟")
    offered = amal.last()
    kept = shown_before(offered, "هل هذا عن طلبك؟ اضغط ✍️ لتصل رسالتك إليه.")
    await amal.tap(1, offered)
    await deliver(bot)
    assert (offered.plain, offered.entities) == kept and "✍️" not in (offered.plain or "")
    assert "🙋 " + t.gettext("Ask a person") in offered.labels
    assert not any(label.startswith("✍️") for label in offered.labels)
    assert (amal.last().text or "").startswith("✅ أُضيفت رسالتك إلى طلبك")

    await amal.send("مرحبا")
    greeted = amal.last()
    assert greeted.plain == html.unescape(t.nhtml(GREETING, GREETINGS, 1))
    await amal.tap(1, greeted)
    assert greeted.plain == "مرحبًا! طلبك ما زال مفتوحًا."
    assert greeted.labels == ["🏠 " + t.gettext("Menu")]


async def test_thanks_and_goodbyes_are_not_offered_to_her_request_other_unanswered_lines_are(
    bot: BotHarness,
) -> None:
    t = bot.services.i18n.translator("de")
    anna = await confirmed_resident(bot, "Anna", "de")
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    add = "✍️ Zu meiner Anfrage an SOS-Mütterzentrum hinzufügen"
    # Said to the bot: its small talk, as without a request.
    for said, answer in [
        ("Danke", "You're welcome! Write to me any time."),
        ("Vielen Dank!", "You're welcome! Write to me any time."),
        ("Tschüss", "Goodbye! Write to me any time."),
    ]:
        await anna.send(said)
        assert anna.last().text == t.html(answer), said
        assert anna.last().labels == ["🏠 Menü"], said
    # What the bot cannot answer may be meant for the people who have her request.
    for said in ("Hallo? Antwortet mir jemand?", "???", "Xylophon Reparatur Termin", "ok"):
        await anna.send(said)
        assert anna.last().labels[0] == add, said
        assert (anna.last().text or "").endswith(t.nhtml(HINT, HINTS, 1)), said
    await anna.send("Hallo?")
    assert anna.last().labels[0] == add and anna.last().text == t.nhtml(GREETING, GREETINGS, 1)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("de", ("Ja", "Nein")), ("tr", ("evet", "hayır")), ("pl", ("tak", "nie"))],
)
async def test_a_bare_yes_or_no_after_she_ended_the_conversation_can_go_to_her_request(
    bot: BotHarness, lang: str, words: tuple[str, str]
) -> None:
    # Found by exploratory testing: the partner asked "Können Sie am Dienstag um 10 Uhr kommen?", she tapped
    # ⏹ End, then wrote "Ja": "I don't know what your answer refers to", and no ✍️ ("ok" and "Ja, Dienstag
    # passt" had it); "Nein" got "Alles klar!". Her answer never reached the partner who asked.
    t = bot.services.i18n.translator(lang)
    anna = bot.resident("Anna", lang=lang)
    card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    await bot.partner("Petra", MUETTERZENTRUM).send("Können Sie am Dienstag um 10 Uhr kommen?", reply_to=card)
    await deliver(bot)
    end = anna.last()
    await anna.tap("⏹", end)
    add = "✍️ " + t.gettext(ADD).format(partner=partner_name(bot, lang))
    for word in words:
        said = await anna.send(word)
        offered = anna.last()
        assert offered.labels[0] == add, word
        assert (offered.text or "").endswith(t.nhtml(HINT, HINTS, 1)), word
    await anna.tap(1, offered)  # her "no" goes to the partner who asked
    await deliver(bot)
    thread = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    assert thread.reply_to == card.message_id and words[1] in (thread.text or "")
    assert anna.last().reply_to == said.message_id


async def anna_asked_the_frauencafe(bot: BotHarness) -> tuple[Translator, SimUser, Sent, str, str]:
    """Anna (German) with an open request to the SOS-Mütterzentrum about the Frauencafé: her translator, Anna,
    the card in the group, the request's number and the label of its ✍️ button."""
    t = bot.services.i18n.translator("de")
    anna = await confirmed_resident(bot, "Anna", "de")
    card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    add = "✍️ " + t.gettext(ADD).format(partner=partner_name(bot, "de"))
    return t, anna, card, await request_number(bot), add


# --- her files while a request is open: page 2 of her letter, a voice message ----------


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_a_photo_and_a_voice_message_while_a_request_is_open_can_join_it_with_one_tap(
    bot: BotHarness,
) -> None:
    # Found by exploratory testing: page 2 of her letter, sent while her request was open, got only "Who
    # should I send this to?"; choosing the Quartiersmanagement made a second request, and page 2 never
    # joined the first (a text had "✍️ Add this to my request").
    t, anna, card, number, add = await anna_asked_the_frauencafe(bot)
    await anna.send_photo("Seite 2 vom Brief")
    photo_screen = anna.last()
    assert (photo_screen.text or "").startswith("📎 Wem soll ich das schicken?")
    assert (photo_screen.text or "").endswith(t.nhtml(HINT, HINTS, 1))
    assert photo_screen.labels[0] == add and photo_screen.labels[-1] == "✖️ Abbrechen"
    assert "Seite 2" not in " ".join(button["callback_data"] for button in photo_screen.flat_buttons)

    await anna.tap(1, photo_screen)
    await deliver(bot)
    thread = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    assert thread.kind == "photo" and thread.reply_to == card.message_id
    assert "Seite 2 vom Brief" in (thread.text or "")
    # The confirmation takes the place of "who should get this?"; no second request, no draft left.
    confirmed = bot.telegram.chats[anna.chat][photo_screen.message_id]
    assert confirmed.text == "✅ " + t.html(ADDED, number=t.isolate(number), partner=partner_name(bot, "de"))
    assert confirmed.labels == ["🏠 Menü"]
    await anna.send("/menu")
    assert "unfertige Anfrage" not in (anna.last().text or "")
    assert await request_count(bot) == 1

    await anna.send_voice()
    voice_screen = anna.last()
    assert voice_screen.labels[0] == add
    await anna.tap(1, voice_screen)
    await deliver(bot)
    thread = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    assert thread.kind == "voice" and thread.reply_to == card.message_id
    assert await request_count(bot) == 1
    # A tap again, on a screen gone: nothing twice.
    sent = len(bot.telegram.bot_messages(MUETTERZENTRUM))
    await anna.press(voice_screen.flat_buttons[0]["callback_data"], voice_screen)
    await deliver(bot)
    assert len(bot.telegram.bot_messages(MUETTERZENTRUM)) == sent


async def test_no_open_request_no_offer_for_a_photo(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    await anna.send_photo("Ein Brief")
    assert (anna.last().text or "").startswith("📎 Wem soll ich das schicken?")
    assert not any(label.startswith("✍️") for label in anna.last().labels)


async def test_a_turkish_residents_album_joins_her_request_with_one_tap(bot: BotHarness) -> None:
    t = bot.services.i18n.translator("tr")
    zeynep = await confirmed_resident(bot, "Zeynep", "tr")
    card = await send_request(bot, zeynep, "frauencafe", "Bebeğimi getirebilir miyim?")
    for page in range(3):
        await zeynep.send_photo("Mektubun sayfaları" if page == 0 else None, media_group="mektup")
    offers = [m for m in bot.telegram.bot_messages(zeynep.chat) if any(lb.startswith("✍️") for lb in m.labels)]
    assert len(offers) == 1  # one offer for the album
    offer = offers[0]
    assert offer.labels[0] == "✍️ " + t.gettext(ADD).format(partner=partner_name(bot, "tr"))
    assert (offer.text or "").endswith(t.nhtml(HINT, HINTS, 1))
    await zeynep.tap(1, offer)
    await deliver(bot)
    photos = [m for m in bot.telegram.bot_messages(MUETTERZENTRUM) if m.kind == "photo"]
    assert len(photos) == 3 and all(m.reply_to == card.message_id for m in photos)
    assert "Mektubun sayfaları" in (photos[0].text or "")
    assert await request_count(bot) == 1
    await zeynep.send("/menu")
    assert "✍️" not in " ".join(zeynep.last().labels)


async def test_a_document_added_to_a_course_sign_up_reaches_the_e_mail_partner_as_in_a_conversation(
    bot: BotHarness,
) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    copy = await signs_up_for_the_german_course(bot, anna, "Ich möchte mich anmelden, ich habe zwei Kinder.")
    mails = len(await e_mails(bot))
    await anna.send_document("Zeugnis.pdf", "application/pdf")
    await anna.tap(1, anna.last())
    await deliver(bot)
    # The Quartiersmanagement's copy gets the file in its thread, the course provider an e-mail with it.
    document = bot.telegram.bot_messages(QUARTIERSMANAGEMENT)[-1]
    assert document.kind == "document" and document.reply_to == copy.message_id
    new = (await e_mails(bot))[mails:]
    assert len(new) == 1 and "Zeugnis.pdf" in new[0]


@pytest.mark.parametrize("lang", ["de", "ru"])
async def test_a_file_offered_to_a_request_closed_meanwhile_stays_for_her_to_send_elsewhere(
    bot: BotHarness, lang: str
) -> None:
    t = bot.services.i18n.translator(lang)
    anna = await confirmed_resident(bot, "Anna", lang)
    card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    number = await request_number(bot)
    photo = await anna.send_photo("Seite 2")
    offered = anna.last()
    await close_card(bot, card, MUETTERZENTRUM)
    sent = len(bot.telegram.bot_messages(MUETTERZENTRUM))
    await anna.tap(1, offered)
    await deliver(bot)
    assert len(bot.telegram.bot_messages(MUETTERZENTRUM)) == sent  # nothing added
    notice = anna.last()
    closed = (
        "Your request {number} to {partner} is closed now, so nothing was added. Choose above who should get "
        "this."
    )
    assert notice.text == "⚠️ " + t.html(closed, number=t.isolate(number), partner=partner_name(bot, lang))
    assert notice.reply_to == photo.message_id
    # "Who should get this?" stays, without ✍️: her photo goes where she chooses.
    question = bot.telegram.chats[anna.chat][offered.message_id]
    assert not any(label.startswith("✍️") for label in question.labels)
    assert t.nhtml(HINT, HINTS, 1) not in (question.text or "")
    assert question.labels[-2].startswith("🏢")
    await anna.tap(len(question.labels) - 1, question)  # her district's office
    draft = await bot.services.requests.running_draft(anna.user_id)
    assert draft is not None and draft.attachments


# --- her file draft whole: a second file, her words, an album and a PDF; after Cancel ----------


def _offers(bot: BotHarness, user: SimUser) -> list[Sent]:
    """Her screens "who should get this?" with ✍️, oldest first."""
    return [m for m in bot.telegram.bot_messages(user.chat) if any(lb.startswith("✍️") for lb in m.labels)]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_second_photo_and_her_words_go_with_the_first_at_one_tap_on_the_older_screen(
    bot: BotHarness,
) -> None:
    # Found by exploratory testing: the second photo's screen had no ✍️, and ✍️ on the first added only
    # page one; the draft holding page two went with it. Her words typed after a file were lost the same way.
    t, anna, card, number, add = await anna_asked_the_frauencafe(bot)
    await anna.send_photo("Seite eins")
    await anna.send_photo("Seite zwei")
    await anna.send("Das ist der Brief vom Vermieter")
    first, second, words = _offers(bot, anna)
    for screen in (second, words):  # the newest screens keep the ✍️ row, as the first
        assert (screen.text or "").startswith("📎 Wem soll ich das schicken?")
        assert screen.labels[0] == add and screen.labels[-1] == "✖️ Abbrechen"
        assert (screen.text or "").endswith(t.html(HINT))
    await anna.tap(1, first)
    await deliver(bot)
    thread = [m for m in bot.telegram.bot_messages(MUETTERZENTRUM) if m.reply_to == card.message_id]
    assert [m.kind for m in thread[-3:]] == ["photo", "photo", "text"]
    assert "Seite eins" in (thread[-3].text or "") and "Seite zwei" in (thread[-2].text or "")
    assert "Das ist der Brief vom Vermieter" in (thread[-1].text or "")
    confirmed = bot.telegram.chats[anna.chat][first.message_id]
    assert confirmed.text == "✅ " + t.html(ADDED, number=t.isolate(number), partner=partner_name(bot, "de"))
    assert await request_count(bot) == 1
    await anna.send("/menu")
    assert "unfertige Anfrage" not in (anna.last().text or "")
    # ✍️ of the newest screen: all went already, nothing twice.
    sent = len(bot.telegram.bot_messages(MUETTERZENTRUM))
    await anna.press(words.flat_buttons[0]["callback_data"], words)
    await deliver(bot)
    assert len(bot.telegram.bot_messages(MUETTERZENTRUM)) == sent


async def test_her_words_after_a_document_go_with_it_from_the_newest_screen(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    await anna.send_document("Brief.pdf", "application/pdf")
    await anna.send("Das ist der Brief")
    await anna.tap(1, _offers(bot, anna)[-1])
    await deliver(bot)
    thread = [m for m in bot.telegram.bot_messages(MUETTERZENTRUM) if m.reply_to == card.message_id]
    assert [m.kind for m in thread[-2:]] == ["document", "text"]
    assert "Das ist der Brief" in (thread[-1].text or "")
    assert await bot.services.requests.running_draft(anna.user_id) is None


async def test_a_ukrainian_residents_album_and_a_pdf_after_it_go_together(bot: BotHarness) -> None:
    t = bot.services.i18n.translator("uk")
    olena = await confirmed_resident(bot, "Olena", "uk")
    card = await send_request(bot, olena, "frauencafe", "Чи можна прийти з дитиною?")
    for page in range(2):
        await olena.send_photo("Лист" if page == 0 else None, media_group="lyst")
    await olena.send_document("Dovidka.pdf", "application/pdf")
    album, pdf = _offers(bot, olena)
    assert pdf.labels[0] == "✍️ " + t.gettext(ADD).format(partner=partner_name(bot, "uk"))
    await olena.tap(1, album)
    await deliver(bot)
    thread = [m for m in bot.telegram.bot_messages(MUETTERZENTRUM) if m.reply_to == card.message_id]
    assert [m.kind for m in thread[-3:]] == ["photo", "photo", "document"]
    assert await request_count(bot) == 1


@pytest.mark.db_behaviour
async def test_her_second_photo_goes_with_the_first_across_a_restart(database_url: str) -> None:
    telegram = FakeTelegram()
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        anna = await confirmed_resident(bot, "Anna", "de")
        card = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
        await anna.send_photo("Seite eins")
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        anna = bot.resident("Anna", lang="de", user_id=anna.user_id)
        await anna.send_photo("Seite zwei")
        first = _offers(bot, anna)[0]
        await anna.tap(1, first)
        await deliver(bot)
        thread = [m for m in telegram.bot_messages(MUETTERZENTRUM) if m.reply_to == card.message_id]
        assert [m.kind for m in thread[-2:]] == ["photo", "photo"]
        assert "Seite zwei" in (thread[-1].text or "")


@pytest.mark.parametrize("lang", ["de", "ar"])
async def test_after_cancel_her_photos_add_button_is_out_of_date(bot: BotHarness, lang: str) -> None:
    # Found by exploratory testing: "Cancel" said nothing was sent, then ✍️ above it forwarded the photo.
    anna = await confirmed_resident(bot, "Anna", lang)
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    await anna.send_photo("Seite eins")
    offered = anna.last()
    add = offered.flat_buttons[0]["callback_data"]  # (the screen changes in place)
    assert offered.labels[0].startswith("✍️")
    await anna.tap(len(offered.labels), offered)  # ✖️ Cancel
    sent = len(bot.telegram.bot_messages(MUETTERZENTRUM))
    await anna.press(add, offered)
    await deliver(bot)
    assert len(bot.telegram.bot_messages(MUETTERZENTRUM)) == sent
    out_of_date = bot.services.i18n.translator(lang).gettext("This button is out of date.")
    assert out_of_date in [answered.get("text") for answered in bot.telegram.answered_callbacks[-2:]]


async def test_with_two_open_requests_the_newest_file_screen_offers_both_and_the_chosen_one_gets_all(
    bot: BotHarness,
) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    cafe = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    await signs_up_for_the_german_course(bot, anna, "Ich möchte mich für den Kurs anmelden.")
    await anna.send_photo("Seite eins")
    await anna.send("Und hier mein Brief")
    first, newest = _offers(bot, anna)
    both = ["✍️ Bildungsträger in Salzgitter", "✍️ SOS-Mütterzentrum"]  # several requests: short labels
    assert newest.labels[:2] == first.labels[:2] == both
    qm_thread = len(group_texts(bot, QUARTIERSMANAGEMENT))
    await anna.tap(2, newest)
    await deliver(bot)
    thread = [m for m in bot.telegram.bot_messages(MUETTERZENTRUM) if m.reply_to == cafe.message_id]
    assert [m.kind for m in thread[-2:]] == ["photo", "text"]
    assert "Und hier mein Brief" in (thread[-1].text or "")
    assert len(group_texts(bot, QUARTIERSMANAGEMENT)) == qm_thread  # the course's copy got nothing
    assert not any("Und hier mein Brief" in mail for mail in await e_mails(bot))
