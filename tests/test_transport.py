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

    await send(-100, Pacing().group.count)  # a group's minute, at once
    await send(42, Pacing().private.burst)  # a private chat's
    await send(43, 10, "editMessageText")  # edits are not what Telegram's limits count
    minute = Pacing().group.seconds  # Telegram's minute for 20 messages into a group, and a margin
    assert pacer.waiting_chats() == {-100: minute, 42: 1.0}
    now[0] = 1.0
    assert pacer.waiting_chats() == {-100: minute - 1.0}
    now[0] = minute
    assert pacer.waiting_chats() == {}


async def test_no_minute_ever_holds_more_than_twenty_messages_to_one_group() -> None:
    """Telegram takes 20 messages a minute into a group: 50 asked at once go in 20 at a time, each 20 a
    minute (and its margin) after the 20 before, never 20 plus a rate on top of a full burst."""
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = ChatPacer(Pacing(), clock=lambda: now[0], sleep=sleep)
    moments: list[float] = []

    async def sent() -> bool:
        moments.append(now[0])
        return True

    for _ in range(50):
        await pacer.process_request(sent, (), {}, "sendMessage", {"chat_id": -100}, None)
    assert max(sum(start <= m < start + 60 for m in moments) for start in moments) == 20
    minute = Pacing().group.seconds
    assert sorted(set(moments)) == [0.0, minute, 2 * minute]
