"""Review rv15 of the conv9 commits (483291e, d9e7580, f927af2, a3a8395): defects found, as strict xfails
(each passes once the defect is fixed; then drop its mark)."""

from __future__ import annotations

import asyncio
import smtplib

import pytest
from sqlalchemy import select, update

from bot.storage.models import Resident
from bot.storage.models.outbox import OutboxMessage, OutboxStatus
from tests.harness import BotHarness, deliver
from tests.test_conversation import MUETTERZENTRUM, quiet_night, screen, send_request
from tests.test_mail_replies import bot_with_inbound_mail, first_mail, reply
from tests.test_requests_e2e import arabic_resident_signs_up_for_the_german_course

pytestmark = pytest.mark.screens  # on SQLite only (tests/conftest.py says why)

DANGER = "Mein Mann schlägt mich, ich weiß nicht ob ich komen kann"


@pytest.mark.xfail(
    strict=True,
    reason="rv15 F3: a long answer whose first part reached her before its row failed for good "
    "(parts_sent > 0) counts as never seen: she is not asked about what she read",
)
@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_long_answer_of_which_she_read_the_first_part_is_asked_about(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="de")
    card = await send_request(bot, ayse, "frauencafe", "Ist das Café samstags offen?")
    question = "Wie alt sind Ihre Kinder? " + "Bitte lesen Sie auch unsere Hinweise. " * 110
    await bot.partner("Petra", MUETTERZENTRUM).send(question, reply_to=card)
    async with bot.services.database.transaction() as session:
        row = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.target == str(ayse.chat)
                )
            )
        ).one()
        row.status = OutboxStatus.FAILED  # as the worker leaves it after part 1 went out
        row.payload = {**row.payload, "parts_sent": 1}
    await quiet_night(bot)
    await ayse.send("Mein Sohn ist drei Jahre alt")
    await deliver(bot)
    assert screen(ayse).startswith("Ist das Ihre Antwort")


@pytest.mark.xfail(
    strict=True,
    reason="rv15 F4 (older than conv9): relay.email_reply has no blocked check; enqueue_resident drops the "
    "answer silently, the mail gets 250 OK and the request turns 'answered'",
)
async def test_an_email_answer_to_a_resident_who_blocked_the_bot_bounces(database_url: str) -> None:
    async with bot_with_inbound_mail(database_url) as (bot, inbox, in_port):
        await arabic_resident_signs_up_for_the_german_course(bot)
        address = str((await first_mail(bot, inbox))["Reply-To"])
        async with bot.services.database.transaction() as session:
            await session.execute(update(Resident).values(blocked=True))
        with pytest.raises(smtplib.SMTPDataError):
            await asyncio.to_thread(
                reply, in_port, address, "bildung@example.org", "Der Kurs beginnt am Dienstag.", "<b1@x>"
            )
