"""Benchmark: nothing lost when the bot is killed again and again under a flaky Bot API (issue 14).

    .venv/bin/python bench/kill_bench.py [--requests 1000] [--kills 6] [--faults 0.2] [--webhook]
                                         [--postgres URL] [--parallel 40] [--per-minute 0] [--seed 14]

The bot runs as its own process (`run_bot.py`, polling or webhook) against the HTTP Bot API fake of the
tests (tests/bot_api_server.py) on 127.0.0.1. `--requests` residents each sign up for a course through the
whole dialogue (offer, "I'm interested", intake skipped, a message, Done, "here in the chat", Send); the
partner group answers each card (a reply to the first copy of it), and the answer must reach the resident:
that is one request and one relay per resident. `--faults` of the bot's calls fail: 429 with retry_after
1 s, 500, or a timeout that still delivered (the answer comes after the bot's 5 s read timeout). `--parallel`
residents are under way at once; with `--per-minute N` they also start evenly spaced, one every 60/N s (a
load whose busiest group stays within Telegram's 20 a minute: N = 45 with the shipped offers). The bot
is killed with SIGKILL `--kills` times, at random moments while requests are under way, and started again
at once on the same database.

It prints one Markdown table row for BENCHMARKS.md:
- updates lost: updates Telegram handed over (polling: below the offset the bot confirmed; webhook:
  answered 200) that the bot's inbox never finished. Residents whose next screen did not come within
  STEP_TIMEOUT are listed apart ("stuck", by step): a late screen is not a lost update, but it is a failure.
- processed twice: effects an update caused twice (a second request of one resident, a message added
  twice to a draft, a partner's answer relayed twice). "Handled again" counts updates whose handlers ran
  again after a kill (at most one per chat per kill): allowed, as long as nothing happens twice.
- partner replies dropped: answers that never reached their resident.
- outbound duplicates: a message (not an edit) the bot sent twice to one chat, split by cause: a send that
  timed out but had arrived (retried by design); a chat where one call failed as often as the bot tries,
  so the update was handled again (by design); otherwise a kill (sent, not recorded). Each one put down to
  a kill is listed (chat, outbox rows, each copy's moment against the nearest kill, whether the first
  copy's row was recorded as sent), and the record window is printed: from a message posted to its row
  recorded as sent, over all rows (while a row is in it, a kill sends its message again).
- buttons answered: taps whose spinner the bot stopped (answerCallbackQuery reached the API).
- drain: seconds from the last restart until everything the killed process left was done: every update
  Telegram had handed over before the kill processed, every outbox row written before it sent. (Updates
  that keep coming in after the restart are not backlog.) Also apart: the updates, the rows to private
  chats, the rows to groups. A group takes 20 messages a minute (Telegram's limit, kept by the bot and
  enforced by the fake), so its part cannot be shorter than its backlog at the kill allows: printed with
  the groups' demand (the most rows one group was given in any 60 s of the run).
- groups' pace: the most messages the bot posted into one group in any 60 s (a kill must not let the
  restarted bot send a group's burst again), and how often the fake's flood limits answered 429.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from sqlalchemy import text  # noqa: E402

from bot.storage.db import create_database  # noqa: E402
from bot.testing.fakeapi import Sent  # noqa: E402
from bot.transport import Pacing  # noqa: E402
from tests.bot_api_server import SENDS, BotApiServer, HttpUser  # noqa: E402

TOKEN = "123456789:AAH-bench-token-for-a-local-bot-api-server"
FIRST_GROUP = -1_000_000_001_000  # partner k's group is FIRST_GROUP - k
# A resident gives up on a screen after this long (counted as stuck).
STEP_TIMEOUT = float(os.environ.get("KILL_BENCH_STEP_TIMEOUT", 180))
NUMBER = re.compile(r"(?<!\d)\d{6}(?!\d)")


class TimedServer(BotApiServer):
    """The fake, noting when each message a send created was posted (wall clock): the duplicates a kill
    left are placed against the kill's moment."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.posted_at: dict[tuple[int, int], float] = {}  # (chat id, message id) -> time.time()

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        status, answer, delay = super().handle(method, params)
        result = answer.get("result")
        if method in SENDS and status == 200 and isinstance(result, dict) and "message_id" in result:
            with self.lock:
                self.posted_at[(int(result["chat"]["id"]), int(result["message_id"]))] = time.time()
        return status, answer, delay


@dataclass
class Resident:
    index: int
    user: HttpUser
    step: str = "start"
    seen: tuple[int, int] | None = None  # (message id, edits) of the screen last acted on
    waiting_since: float = field(default_factory=time.monotonic)
    number: str | None = None
    done: bool = False
    stuck: str | None = None


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.rng = random.Random(args.seed)
        self.server = TimedServer(fault_rate=args.faults, seed=args.seed, retry_after=1)
        self.content, self.groups = content_with_groups(workdir)
        self.offers = sorted(p.stem for p in (self.content / "offers").glob("*.yaml"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.last_start = 0.0
        self.kills: list[float] = []  # time.time() of each SIGKILL
        self.partners = {g: HttpUser(self.server, 9_000_001, "Petra", "de", chat_id=g) for g in self.groups}
        self.cards: dict[int, list[Sent]] = {}  # resident index -> copies of their card
        self._group_seen = dict.fromkeys(self.groups, 0)
        self.pressed: list[str] = []
        self.replied: set[int] = set()
        self.schema: str | None = None
        if args.postgres:
            schema = self.schema = f"kill_{uuid.uuid4().hex[:8]}"
            asyncio.run(self._sql(args.postgres, f'CREATE SCHEMA "{schema}"'))
            self.database_url = f"{args.postgres}?search_path={schema}"
        else:
            self.database_url = f"sqlite+aiosqlite:///{workdir}/bot.db"

    @staticmethod
    async def _sql(url: str, statement: str) -> None:
        database = create_database(url)
        try:
            async with database.engine.begin() as conn:
                await conn.execute(text(statement))
        finally:
            await database.dispose()

    # --- the bot process ---------------------------------------------------------------------------------

    def start(self) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.server.url,
            "DATABASE_URL": self.database_url,
            "CONTENT_DIR": str(self.content),
            # A copy of the shipped content, example data: on Telegram only as a trial run.
            "ALLOW_EXAMPLE_DATA": "true",
            "LOCALES_DIR": str(ROOT / "locales"),
            "CONTENT_CACHE_DIR": "",
            "LOG_LEVEL": "WARNING",
        }
        if self.args.webhook:
            env |= {
                "WEBHOOK_URL": "https://bot.example.org",
                "WEBHOOK_SECRET": "bench-secret",
                "WEBHOOK_LISTEN": "127.0.0.1",
                "WEBHOOK_PORT": str(self.port),
            }
        self.starts += 1
        log = open(self.workdir / f"bot-{self.starts}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "run_bot.py"), "--env-file", str(self.workdir / "none")],
            env=env,
            cwd=self.workdir,
            stdout=log,
            stderr=log,
        )
        self.last_start = time.monotonic()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.kills.append(time.time())

    # --- residents ---------------------------------------------------------------------------------------

    def _new_group_messages(self) -> None:
        messages = []
        with self.server.lock:
            for group, seen in self._group_seen.items():
                new = self.server.telegram.messages(group)[seen:]
                self._group_seen[group] += len(new)
                messages += new
        for message in messages:
            found = re.search(r"Anmeldung Nummer (\d+)\b", message.text or "")
            if message.from_bot and found and message.reply_to is None:
                self.cards.setdefault(int(found.group(1)), []).append(message)

    def advance(self, r: Resident) -> bool:
        """One look at a resident: act if the bot answered the last step. True if something happened."""
        user = r.user
        if r.step == "start":
            user.send(f"/start o_{self.offers[r.index % len(self.offers)]}")
            return self._wait(r, "offer")
        if r.step == "offer":
            screen = find(user, "✋") or find(user, "🙋")  # sign up, or ask a person about a walk-in offer
            if screen:
                r.seen = (screen.message_id, screen.edits)
                self.pressed.append(user.tap("✋" if "✋" in " ".join(screen.labels) else "🙋", screen))
                return self._wait(r, "dialogue")
        elif r.step == "dialogue":
            screen = find(user, "✖️", r.seen)
            if screen and "⏭" in " ".join(screen.labels):
                r.seen = (screen.message_id, screen.edits)
                self.pressed.append(user.tap("⏭", screen))
                return self._wait(r, "dialogue")
            if screen:
                r.seen = (screen.message_id, screen.edits)
                user.send(f"Anmeldung Nummer {r.index} bitte")
                return self._wait(r, "written")
        elif r.step == "written":
            screen = find(user, "✅", r.seen)
            if screen and r.seen and screen.message_id > r.seen[0]:  # the step screen comes as a new message
                r.seen = (screen.message_id, screen.edits)
                self.pressed.append(user.tap("✅", screen))
                return self._wait(r, "contact")
        elif r.step == "contact":
            screen = find(user, "💬", r.seen)
            if screen:
                r.seen = (screen.message_id, screen.edits)
                self.pressed.append(user.tap("💬", screen))
                return self._wait(r, "consent")
        elif r.step == "consent":
            screen = find(user, "✏️", r.seen)
            if screen:
                self.pressed.append(user.tap("✅", screen))
                return self._wait(r, "sent")
        elif r.step == "sent":
            for message in user.messages():
                number = NUMBER.search(message.text or "")
                if number:
                    r.number = number.group(0)
                    return self._wait(r, "card")
        elif r.step == "card":
            copies = self.cards.get(r.index)
            if copies:
                # Reply to the first copy: after a timeout that delivered, its id is unknown to the bot.
                partner = self.partners[copies[0].chat_id]
                partner.send(f"Antwort für Nummer {r.index}: Dienstag um 9.", reply_to=copies[0])
                self.replied.add(r.index)
                return self._wait(r, "answer")
        elif r.step == "answer":
            marker = f"Antwort für Nummer {r.index}:"
            if any(marker in (m.text or "") for m in user.messages()):
                r.done = True
                return True
        if time.monotonic() - r.waiting_since > STEP_TIMEOUT:
            r.stuck = r.step
        return False

    def _may_start(self, started: int, began: float) -> bool:
        """`--per-minute`: residents start evenly spaced, one every 60/N s, instead of whenever one of the
        `--parallel` finished (which starts them in waves)."""
        rate = self.args.per_minute
        return not rate or started < (time.monotonic() - began) * rate / 60 + 1

    @staticmethod
    def _wait(r: Resident, step: str) -> bool:
        r.step, r.waiting_since = step, time.monotonic()
        return True

    # --- the run -----------------------------------------------------------------------------------------

    def run(self) -> dict[str, object]:
        args = self.args
        with self.server:
            self.start()
            if args.webhook:
                self.server.push_to(f"http://127.0.0.1:{self.port}/telegram", "bench-secret")
            kill_at = sorted(
                self.rng.randint(args.requests // 20, args.requests * 9 // 10) for _ in range(args.kills)
            )
            waiting = [
                Resident(i, HttpUser(self.server, 100_000 + i, f"R{i}", "de")) for i in range(args.requests)
            ]
            active: list[Resident] = []
            finished: list[Resident] = []
            began = time.monotonic()
            backlog: tuple[int, int, float] | None = None
            drained: dict[str, float] = {}  # part ("updates", "private", "groups", "all") -> seconds
            checked = 0.0
            while waiting or active:
                while (
                    waiting
                    and len(active) < args.parallel
                    and self._may_start(len(finished) + len(active), began)
                ):
                    active.append(waiting.pop(0))
                self._new_group_messages()
                for r in list(active):
                    self.advance(r)
                    if r.done or r.stuck:
                        active.remove(r)
                        finished.append(r)
                sent = sum(1 for r in finished + active if r.number)
                if kill_at and sent >= kill_at[0]:
                    kill_at.pop(0)
                    time.sleep(self.rng.uniform(0, 1.5))  # a random moment, not right after a "Send"
                    self.kill()
                    with self.server.lock:
                        # What the dead process left: updates handed over, outbox rows written so far.
                        backlog = (len(self.server.updates), self.server.log.pushed_ok, time.time())
                    drained = {}
                    time.sleep(self.rng.uniform(0, 1.0))
                    self.start()
                if backlog is not None and "all" not in drained and time.monotonic() - checked > 0.5:
                    checked = time.monotonic()
                    left = asyncio.run(self._backlog_left(backlog[0], backlog[2]))
                    done = [part for part, n in left.items() if not n]
                    for part in done + (["all"] if len(done) == len(left) else []):
                        drained.setdefault(part, checked - self.last_start)
                assert self.process is not None
                if self.process.poll() is not None:
                    raise SystemExit(f"the bot died: see {self.workdir}/bot-{self.starts}.log")
                time.sleep(0.02)
            journeys_done = time.monotonic()
            empty = asyncio.run(self._wait_empty())
            for part in ("updates", "private", "groups", "all"):  # the journeys ended first
                drained.setdefault(part, time.monotonic() - self.last_start)
            ended = time.monotonic()
            self.process.terminate()
            self.process.wait(timeout=30)
            counts = asyncio.run(self._effects())
            groups = asyncio.run(self._group_load(backlog[2] if backlog else time.time()))
            with self.server.lock:
                handed = self.server.log.pushed_ok if args.webhook else self.server.confirmed - 1
                faults = Counter(f.kind for f in self.server.log.faults)
                calls = len(self.server.telegram.calls) + sum(faults[k] for k in ("429", "500"))
                answered = self.server.log.answered_callbacks
                timeouts = {(f.chat_id, f.message_id) for f in self.server.log.faults if f.kind == "timeout"}
                duplicates = self._duplicates(timeouts)
                posted_at = dict(self.server.posted_at)
                floods = [r.chat_id or 0 for r in self.server.telegram.refused if r.status == 429]
            posted: dict[int, list[float]] = {}
            for (chat_id, _message_id), moment in posted_at.items():
                if chat_id < 0:
                    posted.setdefault(chat_id, []).append(moment)
            dup_details, record_window = asyncio.run(self._explain(duplicates[3], posted_at))
            (self.workdir / "duplicates.json").write_text(
                json.dumps(
                    {"kills": self.kills, "duplicates": dup_details, "window": record_window}, indent=1
                )
            )
            stuck = [r for r in finished if r.stuck]
        return {
            "requests": args.requests,
            "relays": len(self.replied),
            "kills": args.kills,
            "starts": self.starts,
            "calls": calls,
            "faults": dict(faults),
            "handed_over": handed,
            "lost": max(0, handed - counts["done_updates"]),
            "stuck": dict(Counter(r.stuck for r in stuck)),
            "twice": counts["twice"],
            "handled_again": counts["handled_again"],
            "replies_dropped": len(self.replied) - counts["relays"],
            "dup_timeout": duplicates[0],
            "dup_rerun": duplicates[1],
            "dup_kill": duplicates[2],
            "dup_kill_details": dup_details,
            "record_window": record_window,
            "buttons": f"{len(answered & set(self.pressed))}/{len(self.pressed)}",
            "drain": round(drained["all"], 1),
            "drain_updates": round(drained["updates"], 1),
            "drain_private": round(drained["private"], 1),
            "drain_groups": round(drained["groups"], 1),
            **groups,
            "group_sent_peak_per_min": peak_per_minute(posted.values()),
            "group_sent_peak_over_kill": peak_per_minute(posted.values(), around=self.kills),
            "flood_refusals": len(floods),
            "flood_refusals_groups": sum(1 for chat_id in floods if chat_id < 0),
            "journeys_after_last_start": round(journeys_done - self.last_start, 1),
            "run": round(ended - began, 1),
            "empty": empty,
        }

    def _duplicates(
        self, timeouts: set[tuple[int | None, int | None]]
    ) -> tuple[int, int, int, list[tuple[int, str, list[tuple[int, float]]]]]:
        """Messages a chat got more than once: (after a timeout that delivered, in a chat where a call
        failed as often as the bot tries, so its update was handled again, otherwise: a kill), and for the
        last kind the chat, the text and every copy (message id, when it was posted)."""
        gave_up = {chat for chat, _ in self.server.log.exhausted}
        by_timeout = by_rerun = by_kill = 0
        killed: list[tuple[int, str, list[tuple[int, float]]]] = []
        for chat_id, messages in self.server.telegram.chats.items():
            seen: dict[str, Sent] = {}
            for message in messages.values():
                if not message.from_bot or not message.text:
                    continue
                first = seen.setdefault(message.text, message)
                if first is message:
                    continue
                earlier = [m for m in messages.values() if m.from_bot and m.text == message.text]
                before = [m for m in earlier if m.message_id < message.message_id]
                if any((chat_id, m.message_id) in timeouts for m in before):
                    by_timeout += 1
                elif chat_id in gave_up:
                    by_rerun += 1
                else:
                    by_kill += 1
                    copies = [
                        (m.message_id, self.server.posted_at.get((chat_id, m.message_id), 0.0))
                        for m in [*before, message]
                    ]
                    killed.append((chat_id, message.text, copies))
        return by_timeout, by_rerun, by_kill, killed

    async def _explain(
        self, killed: list[tuple[int, str, list[tuple[int, float]]]], posted_at: dict[tuple[int, int], float]
    ) -> tuple[list[dict[str, object]], dict[str, object]]:
        """For every duplicate put down to a kill: the chat, what it was (the outbox rows whose sent
        message is a copy, or whose text it is; none: a handler's own send), each copy's moment against the
        nearest kill, and whether the first copy's row was recorded as sent. And over all sent rows: how
        long after the message was posted its row was recorded (`sent_at`, set in the recording
        transaction) — the window in which a kill duplicates."""
        database = create_database(self.database_url)
        try:
            async with database.sessions() as session:
                rows = (
                    await session.execute(
                        text(
                            "SELECT id, target, method, audience, dedupe_key, status, attempts,"
                            " result_message_id, created_at, sent_at, payload FROM outbox"
                            " WHERE channel = 'telegram'"
                        )
                    )
                ).all()
        finally:
            await database.dispose()
        by_message: dict[tuple[int, int], Any] = {}
        by_text: dict[tuple[int, str], list[Any]] = {}
        lags: list[float] = []
        for row in rows:
            payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
            sent_text = str(payload.get("text") or payload.get("caption") or "")
            plain = html.unescape(re.sub(r"<[^>]+>", "", sent_text))
            for variant in {sent_text.strip(), plain.strip()}:  # the fake keeps a text as it was sent
                by_text.setdefault((int(row.target), variant), []).append(row)
            if row.result_message_id is not None:
                key = (int(row.target), int(row.result_message_id))
                by_message[key] = row
                if row.sent_at is not None and key in posted_at:
                    lags.append(self._seconds(row.sent_at) - posted_at[key])

        def since_kill(moment: float) -> float:
            nearest = min(self.kills, key=lambda k: abs(moment - k), default=moment)
            return round(moment - nearest, 3)

        details: list[dict[str, object]] = []
        for chat_id, message_text, copies in killed:
            found = {mid: by_message.get((chat_id, mid)) for mid, _ in copies}
            candidates = {r.id: r for r in by_text.get((chat_id, message_text.strip()), [])}
            candidates |= {r.id: r for r in found.values() if r is not None}
            kind = (
                "handler send (no outbox row)"
                if not candidates
                else ", ".join(sorted({str(r.dedupe_key).split(":")[0] for r in candidates.values()}))
            )
            details.append(
                {
                    "chat": chat_id,
                    "kind": ("group " if chat_id < 0 else "private ") + kind,
                    "text": message_text[:60],
                    "copies": [
                        {
                            "message": mid,
                            "vs_kill_s": since_kill(moment) if moment else None,
                            "row": getattr(found[mid], "id", None),
                        }
                        for mid, moment in copies
                    ],
                    "rows": [
                        {
                            "id": r.id,
                            "key": r.dedupe_key,
                            "status": r.status,
                            "attempts": r.attempts,
                            "result": r.result_message_id,
                            "created_vs_kill_s": since_kill(self._seconds(r.created_at)),
                            "sent_vs_kill_s": since_kill(self._seconds(r.sent_at)) if r.sent_at else None,
                        }
                        for r in candidates.values()
                    ],
                    "first_copy_recorded": found[copies[0][0]] is not None,
                }
            )
        lags.sort()

        def pct(q: float) -> float | None:
            return round(lags[min(len(lags) - 1, int(q * len(lags)))], 3) if lags else None

        window: dict[str, object] = {
            "rows": len(lags),
            "p50": pct(0.5),
            "p90": pct(0.9),
            "p99": pct(0.99),
            "max": round(lags[-1], 3) if lags else None,
            "over_1s": sum(1 for lag in lags if lag > 1),
            # Rows sent but not yet recorded at an average moment: what a kill at random duplicates.
            "unrecorded_avg": round(sum(lags) / (max(posted_at.values()) - min(posted_at.values())), 2)
            if lags
            else None,
        }
        return details, window

    async def _backlog_left(self, last_update: int, killed_at: float) -> dict[str, int]:
        """Updates up to `last_update` not processed, and outbox rows from before `killed_at` not sent to
        private chats and to groups (their ids are negative)."""
        database = create_database(self.database_url)
        try:
            async with database.sessions() as session:
                updates = await session.scalar(
                    text("SELECT count(*) FROM inbox WHERE status = 'pending' AND update_id <= :last"),
                    {"last": last_update},
                )
                rows = (
                    await session.execute(
                        text(
                            "SELECT target LIKE '-%' AS grp, count(*) FROM outbox"
                            " WHERE status IN ('pending', 'sending') AND created_at <= :t GROUP BY grp"
                        ),
                        {"t": self._timestamp(killed_at)},
                    )
                ).all()
            left = {bool(grp): int(n) for grp, n in rows}
            return {"updates": int(updates or 0), "private": left.get(False, 0), "groups": left.get(True, 0)}
        finally:
            await database.dispose()

    async def _group_load(self, killed_at: float) -> dict[str, object]:
        """What the groups were asked to take: the most rows one group got in any 60 s of the run (Telegram
        lets 20 through), and the rows the last killed process left for the fullest group, with the
        seconds 20 a minute need for them."""
        database = create_database(self.database_url)
        try:
            async with database.sessions() as session:
                rows = (
                    await session.execute(
                        text("SELECT target, created_at, sent_at FROM outbox WHERE target LIKE '-%'")
                    )
                ).all()
        finally:
            await database.dispose()
        created: dict[str, list[float]] = {}
        left: Counter[str] = Counter()
        for target, created_at, sent_at in rows:
            made = self._seconds(created_at)
            created.setdefault(target, []).append(made)
            if made <= killed_at and (sent_at is None or self._seconds(sent_at) > killed_at):
                left[target] += 1
        fullest = max(left.values(), default=0)
        return {
            "group_peak_per_min": peak_per_minute(created.values()),
            "group_rows_left": fullest,
            # Telegram's 20 in any minute (the pacer's minute has a second more), once the group's minute
            # is used up: each 20 a minute later.
            "group_drain_floor": round(-(-fullest // 20) * Pacing().group.seconds, 1),
        }

    def _timestamp(self, seconds: float) -> datetime:
        moment = datetime.fromtimestamp(seconds, UTC)
        return moment if self.args.postgres else moment.replace(tzinfo=None)  # SQLite stores naive UTC

    @staticmethod
    def _seconds(moment: datetime | str) -> float:
        if isinstance(moment, str):  # SQLite through a text() query: naive UTC as text
            moment = datetime.fromisoformat(moment)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()

    async def _wait_empty(self) -> bool:
        """Until the bot's inbox and outbox hold nothing left to do (at most 120 s)."""
        database = create_database(self.database_url)
        try:
            for _ in range(1200):
                async with database.sessions() as session:
                    left = await session.scalar(
                        text(
                            "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending')"
                            " + (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending'))"
                        )
                    )
                if not left:
                    return True
                await asyncio.sleep(0.1)
            return False
        finally:
            await database.dispose()

    async def _effects(self) -> dict[str, int]:
        database = create_database(self.database_url)
        try:
            async with database.sessions() as session:

                async def one(sql: str) -> int:
                    return int(await session.scalar(text(sql)) or 0)

                double_requests = await one(
                    "SELECT count(*) FROM (SELECT resident_id FROM requests GROUP BY resident_id"
                    " HAVING count(*) > 1) d"
                )
                doubled_text = await one(
                    "SELECT count(*) FROM request_messages WHERE direction = 'to_partner'"
                    " AND text LIKE '%Anmeldung Nummer%Anmeldung Nummer%'"
                )
                double_relays = await one(
                    "SELECT count(*) FROM (SELECT request_id FROM request_messages"
                    " WHERE direction = 'to_resident' GROUP BY request_id HAVING count(*) > 1) d"
                )
                relays = await one(
                    "SELECT count(DISTINCT request_id) FROM request_messages WHERE direction = 'to_resident'"
                )
                return {
                    "done_updates": await one("SELECT count(*) FROM inbox WHERE status = 'done'"),
                    "handled_again": await one("SELECT count(*) FROM inbox WHERE attempts > 1"),
                    "twice": double_requests + doubled_text + double_relays,
                    "relays": relays,
                }
        finally:
            await database.dispose()


def content_with_groups(workdir: Path) -> tuple[Path, list[int]]:
    """The shipped content in which every partner receives requests in a Telegram group of its own
    (Telegram lets a bot post 20 messages a minute into one group: one group for a thousand cards would
    measure that limit, not the bot)."""
    target = workdir / "content"
    shutil.copytree(ROOT / "content", target)
    partners = target / "partners.yaml"
    # The example groups of the shipped content go: each partner gets one of the bench's own.
    text = re.sub(r"\n      telegram_(chat|topic)_id: [^\n]*", "", partners.read_text(encoding="utf-8"))
    ids = re.findall(r"\n  ([a-z0-9-]+):\n", text)
    groups = []
    for k, partner_id in enumerate(ids):
        head, marker, tail = text.partition(f"\n  {partner_id}:\n")
        following = re.search(r"\n  [a-z0-9-]+:\n", tail)
        section = tail[: following.start()] if following else tail
        block = "\n    requests:\n"
        if block not in section:
            continue  # a partner that takes no requests
        position = section.index(block) + len(block)
        group = FIRST_GROUP - k
        groups.append(group)
        text = head + marker + tail[:position] + f"      telegram_chat_id: {group}\n" + tail[position:]
    partners.write_text(text, encoding="utf-8")
    return target, groups


def find(user: HttpUser, label: str, seen: tuple[int, int] | None = None) -> Sent | None:
    """The newest message with a button `label`, if it is not the screen `seen` (message id, edits) as it
    was: a new message, or that one edited since."""
    with user.server.lock:
        for message in reversed(user.messages()):
            if any(label in text for text in message.labels):
                if seen is None or (message.message_id, message.edits) != seen:
                    return message
                return None
    return None


def peak_per_minute(moments: Iterable[list[float]], around: Iterable[float] = ()) -> int:
    """The most moments (seconds) of one list that fall into any 60 s; with `around`, into any 60 s that
    hold one of those moments (a kill: what the process before it and the one after it sent together)."""
    marks = list(around)
    peak = 0
    for times in moments:
        times = sorted(times)
        if marks:  # the fullest window over a mark starts at a message before it, or at the mark
            starts = [t for m in marks for t in [*times, m] if m - 60 < t <= m]
        else:
            starts = times
        for begin in starts:
            peak = max(peak, sum(1 for t in times if begin <= t < begin + 60))
    return peak


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--faults", type=float, default=0.2)
    parser.add_argument("--parallel", type=int, default=40, help="residents under way at once")
    parser.add_argument(
        "--per-minute",
        type=float,
        default=0,
        help="start at most this many residents a minute, evenly spaced (0: as --parallel allows)",
    )
    parser.add_argument("--webhook", action="store_true")
    parser.add_argument("--postgres", help="e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, database)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kill-bench-"))
    bench = Bench(args, workdir)
    try:
        result = bench.run()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            if bench.schema is not None:
                asyncio.run(bench._sql(args.postgres, f'DROP SCHEMA "{bench.schema}" CASCADE'))
    print(result)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    mode = "webhook" if args.webhook else "polling"
    print(
        "| backend | mode | requests + relays | kills | calls (faults) | updates lost | processed twice"
        " (handled again) | partner replies dropped | duplicates: timeout / re-run / kill | buttons answered"
        " | drain (s): all (updates / private chats / groups) |"
    )
    print(
        f"| {backend} | {mode} | {result['requests']} + {result['relays']} | {result['kills']} | "
        f"{result['calls']} ({sum(result['faults'].values())}) | {result['lost']} | "  # type: ignore[attr-defined]
        f"{result['twice']} ({result['handled_again']}) | {result['replies_dropped']} | "
        f"{result['dup_timeout']} / {result['dup_rerun']} / {result['dup_kill']} | {result['buttons']} | "
        f"{result['drain']} ({result['drain_updates']} / {result['drain_private']} / "
        f"{result['drain_groups']}) |"
    )
    print(
        f"groups: at most {result['group_peak_per_min']} rows for one group in 60 s (Telegram: 20);"
        f" the fullest group had {result['group_rows_left']} rows left at the last kill: at 20 a minute"
        f" (its minute used up) they need {result['group_drain_floor']} s"
    )
    print(
        f"sent: at most {result['group_sent_peak_per_min']} messages into one group in 60 s"
        f" ({result['group_sent_peak_over_kill']} in 60 s over a kill); the fake's flood limits answered"
        f" 429 {result['flood_refusals']} times, {result['flood_refusals_groups']} of them in a group"
    )
    for detail in result["dup_kill_details"]:  # type: ignore[attr-defined]
        print("duplicate by a kill:", json.dumps(detail, default=str))
    print(f"from a message posted to its row recorded as sent: {result['record_window']}")
    print(f"load average {os.getloadavg()}; work folder {bench.workdir}")
    print(f"{platform.node()} {os.cpu_count()} CPUs, Python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
