"""The durable inbox: stored once, processed in order per chat and concurrently across chats, finished
after a restart; and what a replay of an update must not do twice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.inbox.worker import InboxWorker
from bot.storage.db import Database
from bot.storage.models.inbox import InboxStatus, InboxUpdate
from bot.testing.fakeapi import SimUser
from tests.harness import COURSE_GROUP, BotHarness, content_with_partner_group, skip_questions

# On both databases: kills, restarts and concurrent chats (tests/conftest.py).
pytestmark = pytest.mark.db_behaviour

GROUP = COURSE_GROUP


def update(update_id: int, chat_id: int, text: str = "hallo") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private", "first_name": "R"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "R"},
            "text": text,
        },
    }


class Recorder:
    """A `process` that records what ran when; updates named in `blocked` wait for `release`."""

    def __init__(self, blocked: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.events: list[tuple[str, int]] = []
        self.blocked = blocked
        self.release = asyncio.Event()

    async def __call__(self, payload: dict[str, Any]) -> None:
        update_id = payload["update_id"]
        self.events.append(("start", update_id))
        if update_id in self.blocked:
            await self.release.wait()
        await asyncio.sleep(0)
        self.events.append(("end", update_id))


async def statuses(database: Database) -> dict[int, tuple[str, int]]:
    async with database.sessions() as session:
        rows = (await session.scalars(select(InboxUpdate))).all()
        return {row.update_id: (row.status.value, row.attempts) for row in rows}


async def until(condition: Any, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never met")


async def test_one_chat_waits_for_its_slow_update_while_other_chats_go_on(database: Database) -> None:
    recorder = Recorder(blocked={1})
    worker = InboxWorker(database, recorder)
    await worker.store([update(1, 100), update(2, 200), update(3, 100), update(4, 300)])
    await until(lambda: ("end", 4) in recorder.events and ("end", 2) in recorder.events)
    # Chat 100's second update has not started: its first one still waits for the slow Bot API.
    assert ("start", 3) not in recorder.events
    recorder.release.set()
    await worker.wait_idle()
    assert recorder.events.index(("end", 1)) < recorder.events.index(("start", 3))
    assert {k: v[0] for k, v in (await statuses(database)).items()} == dict.fromkeys([1, 2, 3, 4], "done")


async def test_an_update_stored_twice_is_processed_once(database: Database) -> None:
    recorder = Recorder()
    worker = InboxWorker(database, recorder)
    assert await worker.store([update(7, 100)]) == 1
    await worker.wait_idle()
    # Telegram sends it again (the confirmation got lost): nothing new.
    assert await worker.store([update(7, 100), update(8, 100)]) == 1
    await worker.wait_idle()
    assert [event for event in recorder.events if event[0] == "start"] == [("start", 7), ("start", 8)]


async def test_updates_a_killed_process_left_are_processed_after_the_restart(database: Database) -> None:
    first = Recorder(blocked={1, 2})
    dead = InboxWorker(database, first)
    await dead.store([update(1, 100), update(2, 200), update(3, 100)])
    # Both chats' first updates are under way (each chat has its own lane: under load one starts later).
    await until(lambda: {("start", 1), ("start", 2)} <= set(first.events))
    for task in list(dead._lanes.values()):  # the process dies: nothing is marked, nothing cleans up
        task.cancel()
    await asyncio.gather(*dead._lanes.values(), return_exceptions=True)

    second = Recorder()
    restarted = InboxWorker(database, second)
    await restarted.start()
    await until(lambda: len([e for e in second.events if e[0] == "end"]) == 3)
    await restarted.stop()
    assert [e[1] for e in second.events if e[0] == "start" and e[1] != 2] == [1, 3]  # chat 100 in order
    rows = await statuses(database)
    assert rows[1] == ("done", 2) and rows[2] == ("done", 2) and rows[3] == ("done", 1)


async def test_a_chats_leftover_update_comes_before_its_new_ones_after_a_restart(database: Database) -> None:
    async with database.transaction() as session:  # the dead process had started it
        session.add(
            InboxUpdate(update_id=1, chat_id=100, payload=update(1, 100), attempts=1, status="pending")
        )
    recorder = Recorder()
    worker = InboxWorker(database, recorder)
    await worker.start()
    await worker.store([update(2, 100)])  # the resident's next tap, fetched right after the start
    await worker.wait_idle()
    await worker.stop()
    assert [event for event in recorder.events if event[0] == "start"] == [("start", 1), ("start", 2)]


async def test_an_update_that_kills_the_process_every_time_is_given_up(database: Database) -> None:
    worker = InboxWorker(database, Recorder(), max_attempts=3)
    async with database.transaction() as session:
        session.add(
            InboxUpdate(update_id=9, chat_id=100, payload=update(9, 100), attempts=3, status="pending")
        )
    await worker.start()
    for _ in range(500):  # until the start's scan has given it up (not a fixed wait: the scan decides)
        if (await statuses(database))[9][0] != "pending":
            break
        await asyncio.sleep(0.01)
    await worker.stop()
    assert (await statuses(database))[9] == (InboxStatus.FAILED.value, 4)
    assert worker._scanner is None and not worker._known and not worker._lanes


# --- replays through the real handlers ----------------------------------------------------------------------


@pytest.fixture
def replayable(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every update the simulated people send, to process one of them again as after a restart."""
    sent: list[dict[str, Any]] = []
    original = SimUser._process

    async def recording(self: SimUser, data: dict[str, Any]) -> None:
        sent.append(data)
        await original(self, data)

    monkeypatch.setattr(SimUser, "_process", recording)
    return sent


async def test_updates_processed_again_after_a_restart_change_nothing_twice(
    database_url: str, tmp_path: Path, replayable: list[dict[str, Any]]
) -> None:
    content = content_with_partner_group(tmp_path, "bildungstraeger", GROUP)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        amal = bot.resident("Amal", lang="de")
        await amal.send("/start o_deutschkurs-frauen")
        await amal.tap("✋")
        if "⏭" in " ".join(amal.last().labels):
            await amal.tap("⏭")
            second = amal.last().text
            await amal._process(replayable[-1])  # the same "skip" again: no second question skipped
            assert amal.last().text == second
        await skip_questions(amal)  # the course asks more than one question
        await amal.send("Ich möchte mich anmelden")
        await amal._process(replayable[-1])  # the same message again
        await amal.tap("✅")
        await amal.tap("💬")
        consent = amal.last()
        assert (consent.text or "").count("Ich möchte mich anmelden") == 1
        await amal.tap("✅")
        await amal._process(replayable[-1])  # "Send" again
        delivery = bot.services.delivery
        assert delivery is not None
        while await delivery.run_once():
            pass
        cards = [m for m in bot.telegram.bot_messages(GROUP) if "Ich möchte" in (m.text or "")]
        assert len(cards) == 1

        petra = bot.partner("Petra", GROUP)
        answer = await petra.send("Gerne, Dienstag um 9.", reply_to=cards[0])
        await petra._process(replayable[-1])
        await petra.edit(answer, "Gerne, Mittwoch um 9.")
        await petra._process(replayable[-1])
        while await delivery.run_once():
            pass
        texts = [m.text or "" for m in bot.telegram.bot_messages(amal.user_id)]
        assert len([t for t in texts if "Dienstag um 9" in t]) == 1
        assert len([t for t in texts if "Mittwoch um 9" in t]) == 1


async def test_an_update_whose_screen_could_not_be_sent_is_handled_again(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import telegram_modes
    from bot.testing.fakeapi import FakeTelegram

    telegram = FakeTelegram()
    down = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    failures = [(502, down)] * 5  # as often as the transport tries one call
    telegram.fault = lambda method, params: failures.pop() if failures and method == "sendMessage" else None
    monkeypatch.setattr(telegram_modes, "RERUN_DELAYS", (0.01,))
    async with BotHarness.running(database_url=database_url, telegram=telegram) as bot:
        bot.app.add_error_handler(telegram_modes.note_unreachable)
        worker = InboxWorker(bot.services.database, telegram_modes.update_processor(bot.app))
        start = update(1, 4711, "/start")
        start["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
        await worker.store([start])
        await worker.wait_idle()
        texts = [m.text or "" for m in telegram.bot_messages(4711)]
        assert not failures
        assert len(texts) == 1 and "Türkçe" in " ".join(telegram.bot_messages(4711)[0].labels)
