"""Do the tests that run on PostgreSQL still send it every SQL statement the bot makes in the tests?

Most database tests run on SQLite only (tests/conftest.py says which run on both and why): this runs the
PostgreSQL tests twice, as they are and with every database test on both databases (ALL_ON_POSTGRES=1),
records the distinct statements each sends to PostgreSQL and lists those only the second run sent, with the
tests that sent them. One of those tests should then name both databases itself. Run after adding tests or
queries (~5 minutes):

    .venv/bin/python scripts/check_postgres_statements.py

`--cover` also proposes the cheapest set of tests that keeps every statement on PostgreSQL (a greedy set
cover by seconds per statement not yet sent, from the second run's durations; the tests marked
`db_behaviour` run on both anyway and come first), by test function: those to name both databases, and
those that name both but are not needed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Recorded:
    """What a run's PostgreSQL tests sent, by test id."""

    statements: dict[str, set[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    behaviour: set[str] = field(default_factory=set)


def record(folder: Path, name: str, **env: str) -> Recorded:
    target = folder / name
    command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "tests.sql_statements"]
    command += ["-k", "postgres"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "RECORD_SQL": str(target), **env}, check=True)
    recorded = Recorded()
    # One file per test process (pytest-xdist's main process writes the durations only).
    for part in folder.glob(f"{name}.*"):
        for test, seen in json.loads(part.read_text(encoding="utf-8")).items():
            recorded.statements.setdefault(test, set()).update(seen["statements"])
            recorded.seconds[test] = max(recorded.seconds.get(test, 0.0), seen["seconds"])
            if seen["behaviour"]:
                recorded.behaviour.add(test)
    return recorded


def function(test: str) -> str:
    """The test function of a test id (its parameters, the database among them, left out)."""
    return test.partition("[")[0]


def cover(everything: Recorded, kept: Recorded) -> None:
    """Print the proposed set of test functions on PostgreSQL (see the module's docstring)."""
    statements: dict[str, set[str]] = {}
    seconds: dict[str, float] = {}
    for test, sent in everything.statements.items():
        statements.setdefault(function(test), set()).update(sent)
    for test, duration in everything.seconds.items():
        seconds[function(test)] = seconds.get(function(test), 0.0) + duration
    universe = set().union(*statements.values())
    behaviour = {function(test) for test in everything.behaviour}
    covered = set().union(set(), *(statements.get(test, set()) for test in behaviour))
    chosen: list[str] = []
    while covered != universe:
        best = max(
            (test for test in statements if test not in behaviour and test not in chosen),
            key=lambda test: len(statements[test] - covered) / max(seconds.get(test, 0.0), 0.05),
        )
        chosen.append(best)
        covered |= statements[best]
    # The most expensive first: drop each chosen one the others make unnecessary.
    for test in sorted(chosen, key=lambda test: -seconds.get(test, 0.0)):
        others = behaviour | set(chosen) - {test}
        if set().union(*(statements.get(other, set()) for other in others)) >= universe:
            chosen.remove(test)
    named = {function(test) for test in kept.statements} - behaviour
    behaviour_seconds = sum(seconds.get(test, 0.0) for test in behaviour)
    print(f"\n{len(behaviour)} db_behaviour test functions ({behaviour_seconds:.1f} s on PostgreSQL)")
    chosen_seconds = sum(seconds.get(test, 0.0) for test in chosen)
    print(f"{len(chosen)} more cover the {len(universe)} statements, in {chosen_seconds:.1f} s:")
    for test in sorted(chosen):
        print("   ", "keep" if test in named else "NAME BOTH", test)
    for test in sorted(named - set(chosen)):
        print("    not needed", test)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--cover", action="store_true", help="propose the cheapest set of PostgreSQL tests")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        kept = record(Path(folder), "kept")
        everything = record(Path(folder), "all", ALL_ON_POSTGRES="1")
    covered = set().union(set(), *kept.statements.values())
    missing = set().union(set(), *everything.statements.values()) - covered
    for statement in sorted(missing):
        print(statement[:200])
        for test in sorted(t for t, sent in everything.statements.items() if statement in sent):
            print("    sent by", test)
    print(f"{len(covered)} statements sent by the PostgreSQL tests, {len(missing)} only by SQLite-only tests")
    if arguments.cover:
        cover(everything, kept)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
