"""SECURITY.md names only tests that exist; what it promises about stored data that no other test shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.inbox.worker import InboxWorker
from bot.storage.db import Database
from bot.storage.models.inbox import InboxUpdate

ROOT = Path(__file__).resolve().parent.parent
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


# A test function as pytest collects it: `def` or `async def` at the start of a line (module level).
TEST_FUNCTION = re.compile(r"^(?:async )?def (\w+)\(", re.MULTILINE)


def defined_functions(path: Path) -> set[str]:
    return set(TEST_FUNCTION.findall(path.read_text(encoding="utf-8")))


REFERENCES = TEST_REFERENCE.findall((ROOT / "SECURITY.md").read_text(encoding="utf-8"))
PATHS = {path for path, _ in REFERENCES if (ROOT / path).exists()}
DEFINED = {path: defined_functions(ROOT / path) for path in PATHS}


def test_security_md_names_only_tests_that_exist() -> None:
    assert len(REFERENCES) >= 20
    missing = [f"{path}::{name}" for path, name in REFERENCES if name not in DEFINED.get(path, set())]
    assert not missing, missing


async def test_a_processed_updates_payload_is_dropped_from_the_inbox(database: Database) -> None:
    async def process(payload: dict[str, Any]) -> None:
        return None

    worker = InboxWorker(database, process)
    update = {
        "update_id": 41,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 100, "type": "private", "first_name": "R"},
            "from": {"id": 100, "is_bot": False, "first_name": "R"},
            "text": "Mein Brief vom Jobcenter",
        },
    }
    assert await worker.store([update]) == 1
    await worker.wait_idle()
    async with database.sessions() as session:
        [row] = (await session.scalars(select(InboxUpdate))).all()
    assert row.payload is None  # the resident's words are not kept once handled
