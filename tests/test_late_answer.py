"""A request whose promised answer time passes without an answer: its resident is told once, in her language,
that it is not lost (the Quartiersmanagement was told and takes care of it), with her requests and the menu
below. Found in exploratory testing: only the partner (and days later the staff) heard of it; she was left
wondering whether her request had been lost."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import jobs
from bot.testing.fakeapi import Sent, SimUser
from tests.harness import BotHarness, deliver, fill_in_request
from tests.test_requests_e2e import (
    COURSE_PROVIDER,
    GROUP,
    QM_GROUP,
    arabic_resident_signs_up_for_the_german_course,
    content_with_group,
)

STAFF_NOTICE = (
    "⏰ Anfrage Nr. {number} an {partner} hat 2 Tage lang keine Antwort bekommen. So lange sollte die Person "
    "höchstens warten. Ihr wurde gesagt, dass sich das Quartiersmanagement darum kümmert."
)


def quartiersmanagement(bot: BotHarness, lang: str) -> str:
    catalogue = bot.services.content.catalogue
    return str(catalogue.partners[catalogue.catch_all_partner_id].name[lang])


async def the_job_at(bot: BotHarness, when: datetime) -> None:
    """The reminder job, run by the bot's clock at `when`; then the outbox worker delivers."""
    bot.services.clock = lambda: when
    await jobs.remind_and_escalate(bot.services)
    await deliver(bot)


async def anna_asks_about_the_german_course(bot: BotHarness) -> tuple[SimUser, str, datetime]:
    """A resident sends a request to the course provider (its own Telegram group in these tests' content):
    her, its number and when it was sent."""
    anna = bot.resident("Anna", lang="de")
    await fill_in_request(anna, "deutschkurs-frauen", "Ich möchte mich für den Kurs anmelden.")
    sent = datetime.now(UTC)
    await anna.tap("✅")
    await deliver(bot)
    acknowledgement = anna.last().text or ""
    assert "2 Tage" in acknowledgement  # the time she was promised (response_hours: 48)
    return anna, re.findall(r"\d{6}", acknowledgement)[0], sent


def news(bot: BotHarness, chat: int, before: int) -> list[Sent]:
    return bot.telegram.bot_messages(chat)[before:]


async def test_a_german_residents_request_unanswered_past_its_time_tells_her_once_with_her_requests(
    database_url: str, tmp_path: Path
) -> None:
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        anna, number, sent = await anna_asks_about_the_german_course(bot)
        before = len(bot.telegram.bot_messages(anna.chat))
        staff_before = len(bot.telegram.bot_messages(QM_GROUP))
        await the_job_at(bot, sent + timedelta(hours=47))
        assert news(bot, anna.chat, before) == []

        await the_job_at(bot, sent + timedelta(hours=48, minutes=2))
        qm = quartiersmanagement(bot, "de")
        (told,) = news(bot, anna.chat, before)
        assert told.text == (
            f"ℹ️ Ihre Anfrage Nr. {number} an {COURSE_PROVIDER} ist noch nicht beantwortet. {qm} weiß "
            "Bescheid und kümmert sich darum.\nSie müssen sie nicht noch einmal schicken."
        )
        assert told.labels == ["📋 Meine Anfragen", "🏠 Menü"]
        # What she reads is true: the Quartiersmanagement's staff were told (no admin chat: its group).
        staff = [m.text for m in news(bot, QM_GROUP, staff_before)]
        assert STAFF_NOTICE.format(number=number, partner=COURSE_PROVIDER) in staff

        # The next rounds, a minute or a day later, tell her nothing again.
        await the_job_at(bot, sent + timedelta(hours=48, minutes=3))
        await the_job_at(bot, sent + timedelta(hours=70))
        assert len(bot.telegram.bot_messages(anna.chat)) == before + 1

        # 📋 shows her open requests below the notice, which stays.
        await anna.tap("📋", told)
        assert anna.last() is not told and f"{number} an {COURSE_PROVIDER}" in (anna.last().text or "")
        assert "Ihre offenen Anfragen" in (anna.last().text or "")
        assert bot.telegram.bot_messages(anna.chat)[before].text == told.text


async def test_a_request_answered_or_withdrawn_in_time_tells_her_nothing_when_the_time_is_over(
    database_url: str, tmp_path: Path
) -> None:
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        anna, number, sent = await anna_asks_about_the_german_course(bot)
        (card,) = [m for m in bot.telegram.bot_messages(GROUP) if number in (m.text or "")]
        petra = bot.partner("Petra", GROUP)
        await petra.send("Gern, der nächste Kurs beginnt am Montag.", reply_to=card)
        await deliver(bot)
        berta = bot.resident("Berta", lang="de")
        await fill_in_request(berta, "deutschkurs-frauen", "Wann ist der Kurs?")
        await berta.tap("✅")
        await berta.send("/anfragen")
        await berta.tap("🗑")
        await berta.tap("🗑")  # "Yes, withdraw"
        await deliver(bot)
        assert "zurückgezogen" in (berta.last().text or "")
        carla = bot.resident("Carla", lang="de")
        await fill_in_request(carla, "deutschkurs-frauen", "Gibt es einen Kurs am Abend?")
        await carla.tap("✅")
        await deliver(bot)
        before = {who.chat: len(bot.telegram.bot_messages(who.chat)) for who in (anna, berta, carla)}
        await the_job_at(bot, sent + timedelta(hours=49))
        await the_job_at(bot, sent + timedelta(days=10))
        assert news(bot, anna.chat, before[anna.chat]) == []
        assert news(bot, berta.chat, before[berta.chat]) == []
        # Only the request nobody answered: told once (and, days later, its escalation).
        told = [m.text or "" for m in news(bot, carla.chat, before[carla.chat])]
        assert [text for text in told if "noch nicht beantwortet" in text and "weiß Bescheid" in text] == [
            told[0]
        ]


async def test_an_arabic_resident_is_told_in_arabic_also_when_the_partner_answers_only_by_e_mail(
    database_url: str,
) -> None:
    """The course provider of the shipped content gets requests by e-mail only; the Quartiersmanagement
    passes its answer on. She is told in Telegram, in Arabic, as the acknowledgement told her the time."""
    async with BotHarness.running(database_url=database_url) as bot:
        amal = await arabic_resident_signs_up_for_the_german_course(bot)
        sent = datetime.now(UTC)
        number = re.findall(r"\d{6}", amal.last().text or "")[0]
        before = len(bot.telegram.bot_messages(amal.chat))
        await the_job_at(bot, sent + timedelta(hours=47))
        assert news(bot, amal.chat, before) == []
        await the_job_at(bot, sent + timedelta(hours=49))
        provider = str(bot.services.content.catalogue.partners["bildungstraeger"].name["ar"])
        qm = quartiersmanagement(bot, "ar")
        (told,) = news(bot, amal.chat, before)
        assert told.text == (
            f"ℹ️ لم يتم الرد بعد على طلبك \u2068{number}\u2069 إلى \u2068{provider}\u2069. تم إبلاغ "
            f"\u2068{qm}\u2069 وسيتولى الأمر.\nلا داعي لإرسال طلبك مرة أخرى."
        )
        assert told.labels == ["📋 طلباتي", "🏠 القائمة"]
        # The escalation two days later tells the Quartiersmanagement's group that it is overdue, but not her:
        # "it follows it up" is what she read at her promised time, and two messages saying the same would
        # only make her wonder what changed (review: the escalation repeated the late notice).
        staff_before = len(bot.telegram.bot_messages(QM_GROUP))
        await the_job_at(bot, sent + timedelta(days=5))
        assert [m.text for m in news(bot, amal.chat, before)] == [told.text]
        assert [m for m in news(bot, QM_GROUP, staff_before) if number in (m.text or "")]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_the_notice_waiting_in_the_outbox_at_a_crash_is_sent_once_after_the_restart(
    database_url: str, tmp_path: Path
) -> None:
    """The job records the notice and its outbox row in one transaction: a bot stopped before the row was
    sent sends it after its restart, and the restarted bot's job, running again, adds no second one."""
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna, number, sent = await anna_asks_about_the_german_course(bot)
        telegram = bot.telegram
        before = len(telegram.bot_messages(anna.chat))
        bot.services.clock = lambda: sent + timedelta(hours=49)
        assert await jobs.remind_and_escalate(bot.services) == 2  # the reminder, and her notice
        # Stopped here: nothing delivered yet.
    assert len(telegram.bot_messages(anna.chat)) == before
    async with BotHarness.running(database_url=database_url, content_dir=content, telegram=telegram) as bot:
        await the_job_at(bot, sent + timedelta(hours=50))
        await the_job_at(bot, sent + timedelta(hours=51))
        told = [m.text or "" for m in telegram.bot_messages(anna.chat)[before:]]
        assert len(told) == 1 and told[0].startswith(f"ℹ️ Ihre Anfrage Nr. {number} ")


async def test_a_resident_who_blocked_the_bot_costs_no_one_else_her_notice(
    database_url: str, tmp_path: Path
) -> None:
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        anna, _number, sent = await anna_asks_about_the_german_course(bot)
        berta = bot.resident("Berta", lang="de")
        await berta.send("/sprache")
        await berta.tap("Einfaches Deutsch")  # plain German: chosen in the language menu
        await fill_in_request(berta, "deutschkurs-frauen", "Ich will mitmachen.")
        await berta.tap("✅")
        await deliver(bot)
        berta_number = re.findall(r"\d{6}", berta.last().text or "")[0]
        blocked = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        bot.telegram.fault = lambda method, params: (
            (403, blocked) if str(params.get("chat_id")) == str(anna.chat) else None
        )
        before = len(bot.telegram.bot_messages(berta.chat))
        await the_job_at(bot, sent + timedelta(hours=49))
        await the_job_at(bot, sent + timedelta(hours=50))
        qm = quartiersmanagement(bot, "de-simple")
        provider = bot.services.content.catalogue.partners["bildungstraeger"].name["de-simple"]
        assert [m.text for m in news(bot, berta.chat, before)] == [
            f"ℹ️ Ihre Anfrage Nr. {berta_number} an {provider} hat noch keine Antwort. {qm} weiß Bescheid "
            "und kümmert sich darum.\nSie müssen die Anfrage nicht noch einmal schicken."
        ]
        to_anna = [m.text or "" for m in bot.telegram.bot_messages(anna.chat)]
        assert not [text for text in to_anna if "noch nicht beantwortet" in text]


async def test_requests_long_past_their_time_at_the_first_round_are_not_all_told_late_at_once(
    database_url: str, tmp_path: Path
) -> None:
    """Deploying the notice (or a bot down for days) finds requests whose promised time passed long ago,
    among them the Quartiersmanagement's own, which are never escalated and may be open for weeks: the
    first round must not send each of them a late notice, and the staff one notice each (a flood). Only a
    time passed within the last day is told; an older one learns it from its escalation, as before."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        anna, number, sent = await anna_asks_about_the_german_course(bot)
        berta = bot.resident("Berta", lang="de")
        await fill_in_request(berta, "briefe-aemter", "Ich verstehe einen Brief vom Amt nicht.")
        await berta.tap("✅")
        await deliver(bot)
        before = {who.chat: len(bot.telegram.bot_messages(who.chat)) for who in (anna, berta)}
        staff_before = len(bot.telegram.bot_messages(QM_GROUP))

        # The first round: Anna's 2 days passed 25 hours ago, Berta's three weeks ago.
        await the_job_at(bot, sent + timedelta(hours=73))
        await the_job_at(bot, sent + timedelta(days=21))
        assert news(bot, berta.chat, before[berta.chat]) == []
        assert [m.text for m in news(bot, anna.chat, before[anna.chat])] == [
            # Hers came from the escalation (4 days), which tells her where her request is now.
            f"ℹ️ Ihre Anfrage Nr. {number} ist noch nicht beantwortet. Jetzt kümmert sich auch "
            f"{quartiersmanagement(bot, 'de')} darum und meldet sich bei Ihnen."
        ]
        staff = [m.text or "" for m in news(bot, QM_GROUP, staff_before)]
        assert not [text for text in staff if "So lange sollte die Person höchstens warten" in text]


async def test_without_an_admin_chat_the_quartiersmanagements_own_request_is_reminded_once_in_its_group(
    database_url: str, tmp_path: Path
) -> None:
    """Her request to the Quartiersmanagement itself: at the promised time its group gets the reminder in
    the request's thread; with no admin chat the staff notice would go to the same group in the same
    minute, the same news twice (as `_escalate` avoids). She reads that it was reminded: true."""
    async with BotHarness.running(database_url=database_url, content_dir=content_with_group(tmp_path)) as bot:
        anna = bot.resident("Anna", lang="de")
        await fill_in_request(anna, "briefe-aemter", "Ich verstehe einen Brief vom Amt nicht.")
        sent = datetime.now(UTC)
        await anna.tap("✅")
        await deliver(bot)
        number = re.findall(r"\d{6}", anna.last().text or "")[0]
        before = len(bot.telegram.bot_messages(anna.chat))
        staff_before = len(bot.telegram.bot_messages(QM_GROUP))
        await the_job_at(bot, sent + timedelta(hours=48, minutes=2))
        qm = quartiersmanagement(bot, "de")
        (told,) = news(bot, anna.chat, before)
        assert told.text is not None and told.text.startswith(
            f"ℹ️ Ihre Anfrage Nr. {number} an {qm} ist noch nicht beantwortet. {qm} wurde daran erinnert"
        )
        (reminder,) = news(bot, QM_GROUP, staff_before)
        assert reminder.reply_to is not None and number in (reminder.text or "")
        assert not (reminder.text or "").startswith("⏰")
