"""Benchmark: the long fuzz run (issue 16): tests/test_fuzz.py with many examples, in rounds.

    .venv/bin/python bench/fuzz_bench.py [--rounds 10] [--examples 1000] [--first-seed 1]

Each round is one pytest run of tests/test_fuzz.py with FUZZ_EXAMPLES=`--examples` and its own hypothesis
seed: a fresh bot on SQLite, two residents with a request and a draft each, then that many hypothesis
examples against it (any text, any button data, every update type; see the test's docstring). Rounds keep
a failure reproducible (`--hypothesis-seed`) and show progress. It prints one Markdown table row per round
and a total for BENCHMARKS.md: examples, seconds, outcome (passed, or the first failure's summary).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--first-seed", type=int, default=1)
    args = parser.parse_args()
    print("| round (seed) | examples | seconds | outcome |")
    print("|---|---:|---:|---|")
    total, total_seconds, failed = 0, 0.0, 0
    for seed in range(args.first_seed, args.first_seed + args.rounds):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", "-p", "no:cacheprovider",
             "-p", "no:logging", f"--hypothesis-seed={seed}"],
            cwd=ROOT,
            env={**os.environ, "FUZZ_EXAMPLES": str(args.examples)},
            capture_output=True,
            text=True,
        )  # fmt: skip
        seconds = time.monotonic() - started
        lines = result.stdout.strip().splitlines()
        outcome = (
            "passed"
            if result.returncode == 0
            else next(
                (line for line in lines if line.startswith(("E ", "FAILED"))), lines[-1] if lines else "?"
            )
        )
        total += args.examples
        total_seconds += seconds
        failed += result.returncode != 0
        print(f"| {seed} | {args.examples:,} | {seconds:.0f} | {outcome[:120]} |", flush=True)
    print(
        f"| all | {total:,} | {total_seconds:.0f} | {args.rounds - failed} of {args.rounds} rounds passed |"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
