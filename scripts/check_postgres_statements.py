"""Do the tests that run on PostgreSQL still send it every SQL statement the bot makes in the tests?

The tests marked `screens` run on SQLite only (tests/conftest.py says why): this runs the PostgreSQL tests
twice, as they are and with every database test on both databases (ALL_ON_POSTGRES=1), records the distinct
statements each sends to PostgreSQL and lists those only the second run sent, with the tests that sent
them. Such a test should name both databases itself. Run after adding tests or queries (~3 minutes):

    .venv/bin/python scripts/check_postgres_statements.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def statements(folder: Path, name: str, **env: str) -> dict[str, set[str]]:
    target = folder / name
    command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "tests.sql_statements"]
    command += ["-k", "postgres"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "RECORD_SQL": str(target), **env}, check=True)
    recorded: dict[str, set[str]] = {}
    for part in folder.glob(f"{name}.*"):
        for test, sent in json.loads(part.read_text(encoding="utf-8")).items():
            recorded.setdefault(test, set()).update(sent)
    return recorded


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        kept = statements(Path(folder), "kept")
        everything = statements(Path(folder), "all", ALL_ON_POSTGRES="1")
    covered = set().union(*kept.values())
    missing = set().union(*everything.values()) - covered
    for statement in sorted(missing):
        print(statement[:200])
        for test in sorted(t for t, sent in everything.items() if statement in sent):
            print("    sent by", test)
    print(f"{len(covered)} statements sent by the PostgreSQL tests, {len(missing)} only by SQLite-only tests")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
