"""Background work driven from the database, so it survives restarts: reminders, escalation, clean-up."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.flood import WINDOW as FLOOD_WINDOW
from bot.services import Services
from bot.storage import feedback, flood, inbox, requests

logger = logging.getLogger(__name__)

REMINDER_INTERVAL = 60  # seconds
PURGE_INTERVAL = 6 * 3600
# Processed updates keep only their id (payloads go when processed); Telegram sends an update again for at
# most a day, so after that the id cannot be needed to recognise a second copy.
INBOX_RETENTION = timedelta(days=1)


async def purge_old_data(services: Services) -> int:
    """Keep the privacy promises: old unanswered questions, abandoned drafts, finished requests and sent
    messages go."""
    now = services.clock()
    settings = services.settings
    async with services.database.transaction() as session:
        removed = await feedback.purge_unanswered(
            session, now - timedelta(days=settings.unanswered_retention_days)
        )
        removed += await requests.purge_finished_requests(
            session, now - timedelta(days=settings.request_retention_days)
        )
        removed += await requests.purge_idle_dialogues(
            session, now - timedelta(hours=settings.draft_retention_hours)
        )
        # Sent messages keep their text in the outbox: they go after the same period as the requests.
        removed += await requests.purge_outbox(session, now - timedelta(days=settings.request_retention_days))
        await inbox.purge_inbox(session, now - INBOX_RETENTION)
        await flood.purge_flood_counters(session, now - FLOOD_WINDOW)
    return removed


async def _reminder_job(context: Any) -> None:
    """Requests nobody took on: a reminder in the partner group, later escalation to the catch-all."""
    services: Services = context.bot_data.services
    await services.requests.remind_and_escalate(services.clock())


async def _purge_job(context: Any) -> None:
    removed = await purge_old_data(context.bot_data.services)
    if removed:
        logger.info("removed %d old questions and requests", removed)


def schedule(job_queue: Any) -> None:
    """Deterministic job names: a restart replaces, never duplicates, them."""
    job_queue.run_repeating(_reminder_job, interval=REMINDER_INTERVAL, first=10, name="REQUEST_REMINDERS")
    job_queue.run_repeating(_purge_job, interval=PURGE_INTERVAL, first=30, name="PURGE_OLD_DATA")
