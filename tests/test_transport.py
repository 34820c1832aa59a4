"""Every Bot API call retries transient failures: a resident's screen survives a flaky API; a 429 is waited
out in one place, the pacer."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.testing.fakeapi import FakeTelegram
from bot.transport import ChatPacer, Pacing, RetryingRequest
from tests.harness import BotHarness

pytestmark = pytest.mark.screens  # on SQLite only (tests/conftest.py says why)

URL = "https://api.telegram.org/botTOKEN/sendMessage"
MESSAGE = RequestData([RequestParameter("chat_id", 42, None), RequestParameter("text", "Hallo", None)])


def failing(faults: list[Any]) -> FakeTelegram:
    """A fake Bot API whose next calls fail with `faults` (an exception, or (status, body)), in order."""
    telegram = FakeTelegram()
    telegram.fault = lambda method, params: faults.pop(0) if faults and method == "sendMessage" else None
    return telegram


def too_many(seconds: float) -> tuple[int, dict[str, Any]]:
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


async def test_a_429_is_waited_out_once_by_the_pacer_not_again_by_the_transport(database_url: str) -> None:
    faults: list[Any] = [too_many(0.05)]
    async with BotHarness.running(database_url=database_url, telegram=failing(faults)) as bot:
        ayse = bot.resident("Ayşe", lang="tr")
        await ayse.send("/start")
        assert not faults
        assert "Türkçe" in " ".join(ayse.last().labels)
        # One call answered 429, one after the wait: the transport passed the 429 up at once.
        assert len(bot.telegram.calls_of("sendMessage")) == 2


async def test_the_pacer_gives_a_long_retry_after_to_the_caller() -> None:
    calls: list[float] = []

    async def call(wait: float) -> bool:
        calls.append(wait)
        if len(calls) == 1:
            raise RetryAfter(wait)
        return True

    pacer = ChatPacer(Pacing(max_wait=1.0))
    data = {"chat_id": 42, "text": "Hallo"}
    assert await pacer.process_request(call, (0.01,), {}, "sendMessage", data, None) is True
    assert calls == [0.01, 0.01]

    calls.clear()
    with pytest.raises(RetryAfter):  # the delivery worker keeps its row for later
        await pacer.process_request(call, (5.0,), {}, "sendMessage", data, None)
    assert calls == [5.0]


async def test_the_transport_passes_a_429_up_unchanged() -> None:
    telegram = failing([too_many(1)])
    status, _ = await RetryingRequest(telegram).do_request(URL, "POST", MESSAGE)
    assert status == 429 and len(telegram.calls) == 1


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


async def test_the_pacer_tells_which_chats_must_wait_and_for_how_long() -> None:
    now = [0.0]
    pacer = ChatPacer(Pacing(), clock=lambda: now[0])

    async def sent() -> bool:
        return True

    async def send(chat_id: int, times: int, endpoint: str = "sendMessage") -> None:
        for _ in range(times):
            await pacer.process_request(sent, (), {}, endpoint, {"chat_id": chat_id}, None)

    await send(-100, Pacing().group.burst)  # a group's burst, at once
    await send(42, Pacing().private.burst)  # a private chat's
    await send(43, 10, "editMessageText")  # edits are not what Telegram's limits count
    assert pacer.waiting_chats() == {-100: 3.0, 42: 1.0}
    now[0] = 1.0
    assert pacer.waiting_chats() == {-100: 2.0}
    now[0] = 3.0
    assert pacer.waiting_chats() == {}
