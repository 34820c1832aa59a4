"""Long polling into the inbox.

Telegram forgets an update once a `getUpdates` call asks for an offset past it. This loop asks for the next
batch only after the previous one is committed to the inbox, so an update confirmed to Telegram is always
stored. After a restart the first call has no offset: Telegram sends every unconfirmed update again, and
those stored already are ignored. (PTB's `Updater` confirms a batch before the handlers run; the bot does
not use it.)
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError, TimedOut

from bot.inbox.worker import InboxWorker
from bot.transport import retry_after_seconds

logger = logging.getLogger(__name__)
T = TypeVar("T")
LONG_POLL = 30  # seconds Telegram holds a getUpdates call open while there is nothing new
MAX_BACKOFF = 30.0  # seconds between tries at most while the Bot API or the database fails


async def poll(bot: Bot, inbox: InboxWorker) -> None:
    """Poll until cancelled; raises InvalidToken (nothing to retry)."""
    await _until_done("deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False))
    offset: int | None = None
    while True:
        get = functools.partial(
            bot.get_updates, offset=offset, timeout=LONG_POLL, allowed_updates=Update.ALL_TYPES
        )
        updates = await _until_done("getUpdates", get)
        if updates:
            await _until_done("storing updates", functools.partial(inbox.store, updates))
            # Only now may Telegram forget them: the next call confirms everything below the offset.
            offset = updates[-1].update_id + 1


async def _until_done(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """`call()`'s result, tried again until it succeeds; an invalid token ends the bot instead."""
    delay = 1.0
    while True:
        try:
            return await call()
        except InvalidToken:
            raise
        except TimedOut:
            continue  # a long poll that outlived the network's patience: just ask again
        except RetryAfter as exc:
            await asyncio.sleep(retry_after_seconds(exc))
        except Exception as exc:
            # Conflict: another process polls with this token. Only the type of any other error: a
            # database's message may quote the update it could not store.
            level = logging.ERROR if isinstance(exc, Conflict) else logging.WARNING
            detail = exc if isinstance(exc, TelegramError) else type(exc).__name__
            logger.log(level, "%s failed (%s); retrying in %.0f s", what, detail, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)
