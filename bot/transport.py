"""The Bot API transport of the bot: every call retries transient failures a few times, in this one place.

`RetryingRequest` wraps PTB's `HTTPXRequest` (or the offline fake) below PTB's error handling and rate
limiter. It retries a call that timed out or could not connect, one answered with a 5xx, and one answered
429 whose `retry_after` is short, after that wait; other answers go up unchanged. The handlers' screens and
the delivery worker's sends both go through it (the worker keeps its own, slower, retries on top).

A call that timed out may have reached Telegram: retrying it can show a message twice. For a resident that
is better than a screen that never comes; the request numbers in the bot's messages let a partner's reply
to either copy find its request (`bot.tickets.relay.partner_reply`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for. PTB 22 deprecates the int form of `retry_after`; both are accepted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _retry_after(body: bytes) -> float | None:
    try:
        value = json.loads(body)["parameters"]["retry_after"]
        return float(value)
    except (ValueError, KeyError, TypeError):
        return None


class RetryingRequest(BaseRequest):
    """`inner` with up to `attempts` tries per call (see the module docstring)."""

    def __init__(
        self,
        inner: BaseRequest,
        *,
        attempts: int = 5,
        base_delay: float = 0.5,
        max_retry_after: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.inner = inner
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_retry_after = max_retry_after
        self._sleep = sleep

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    def _backoff(self, attempt: int) -> float:
        delay = min(4.0, self.base_delay * 2 ** (attempt - 1))
        return delay / 2 + random.uniform(0, delay / 2)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                status, body = await self.inner.do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
                )
            except NetworkError as exc:  # TimedOut included
                if last or isinstance(exc, BadRequest):
                    raise
                logger.info("%s: %s, trying again", endpoint, type(exc).__name__)
                await self._sleep(self._backoff(attempt))
                continue
            if status == 429:
                wait = _retry_after(body)
                if last or wait is None or wait > self.max_retry_after:
                    return status, body
                logger.info("%s: flood control, trying again in %.0f s", endpoint, wait)
                await self._sleep(wait + random.uniform(0, 0.5))
                continue
            if status >= 500 and not last:
                logger.info("%s: server error %s, trying again", endpoint, status)
                await self._sleep(self._backoff(attempt))
                continue
            return status, body
        raise AssertionError("unreachable")
