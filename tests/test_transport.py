"""Every Bot API call retries transient failures: a resident's screen survives a flaky API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from telegram.error import BadRequest, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.testing.fakeapi import FakeTelegram
from bot.transport import RetryingRequest
from tests.harness import BotHarness

URL = "https://api.telegram.org/botTOKEN/sendMessage"
MESSAGE = RequestData([RequestParameter("chat_id", 42, None), RequestParameter("text", "Hallo", None)])


def failing(faults: list[Any]) -> FakeTelegram:
    """A fake Bot API whose next calls fail with `faults` (an exception, or (status, body)), in order."""
    telegram = FakeTelegram()
    telegram.fault = lambda method, params: faults.pop(0) if faults and method == "sendMessage" else None
    return telegram


def too_many(seconds: int) -> tuple[int, dict[str, Any]]:
    body = {"ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": {}}
    body["parameters"]["retry_after"] = seconds
    return 429, body


async def test_the_start_screen_arrives_although_the_api_timed_out_and_failed_first(
    database_url: str,
) -> None:
    faults: list[Any] = [
        TimedOut("read timeout"),
        (500, {"ok": False, "error_code": 500, "description": "x"}),
    ]
    async with BotHarness.running(database_url=database_url, telegram=failing(faults)) as bot:
        ayse = bot.resident("Ayşe", lang="tr")
        await ayse.send("/start")
        assert not faults
        assert "Türkçe" in " ".join(ayse.last().labels)
        assert not any("went wrong" in (m.text or "") for m in bot.telegram.bot_messages(ayse.user_id))


async def test_a_short_retry_after_is_waited_out_and_a_long_one_is_the_callers() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    request = RetryingRequest(failing([too_many(2)]), sleep=sleep)
    status, body = await request.do_request(URL, "POST", MESSAGE)
    assert status == 200 and json.loads(body)["ok"]
    assert 2 <= waits[0] < 3

    request = RetryingRequest(failing([too_many(60)]), sleep=sleep)
    status, _ = await request.do_request(URL, "POST", MESSAGE)
    assert status == 429  # PTB raises RetryAfter: the delivery worker reschedules the row


async def test_a_call_keeps_failing_only_after_five_tries_and_a_bad_request_is_not_retried() -> None:
    async def sleep(seconds: float) -> None:
        return None

    telegram = failing([TimedOut()] * 6)
    with pytest.raises(TimedOut):
        await RetryingRequest(telegram, sleep=sleep).do_request(URL, "POST", MESSAGE)
    assert len(telegram.calls) == 5

    telegram = failing([BadRequest("Message text is empty")])
    with pytest.raises(BadRequest):
        await RetryingRequest(telegram, sleep=sleep).do_request(URL, "POST", MESSAGE)
    assert len(telegram.calls) == 1
