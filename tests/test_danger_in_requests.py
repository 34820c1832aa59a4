"""Danger words written into a request or a conversation (not from the emergency screen): the bot shows her
the numbers, and the partner, who may not read her language, learns that it is urgent (finding xr4 #1)."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import Destination
from bot.storage.models.requests import Request, RequestMessage
from bot.testing.fakeapi import Sent, SimUser
from bot.tickets import reminders
from bot.tickets.deps import TicketContext
from tests.harness import BotHarness, deliver, skip_questions
from tests.test_conversation import (
    MUETTERZENTRUM,
    QUARTIERSMANAGEMENT,
    group_texts,
    propose_hand_over,
    send_request,
)

DANGER_NOTE = (
    "While writing this request the resident used words that point to danger (the bot showed them the "
    "emergency numbers): please answer urgently."
)
THREAD_NOTE = (
    "⚠️ This message contains words that point to danger (the bot showed the resident the emergency "
    "numbers). Request {number} is urgent now: please answer urgently."
)


def group(bot: BotHarness) -> list[str]:
    return [m.text or "" for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT)]


async def write_request(bot: BotHarness, person: SimUser, text: str) -> str:
    """`person` asks the Quartiersmanagement about letters, writing `text`; what she reads then."""
    await person.send("/start o_briefe-aemter")
    await person.tap(1)
    await skip_questions(person)
    await person.send(text)
    await person.tap("✅")
    await person.tap("💬")
    await person.tap("✅")
    await deliver(bot)
    return person.last().text or ""


async def reminded_within_hours(bot: BotHarness, hours: int) -> bool:
    """Whether a reminder reaches the group `hours` after now (the request was just sent)."""
    before = len(group(bot))
    await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(hours=hours))
    await deliver(bot)
    return any("Erinnerung" in text for text in group(bot)[before:])


async def test_a_turkish_request_telling_of_violence_reaches_the_partner_marked_urgent(
    bot: BotHarness,
) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    de, tr = bot.services.i18n.translator("de"), bot.services.i18n.translator("tr")
    acknowledgement = await write_request(
        bot, ayse, "Jobcenter mektubu geldi ama kocam beni dövüyor, eve gitmekten korkuyorum"
    )
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(ayse.chat))  # the numbers, as before
    card = next(text for text in group(bot) if "kocam beni" in text)
    # German staff cannot read her words: the card says why to answer urgently, in German, above them.
    assert f"⚠️ {de.gettext(DANGER_NOTE)}" in card
    assert card.index("⚠️") < card.index("kocam beni")
    # She is told what a request from the emergency screen tells her: no waiting time, call if in danger.
    assert "2 gün" not in acknowledgement
    urgent = tr.gettext(
        "{partner} sees that it is urgent. If you are in danger now, do not wait for the answer: call one of "
        "the emergency numbers."
    )
    assert max(urgent.split("{partner}"), key=len).strip()[:40] in acknowledgement
    # Urgent timings: reminded after hours, not days.
    assert await reminded_within_hours(bot, 3)


async def test_a_plain_request_stays_ordinary(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    de = bot.services.i18n.translator("de")
    acknowledgement = await write_request(bot, ayse, "Jobcenter mektubu geldi, anlamıyorum")
    card = next(text for text in group(bot) if "Jobcenter mektubu" in text)
    assert de.gettext(DANGER_NOTE) not in card and "⚠️" not in card
    assert "2 gün" in acknowledgement
    assert not await reminded_within_hours(bot, 3)


async def test_danger_told_in_a_conversation_makes_the_request_urgent_once(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    de = bot.services.i18n.translator("de")
    card = await send_request(bot, anna, "briefe-aemter", "Ich habe einen Brief vom Jobcenter bekommen")
    assert not await reminded_within_hours(bot, 3)  # an ordinary request: reminded after days
    await bot.partner("Petra", QUARTIERSMANAGEMENT).send("Können Sie morgen um 10 Uhr kommen?", reply_to=card)
    await deliver(bot)
    await anna.send("Morgen kann ich nicht, mein Mann schlägt mich")
    await deliver(bot)
    relayed = group(bot)[-1]
    found = re.search(r"Nr\. (\d+)", card.text or "")
    assert found is not None
    number = found.group(1)
    assert "mein Mann schlägt mich" in relayed
    assert de.html(THREAD_NOTE, number=number) in relayed
    # She reads what a request from the emergency screen tells her: it is urgent, do not wait in danger.
    told = anna.last().text or ""
    assert "weitergeleitet" in told and "dringend" in told and "Notrufnummern" in told
    # Once: her next message with such words reaches the partner without a second note.
    await anna.send("Er schlägt mich wieder, ich habe Angst")
    await deliver(bot)
    assert "Er schlägt mich wieder" in group(bot)[-1] and "⚠️" not in group(bot)[-1]
    assert "weitergeleitet" in (anna.last().text or "") and "dringend" not in (anna.last().text or "")


async def test_danger_told_in_a_reply_before_anyone_took_the_request_on_brings_urgent_reminders(
    bot: BotHarness,
) -> None:
    anna = bot.resident("Anna", lang="de")
    de = bot.services.i18n.translator("de")
    acknowledgement = await write_request(bot, anna, "Ich habe einen Brief vom Jobcenter bekommen")
    assert "2 Tage" in acknowledgement
    await anna.send("Bitte schnell, mein Mann schlägt mich", reply_to=anna.last())
    await deliver(bot)
    assert "mein Mann schlägt mich" in group(bot)[-1] and "⚠️" in group(bot)[-1]
    assert de.gettext(THREAD_NOTE).split("{number}")[-1] in group(bot)[-1]
    assert "Notrufnummern" in (anna.last().text or "")
    assert await reminded_within_hours(bot, 3)  # urgent now: reminded after hours, not days


async def test_danger_told_while_two_conversations_are_open_reaches_the_chosen_one_marked_urgent(
    bot: BotHarness,
) -> None:
    """Her message waits for her tap on "which request?": the tap passes it on with the danger it has."""
    ayse = bot.resident("Ayşe", lang="ar")
    cafe = await send_request(bot, ayse, "frauencafe", "هل يمكنني إحضار طفلي؟")
    letter = await send_request(bot, ayse, "briefe-aemter", "وصلتني رسالة من الجوب سنتر")
    await bot.partner("Jonas", QUARTIERSMANAGEMENT).send("Haben Sie den Brief dabei?", reply_to=letter)
    await bot.partner("Petra", MUETTERZENTRUM).send("Wie alt ist das Baby?", reply_to=cafe)
    await deliver(bot)
    await ayse.send("زوجي يضربني")  # my husband beats me
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(ayse.chat)[-3:])
    which = ayse.last()
    await ayse.tap("Quartiersmanagement", which)
    await deliver(bot)
    relayed = group(bot)[-1]
    assert "زوجي يضربني" in relayed and "⚠️" in relayed
    de = bot.services.i18n.translator("de")
    assert de.gettext(THREAD_NOTE).split("{number}")[-1] in relayed


async def test_danger_added_by_editing_a_message_that_reached_the_partner_marks_the_request_urgent(
    bot: BotHarness,
) -> None:
    anna = bot.resident("Anna", lang="de")
    card = await send_request(bot, anna, "briefe-aemter", "Ich habe einen Brief vom Jobcenter bekommen")
    await bot.partner("Petra", QUARTIERSMANAGEMENT).send("Können Sie morgen kommen?", reply_to=card)
    await deliver(bot)
    said = await anna.send("Morgen kann ich nicht")
    await deliver(bot)
    assert "⚠️" not in group(bot)[-1]
    await anna.edit(said, "Morgen kann ich nicht, mein Mann schlägt mich")
    await deliver(bot)
    corrected = group(bot)[-1]
    assert "mein Mann schlägt mich" in corrected and "⚠️" in corrected
    de = bot.services.i18n.translator("de")
    assert de.gettext(THREAD_NOTE).split("{number}")[-1] in corrected
    assert "Korrektur" in (anna.last().text or "") and "Notrufnummern" in (anna.last().text or "")


async def test_danger_added_by_editing_her_draft_message_makes_the_request_urgent(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    de = bot.services.i18n.translator("de")
    await anna.send("/start o_briefe-aemter")
    await anna.tap(1)
    await skip_questions(anna)
    written = await anna.send("Ich kann den Brief nicht lesen")
    await anna.edit(written, "Ich kann den Brief nicht lesen, mein Mann schlägt mich")
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(anna.chat))
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    card = next(text for text in group(bot) if "mein Mann schlägt mich" in text)
    assert f"⚠️ {de.gettext(DANGER_NOTE)}" in card
    assert "2 Tage" not in (anna.last().text or "") and "Notrufnummern" in (anna.last().text or "")


# Threat and fire words are everyday words in a request (review rv5 #1): no urgency (and no numbers for a
# threat with an everyday consequence).
EVERYDAY = [
    ("ar", "حسنا، أنا في الانتظار"),  # "OK, I'm waiting": "الانتظار" was read as suicide (xr6 finding 5)
    ("de", "Das Jobcenter droht mir mit Sanktionen, ich verstehe den Brief nicht"),
    ("de", "Mein Vermieter droht mir mit Kündigung"),
    ("de", "Im Keller brennt seit Wochen kein Licht"),
    ("tr", "Ev sahibi beni tahliye ile tehdit ediyor"),
    ("ru", "Арендодатель угрожает выселением"),
    ("pl", "Spółdzielnia grozi mi eksmisją"),
    ("ar", "المالك يهددني بالطرد"),
    ("de", "Meine Mama bringt mich um, wenn ich die Prüfung nicht bestehe"),  # review rv9: urgent
    ("ru", "мама меня убьет если я не сдам экзамен"),  # urgent
]


@pytest.mark.parametrize(("lang", "text"), EVERYDAY)
async def test_a_threat_or_fire_word_in_a_request_does_not_make_it_urgent(
    bot: BotHarness, lang: str, text: str
) -> None:
    person = bot.resident("Ayşe", lang=lang)
    acknowledgement = await write_request(bot, person, text)
    card = next(message for message in group(bot) if text in message)
    assert "⚠️" not in card
    days = bot.services.i18n.translator(lang).gettext("{partner} sees that it is urgent.")
    assert days.split("{partner}")[-1].strip()[:15] not in acknowledgement
    assert not await reminded_within_hours(bot, 3)


@pytest.mark.parametrize(("lang", "text"), EVERYDAY)
async def test_a_threat_or_fire_word_in_a_conversation_does_not_make_it_urgent(
    bot: BotHarness, lang: str, text: str
) -> None:
    person = bot.resident("Ayşe", lang=lang)
    card = await send_request(bot, person, "briefe-aemter", "Jobcenter")
    await bot.partner("Petra", QUARTIERSMANAGEMENT).send("Können Sie morgen kommen?", reply_to=card)
    await deliver(bot)
    await person.send(text)
    await deliver(bot)
    # The numbers for a fire word; none for an office's or a landlord's threat with a sanction, a notice or
    # an eviction: an everyday consequence, not a danger (it showed the full emergency screen before).
    alarmed = any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(person.chat)[-3:])
    assert alarmed == ("brennt" in text)
    assert text in group(bot)[-1] and "⚠️" not in group(bot)[-1]
    assert not await reminded_within_hours(bot, 3)


async def test_a_cancellation_because_her_son_is_sick_in_a_conversation_is_no_emergency(
    bot_with_model: BotHarness,
) -> None:
    # xr6 finding 2: by meaning it was closer to an emergency situation than to any entry (🆘 screen, the
    # request made urgent); it is closer to the situations' everyday counterparts (bot/search/situations.py)
    bot = bot_with_model
    person = bot.resident("Anna")
    card = await send_request(bot, person, "briefe-aemter", "Jobcenter")
    await bot.partner("Petra", QUARTIERSMANAGEMENT).send("Können Sie morgen um 10 Uhr kommen?", reply_to=card)
    await deliver(bot)
    text = "Mein Sohn ist krank, ich kann morgen leider nicht"
    await person.send(text)
    await deliver(bot)
    assert not any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(person.chat)[-3:])
    assert text in group(bot)[-1] and "⚠️" not in group(bot)[-1]
    assert not await reminded_within_hours(bot, 3)


async def test_a_threat_word_waiting_for_which_request_does_not_make_the_chosen_one_urgent(
    bot: BotHarness,
) -> None:
    """`pass_on_replied` reads her waiting message again: the same rule as when it came."""
    ayse = bot.resident("Ayşe", lang="ar")
    cafe = await send_request(bot, ayse, "frauencafe", "هل يمكنني إحضار طفلي؟")
    letter = await send_request(bot, ayse, "briefe-aemter", "وصلتني رسالة من الجوب سنتر")
    await bot.partner("Jonas", QUARTIERSMANAGEMENT).send("Haben Sie den Brief dabei?", reply_to=letter)
    await bot.partner("Petra", MUETTERZENTRUM).send("Wie alt ist das Baby?", reply_to=cafe)
    await deliver(bot)
    await ayse.send("المالك يهددني بالطرد")  # the landlord threatens me with eviction
    await ayse.tap("Quartiersmanagement", ayse.last())
    await deliver(bot)
    assert "المالك يهددني" in group(bot)[-1] and "⚠️" not in group(bot)[-1]


async def test_danger_in_a_question_she_takes_out_of_the_request_does_not_make_it_urgent(
    bot: BotHarness,
) -> None:
    """Review rv5 #2: "🔎 A new question" keeps the danger words out of the request, as it keeps the text."""
    lena = bot.resident("Lena", lang="de")
    de = bot.services.i18n.translator("de")
    await lena.send("/start o_helfer-tandem-mitmachen")
    await lena.tap("✋")
    await lena.send("Mein Mann schlägt mich, was soll ich tun?")  # the numbers, and "your answer or new?"
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(lena.chat))
    await lena.tap("🔎")  # a new question: not part of the request
    await lena.tap("🏠")
    await lena.tap(1)  # continue the draft
    await skip_questions(lena)
    await lena.send("Ich möchte gern helfen, dienstags")
    await lena.tap("✅")
    await lena.tap("💬")
    await lena.tap("✅")
    await deliver(bot)
    cards = [
        m.text or ""
        for c in bot.telegram.chats
        for m in bot.telegram.bot_messages(c)
        if "dienstags" in (m.text or "")
    ]
    assert cards and all("⚠️" not in card and de.gettext(DANGER_NOTE) not in card for card in cards)
    assert "dringend" not in (lena.last().text or "")


async def test_danger_in_a_held_text_she_files_as_her_answer_makes_the_request_urgent(
    bot: BotHarness,
) -> None:
    lena = bot.resident("Lena", lang="de")
    await lena.send("/start o_helfer-tandem-mitmachen")
    await lena.tap("✋")
    await lena.send("Mein Mann schlägt mich, was soll ich tun?")
    await lena.tap("✍")  # "mine": her answer after all
    await skip_questions(lena)
    await lena.tap("✅")
    await lena.tap("💬")
    await lena.tap("✅")
    await deliver(bot)
    assert "dringend" in (lena.last().text or "")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "er droht mich umzubringen"),  # no numbers on main
        ("fa", "میخواد منو بکشه"),  # no numbers
        ("pl", "mąż grozi, że mnie zabije"),  # the numbers, not urgent
        ("de", "Mein Ex bedroht mich und meine Kinder"),  # the numbers, not urgent
        ("ru", "сосед угрожает убить мою дочь"),  # review rv9: the numbers, not urgent
        ("tr", "oglumu oldurecekler"),  # no numbers
        ("de", "Der Vermieter droht mir mit Kündigung und hat mich gewürgt"),  # no numbers
    ],
)
async def test_a_threat_to_kill_her_or_her_children_shows_the_numbers_and_makes_the_request_urgent(
    bot: BotHarness, lang: str, text: str
) -> None:
    person = bot.resident("Ayşe", lang=lang)
    await write_request(bot, person, text)
    numbers = bot.services.i18n.translator(lang).gettext("Emergency help – call now:")
    assert any(
        numbers in (m.text or "") and "110" in (m.text or "") for m in bot.telegram.bot_messages(person.chat)
    )
    card = next(message for message in group(bot) if text in message)
    assert f"⚠️ {bot.services.i18n.translator('de').gettext(DANGER_NOTE)}" in card


async def test_a_threat_with_other_danger_words_still_makes_the_request_urgent(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    await write_request(bot, anna, "Mein Nachbar hat ein Messer und bedroht mich")
    card = next(text for text in group(bot) if "Messer" in text)
    assert "⚠️" in card
    assert await reminded_within_hours(bot, 3)


async def test_the_urgent_reminder_points_to_the_notes_when_a_later_message_made_it_urgent(
    bot: BotHarness,
) -> None:
    """Review rv5 #3: the card of a request made urgent later does not say why; the thread's note does."""
    anna = bot.resident("Anna", lang="de")
    await write_request(bot, anna, "Ich habe einen Brief vom Jobcenter bekommen")
    await anna.send("Bitte schnell, mein Mann schlägt mich", reply_to=anna.last())
    await deliver(bot)
    assert await reminded_within_hours(bot, 3)
    reminder = next(text for text in reversed(group(bot)) if "Erinnerung" in text)
    assert "siehe die Karte oder die Hinweise darunter" in reminder
    assert "steht auf der Karte" not in reminder


async def test_her_check_screen_says_that_a_request_with_danger_words_will_be_urgent(bot: BotHarness) -> None:
    """Review rv5 #4: before "Send" she reads that the partner will see it as urgent."""
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start o_briefe-aemter")
    await anna.tap(1)
    await skip_questions(anna)
    await anna.send("Ich kann den Brief nicht lesen")
    await anna.tap("✅")
    await anna.tap("💬")
    assert "dringend" not in (anna.last().text or "")  # an ordinary request: no such line
    await anna.tap("✏️")
    await anna.send("Mein Mann schlägt mich")
    await anna.tap("✅")
    await anna.tap("💬")
    check = anna.last().text or ""
    assert "Bitte vor dem Senden prüfen" in check or "prüfen" in check
    assert "⚠️ dass Ihre Anfrage dringend ist" in check


async def test_danger_words_in_a_photos_caption_show_the_numbers_and_make_its_request_urgent(
    bot: BotHarness,
) -> None:
    """A photo of a letter with one line typed under it (finding xr5 #2): the caption is read as a text."""
    ayse = bot.resident("Ayşe", lang="ar")
    de = bot.services.i18n.translator("de")
    await ayse.send("/start")
    await ayse.send_photo("زوجي يضربني")  # my husband beats me: outside any request
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(ayse.chat)[-3:])
    assert "📎" in (ayse.last().text or "")  # then still "who should get this?"
    # In a conversation: the numbers, and the request is urgent for the partner.
    anna = bot.resident("Anna", lang="tr")
    card = await send_request(bot, anna, "briefe-aemter", "Jobcenter mektubu geldi")
    await bot.partner("Petra", QUARTIERSMANAGEMENT).send("Das ist ein Brief vom Jobcenter.", reply_to=card)
    await deliver(bot)
    before = len(bot.telegram.bot_messages(anna.chat))
    await anna.send_photo("kocam beni dövüyor, yardım edin")
    await deliver(bot)
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(anna.chat)[before:])
    thread = "\n".join(group(bot)[-3:])
    assert "kocam beni dövüyor" in thread
    assert de.gettext(THREAD_NOTE).split("{number}")[-1] in thread


async def test_danger_words_in_a_photos_caption_in_a_draft_make_the_request_urgent(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    de = bot.services.i18n.translator("de")
    await ayse.send("/start o_briefe-aemter")
    await ayse.tap(1)
    await skip_questions(ayse)
    await ayse.send_photo("kocam beni dövüyor, bu mektup ne diyor?")
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(ayse.chat))
    await ayse.tap("✅")
    await ayse.tap("💬")
    await ayse.tap("✅")
    await deliver(bot)
    assert any(de.gettext(DANGER_NOTE) in text for text in group(bot))
    assert "2 gün" not in (ayse.last().text or "")


# --- her unanswered message with danger words, after the partner took the request on ----------


def steps_at(bot: BotHarness, hours: float) -> Awaitable[int]:
    """The reminder round `hours` from now (the bot's other clocks stay real: she wrote just now)."""
    return bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(hours=hours))


def number_on(card: Sent) -> str:
    found = re.search(r"Nr\. (\d{6})", card.text or "")
    assert found is not None
    return found.group(1)


def reminder_of(number: str) -> str:
    return (
        f"Erinnerung: Die Nachricht der Person in Anfrage Nr. {number} enthält Worte, die auf eine Gefahr "
        "hindeuten, und ist seit 2 Stunden unbeantwortet. Bitte antworten Sie bald."
    )


async def test_her_unanswered_danger_message_after_an_answer_is_reminded_of_then_escalated_once(
    bot: BotHarness,
) -> None:
    """Finding xr5 #1: her message with danger words written after the partner's answer made the request
    urgent, but no reminder or escalation ever came (they count from the card while nobody took it on). The
    first fix was reverted (review rv6): it took any request's answer as hers, and after a reopening its
    repeated outbox key made every round fail, everyone's reminders lost."""
    ayse, lena = bot.resident("Ayşe", lang="ar"), bot.resident("Lena", lang="de")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    card = await send_request(bot, ayse, "frauencafe", "هل يمكنني أن آتي مع طفلي الصغير؟")
    await petra.send("Ja, gern, dienstags ab 10.", reply_to=card)
    lenas = await send_request(bot, lena, "frauencafe", "Gibt es noch Plätze im Frauencafé?")
    await petra.send("Ja, kommen Sie gern.", reply_to=lenas)
    await deliver(bot)
    await ayse.send("لا أستطيع، زوجي يضربني ولا يسمح لي بالخروج")  # I can't, my husband beats me
    await lena.send("Mein Mann schlägt mich, ich weiß nicht, ob ich kommen kann")
    await deliver(bot)
    await petra.send("Wir rufen Sie gleich an.", reply_to=lenas)  # Lena's is answered in time
    await deliver(bot)
    centre = lambda: group_texts(bot, MUETTERZENTRUM)  # noqa: E731
    assert await steps_at(bot, 1) == 0
    assert await steps_at(bot, 3) == 1
    await deliver(bot)
    assert sum(reminder_of(number_on(card)) in text for text in centre()) == 1
    assert not any(reminder_of(number_on(lenas)) in text for text in centre())
    assert await steps_at(bot, 3.5) == 0  # once: the mark is in the database
    before = len(group(bot))
    assert await steps_at(bot, 5) == 1
    await deliver(bot)
    escalated = "\n".join(group(bot)[before:])  # the Quartiersmanagement's card, with the conversation
    assert "زوجي يضربني" in escalated and "dienstags ab 10" in escalated
    assert (
        "An Sie weitergeleitet: Die Nachricht der Person mit Worten, die auf eine Gefahr hindeuten, hat "
        "4 Stunden lang keine Antwort von SOS-Mütterzentrum bekommen."
    ) in escalated
    assert (
        f"<i>Die Nachricht der Person in Anfrage Nr. {number_on(card)} mit Worten, die auf eine Gefahr "
        "hindeuten, ist 4 Stunden lang unbeantwortet geblieben: Quartiersmanagement Ost- und "
        "Westsiedlung sieht die Anfrage jetzt auch und kann sie beantworten.</i>"
    ) in centre()[-1]
    # Review rv8 #4: she learns it, as at an ordinary escalation (her messages reach both now), in words
    # that are true although Petra answered her first question; /requests says it too.
    told = ayse.last().text or ""
    assert told.startswith("ℹ️ لم يتم الرد بعد على رسالتك الأخيرة بشأن الطلب") and "أرقام الطوارئ" in told
    await ayse.send("/requests")
    assert "تم الرد، ويطّلع عليه \u2068مكتب الحي Quartiersmanagement" in (ayse.last().text or "")
    assert await steps_at(bot, 100) == 0

    # Petra closes and reopens it, Ayşe writes of danger again, and so does Lena: the reopening restarts the
    # clock with outbox keys of its own, and both reminders come in the same round.
    await petra.tap("Abschließen", card)
    await deliver(bot)
    await petra.tap("Wieder öffnen", bot.telegram.chats[MUETTERZENTRUM][card.message_id])
    await deliver(bot)
    answer = next(m for m in bot.telegram.bot_messages(ayse.chat) if "dienstags ab 10" in (m.text or ""))
    await ayse.send("زوجي يضربني مرة أخرى", reply_to=answer)  # he beats me again
    await lena.send("Er schlägt mich schon wieder")
    await deliver(bot)
    assert await steps_at(bot, 3) == 2
    await deliver(bot)
    assert sum(reminder_of(number_on(card)) in text for text in centre()) == 2
    assert sum(reminder_of(number_on(lenas)) in text for text in centre()) == 1


async def test_a_hand_over_gives_the_new_partner_the_full_time_and_the_quartiersmanagement_only_a_reminder(
    bot: BotHarness,
) -> None:
    """The old partner's answer does not answer for the new one, and the clock starts at the hand-over. The
    Quartiersmanagement as the partner is reminded, never escalated to itself."""
    ayse = bot.resident("Ayşe", lang="tr")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    card = await send_request(bot, ayse, "frauencafe", "Çocuğumla gelebilir miyim?")
    await petra.send("Ja, gern.", reply_to=card)
    await deliver(bot)
    await ayse.send("Kocam beni dövüyor, gelemem")  # my husband beats me, I can't come
    await deliver(bot)
    await petra.send("Das Quartiersmanagement kann Ihnen besser helfen.", reply_to=card)
    await deliver(bot)
    async with bot.services.database.transaction() as session:  # all that was three hours ago
        for message in await session.scalars(select(RequestMessage)):
            message.created_at -= timedelta(hours=3)
    await propose_hand_over(bot, card, MUETTERZENTRUM, "Quartiersmanagement Ost")
    await ayse.tap("✅", ayse.last())
    await deliver(bot)
    new_card = bot.telegram.bot_messages(QUARTIERSMANAGEMENT)[-1]
    await bot.partner("Maria", QUARTIERSMANAGEMENT).tap("Übernehmen", new_card)
    await deliver(bot)
    centre = len(group_texts(bot, MUETTERZENTRUM))
    assert await steps_at(bot, 1) == 0  # four hours after her message, one after the hand-over
    assert await steps_at(bot, 2.5) == 1
    await deliver(bot)
    assert reminder_of(number_on(card)) in group(bot)[-1]
    assert len(group_texts(bot, MUETTERZENTRUM)) == centre  # no longer its request
    assert await steps_at(bot, 80) == 0


async def test_a_request_with_danger_words_taken_on_but_never_answered_is_reminded_of(
    bot: BotHarness,
) -> None:
    """Taking it on is no answer: her first message with danger words counts as a later one would."""
    ayse = bot.resident("Ayşe", lang="tr")
    await write_request(bot, ayse, "Jobcenter mektubu geldi ama kocam beni dövüyor")
    card = next(m for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT) if "kocam beni" in (m.text or ""))
    await bot.partner("Maria", QUARTIERSMANAGEMENT).tap("Übernehmen", card)
    await deliver(bot)
    assert await steps_at(bot, 1) == 0
    assert await steps_at(bot, 3) == 1
    await deliver(bot)
    assert reminder_of(number_on(card)) in group(bot)[-1]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
@pytest.mark.parametrize(
    ("lang", "before"), [("de", "taken"), ("de", "open"), ("de", "answered"), ("tr", "taken")]
)
async def test_requests_after_she_reopened_a_request_escalated_for_danger_tells_the_truth(
    bot: BotHarness, lang: str, before: str
) -> None:
    """Task conv9 #4: her reopening makes a request "answered" (its card offers Close again), so /requests
    said "answered, … sees it too" of one nobody ever answered (taken on, or not even that, when its
    danger words had it escalated). It says that it is open again and who sees it; an answer given before
    is still "answered"."""
    t = bot.services.i18n.translator(lang)
    lena = bot.resident("Lena", lang=lang)
    petra = bot.partner("Petra", MUETTERZENTRUM)
    danger = "Mein Mann schlägt mich, ich weiß nicht, ob ich kommen kann"
    card = await send_request(bot, lena, "frauencafe", danger if before == "open" else "Gibt es noch Plätze?")
    ack = lena.last()
    if before != "open":
        if before == "taken":
            await petra.tap("Übernehmen", card)
        else:
            await petra.send("Ja, kommen Sie gern.", reply_to=card)
        await deliver(bot)
        await lena.send(danger, reply_to=ack)
        await deliver(bot)
    await steps_at(bot, 5)  # escalated: nobody took it on, or her danger words had no answer
    await deliver(bot)
    await lena.send("/requests")
    await lena.tap("✏️", lena.last())  # she writes on, then Petra closes it
    await lena.send("Bitte melden Sie sich")
    await petra.tap("Abschließen", bot.telegram.chats[MUETTERZENTRUM][card.message_id])
    await deliver(bot)
    await lena.send("Kann ich trotzdem kommen?")
    await lena.tap("↩️", lena.last())
    await deliver(bot)
    await lena.send("/requests")
    qm = t.isolate(str(bot.services.content.catalogue.partners["quartiersmanagement"].name[lang]))
    status = t.gettext("answered" if before == "answered" else "reopened")
    line = t.gettext("{status}, {partner} sees it too").format(status=status, partner=qm)
    assert (lena.last().text or "").endswith(line)
    # /mydata says the same (review rv15 F5: it said "answered" of one nobody answered).
    await lena.send("/mydata")
    mydata = next(m.text or "" for m in reversed(bot.telegram.bot_messages(lena.chat)) if m.kind == "text")
    assert f" {status}</b>" in mydata


async def test_an_answered_danger_message_stays_answered_after_a_reopening(bot: BotHarness) -> None:
    """Review rv8 #1: the reopening restarts `routed_at`, which made Petra's earlier answer no answer: a
    false reminder, and after 4 h the Quartiersmanagement got her words and the whole conversation."""
    ayse = bot.resident("Ayşe", lang="tr")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    card = await send_request(bot, ayse, "frauencafe", "Çocuğumla gelebilir miyim?")
    await petra.send("Ja, gern.", reply_to=card)
    await deliver(bot)
    await ayse.send("Kocam beni dövüyor, gelemem")  # my husband beats me, I can't come
    await deliver(bot)
    await petra.send("Wir rufen Sie sofort an.", reply_to=card)
    await deliver(bot)
    await petra.tap("Abschließen", card)
    await deliver(bot)
    await petra.tap("Wieder öffnen", bot.telegram.chats[MUETTERZENTRUM][card.message_id])
    await deliver(bot)
    assert await steps_at(bot, 3) == 0 and await steps_at(bot, 5) == 0


async def test_a_request_asking_for_a_call_with_danger_words_is_not_reminded_once_taken_on(
    bot: BotHarness,
) -> None:
    """Review rv8 #2: a partner answers a 📞 request by calling her, which the bot cannot see."""
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start o_frauencafe")
    await anna.tap(1)
    await skip_questions(anna)
    await anna.send("Mein Mann schlägt mich, bitte rufen Sie mich an")
    await anna.tap("✅")
    await anna.tap("📞")
    await anna.tap("📞")  # shares her number
    await anna.tap("✅")
    await deliver(bot)
    card = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    petra = bot.partner("Petra", MUETTERZENTRUM)
    await petra.tap("Übernehmen", card)
    await deliver(bot)
    assert await steps_at(bot, 3) == 0 and await steps_at(bot, 5) == 0
    await petra.send("Ich rufe Sie morgen früh an.", reply_to=card)
    await deliver(bot)
    # What she writes later is no call's answer (finding xr6 #4): reminded of as in any request.
    await anna.send("Er droht mich umzubringen, bitte nicht anrufen, er hört mit")
    await deliver(bot)
    assert await steps_at(bot, 3) == 1


async def test_a_request_from_the_emergency_screen_taken_on_but_never_answered_is_reminded_of(
    bot: BotHarness,
) -> None:
    """Finding xr6 #1: her kill threat got the numbers, "Ask a person" made the request; taken on and never
    answered, nothing reminded anyone (only words typed into the draft marked its card)."""
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start")
    await anna.tap("Deutsch")
    await anna.send("Mein Mann droht mich umzubringen")
    await anna.tap("🙋")
    await anna.send("Bitte helfen Sie mir")
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    card = next(
        m for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT) if "helfen Sie mir" in (m.text or "")
    )
    await bot.partner("Maria", QUARTIERSMANAGEMENT).tap("Übernehmen", card)
    await deliver(bot)
    assert await steps_at(bot, 1) == 0
    assert await steps_at(bot, 3) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_a_typo_fixed_in_an_old_answer_is_no_answer_and_a_stuck_escalation_holds_back_no_reminder(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review rv8 #3: Petra's edit of her older answer was stored as a message to Ayşe and counted as an
    answer to her later danger words. #5: with the Quartiersmanagement unreachable (no destination) the
    escalation of Ayşe's first such message never happens, and the round kept taking that message for the
    reminder too: her newer one was never reminded of."""
    reachable = reminders.partner_destination

    async def unreachable(session: AsyncSession, ctx: TicketContext, partner_id: str) -> Destination | None:
        return (
            None
            if partner_id == ctx.catalogue.catch_all_partner_id
            else await reachable(session, ctx, partner_id)
        )

    monkeypatch.setattr(reminders, "partner_destination", unreachable)
    ayse = bot.resident("Ayşe", lang="tr")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    card = await send_request(bot, ayse, "frauencafe", "Çocuğumla gelebilir miyim?")
    mine = await petra.send("Ja, gern, dienstgas ab 10.", reply_to=card)
    await deliver(bot)
    await ayse.send("Kocam beni dövüyor, gelemem")  # my husband beats me, I can't come
    await deliver(bot)
    await petra.edit(mine, "Ja, gern, dienstags ab 10.")  # nothing said to her danger words
    await deliver(bot)
    assert "dienstags ab 10" in (ayse.last().text or "")  # her correction reached her
    async with bot.services.database.transaction() as session:  # all that was five hours ago
        for message in await session.scalars(select(RequestMessage)):
            message.created_at -= timedelta(hours=5)
        for request in await session.scalars(select(Request)):
            request.routed_at -= timedelta(hours=5)
    centre = lambda: group_texts(bot, MUETTERZENTRUM)  # noqa: E731
    assert await steps_at(bot, 0) == 1  # the reminder; the escalation cannot happen
    await deliver(bot)
    assert sum(reminder_of(number_on(card)) in text for text in centre()) == 1
    await ayse.send("Yine dövüyor, çok korkuyorum")  # he beats me again, I am very afraid
    await deliver(bot)
    assert await steps_at(bot, 1) == 0
    assert await steps_at(bot, 3) == 1  # her newer message's own reminder
    await deliver(bot)
    assert sum(reminder_of(number_on(card)) in text for text in centre()) == 2


# --- a story told in short lines: the full screen, then a short list of every number (bot/sos.py) ----------


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
@pytest.mark.parametrize("where", ["conversation", "draft", "caption"])
async def test_her_correction_of_a_danger_message_already_answered_brings_no_reminder_or_escalation(
    bot: BotHarness, where: str
) -> None:
    """Task conv9 #3: her edit of a message with danger words (a typo fixed) was stored as a new message with
    danger words: after Petra had answered it, the correction had "no answer", so the group was reminded
    and the Quartiersmanagement got the request. A correction of a line already counted counts no more; it
    still shows her the numbers and reaches the partner as her correction."""
    anna = bot.resident("Anna", lang="de")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    danger = "Mein Mann schlägt mich, ich weiß nicht ob ich komen kann"
    if where == "draft":  # the line is in the request's card
        await anna.send("/start o_frauencafe")
        await anna.tap(1)
        await skip_questions(anna)
        said = await anna.send(danger)
        await anna.tap("✅")
        await anna.tap("💬")
        await anna.tap("✅")
        await deliver(bot)
        card = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    else:
        card = await send_request(bot, anna, "frauencafe", "Gibt es noch Plätze im Frauencafé?")
        await petra.send("Ja, kommen Sie gern.", reply_to=card)
        await deliver(bot)
        said = await (anna.send(danger) if where == "conversation" else anna.send_photo(danger))
        await deliver(bot)
    assert "⚠️" in group_texts(bot, MUETTERZENTRUM)[-1]  # urgent: the partner was told
    await petra.send("Wir rufen Sie gleich an.", reply_to=card)
    await deliver(bot)
    before = len(bot.telegram.bot_messages(anna.chat))
    await anna.edit(said, danger.replace("komen", "kommen"))
    await deliver(bot)
    corrected = group_texts(bot, MUETTERZENTRUM)[-1]
    assert "ob ich kommen kann" in corrected and "korrigiert" in corrected
    assert any("🆘" in (m.text or "") for m in bot.telegram.bot_messages(anna.chat)[before:])
    assert await steps_at(bot, 3) == 0
    assert await steps_at(bot, 5) == 0
    # A second fix of the same line neither (the first correction's row, uncounted, is not the line).
    await anna.edit(said, danger.replace("komen", "kommen").replace("weiß nicht", "weiß nicht,"))
    await deliver(bot)
    assert await steps_at(bot, 3) == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_her_correction_that_adds_danger_words_is_reminded_of_and_escalated_once(
    bot: BotHarness,
) -> None:
    """The other half of task conv9 #3: a line without danger words, corrected to tell of violence, is the
    danger it is: the numbers, the partner told, reminded of and escalated; a second correction of it adds
    nothing (one reminder, one escalation)."""
    anna = bot.resident("Anna", lang="de")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    card = await send_request(bot, anna, "frauencafe", "Gibt es noch Plätze im Frauencafé?")
    await petra.send("Ja, kommen Sie gern.", reply_to=card)
    await deliver(bot)
    said = await anna.send("Ich weiß nicht ob ich komme")
    await petra.send("Sagen Sie uns Bescheid.", reply_to=card)
    await deliver(bot)
    await anna.edit(said, "Ich weiß nicht ob ich komme, mein Mann schlägt mich")
    await deliver(bot)
    assert "⚠️" in group_texts(bot, MUETTERZENTRUM)[-1]
    assert "Notrufnummern" in (anna.last().text or "")
    await anna.edit(said, "Ich weiß nicht, ob ich komme, mein Mann schlägt mich")
    await deliver(bot)
    assert await steps_at(bot, 1) == 0
    assert await steps_at(bot, 3) == 1
    assert await steps_at(bot, 5) == 1
    assert await steps_at(bot, 100) == 0
    await deliver(bot)
    assert sum(reminder_of(number_on(card)) in text for text in group_texts(bot, MUETTERZENTRUM)) == 1


@pytest.mark.parametrize("album", [False, True])
async def test_her_typo_fix_in_the_caption_of_a_card_photo_with_danger_words_counts_no_second_time(
    bot: BotHarness, album: bool
) -> None:
    """Review rv15 F1: the card's danger is marked on its first row only; a photo of the card (alone, or the
    second of an album) has a row of its own, unmarked, so her typo fixed in its caption counted as new
    danger words: a reminder and the escalation for an answered request. Any row of the card is the card."""
    anna = bot.resident("Anna", lang="de")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    danger = "Mein Mann schlägt mich, ich weiß nicht ob ich komen kann"
    await anna.send("/start o_frauencafe")
    await anna.tap(1)
    await skip_questions(anna)
    await anna.send("Gibt es noch Plätze im Frauencafé?")
    if album:
        await anna.send_photo(media_group="a1")
        photo = await anna.send_photo(danger, media_group="a1")
    else:
        photo = await anna.send_photo(danger)  # the danger words are in the caption
    draft = next(m for m in reversed(bot.telegram.bot_messages(anna.chat)) if "✅ Fertig" in m.labels)
    for button in ("✅", "💬", "✅"):  # its screen, above the emergency numbers
        await anna.tap(button, draft)
    await deliver(bot)
    card = next(m for m in bot.telegram.bot_messages(MUETTERZENTRUM) if "Frauencafé" in (m.text or ""))
    await petra.send("Wir rufen Sie gleich an.", reply_to=card)
    await deliver(bot)
    assert await steps_at(bot, 3) == 0  # answered: nothing due without the edit
    await anna.edit(photo, danger.replace("komen", "kommen"))  # its caption (`SimUser.edit`)
    await deliver(bot)
    assert "ob ich kommen kann" in group_texts(bot, MUETTERZENTRUM)[-1]
    assert await steps_at(bot, 3) == 0
    assert await steps_at(bot, 5) == 0


OLD_DANGER = "Mein Mann schlägt mich, ich weiß nicht ob ich komen kann"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_a_typo_fixed_in_a_danger_line_stored_before_the_upgrade_counts_no_second_time(
    bot: BotHarness,
) -> None:
    """Review rv15 F2: a text of hers stored before texts named their message (task conv9) has no source;
    the card stood for it, so her typo fixed in a counted line counted again. Her row written last before
    the line's link is its own."""
    anna = bot.resident("Anna", lang="de")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    card = await send_request(bot, anna, "frauencafe", "Gibt es noch Plätze im Frauencafé?")
    await petra.send("Ja, kommen Sie gern.", reply_to=card)
    await deliver(bot)
    said = await anna.send(OLD_DANGER)
    await deliver(bot)
    async with bot.services.database.transaction() as session:  # as a row written before the change
        await session.execute(
            update(RequestMessage)
            .where(RequestMessage.text == OLD_DANGER)
            .values(source_chat_id=None, source_message_id=None)
        )
    await petra.send("Wir rufen Sie gleich an.", reply_to=card)
    await deliver(bot)
    await anna.edit(said, OLD_DANGER.replace("komen", "kommen"))
    await deliver(bot)
    assert await steps_at(bot, 3) == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # new SQL
async def test_danger_words_added_to_a_line_stored_before_the_upgrade_count(bot: BotHarness) -> None:
    """Review rv15 F2, the other way: such a line without danger words, on a card with them, took the
    card's and her correction that adds them counted not at all."""
    anna = bot.resident("Anna", lang="de")
    petra = bot.partner("Petra", MUETTERZENTRUM)
    card = await send_request(bot, anna, "frauencafe", "Mein Mann schlägt mich. Gibt es noch Plätze?")
    await petra.send("Ja, kommen Sie gern.", reply_to=card)
    await deliver(bot)
    said = await anna.send("Ich weiß nicht ob ich komme")
    await deliver(bot)
    async with bot.services.database.transaction() as session:
        await session.execute(
            update(RequestMessage)
            .where(RequestMessage.text == "Ich weiß nicht ob ich komme")
            .values(source_chat_id=None, source_message_id=None)
        )
    await petra.send("Sagen Sie Bescheid.", reply_to=card)
    await deliver(bot)
    await anna.edit(said, "Ich weiß nicht ob ich komme, er hat mich heute wieder geschlagen")
    await deliver(bot)
    assert await steps_at(bot, 3) == 1  # unanswered danger: reminded of


async def tell(bot: BotHarness, person: SimUser, text: str) -> list[Sent]:
    """`person` writes `text`; what the bot sent her for it."""
    before = len(bot.telegram.bot_messages(person.chat))
    await person.send(text)
    await deliver(bot)
    return bot.telegram.bot_messages(person.chat)[before:]


EVERY_NUMBER = ("110", "112", "116 016", "0800 111 0 111", "116 111")


def full_screens(sent: list[Sent]) -> list[str]:
    """The full emergency screens among `sent`: every number of the content with its description."""
    return [
        m.text or ""
        for m in sent
        if (m.text or "").startswith("🆘")
        and not short_lists([m])
        and all(n in (m.text or "") for n in EVERY_NUMBER)
    ]


def short_lists(sent: list[Sent]) -> list[Sent]:
    """The short lists among `sent`: the numbers with their names, the full screen one tap away."""
    return [
        m for m in sent if (m.text or "").startswith("🆘") and any("🆘" in label for label in m.labels[:-2])
    ]


async def test_a_story_of_violence_told_line_by_line_gets_the_numbers_once_then_a_short_list(
    bot: BotHarness,
) -> None:
    """Exploratory test sos2: the full screen after every line buried her conversation with the partner.
    Each line still reaches the partner, as before; only the screen above its confirmation is shorter, and
    it has every number (review rv11: a list of the numbers her words named left out the police for a rape
    and read "mein Mann will mich umbringen" as suicide)."""
    anna = bot.resident("Anna", lang="de")
    now = [datetime(2026, 12, 7, 20, 0, tzinfo=UTC)]
    bot.services.clock = lambda: now[0]
    card = await send_request(bot, anna, "briefe-aemter", "Ich habe einen Brief vom Jobcenter bekommen")
    await bot.partner("Petra", QUARTIERSMANAGEMENT).send("Können Sie morgen um 10 Uhr kommen?", reply_to=card)
    await deliver(bot)

    first = await tell(bot, anna, "Mein Mann schlägt mich")
    assert len(full_screens(first)) == 1 and not short_lists(first)
    assert "Mein Mann schlägt mich" in group(bot)[-1]
    assert "weitergeleitet" in (first[-1].text or "")

    # Minutes later: every number with its name, the full screen one tap away. It says nothing of where
    # her message went: the confirmation below does.
    now[0] += timedelta(minutes=4)
    second = await tell(bot, anna, "Er hat mich wieder vergewaltigt")
    assert not full_screens(second)
    (short,) = short_lists(second)
    lines = (short.text or "").split("\n")
    assert lines[:3] == [
        "🆘 <b>Hilfe im Notfall – rufen Sie sofort an:</b>",
        "<b>110</b> – Polizei",
        "<b>112</b> – Feuerwehr und Rettungsdienst",
    ]
    assert all(number in (short.text or "") for number in EVERY_NUMBER)
    children = next(line for line in lines if "116 111" in line)
    assert "🕐" in children and "14–20" in children  # not reachable day and night: when it is
    police = bot.services.content.catalogue.emergency["polizei"]
    assert police.number == "110" and police.name["de"] == "Polizei"  # the content's, not the code's
    assert short.labels[-3:] == ["🆘 Alle Notrufnummern zeigen", "🙋 Einen Menschen fragen", "🏠 Menü"]
    assert "weitergeleitet" not in (short.text or "") and "Quartiersmanagement" not in (short.text or "")
    assert "Er hat mich wieder vergewaltigt" in group(bot)[-1]  # reached the partner, as before
    assert "weitergeleitet" in (second[-1].text or "") and second[-1] is not short
    suicide = await tell(bot, anna, "Mein Mann will mich umbringen, ich will nicht mehr leben")
    (short,) = short_lists(suicide)
    assert "<b>110</b> – Polizei" in (short.text or "") and "0800 111 0 111" in (short.text or "")
    assert "ich will nicht mehr leben" in group(bot)[-1]

    # The short lists did not extend the window: ten minutes after the full screen, the full screen again.
    now[0] += timedelta(minutes=6)
    again = await tell(bot, anna, "Er schlägt mich")
    assert len(full_screens(again)) == 1
    assert "Er schlägt mich" in group(bot)[-1]

    # The short list's button shows the full screen, "Ask a person" on it carrying her message.
    await anna.tap("🆘 Alle", short)
    assert full_screens([anna.last()]) and "ask:sos.q" in str(anna.last().reply_markup)


async def test_an_arabic_story_told_into_her_draft_gets_a_short_list_and_every_line_reaches_the_card(
    bot: BotHarness,
) -> None:
    ayse = bot.resident("Ayşe", lang="ar")
    ar = bot.services.i18n.translator("ar")
    now = [datetime(2026, 12, 7, 20, 0, tzinfo=UTC)]
    bot.services.clock = lambda: now[0]
    await ayse.send("/start o_briefe-aemter")
    await ayse.tap(1)
    await skip_questions(ayse)

    first = await tell(bot, ayse, "زوجي يضربني")  # my husband beats me
    assert len(full_screens(first)) == 1 and not short_lists(first)
    now[0] += timedelta(minutes=2)
    fire = await tell(bot, ayse, "المطبخ فيه حريق")  # the kitchen is on fire
    assert not full_screens(fire)
    (short,) = short_lists(fire)
    text = short.text or ""
    assert text.startswith("🆘 <b>" + ar.gettext("Emergency help – call now:"))
    catalogue = bot.services.content.catalogue
    for entry in catalogue.emergency.values():
        assert ar.isolate(entry.number) in text and entry.name["ar"] in text
    assert short.labels[-3] == "🆘 " + ar.gettext("Show all emergency numbers")
    now[0] += timedelta(minutes=10)
    again = await tell(bot, ayse, "زوجي يضربني")
    assert len(full_screens(again)) == 1

    # Every line went into her draft, as before, and the card says it is urgent.
    await ayse.tap("✅")
    await ayse.tap("💬")
    await ayse.tap("✅")
    await deliver(bot)
    card = next(text for text in group(bot) if "المطبخ فيه حريق" in text)
    assert card.count("زوجي يضربني") == 2
    assert "⚠️" in card


async def test_after_a_change_of_language_or_a_refused_screen_the_numbers_come_in_full(
    bot: BotHarness,
) -> None:
    """Review rv11: she may not have been able to read the screen in the language before; a full screen
    Telegram refused was remembered as seen, and the update handled again got the short list only."""
    anna = bot.resident("Anna", lang="de")
    first = await tell(bot, anna, "Mein Mann schlägt mich")
    assert len(full_screens(first)) == 1
    await anna.send("/language")
    await anna.tap("العربية")
    arabic = await tell(bot, anna, "ضربني مرة أخرى")  # he hit me again
    assert len(full_screens(arabic)) == 1 and not short_lists(arabic)

    olga = bot.resident("Olga", lang="de")
    down = {"ok": False, "error_code": 400, "description": "Bad Request: something went wrong"}
    refused = [True]
    bot.telegram.fault = lambda method, params: (
        (400, down) if method == "sendMessage" and refused and refused.pop() else None
    )
    refused_screen = await tell(bot, olga, "Mein Mann schlägt mich")
    assert not refused and not full_screens(refused_screen) and not short_lists(refused_screen)
    bot.telegram.fault = None
    again = await tell(bot, olga, "Mein Mann schlägt mich")
    assert len(full_screens(again)) == 1 and not short_lists(again)
