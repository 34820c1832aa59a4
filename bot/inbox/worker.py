"""Processes stored updates: in order per chat, concurrently across chats, each marked done when handled.

See `bot.inbox` for the guarantees. The intake (polling or webhook) calls `store()`; `start()` also picks
up whatever an earlier process left unfinished, and a periodic scan catches anything stored elsewhere.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update

from bot.storage import inbox as store
from bot.storage.db import Database
from bot.storage.models.base import utcnow
from bot.storage.models.inbox import InboxStatus

logger = logging.getLogger(__name__)

Process = Callable[[dict[str, Any]], Awaitable[None]]
"""Runs the handlers for one update (its JSON); exceptions of handlers are its own business."""

CONCURRENCY = 32  # updates handled at once (of different chats)
SCAN_INTERVAL = 10.0  # seconds between two looks for updates another process stored
SCAN_LIMIT = 10_000  # far above any backlog of a neighbourhood's bot; the next scan takes the rest
NO_CHAT = 0  # the lane of updates without chat or user (none of the kinds the bot subscribes to)


def chat_of(update: Update) -> int | None:
    """The chat whose order an update keeps: its chat, else its user (e.g. a callback query without
    message), else None."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class InboxWorker:
    """Stores updates and runs them through `process`, one lane (asyncio task) per chat."""

    def __init__(self, database: Database, process: Process, *, max_attempts: int = 5) -> None:
        self.database = database
        self.process = process
        self.max_attempts = max_attempts
        self._semaphore = asyncio.Semaphore(CONCURRENCY)
        self._queues: dict[int, list[int]] = {}  # chat -> update ids waiting, ascending
        self._lanes: dict[int, asyncio.Task[None]] = {}
        self._known: set[int] = set()  # queued or running
        self._scanner: asyncio.Task[None] | None = None
        self._stopping = False
        self._idle = asyncio.Event()
        self._idle.set()

    # --- intake ---------------------------------------------------------------------------------------------

    async def store(self, updates: Sequence[Update | dict[str, Any]]) -> int:
        """Store updates durably, then queue the new ones; returns how many were new.

        Returns only after the commit: the caller may then tell Telegram the updates arrived.
        """
        rows: list[tuple[int, int | None, dict[str, Any]]] = []
        for item in updates:
            if isinstance(item, Update):
                rows.append((item.update_id, chat_of(item), item.to_dict()))
            else:
                rows.append((int(item["update_id"]), chat_of(Update.de_json(item, None)), item))
        async with self.database.transaction() as session:
            new = await store.store_updates(session, rows, utcnow())
        self._queue(new)
        return len(new)

    # --- running --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Queue what an earlier process left pending, then keep scanning. Call before the intake stores
        anything: a chat's leftover update must come before its new ones. A worker is started once."""
        count = await self.scan()
        if count:
            logger.info("inbox: %d stored updates left to process", count)
        self._scanner = asyncio.create_task(self._scan_loop(), name="inbox-scan")

    async def stop(self, grace: float = 10.0) -> None:
        """Finish the updates being processed (up to `grace` seconds); queued ones stay pending for next
        time."""
        self._stopping = True
        if self._scanner is not None:
            self._scanner.cancel()
            await asyncio.gather(self._scanner, return_exceptions=True)
            self._scanner = None
        lanes = list(self._lanes.values())
        if lanes:
            _, running = await asyncio.wait(lanes, timeout=grace)
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Until nothing is queued or running (tests, benchmarks)."""
        await self._idle.wait()

    async def scan(self) -> int:
        """Queue every pending update not queued yet (oldest first); returns how many."""
        async with self.database.sessions() as session:
            pending = await store.pending_updates(session, limit=SCAN_LIMIT)
        fresh = [(update_id, chat) for update_id, chat in pending if update_id not in self._known]
        self._queue(fresh)
        return len(fresh)

    async def _scan_loop(self) -> None:
        # What another process stored (this one's own updates are queued when stored).
        while not self._stopping:
            await asyncio.sleep(SCAN_INTERVAL)
            try:
                count = await self.scan()
                if count:
                    logger.info("inbox: %d stored updates to process", count)
            except Exception:
                logger.exception("inbox scan failed")

    def _queue(self, items: Sequence[tuple[int, int | None]]) -> None:
        for update_id, chat in items:
            if update_id in self._known or self._stopping:
                continue
            self._known.add(update_id)
            self._idle.clear()
            lane = NO_CHAT if chat is None else chat
            bisect.insort(self._queues.setdefault(lane, []), update_id)
            if lane not in self._lanes:
                self._lanes[lane] = asyncio.create_task(self._run_lane(lane), name=f"inbox-lane-{lane}")

    async def _run_lane(self, lane: int) -> None:
        queue = self._queues[lane]
        try:
            while queue and not self._stopping:
                update_id = queue.pop(0)
                try:
                    async with self._semaphore:
                        await self._handle(update_id)
                finally:
                    self._known.discard(update_id)
        finally:
            # No await between the last look at the queue and here: a new update either found this lane
            # running (and was taken above) or finds it gone and starts a new one.
            del self._lanes[lane]
            for update_id in queue:
                self._known.discard(update_id)
            del self._queues[lane]
            if not self._lanes:
                self._idle.set()

    async def _handle(self, update_id: int) -> None:
        async with self.database.transaction() as session:
            begun = await store.begin_update(session, update_id)
        if begun is None:
            return  # processed meanwhile
        payload, attempts = begun
        status = InboxStatus.DONE
        if attempts > self.max_attempts:
            logger.error("inbox: update %s started %d times, never finished; skipped", update_id, attempts)
            status = InboxStatus.FAILED
        else:
            if attempts > 1:
                logger.info(
                    "inbox: update %s again (attempt %d: a process stopped in it)", update_id, attempts
                )
            try:
                await self.process(payload)
            except Exception:
                # Handler errors are PTB's (the error handler answers the resident); this is a broken update.
                logger.exception("inbox: update %s could not be processed", update_id)
                status = InboxStatus.FAILED
        await self._finish(update_id, status)

    async def _finish(self, update_id: int, status: InboxStatus) -> None:
        delay = 0.5
        while True:
            try:
                async with self.database.transaction() as session:
                    await store.finish_update(session, update_id, status, utcnow())
                return
            except Exception:
                # Not marked: processing it again after a restart is safe, losing the mark is not fatal.
                logger.exception("inbox: could not mark update %s done; retrying", update_id)
                if self._stopping:
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
