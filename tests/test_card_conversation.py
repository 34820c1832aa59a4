"""The conversation so far on a card posted after the request (a hand-over's card): each partner message
is labelled with the organisation that wrote it, staff are named only when SHOW_STAFF_NAMES allows it, and
the new partner gets only what the hand-over question told her goes along – her conversation with the
organisation handing over. /mydata labels each message by its organisation too."""

from __future__ import annotations

import re

from bot.testing.fakeapi import Sent, SimUser
from tests.harness import BotHarness, deliver
from tests.test_conversation import MUETTERZENTRUM, QUARTIERSMANAGEMENT
from tests.test_conversation import send_request as request_about

HAUPTSCHULE = -1_000_000_000_003  # the shipped content's partner groups
SCHOOL = "Dr.-Klaus-Schmidt-Hauptschule"


async def send_request(bot: BotHarness, person: SimUser, text: str) -> Sent:
    """`person` asks the SOS-Mütterzentrum about the Frauencafé; the card in its group."""
    await request_about(bot, person, "frauencafe", text)
    return bot.telegram.bot_messages(MUETTERZENTRUM)[-1]


async def hand_over(
    bot: BotHarness, person: SimUser, card: Sent, group: int, target: str, target_group: int
) -> Sent:
    """Staff of `group` propose handing the request over to `target`; she agrees. The new partner's card."""
    staff = bot.partner("Petra", group)
    await staff.tap("übergeben", card)
    choices = bot.telegram.bot_messages(group)[-1]
    await staff.tap(next(i for i, label in enumerate(choices.labels, 1) if label.startswith(target)), choices)
    await deliver(bot)
    await person.tap("✅", person.last())
    await deliver(bot)
    return next(m for m in reversed(bot.telegram.bot_messages(target_group)) if "📨" in (m.text or ""))


def conversation_on(card: Sent) -> tuple[str, list[str]]:
    """The heading's partner and the lines ("who:" and the quoted text, in turn) of a card's conversation."""
    match = re.search(r"<b>Bisheriger Austausch mit (.+?):</b>\n", card.text or "")
    assert match is not None, card.text
    return match.group(1), (card.text or "")[match.end() :].split("\n\n")[0].split("\n")


async def handed_over_to_the_school(bot: BotHarness, ayse: SimUser) -> Sent:
    """SOS asks about her children, she answers, SOS hands the request over to the school: its card."""
    card = await send_request(bot, ayse, "Gibt es Hilfe bei den Hausaufgaben?")
    await bot.partner("Petra", MUETTERZENTRUM).send("Wie alt sind Ihre Kinder?", reply_to=card)
    await deliver(bot)
    await ayse.send("3 und 13")
    await deliver(bot)
    return await hand_over(bot, ayse, card, MUETTERZENTRUM, SCHOOL, HAUPTSCHULE)


async def school_asks_after_a_hand_over(bot: BotHarness, ayse: SimUser) -> Sent:
    """After the hand-over (`handed_over_to_the_school`) the school asks about the class."""
    school_card = await handed_over_to_the_school(bot, ayse)
    await bot.partner("Hans", HAUPTSCHULE).send("Welche Klasse besucht Ihr Sohn?", reply_to=school_card)
    await deliver(bot)
    await ayse.send("Die 7. Klasse")
    await deliver(bot)
    return school_card


async def test_a_card_handed_back_credits_each_message_to_its_organisation(bot: BotHarness) -> None:
    """Found in review: back at SOS, the card read "Petra (Dr.-Klaus-Schmidt-Hauptschule): Wie alt sind Ihre
    Kinder?" – SOS's own question credited to the school, with a staff name nobody agreed to show."""
    ayse = bot.resident("Ayşe", lang="de")
    school_card = await school_asks_after_a_hand_over(bot, ayse)
    back = await hand_over(bot, ayse, school_card, HAUPTSCHULE, "SOS-Mütterzentrum", MUETTERZENTRUM)
    assert conversation_on(back) == (
        SCHOOL,
        [
            f"{SCHOOL}:",
            "<blockquote>Welche Klasse besucht Ihr Sohn?</blockquote>",
            "Ayşe:",
            "<blockquote>Die 7. Klasse</blockquote>",
        ],
    )
    assert "Petra" not in (back.text or "") and "Hans" not in (back.text or "")


async def test_the_third_organisation_gets_only_the_conversation_she_agreed_to_pass_on(
    bot: BotHarness,
) -> None:
    """The school's hand-over question names her conversation with the school: the Quartiersmanagement's
    card holds that, not what she told SOS before (her children's ages)."""
    ayse = bot.resident("Ayşe", lang="de")
    school_card = await school_asks_after_a_hand_over(bot, ayse)
    staff = bot.partner("Petra", HAUPTSCHULE)
    await staff.tap("übergeben", school_card)
    choices = bot.telegram.bot_messages(HAUPTSCHULE)[-1]
    target = next(i for i, label in enumerate(choices.labels, 1) if label.startswith("Quartiersmanagement O"))
    await staff.tap(target, choices)
    await deliver(bot)
    assert f"Ihre Antworten und Ihren bisherigen Austausch mit {SCHOOL}" in (ayse.last().text or "")
    await ayse.tap("✅", ayse.last())
    await deliver(bot)
    qm_card = bot.telegram.bot_messages(QUARTIERSMANAGEMENT)[-1]
    with_partner, lines = conversation_on(qm_card)
    assert with_partner == SCHOOL
    assert lines == [
        f"{SCHOOL}:",
        "<blockquote>Welche Klasse besucht Ihr Sohn?</blockquote>",
        "Ayşe:",
        "<blockquote>Die 7. Klasse</blockquote>",
    ]
    assert "Wie alt sind Ihre Kinder?" not in (qm_card.text or "") and "3 und 13" not in (qm_card.text or "")


async def test_with_show_staff_names_the_card_names_the_staff_member_and_organisation(
    database_url: str,
) -> None:
    async with BotHarness.running(database_url=database_url, show_staff_names=True) as bot:
        ayse = bot.resident("Ayşe", lang="de")
        school_card = await handed_over_to_the_school(bot, ayse)
        assert conversation_on(school_card)[1][0] == "Petra (SOS-Mütterzentrum):"


async def test_mydata_names_the_organisation_of_each_answer_and_no_staff(bot: BotHarness) -> None:
    """After a hand-over her data listed SOS's question as the school's."""
    ayse = bot.resident("Ayşe", lang="de")
    await school_asks_after_a_hand_over(bot, ayse)
    before = len(bot.telegram.bot_messages(ayse.chat))
    await ayse.send("/mydata")
    text = "\n".join(m.text or "" for m in bot.telegram.bot_messages(ayse.chat)[before:] if m.kind == "text")
    assert re.search(r"SOS-Mütterzentrum \([^)]*\):</i> Wie alt sind Ihre Kinder\?", text), text
    assert re.search(rf"{SCHOOL} \([^)]*\):</i> Welche Klasse besucht Ihr Sohn\?", text), text
    assert "Petra" not in text and "Hans" not in text


async def test_the_quartiersmanagements_card_after_a_hand_over_to_an_e_mail_partner_names_its_own_exchange(
    bot: BotHarness,
) -> None:
    """Explore xr5 #8: after the Quartiersmanagement handed a request to the Jobcenter (e-mail only, its
    answers passed on by the Quartiersmanagement), its new card headed the Quartiersmanagement's own question
    "Bisheriger Austausch mit Jobcenter Salzgitter" – the Jobcenter had written nothing."""
    anna = bot.resident("Anna", lang="ru")
    await anna.send("/start")
    await anna.tap(1)
    await anna.tap(1)
    await anna.send("Мне нужна помощь с письмом из Jobcenter")
    await anna.tap("🙋")
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    (card,) = [m for m in bot.telegram.bot_messages(QUARTIERSMANAGEMENT) if m.reply_markup]
    await bot.partner("Petra", QUARTIERSMANAGEMENT).send(
        "Bitte schicken Sie ein Foto des Briefes", reply_to=card
    )
    await deliver(bot)
    qm = "Quartiersmanagement Ost- und Westsiedlung"
    new_card = await hand_over(bot, anna, card, QUARTIERSMANAGEMENT, "Jobcenter", QUARTIERSMANAGEMENT)
    assert "Auch für Sie: Jobcenter Salzgitter" in (new_card.text or "")
    assert conversation_on(new_card) == (
        qm,
        [f"{qm}:", "<blockquote>Bitte schicken Sie ein Foto des Briefes</blockquote>"],
    )
