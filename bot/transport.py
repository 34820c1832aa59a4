"""The Bot API transport of the bot, in two layers with one job each.

`ChatPacer` (PTB's rate limiter) paces the bot's messages within Telegram's limits, per chat and in all,
and is the one owner of 429 ("Too Many Requests"): it waits out `retry_after` and makes the call again,
for every call of the bot (screens, relays, cards, admin notices). A wait longer than `Pacing.max_wait`
goes up as `RetryAfter`: the delivery worker keeps the outbox row for later, a handler's update is handled
again later (`bot.telegram_modes`).

`RetryingRequest` wraps PTB's `HTTPXRequest` (or the offline fake) below it and retries the failures of
the network: a call that timed out or could not connect, and one answered with a 5xx. Other answers
(a 429 included) go up unchanged. The delivery worker keeps its own, slower, retries on top.

A call that timed out may have reached Telegram: retrying it can show a message twice. For a resident that
is better than a screen that never comes; the request numbers in the bot's messages let a partner's reply
to either copy find its request (`bot.tickets.relay.partner_reply`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)


def backoff(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait after failed try `attempt` (from 1): `base` doubling each try, at most `cap`, with
    "equal jitter": never all at once after an outage, never much sooner than planned."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay / 2 + random.uniform(0, delay / 2)


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for. PTB 22 deprecates the int form of `retry_after`; both are accepted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RetryingRequest(BaseRequest):
    """`inner` with up to `ATTEMPTS` tries per call (see the module docstring)."""

    ATTEMPTS = 5

    def __init__(
        self,
        inner: BaseRequest,
        *,
        base_delay: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.inner = inner
        self.base_delay = base_delay
        self._sleep = sleep

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        # Each a float, None or `BaseRequest.DEFAULT_NONE` ("not given"), passed on to `inner` as it came.
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        attempt = 1
        while True:
            try:
                status, body = await self.inner.do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
                )
                problem = f"server error {status}" if status >= 500 else None
            except NetworkError as exc:  # TimedOut included
                if attempt == self.ATTEMPTS or isinstance(exc, BadRequest):
                    raise
                problem = type(exc).__name__
            if problem is None or attempt == self.ATTEMPTS:
                return status, body
            logger.info("%s: %s, trying again", url.rsplit("/", 1)[-1], problem)
            await self._sleep(backoff(attempt, self.base_delay, 4.0))
            attempt += 1


# --- pacing --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """`burst` messages at once, then one every `every` seconds."""

    burst: int
    every: float


class Schedule:
    """One limit (a chat's, or all of the bot's) as a schedule: each message reserves its moment when it
    asks (GCRA), so those waiting go in the order they asked, and how long the next one would wait is known
    before it asks (the delivery worker leaves a chat's rows alone until then)."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self._full_at = -math.inf  # when the burst is back in full

    def wait(self, now: float) -> float:
        """Seconds a message asking at `now` would wait."""
        return max(0.0, self._full_at - (self.rate.burst - 1) * self.rate.every - now)

    def reserve(self, now: float) -> float:
        """Take the next moment; the seconds until it comes."""
        wait = self.wait(now)
        self._full_at = max(self._full_at, now) + self.rate.every
        return wait

    def idle(self, now: float) -> bool:
        return self._full_at <= now


@dataclass(frozen=True)
class Window:
    """At most `count` messages in any `seconds` seconds."""

    count: int
    seconds: float


class WindowSchedule:
    """A `Window` as a schedule, like `Schedule`: the moments of the last `count` messages, the next one
    `seconds` after the oldest of them. Telegram's 20 messages a minute into a group is such a window: a
    burst-and-rate schedule that allowed a full burst would let up to twice as many into one minute."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self._moments: deque[float] = deque(maxlen=window.count)

    def wait(self, now: float) -> float:
        if len(self._moments) < self.window.count:
            return 0.0
        return max(0.0, self._moments[0] + self.window.seconds - now)

    def reserve(self, now: float) -> float:
        wait = self.wait(now)
        self._moments.append(now + wait)
        return wait

    def idle(self, now: float) -> bool:
        return not self._moments or self._moments[-1] + self.window.seconds <= now


@dataclass(frozen=True)
class Pacing:
    """How fast the bot sends. Telegram: about one message a second per chat (short bursts tolerated),
    20 a minute per group, 30 a second in all; beyond that it answers 429 with `retry_after`."""

    private: Rate = Rate(3, 1.0)
    # A second more than Telegram's minute: a message that took longer on its way than the one 20 before it
    # still arrives outside that one's minute.
    group: Window = Window(20, 61.0)
    overall: Rate = Rate(25, 1 / 30)
    # 429s one call waits out before it fails; a longer `retry_after` than `max_wait` fails at once (the
    # outbox keeps its row and sends it later; a handler's update is handled again, see telegram_modes).
    max_retries: int = 5
    max_wait: float = 60.0


def paced(endpoint: str) -> bool:
    """Calls that put a message into a chat (what Telegram's limits count); edits, answers to buttons
    and reads are not held back."""
    return endpoint.startswith(("send", "copyMessage", "forwardMessage")) and endpoint != "sendChatAction"


class ChatPacer(BaseRateLimiter[int]):
    """PTB's rate limiter for the bot: paces messages per chat and in all, and is the one place where a
    429 is waited out and the call made again.

    Not PTB's `AIORateLimiter`: it does not pace private chats at all, and while one call waits out a
    429 it holds back every other call of the bot, to every chat. Here a 429 pauses only its own chat.
    """

    def __init__(
        self,
        pacing: Pacing | None = None,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`clock` (the event loop's by default) and `sleep` go together: a test moves both."""
        self.pacing = pacing or Pacing()
        self._clock = clock or (lambda: asyncio.get_running_loop().time())
        self._sleep = sleep
        self._overall = Schedule(self.pacing.overall)
        self._chats: dict[int | str, Schedule | WindowSchedule] = {}
        self._paused_until: dict[int | str, float] = {}

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def _schedule(self, chat_id: int | str) -> Schedule | WindowSchedule:
        if len(self._chats) > 1000:
            # Forget the chats that have been quiet long enough to be back at full burst.
            now = self._clock()
            for key, schedule in list(self._chats.items()):
                if schedule.idle(now):
                    del self._chats[key]
        if chat_id not in self._chats:
            private = isinstance(chat_id, int) and chat_id > 0
            self._chats[chat_id] = (
                Schedule(self.pacing.private) if private else WindowSchedule(self.pacing.group)
            )
        return self._chats[chat_id]

    def seed(self, sent: Iterable[tuple[int, float]]) -> None:
        """Take the messages a previous process sent as sent by this one: (chat, seconds ago), oldest first.
        A restart must not give a group that just had its burst another one; a chat this pacer already
        paces keeps its own schedule."""
        now = self._clock()
        known = set(self._chats)
        for chat_id, ago in sent:
            if chat_id not in known:
                self._schedule(chat_id).reserve(now - ago)

    def waiting_chats(self) -> dict[int | str, float]:
        """Chats a message would have to wait for now (their pace, or a 429's pause): the seconds each."""
        now = self._clock()
        waits = {chat: schedule.wait(now) for chat, schedule in self._chats.items()}
        for chat, until in self._paused_until.items():
            waits[chat] = max(waits.get(chat, 0.0), until - now)
        return {chat: wait for chat, wait in waits.items() if wait > 0}

    async def _take(self, schedule: Schedule | WindowSchedule) -> None:
        wait = schedule.reserve(self._clock())
        if wait > 0:
            await self._sleep(wait)

    async def _wait_for_chat(self, chat_id: int | str) -> None:
        delay = self._paused_until.get(chat_id, 0.0) - self._clock()
        while delay > 0:  # another call's 429 may extend the pause meanwhile
            await self._sleep(delay)
            delay = self._paused_until.get(chat_id, 0.0) - self._clock()
        self._paused_until.pop(chat_id, None)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,  # a call's own `rate_limit_args=`: the bot gives none
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id: Any = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)
        attempt = 0
        while True:
            if chat_id is not None:
                await self._wait_for_chat(chat_id)
            try:
                if chat_id is not None and paced(endpoint):
                    await self._take(self._schedule(chat_id))
                    await self._take(self._overall)
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt >= self.pacing.max_retries or wait > self.pacing.max_wait:
                    raise
                attempt += 1
                logger.info("%s to %s: flood control, trying again in %.1f s", endpoint, chat_id, wait)
                if chat_id is not None:
                    until = self._clock() + wait
                    self._paused_until[chat_id] = max(until, self._paused_until.get(chat_id, 0.0))
                else:
                    await self._sleep(wait)
