"""Counting a resident's messages per minute (the rule; the handler in bot.handlers.flood applies it)."""

from __future__ import annotations

from collections import deque

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
