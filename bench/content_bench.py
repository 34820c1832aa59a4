"""Benchmark: load + validate time and peak memory of a synthetic catalogue.

    .venv/bin/python bench/content_bench.py [--entries 1000 10000]

Each size is loaded in a fresh subprocess so peak RSS belongs to that load alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bot.content import load_catalogue
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
catalogue, warnings = load_catalogue(Path({folder!r}))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "peak_kb": peak, "base_kb": before,
                  "entries": sum(len(v) for v in catalogue.entries_by_kind().values()),
                  "warnings": len(warnings)}}))
"""


def measure(folder: Path) -> dict[str, float]:
    code = _CHILD.format(root=str(ROOT), folder=str(folder))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr or done.stdout)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from gen_catalogue import LANGS, generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1_000, 10_000])
    args = parser.parse_args()

    print(f"{'Einträge':>9} {'Dateien':>8} {'MB YAML':>8} {'Laden s':>8} {'RSS MB':>8} {'+RSS MB':>8}")
    for entries in args.entries:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "content"
            files = generate(folder, entries, LANGS)
            size = sum(p.stat().st_size for p in folder.rglob("*.yaml")) / 1e6
            result = measure(folder)
            print(
                f"{result['entries']:>9} {files:>8} {size:>8.1f} {result['seconds']:>8.2f} "
                f"{result['peak_kb'] / 1024:>8.0f} {(result['peak_kb'] - result['base_kb']) / 1024:>8.0f}"
            )


if __name__ == "__main__":
    main()
