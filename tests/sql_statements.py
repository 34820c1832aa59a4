"""A pytest plugin that records every distinct SQL statement a test sends to PostgreSQL (for
scripts/check_postgres_statements.py): `-p tests.sql_statements`, the file named by RECORD_SQL (one per
test process: `<file>.<pid>`, JSON of test id -> {"statements": [...], "seconds": its duration,
"behaviour": whether it is marked `db_behaviour`})."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

_running: list[str] = []
_seen: dict[str, set[str]] = {}
_seconds: dict[str, float] = {}
_behaviour: set[str] = set()


def shape(statement: str) -> str:
    """The statement without what varies from call to call: parameters, IN-list lengths, the test schema."""
    statement = re.sub(r"\$\d+(::[A-Z ]+)?", "?", statement)
    statement = re.sub(r"\(\?(, \?)*\)", "(?...)", statement)
    statement = re.sub(r'"t_[0-9a-f]{12}"\.', "", statement)
    return re.sub(r"\s+", " ", statement).strip()


@event.listens_for(Engine, "before_cursor_execute")
def _record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if _running and conn.dialect.name == "postgresql":
        _seen.setdefault(_running[0], set()).add(shape(statement))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    _running.append(item.nodeid)
    if item.get_closest_marker("db_behaviour"):
        _behaviour.add(item.nodeid)
    try:
        return (yield)
    finally:
        _running.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _seconds[report.nodeid] = _seconds.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish() -> None:
    target = os.environ["RECORD_SQL"]
    tests = {
        test: {"statements": sorted(_seen.get(test, ())), "seconds": seconds, "behaviour": test in _behaviour}
        for test, seconds in _seconds.items()
    }
    with open(f"{target}.{os.getpid()}", "w", encoding="utf-8") as file:
        json.dump(tests, file)
