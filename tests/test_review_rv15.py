"""Review rv15 of the conv9 commits (483291e, d9e7580, f927af2, a3a8395): defects found, as strict xfails
(each passes once the defect is fixed; then drop its mark)."""

from __future__ import annotations

import asyncio
import smtplib

import pytest
from sqlalchemy import update

from bot.storage.models import Resident
from tests.test_mail_replies import bot_with_inbound_mail, first_mail, reply
from tests.test_requests_e2e import arabic_resident_signs_up_for_the_german_course

pytestmark = pytest.mark.screens  # on SQLite only (tests/conftest.py says why)

DANGER = "Mein Mann schlägt mich, ich weiß nicht ob ich komen kann"


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
