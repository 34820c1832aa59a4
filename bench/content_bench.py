"""Benchmark: load + validate time and peak memory of the shipped content and of a generated catalogue.

    .venv/bin/python bench/content_bench.py [--entries 2000] [--rounds 5] [--baseline REV]

What `run_bot.py check`, a start and `/reload` do before the search index is built: `load_catalogue`
(read, parse, validate, cross-check, translation freshness). Each load runs in a fresh process, so its
peak RSS (ru_maxrss) is its own; "+RSS" is the peak minus the RSS after the imports. The generated
catalogue has all 9 languages (bench/gen_catalogue.py). With `--baseline REV` the code of that git
revision loads the same folders in the same run, alternating with the work tree; medians are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
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
from bot.content.catalogue import load_catalogue
from bot.content.models import KINDS

def rss_mb(key="VmRSS"):
    with open("/proc/self/status") as status:
        return int(status.read().split(key + ":")[1].split()[0]) / 1024

before = rss_mb()
start, cpu = time.perf_counter(), time.process_time()
catalogue, warnings = load_catalogue(Path({folder!r}))
print(json.dumps({{"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "before": before,
                  "after": rss_mb(),
                  "entries": sum(len(getattr(catalogue, kind)) for kind in KINDS)}}))
"""


def measure(folder: Path, root: Path) -> dict[str, float]:
    """One load of `folder` by the code in `root`, in a fresh process."""
    code = _CHILD.format(root=str(root), folder=str(folder))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:] or done.stdout)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from gen_catalogue import LANGS, generate
    from revisions import checkout

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="*", default=[2_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", metavar="REV", help="also load with the code of git REV, alternating")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        codes = [("work tree", ROOT)]
        if args.baseline:
            codes.insert(0, (args.baseline, checkout(args.baseline, Path(tmp) / "baseline")))
        folders = [("shipped", ROOT / "content")]
        for entries in args.entries:
            folder = Path(tmp) / f"content-{entries}"
            generate(folder, entries, LANGS)
            size = sum(p.stat().st_size for p in folder.rglob("*.yaml")) / 1e6
            folders.append((f"generated, 9 languages, {size:.1f} MB YAML", folder))
        runs: dict[tuple[str, str], list[dict[str, float]]] = {}
        for round_ in range(args.rounds):
            for label, folder in folders:
                for code, root in codes:
                    result = measure(folder, root)
                    runs.setdefault((label, code), []).append(result)
                    print(f"round {round_ + 1}: {label}, {code}: {result}", file=sys.stderr, flush=True)
    print("| content | code | load + validate (s) | CPU (s) | peak RSS (MB) | +RSS (MB) | RSS after (MB) |")
    print("|---|---|---|---|---|---|---|")
    for (label, code), results in runs.items():

        def median(key: str, results: list[dict[str, float]] = results) -> float:
            return statistics.median(r[key] for r in results)

        entries = int(median("entries"))
        print(
            f"| {label} ({entries:,} entries) | {code} | {median('seconds'):.2f} | {median('cpu'):.2f}"
            f" | {median('peak'):.0f} | {median('peak') - median('before'):.0f} | {median('after'):.0f} |"
        )
    print(f"\nmedians of {args.rounds} rounds, each load in a fresh process")


if __name__ == "__main__":
    main()
