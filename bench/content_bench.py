"""Benchmark: load + validate time and peak memory of a synthetic catalogue, and the search index build.

    .venv/bin/python bench/content_bench.py [--entries 1000 10000] [--baseline REV] [--no-index]

Each size is loaded in a fresh subprocess so peak RSS belongs to that load alone. With `--baseline REV`
the content code of that git revision (its `bot/` folder) is loaded from the same generated folder
in the same run, so before/after numbers are side by side. The search index is always built with
the current code, after the current load (`SearchEngine.from_catalogue`); then the content is
loaded again unchanged and with one file changed (a hot reload reuses entries of unchanged files).
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

def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

before = peak_kb()
start, cpu = time.perf_counter(), time.process_time()
catalogue, warnings = load_catalogue(Path({folder!r}))
result = {{"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
          "peak_kb": peak_kb(), "base_kb": before,
          "entries": sum(len(v) for v in catalogue.entries_by_kind().values()),
          "warnings": len(warnings)}}
if {index!r}:
    from bot.search import SearchEngine
    start = time.perf_counter()
    engine = SearchEngine.from_catalogue(catalogue)
    result["index_seconds"] = time.perf_counter() - start
    result["index_peak_kb"] = peak_kb()
    del engine
    # Hot reload as ContentService does it: nothing changed, then one file changed.
    start = time.perf_counter()
    catalogue, warnings = load_catalogue(Path({folder!r}))
    result["reload_seconds"] = time.perf_counter() - start
    changed = sorted(Path({folder!r}).rglob("*.yaml"))[-1]
    changed.write_text(changed.read_text(encoding="utf-8") + "# geändert\\n", encoding="utf-8")
    start = time.perf_counter()
    catalogue, warnings = load_catalogue(Path({folder!r}))
    result["reload_one_seconds"] = time.perf_counter() - start
    result["reload_peak_kb"] = peak_kb()
print(json.dumps(result))
"""


def measure(folder: Path, root: Path = ROOT, index: bool = False) -> dict[str, float]:
    code = _CHILD.format(root=str(root), folder=str(folder), index=index)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    if done.returncode:
        raise SystemExit(done.stderr or done.stdout)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from gen_catalogue import LANGS, generate
    from revisions import checkout

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--baseline", metavar="REV", help="also load with the content code of REV")
    parser.add_argument("--no-index", action="store_true", help="skip building the search index")
    args = parser.parse_args()

    header = f"{'Code':>9} {'Einträge':>9} {'Dateien':>8} {'MB YAML':>8} {'Laden s':>8} {'CPU s':>6}"
    print(
        header + f" {'RSS MB':>7} {'+RSS MB':>8} {'Index s':>8} {'RSS+Index':>10}"
        f" {'Reload s':>9} {'1 neu s':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        roots = [("aktuell", ROOT)]
        if args.baseline:
            roots.insert(0, (args.baseline[:9], checkout(args.baseline, Path(tmp) / "baseline", "bot")))
        for entries in args.entries:
            folder = Path(tmp) / f"content-{entries}"
            files = generate(folder, entries, LANGS)
            size = sum(p.stat().st_size for p in folder.rglob("*.yaml")) / 1e6
            for label, root in roots:
                index = root == ROOT and not args.no_index
                result = measure(folder, root, index)
                line = (
                    f"{label:>9} {result['entries']:>9} {files:>8} {size:>8.1f} {result['seconds']:>8.2f}"
                    f" {result['cpu']:>6.2f} {result['peak_kb'] / 1024:>7.0f}"
                    f" {(result['peak_kb'] - result['base_kb']) / 1024:>8.0f}"
                )
                if index:
                    line += f" {result['index_seconds']:>8.2f} {result['index_peak_kb'] / 1024:>10.0f}"
                    line += f" {result['reload_seconds']:>9.2f} {result['reload_one_seconds']:>8.2f}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
