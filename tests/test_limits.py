"""Telegram's limits, enforced by the fake: no message is lost to a length or a rate limit.

The harness's fake refuses a text over 4,096 characters (a caption over 1,024) with 400 and answers 429
to a chat that gets messages faster than Telegram allows, on a clock 50 times faster than Telegram's; the
bot paces its messages on the same clock.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from bot.render.partners import UNDELIVERED_REASONS
from bot.render.split import visible_length
from bot.testing.fakeapi import CAPTION_LIMIT, MESSAGE_LIMIT, Sent
from bot.tickets.notify import notify_admin
from tests.harness import TIME_SCALE, BotHarness, deliver, fill_in_request
from tests.test_requests_e2e import GROUP, arabic_resident_signs_up_for_the_german_course, content_with_group

PART = re.compile(r"\((\d+)/(\d+)\)\s*$")


def long_text(words: int, word: str = "Kursbeginn") -> str:
    return " ".join(f"{word}{i}" for i in range(words))


def numbered_parts(messages: list[Sent]) -> list[Sent]:
    """The messages that end with a part number, checked to be complete and in order."""
    parts = [m for m in messages if PART.search(m.text or "")]
    numbers = [PART.search(m.text or "").groups() for m in parts]  # type: ignore[union-attr]
    total = int(numbers[0][1]) if numbers else 0
    assert [(int(a), int(b)) for a, b in numbers] == [(i, total) for i in range(1, total + 1)]
    return parts


def number_in(card: Sent) -> str:
    """The request number a partner card names."""
    found = re.search(r"\b(\d{6})\b", card.text or "")
    assert found, card.text
    return found.group(1)


def assert_no_rule_broken(bot: BotHarness) -> None:
    """Nothing was refused for its content; a 429 at most (the pacer waits it out)."""
    assert [r for r in bot.telegram.refused if r.status != 429] == []


@pytest.fixture
async def with_group(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        yield bot


async def test_a_partner_answer_longer_than_a_message_reaches_the_resident_in_numbered_parts(
    with_group: BotHarness,
) -> None:
    bot = with_group
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    card = bot.telegram.bot_messages(GROUP)[0]
    answer = long_text(700)  # about 8,500 characters
    assert len(answer) > 2 * MESSAGE_LIMIT
    await bot.partner("Petra", GROUP).send(answer, reply_to=card)
    await deliver(bot)

    parts = numbered_parts(bot.telegram.bot_messages(amal.user_id))
    assert len(parts) == 3
    assert all(visible_length(p.text or "") <= MESSAGE_LIMIT for p in parts)
    relayed = " ".join(p.text or "" for p in parts)
    assert re.findall(r"Kursbeginn\d+", relayed) == answer.split()  # every word, in order
    assert_no_rule_broken(bot)
    # Each part belongs to the request: Amal may reply to any of them.
    await amal.send("شكرا", reply_to=parts[1])
    await deliver(bot)
    assert "شكرا" in (bot.telegram.bot_messages(GROUP)[-1].text or "")


async def test_a_letter_written_into_a_request_reaches_the_partner_whole_in_numbered_parts(
    with_group: BotHarness,
) -> None:
    bot = with_group
    amal = bot.resident("Amal", lang="ar")
    letter = long_text(500, "رسالة")  # a letter pasted into the request: 5,000 characters
    assert len(letter) > MESSAGE_LIMIT
    await fill_in_request(amal, "deutschkurs-frauen", letter)
    # The consent screen shows the beginning and says that all of it goes.
    assert "(مختصرة هنا – ستُرسل الرسالة كاملة)" in (amal.last().text or "")
    await amal.tap("✅")
    await deliver(bot)

    parts = numbered_parts(bot.telegram.bot_messages(GROUP))
    assert len(parts) == 2
    assert all(visible_length(p.text or "") <= MESSAGE_LIMIT for p in parts)
    assert re.findall(r"رسالة\d+", " ".join(p.text or "" for p in parts)) == letter.split()  # every word
    assert parts[-1].labels  # the card's buttons come with its last part
    assert not any(
        "…" in (m.text or "") and "رسالة" in (m.text or "") for m in bot.telegram.bot_messages(GROUP)
    )
    assert_no_rule_broken(bot)


async def test_an_answer_past_the_limit_keeps_its_beginning_and_the_resident_is_told(
    with_group: BotHarness,
) -> None:
    amal = with_group.resident("Amal", lang="ar")
    await amal.send("/start o_deutschkurs-frauen")
    await amal.tap("✋")
    question = amal.last()
    await amal.send("نعم، عندي طفلان " * 60)  # ~1,000 characters as the answer to one intake question
    told = [m.text for m in with_group.telegram.bot_messages(amal.chat)[-2:]]
    assert told[0] == "كانت الرسالة أطول من أن تُنقل كاملة: حُفظت بدايتها فقط."
    assert told[1] != question.text  # and the dialogue went on to the next question


async def test_a_residents_long_follow_up_reaches_the_partner_in_numbered_parts(
    with_group: BotHarness,
) -> None:
    bot = with_group
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    card = bot.telegram.bot_messages(GROUP)[0]
    await bot.partner("Petra", GROUP).send("Gerne, schreiben Sie uns mehr.", reply_to=card)
    await deliver(bot)
    relayed = amal.last()
    before = len(bot.telegram.bot_messages(GROUP))

    letter = long_text(500, "رسالة")  # a letter pasted into the chat: 5,000 characters
    assert len(letter) > MESSAGE_LIMIT
    await amal.send(letter, reply_to=relayed)
    await deliver(bot)

    parts = numbered_parts(bot.telegram.bot_messages(GROUP)[before:])
    assert len(parts) == 2
    assert all(visible_length(p.text or "") <= MESSAGE_LIMIT for p in parts)
    assert parts[0].reply_to == card.message_id  # the first part answers the card, in the thread
    assert_no_rule_broken(bot)
    assert bot.services.settings.admin_chat_id is None or not bot.telegram.bot_messages(
        bot.services.settings.admin_chat_id
    )


async def test_a_caption_longer_than_a_caption_goes_with_the_photo_and_the_rest_after_it(
    with_group: BotHarness,
) -> None:
    bot = with_group
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    card = bot.telegram.bot_messages(GROUP)[0]
    petra = bot.partner("Petra", GROUP)
    await petra.send_photo(long_text(100), reply_to=card)  # the caption of the relay: ~1,200 characters
    await deliver(bot)
    mine = bot.telegram.bot_messages(amal.user_id)
    photo = next(m for m in mine if m.kind == "photo")
    assert visible_length(photo.text or "") <= CAPTION_LIMIT
    parts = numbered_parts(mine)
    assert parts[0] is photo and len(parts) >= 2
    assert_no_rule_broken(bot)


async def test_a_burst_of_thirty_messages_gets_answers_and_one_notice_without_a_traceback(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Someone pastes a letter line by line: 30 messages at once."""
    sam = bot.resident("Sam", lang="de")
    await sam.send("/start")
    start = len(bot.telegram.bot_messages(sam.user_id))
    caplog.set_level(logging.INFO)
    await asyncio.gather(*(sam.send(f"Zeile {i} von meinem Brief vom Jobcenter") for i in range(30)))

    answers = bot.telegram.bot_messages(sam.user_id)[start:]
    slow_down = bot.services.i18n.translator("de").gettext(
        "You are sending very many messages. Please wait a minute, then write again."
    )
    # The flood limit lets 19 more through in this minute (/start was the first); each gets its answer,
    # then one polite notice; nothing is lost to Telegram's own limit.
    assert [a.text for a in answers].count(slow_down) == 1
    assert len(answers) == 20
    assert_no_rule_broken(bot)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_admin_notices_are_paced_for_the_group_and_all_arrive(database_url: str) -> None:
    admin = -1_000_000_000_999
    # A group takes 20 messages in any minute (here 1.2 s): the worker sends one in a few milliseconds, so
    # without the pacing Telegram would refuse the 21st. On a clock twice as slow as the suite's: the bot's
    # minute is a second longer than Telegram's, 20 ms here, a margin a busy machine's pauses stay within.
    scale = 2 * TIME_SCALE
    async with BotHarness.running(database_url=database_url, admin_chat_id=admin, time_scale=scale) as bot:
        sent_at: list[float] = []

        def stamp(method: str, _params: dict[str, Any]) -> None:
            if method == "sendMessage":
                sent_at.append(time.monotonic())

        bot.telegram.fault = stamp
        async with bot.services.database.transaction() as session:
            for i in range(21):
                await notify_admin(session, bot.services.ticket_context(), f"Hinweis {i}")
        await deliver(bot)
        texts = [m.text for m in bot.telegram.bot_messages(admin)]
        assert texts == [f"Hinweis {i}" for i in range(21)]
        assert bot.telegram.refused == []  # paced within the group's limit: not one 429
        # The first 20 went out within the minute, so the 21st had to wait for it (not a slow machine).
        assert sent_at[19] - sent_at[0] < 60 * scale <= sent_at[20] - sent_at[0]


async def test_a_429_is_waited_out_for_an_admin_notice_too(database_url: str) -> None:
    admin = -1_000_000_000_999
    async with BotHarness.running(database_url=database_url, admin_chat_id=admin) as bot:
        flood = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 0.05"}
        faults = [(429, {**flood, "parameters": {"retry_after": 0.05}})] * 2
        bot.telegram.fault = lambda method, _: faults.pop() if faults and method == "sendMessage" else None
        async with bot.services.database.transaction() as session:
            await notify_admin(session, bot.services.ticket_context(), "Hinweis")
        assert await bot.services.delivery.run_once() == 1  # type: ignore[union-attr]
        assert [m.text for m in bot.telegram.bot_messages(admin)] == ["Hinweis"]
        assert not faults


ADMIN = -1_000_000_000_555


@pytest.fixture
async def with_admin(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content, admin_chat_id=ADMIN) as bot:
        yield bot


def refuse_for_good(bot: BotHarness, chat_id: int, description: str) -> None:
    """Telegram refuses the next message to `chat_id` with 400 (once)."""
    left = [1]

    def fault(method: str, params: dict[str, object]) -> tuple[int, dict[str, object]] | None:
        if left and method == "sendMessage" and int(str(params["chat_id"])) == chat_id:
            left.pop()
            return 400, {"ok": False, "error_code": 400, "description": description}
        return None

    bot.telegram.fault = fault


async def test_a_partner_answer_telegram_refuses_is_reported_to_the_partner_and_the_staff(
    with_admin: BotHarness,
) -> None:
    bot = with_admin
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    card = bot.telegram.bot_messages(GROUP)[0]
    petra = bot.partner("Petra", GROUP)
    refuse_for_good(bot, amal.user_id, "Bad Request: can't parse entities: unsupported start tag")
    answer = await petra.send("Gerne, am Dienstag.", reply_to=card)
    await deliver(bot)

    assert "Dienstag" not in " ".join(m.text or "" for m in bot.telegram.bot_messages(amal.user_id))
    told = bot.telegram.bot_messages(GROUP)[-1]
    pt = bot.services.i18n.translator("de")
    assert told.reply_to == answer.message_id
    lost = pt.gettext(
        "Your message for request {number} could not be delivered to the resident. "
        "The Quartiersmanagement has been told."
    )
    assert told.text == "⚠️ " + lost.format(number=number_in(card))
    staff = html.unescape(" ".join(m.text or "" for m in bot.telegram.bot_messages(ADMIN))).lower()
    assert "can't parse entities" in staff  # the true reason


async def test_a_residents_message_telegram_refuses_is_reported_to_her_and_not_blamed_on_the_partner(
    with_admin: BotHarness,
) -> None:
    bot = with_admin
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    card = bot.telegram.bot_messages(GROUP)[0]
    await bot.partner("Petra", GROUP).send("Gerne, schreiben Sie uns mehr.", reply_to=card)
    await deliver(bot)
    refuse_for_good(bot, GROUP, "Bad Request: can't parse entities: unclosed tag")
    await amal.send("هل يمكنني إحضار ابنتي؟", reply_to=amal.last())
    await deliver(bot)

    t = bot.services.i18n.translator("ar")
    lost = t.gettext(
        "Your message about request {number} could not be passed on. The Quartiersmanagement has been "
        "told and will take care of it."
    ).split("{number}")[0]
    assert lost in (amal.last().text or "")  # in Arabic
    staff = html.unescape(" ".join(m.text or "" for m in bot.telegram.bot_messages(ADMIN))).lower()
    pt = bot.services.i18n.translator("de")
    assert "can't parse entities" in staff
    # Telegram refused the one message: not blamed on the partner's group, and the resident was told.
    for reason in ("bot_removed", "group_gone", "no_rights"):
        assert pt.gettext(UNDELIVERED_REASONS[reason]).split("{partner}")[0].lower() not in staff
    assert pt.gettext(UNDELIVERED_REASONS["message_refused"]).lower() in staff
    assert pt.gettext("The resident was told that their message was not passed on.").lower() in staff


async def test_a_long_message_whose_second_part_failed_sends_only_the_rest_again(
    with_group: BotHarness,
) -> None:
    bot = with_group
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    card = bot.telegram.bot_messages(GROUP)[0]
    sends = [0]

    def second_part_fails_once(
        method: str, params: dict[str, object]
    ) -> tuple[int, dict[str, object]] | None:
        if method == "sendMessage" and int(str(params["chat_id"])) == amal.user_id:
            sends[0] += 1
            if sends[0] == 2:
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return None

    bot.telegram.fault = second_part_fails_once
    await bot.partner("Petra", GROUP).send(long_text(700), reply_to=card)
    await deliver(bot)  # part 1 went out, part 2 failed (after the transport's tries): kept for later
    first = [m for m in bot.telegram.bot_messages(amal.user_id) if (m.text or "").endswith("(1/3)")]
    assert len(first) == 1
    from sqlalchemy import update

    from bot.storage.models.outbox import OutboxMessage

    async with bot.services.database.transaction() as session:  # the retry is due now
        await session.execute(update(OutboxMessage).values(next_attempt_at=bot.services.clock()))
    await deliver(bot)
    parts = numbered_parts(bot.telegram.bot_messages(amal.user_id))
    assert len(parts) == 3  # part 1 once, then 2 and 3


async def test_a_send_whose_answer_was_lost_arrived_and_is_not_apologised_for(bot: BotHarness) -> None:
    lost = [1]

    def first_answer_lost(method: str, params: dict[str, Any]) -> bool:
        return bool(method == "sendMessage" and lost and lost.pop())

    bot.telegram.deliver_then_time_out = first_answer_lost
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("/start")
    screens = bot.telegram.bot_messages(ayse.user_id)
    # The transport tried again: the screen is there twice (Telegram had it the first time), no apology.
    assert len(screens) == 2 and screens[0].text == screens[1].text
    assert "Türkçe" in " ".join(screens[-1].labels)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_resident_with_the_most_open_requests_is_asked_to_wait_and_keeps_the_draft(
    with_group: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import func, select

    from bot.storage.models.requests import Request
    from bot.tickets import intake

    bot = with_group
    monkeypatch.setattr(intake, "MAX_OPEN_REQUESTS", 1)
    amal = await arabic_resident_signs_up_for_the_german_course(bot)
    cards = len(bot.telegram.bot_messages(GROUP))
    await amal.send("/start o_deutschkurs-frauen")
    await amal.tap("✋")
    if "⏭" in " ".join(amal.last().labels):
        await amal.send("نعم")
    await amal.send("سؤال آخر عن الدورة")
    await amal.tap("✅")
    await amal.tap("💬")
    consent = amal.last()
    send = next(b["callback_data"] for b in consent.flat_buttons if b["text"].startswith("✅"))
    await amal.press(send, consent)
    await deliver(bot)

    alert = bot.telegram.answered_callbacks[-1]
    wait = bot.services.i18n.translator("ar").gettext(
        "You already have {count} open requests. Please wait until one of them is answered or closed, "
        "then send this one."
    )
    assert alert["text"] == wait.format(count=1) and alert.get("show_alert")
    assert len(bot.telegram.bot_messages(GROUP)) == cards  # no new card
    async with bot.services.database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Request)) == 1
    assert amal.last().message_id == consent.message_id  # the draft is still there, "Send" works later


def content_with_long_note(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    offer = content / "offers" / "deutschkurs-frauen.yaml"
    note = "de: Einstieg jederzeit möglich, solange Plätze frei sind."
    assert note in offer.read_text(encoding="utf-8")
    offer.write_text(
        offer.read_text(encoding="utf-8").replace(note, "de: " + long_text(500, "Hinweis")), encoding="utf-8"
    )
    return content


async def test_a_screen_longer_than_a_message_arrives_in_numbered_parts_with_the_buttons_last(
    database_url: str, tmp_path: Path
) -> None:
    # Staff wrote a very long note for an offer: the offer's page no longer fits one message.
    content = content_with_long_note(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start o_deutschkurs-frauen")

        parts = numbered_parts(bot.telegram.bot_messages(anna.chat))
        assert len(parts) == 2
        assert all(visible_length(p.text or "") <= MESSAGE_LIMIT for p in parts)
        assert parts[0].labels == [] and "✋ Ich möchte mich anmelden" in parts[1].labels
        assert_no_rule_broken(bot)
