"""Buttons tolerate double taps, stale and forged data, and act only in the chat where they appear."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot.i18n import FSI, PDI
from bot.render.screens import shorten
from bot.storage.models.feedback import AnswerFeedback
from bot.storage.models.requests import Dialogue
from bot.testing.fakeapi import Sent
from tests.harness import BotHarness, submit_request

STRANGER_GROUP = -1_000_000_099_999
OUT_OF_DATE = "Dieser Button ist nicht mehr aktuell."


def forged(chat_id: int, message_id: int = 987_654) -> Sent:
    """A message the press claims to come from (it need not exist)."""
    return Sent(chat_id, message_id, "alt", {"inline_keyboard": [[{"text": "x", "callback_data": "x"}]]})


async def dialogues(bot: BotHarness) -> int:
    async with bot.services.database.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Dialogue))).scalar_one())


@pytest.mark.parametrize(
    "data",
    ["ask:q", "signup:briefe-aemter", "lang:tr", "forget:yes", "fb:up:offer:briefe-aemter", "topic:kurse"],
)
async def test_a_residents_button_pressed_in_a_group_acts_for_nobody(
    bot: BotHarness, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    sven = bot.partner("Sven", STRANGER_GROUP)
    await sven.press(data, forged(STRANGER_GROUP))
    assert bot.telegram.answered_callbacks[-1].get("text") == OUT_OF_DATE
    assert not bot.telegram.bot_messages(STRANGER_GROUP)  # no menu, no dialogue shown in the group
    assert await dialogues(bot) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_button_without_data_is_out_of_date(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    anna = bot.resident("Anna")
    await anna.send("/start")
    await anna.press("", anna.last())
    assert bot.telegram.answered_callbacks[-1].get("text") == OUT_OF_DATE
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def votes(bot: BotHarness) -> list[tuple[int | None, str, bool]]:
    async with bot.services.database.sessions() as session:
        rows = (await session.execute(select(AnswerFeedback).order_by(AnswerFeedback.id))).scalars().all()
    return [(v.resident_id, v.entry_id, v.helpful) for v in rows]


@pytest.mark.db_behaviour
async def test_a_double_tap_on_thumbs_up_counts_once_without_error_or_apology(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    anna = bot.resident("Anna")
    await anna.send("/start o_deutschkurs-frauen")
    offer = anna.last()
    before = len(bot.telegram.bot_messages(anna.chat))
    await anna.press("fb:up:offer:deutschkurs-frauen", offer)
    await anna.press("fb:up:offer:deutschkurs-frauen", offer)  # the second tap: Telegram says "not modified"
    assert await votes(bot) == [(anna.user_id, "deutschkurs-frauen", True)]
    assert len(bot.telegram.bot_messages(anna.chat)) == before  # no apology, nothing new
    assert [a.get("text") for a in bot.telegram.answered_callbacks[-2:]] == [
        "Danke für Ihre Rückmeldung!"
    ] * 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_vote_for_an_unknown_entry_is_not_stored(bot: BotHarness) -> None:
    anna = bot.resident("Anna")
    await anna.send("/start")
    await anna.press("fb:up:offer:gibt-es-nicht", anna.last())
    await anna.press("fb:down:quatsch:deutschkurs-frauen", anna.last())
    assert await votes(bot) == []
    assert bot.telegram.answered_callbacks[-1].get("text") == OUT_OF_DATE


async def test_a_vote_on_a_message_that_does_not_exist_counts_and_is_answered(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    anna = bot.resident("Anna")
    await anna.send("/start")
    gone = forged(anna.chat)
    gone.reply_markup = {"inline_keyboard": [[{"text": "👍", "callback_data": "fb:up:offer:frauencafe"}]]}
    await anna.press("fb:up:offer:frauencafe", gone)  # "message to edit not found"
    assert await votes(bot) == [(anna.user_id, "frauencafe", True)]
    assert bot.telegram.answered_callbacks[-1].get("text") == "Danke für Ihre Rückmeldung!"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_votes_are_in_mydata_and_gone_after_delete(bot: BotHarness) -> None:
    anna = bot.resident("Anna")
    await anna.send("/start o_frauencafe")
    await anna.press("fb:down:offer:frauencafe", anna.last())
    await anna.send("/mydata")
    text = "\n".join(m.text or "" for m in bot.telegram.bot_messages(anna.chat)[-3:])
    assert "Ihre Bewertungen von Antworten:" in text and "👎 Frauencafé" in text
    upload = next(name for name in reversed(bot.telegram.uploads) if name.startswith("mydata-"))
    [vote] = json.loads(bot.telegram.uploads[upload])["votes"]
    assert (vote["kind"], vote["entry_id"], vote["helpful"]) == ("offer", "frauencafe", False)
    await anna.send("/delete")
    await anna.tap("🗑")
    assert await votes(bot) == []


QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content
OTHER_PARTNER_GROUP = -1_000_000_000_002  # the SOS-Mütterzentrum's group


async def request_to_the_quartiersmanagement(bot: BotHarness) -> Sent:
    """Olga's request about a letter; returns its card in the Quartiersmanagement's group."""
    olga = bot.resident("Olga", lang="ru")
    await submit_request(bot, olga, "briefe-aemter", "Письмо из джобцентра")
    [card] = bot.telegram.bot_messages(QM_GROUP)
    return card


def button_data(card: Sent, action: str) -> str:
    return next(
        b["callback_data"] for b in card.flat_buttons if b["callback_data"].startswith(f"req:{action}:")
    )


@pytest.mark.db_behaviour
async def test_hand_over_reveals_nothing_outside_the_partners_own_group_and_a_double_close_is_quiet(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    card = await request_to_the_quartiersmanagement(bot)
    handover = button_data(card, "handover")
    mallory = bot.resident("Mallory")
    await mallory.send("/start")
    seen = [m.text for m in bot.telegram.bot_messages(mallory.chat)]
    await mallory.press(handover, forged(mallory.chat, card.message_id))
    assert bot.telegram.answered_callbacks[-1].get("text") == OUT_OF_DATE
    assert [m.text for m in bot.telegram.bot_messages(mallory.chat)] == seen  # nothing shown

    # In the partner's own group, hand-over shows the choices.
    petra = bot.partner("Petra", QM_GROUP)
    await petra.press(handover, card)
    assert len(bot.telegram.bot_messages(QM_GROUP)) == 2  # the card and the choices

    other = bot.partner("Sabine", OTHER_PARTNER_GROUP)
    close = button_data(card, "close")
    answers = []
    for _ in range(2):  # open, then closed: the other group gets the same answer
        await other.press(handover, forged(OTHER_PARTNER_GROUP, card.message_id))
        answers.append(bot.telegram.answered_callbacks[-1].get("text"))
        await petra.press(close, card)  # the second time a double tap: the buttons are gone already
    assert answers[0] == answers[1] == "Diese Anfrage gehört zu einer anderen Organisation."
    assert bot.telegram.answered_callbacks[-1].get("text") == "Das ist bereits erledigt."
    assert not bot.telegram.bot_messages(OTHER_PARTNER_GROUP)  # no hand-over menu there
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("label", "limit", "shortened"),
    [
        ("Wohnungsbewerbungsunterlagen fehlen noch", 28, "Wohnungsbewerbungsunterlagen…"),
        ("❓ Wohnungsbewerbungsunterlagen fehlen noch", 28, "❓ Wohnungsbewerbungsunterlagen…"),
        (f"{FSI}دورة اللغة الألمانية للنساء، مع رعاية الأطفال{PDI}", 28, f"{FSI}دورة اللغة الألمانية{PDI}…"),
        (f"{FSI}دورة اللغة الألمانية، للنساء مع رعاية الأطفال{PDI}", 28, f"{FSI}دورة اللغة الألمانية{PDI}…"),
        (f"{FSI}کلاس‌های آموزش زبان آلمانی برای خانم‌ها{PDI}", 28, f"{FSI}کلاس‌های آموزش زبان آلمانی{PDI}…"),
        ("Schwangerschaftskonfliktberatung", 20, "Schwangerschaftskonfliktberatung"),
    ],
)
def test_a_label_is_shortened_after_a_whole_word_in_every_script(
    label: str, limit: int, shortened: str
) -> None:
    """Never inside a word (Arabic and Farsi too: the Arabic comma goes with the cut, the isolate is
    closed before the "…"); a single word longer than the room is kept whole."""
    assert shorten(label, limit) == shortened
