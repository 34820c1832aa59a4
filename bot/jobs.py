"""Background work driven from the database, so it survives restarts: reminders, escalation, clean-up."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, false, insert, select

from bot.flood import WINDOW as FLOOD_WINDOW
from bot.services import Services
from bot.storage.db import changed_rows
from bot.storage.models.feedback import UnansweredQuestion
from bot.storage.models.flood import FloodCounter
from bot.storage.models.inbox import InboxStatus, InboxUpdate
from bot.storage.models.outbox import OutboxMessage, OutboxStatus
from bot.storage.models.requests import DeletedRequestLink, Dialogue, Request, RequestStatus, RetiredNumber
from bot.storage.models.resident import WaitingMessage

logger = logging.getLogger(__name__)

REMINDER_INTERVAL = 60  # seconds
PURGE_INTERVAL = 6 * 3600
# Processed updates keep only their id (payloads go when processed); Telegram sends an update again for at
# most a day, so after that the id cannot be needed to recognise a second copy.
INBOX_RETENTION = timedelta(days=1)
FINAL_STATUSES = tuple(status for status in RequestStatus if status.is_final)
FINISHED_OUTBOX = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DEAD)


async def purge_old_data(services: Services) -> int:
    """Keep the privacy promises: old unanswered questions, abandoned drafts, finished requests (with their
    messages and thread links) and sent messages go; returns how many of those."""
    now = services.clock()
    settings = services.settings
    finished_before = now - timedelta(days=settings.request_retention_days)
    purged = (Request.status.in_(FINAL_STATUSES), Request.updated_at < finished_before)
    # Before the requests go: their numbers are never drawn again (an e-mail reply may still name one).
    retire = insert(RetiredNumber).from_select(
        ["number", "partner_id", "deleted"],
        select(Request.number, Request.partner_id, false()).where(*purged),
    )
    counted = (
        delete(UnansweredQuestion).where(
            UnansweredQuestion.created_at < now - timedelta(days=settings.unanswered_retention_days)
        ),
        delete(Request).where(*purged),
        delete(Dialogue).where(Dialogue.updated_at < now - timedelta(hours=settings.draft_retention_hours)),
        # Her messages still waiting for a tap of hers are unsent too: they go as an abandoned draft does.
        delete(WaitingMessage).where(
            WaitingMessage.created_at < now - timedelta(hours=settings.draft_retention_hours)
        ),
        # Sent messages keep their text in the outbox: they go after the same period as the requests.
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(FINISHED_OUTBOX), OutboxMessage.created_at < finished_before
        ),
    )
    housekeeping = (
        delete(InboxUpdate).where(
            InboxUpdate.status != InboxStatus.PENDING, InboxUpdate.done_at < now - INBOX_RETENTION
        ),
        # The counters of windows that are over count nothing any more.
        delete(FloodCounter).where(FloodCounter.window_start < now - FLOOD_WINDOW),
        # What partner chats remember of a deleted request goes when the request would have gone.
        delete(DeletedRequestLink).where(DeletedRequestLink.created_at < finished_before),
    )
    removed = 0
    async with services.database.transaction() as session:
        await session.execute(retire)
        for statement in counted:
            removed += changed_rows(await session.execute(statement))
        for statement in housekeeping:
            await session.execute(statement)
    return removed


async def remind_and_escalate(services: Services) -> int:
    """Requests nobody took on, on the bot's clock: a reminder in the partner group, the resident told when
    the time she was promised passed, later escalation to the catch-all; returns how many steps."""
    return await services.requests.remind_and_escalate(services.clock())


async def _reminder_job(context: Any) -> None:
    await remind_and_escalate(context.bot_data.services)


async def _purge_job(context: Any) -> None:
    removed = await purge_old_data(context.bot_data.services)
    if removed:
        logger.info("removed %d old questions and requests", removed)


def schedule(job_queue: Any) -> None:
    """Deterministic job names: a restart replaces, never duplicates, them."""
    job_queue.run_repeating(_reminder_job, interval=REMINDER_INTERVAL, first=10, name="REQUEST_REMINDERS")
    job_queue.run_repeating(_purge_job, interval=PURGE_INTERVAL, first=30, name="PURGE_OLD_DATA")
