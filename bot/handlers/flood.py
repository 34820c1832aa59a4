"""A resident who sends very many messages is slowed down (one notice), so the bot stays usable for all."""

from __future__ import annotations

import time
from collections import deque

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import Context

WINDOW_SECONDS = 60.0
MAX_UPDATES = 20


class FloodGuard:
    """Per-user sliding window kept in memory: losing it on restart only resets the counters."""

    def __init__(self, limit: int = MAX_UPDATES, window: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def allow(self, user_id: int, now: float) -> tuple[bool, bool]:
        """(allowed, warn now)."""
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.discard(user_id)
            return True, False
        first_warning = user_id not in self._warned
        self._warned.add(user_id)
        return False, first_warning


async def guard(update: Update, context: Context) -> None:
    """Group -20: drop a resident's updates beyond the limit, telling them once to slow down."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != chat.PRIVATE:
        return
    flood: FloodGuard = context.services.extras.setdefault("flood", FloodGuard())
    allowed, warn = flood.allow(user.id, time.monotonic())
    if allowed:
        return
    if warn:
        t = context.services.i18n.translator(context.services.i18n.negotiate(user.language_code))
        await context.bot.send_message(
            chat.id, t.gettext("You are sending very many messages. Please wait a minute, then write again.")
        )
    raise ApplicationHandlerStop
