"""pytest plugin: how much database work each update costs (SQL statements and transactions).

    .venv/bin/python -m pytest -p no:xdist -p bench.db_count -q tests/test_requests_e2e.py
    DB_COUNT_SQL=1 ...   also lists the statements run most often inside updates
    DB_COUNT_TRACE=FILE  writes every update with its statements, in order, to FILE

Counted inside `Application.process_update` (what a resident's or partner's message or tap costs, the
handlers and the services they call), apart from the rest (fixtures, the outbox worker, jobs):
- statements: every SQL statement sent to the database (`before_cursor_execute`; SQLite's BEGIN is
  counted too, it is sent by the bot itself, see bot/storage/db.py);
- transactions: every session's transaction on a connection (`Session.after_begin`), i.e. a session that
  touched the database.
The journeys of the request tests run one update at a time, so a global counter attributes correctly
(a test that sends updates at once, tests/test_concurrency.py, blurs the line between its updates; a
test of the bot as a process of its own is not counted at all).
Prints one line per database (sqlite, postgres) and one per kind of update ("private text", "private
button dlg", "group text reply"), per update, at the end of the run.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from telegram.ext import Application

_inside = 0
_backend = "?"
_totals: Counter[tuple[str, str]] = Counter()
_sql: Counter[str] = Counter()
_by_kind: Counter[tuple[str, str]] = Counter()  # (update kind, "updates" / "statements" / "transactions")
_current = ""
_trace = open(os.environ["DB_COUNT_TRACE"], "w") if os.environ.get("DB_COUNT_TRACE") else None


def _update_kind(update: Any) -> str:
    """ "private text", "group reply", "private button dlg" ...: what the update is, for the breakdown."""
    chat = update.effective_chat
    where = "private" if chat is not None and chat.type == "private" else "group"
    if update.callback_query is not None:
        return f"{where} button {(update.callback_query.data or '').split(':', 1)[0]}"
    message = update.effective_message
    if message is None:
        return f"{where} other"
    text = message.text or ""
    kind = "command" if text.startswith("/") else "text" if text else "file"
    return f"{where} {kind}{' reply' if message.reply_to_message else ''}"


def _kind() -> str:
    return "update" if _inside else "other"


@event.listens_for(Engine, "before_cursor_execute")
def _statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    _totals[(_backend, _kind() + " statements")] += 1
    if _inside:
        _by_kind[(_current, "statements")] += 1
    one_line = re.sub(r"\s+", " ", statement)
    if _inside and os.environ.get("DB_COUNT_SQL"):
        _sql[one_line[:160]] += 1
    if _trace is not None:
        _trace.write(f"    {'' if _inside else '(outside) '}{one_line}\n")


@event.listens_for(Session, "after_begin")
def _transaction(*_args: Any) -> None:
    _totals[(_backend, _kind() + " transactions")] += 1
    if _inside:
        _by_kind[(_current, "transactions")] += 1
        if _trace is not None:
            _trace.write("  -- transaction\n")


_original = Application.process_update


async def _counted(self: Any, update: object) -> None:
    global _inside, _current
    _totals[(_backend, "updates")] += 1
    _current = f"{_backend} {_update_kind(update)}"
    _by_kind[(_current, "updates")] += 1
    if _trace is not None:
        _trace.write(f"{_current}\n")
    _inside += 1
    try:
        await _original(self, update)
    finally:
        _inside -= 1


Application.process_update = _counted  # type: ignore[method-assign]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    global _backend
    callspec = getattr(item, "callspec", None)
    _backend = str(callspec.params.get("backend", "sqlite")) if callspec else "sqlite"
    yield


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for backend in sorted({b for b, _ in _totals}):
        updates = _totals[(backend, "updates")] or 1
        statements = _totals[(backend, "update statements")]
        transactions = _totals[(backend, "update transactions")]
        terminalreporter.write_line(
            f"db_count {backend}: {updates} updates, {statements} statements ({statements / updates:.2f}"
            f"/update), {transactions} transactions ({transactions / updates:.2f}/update); outside updates"
            f" {_totals[(backend, 'other statements')]} statements,"
            f" {_totals[(backend, 'other transactions')]} transactions"
        )
    for kind in sorted({k for k, _ in _by_kind}):
        n = _by_kind[(kind, "updates")] or 1
        terminalreporter.write_line(
            f"  {kind:40s} {n:4d} updates {_by_kind[(kind, 'statements')] / n:6.2f} statements"
            f" {_by_kind[(kind, 'transactions')] / n:5.2f} transactions per update"
        )
    for statement, count in _sql.most_common(40):
        terminalreporter.write_line(f"{count:6d}  {statement}")
