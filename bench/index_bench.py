"""Benchmark: search index build (documents, postings, expansion tables), old code against new, side by side.

    .venv/bin/python bench/index_bench.py [--entries 1000 10000] [--rounds 3] [--before b5b4d3c]
                                          [--folder-10000 /tmp/big10k]

For each size a synthetic catalogue is generated (bench/gen_catalogue.py) unless a folder is given. Each
measurement runs in a fresh subprocess: it loads the catalogue with its own code, then times
``documents_from_catalogue`` and ``SearchIndex.build`` (which includes the expansion tables) and the
expansion tables again on their own. Memory: the peak RSS (VmHWM) is reset after loading, so "peak +MB" is
what the build adds on top of the loaded catalogue at its highest, and "index MB" what stays after the
documents are dropped. The code of ``--before`` (its ``bot/`` folder, via ``git archive``) and the work
tree alternate, round by round; medians are printed. Both must produce the same index: the child prints a
digest of terms, offsets, postings and expansion tables, and a difference is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

_CHILD = """
import gc, hashlib, json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bot.content import load_catalogue
from bot.search.documents import documents_from_catalogue
from bot.search.index import SearchIndex


def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024


catalogue, _ = load_catalogue(Path({folder!r}))
gc.collect()
base = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset VmHWM: the peak from here on is the build's
start = time.perf_counter()
docs = documents_from_catalogue(catalogue)
mid = time.perf_counter()
index = SearchIndex.build(docs)
end = time.perf_counter()
peak = status("VmHWM")
del docs
gc.collect()
kept = status("VmRSS")
start_exp = time.perf_counter()
index._build_expansions()
expansions = time.perf_counter() - start_exp
digest = hashlib.sha256()
for part in (
    "\\0".join(index._terms).encode(), index._offsets.tobytes(), index._post_docs.tobytes(),
    index._post_scores.tobytes(), repr(index._ids).encode(), repr(index._kinds).encode(),
    repr([sorted(d) if d else None for d in index._districts]).encode(),
):
    digest.update(part)
for table in (index._deletes, index._prefixes, index._parts):
    digest.update(table._packed.tobytes())
print(json.dumps({{
    "docs": mid - start, "build": end - mid, "total": end - start, "expansions": expansions,
    "peak_mb": peak - base, "index_mb": kept - base, "base_mb": base, "terms": len(index._terms),
    "postings": len(index._post_docs), "digest": digest.hexdigest(),
}}))
"""


def measure(folder: Path, root: Path) -> dict[str, float | str]:
    # A fixed hash seed: the expansion tables hold str hashes, so their digest needs the same seed.
    code = _CHILD.format(root=str(root), folder=str(folder))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env)
    if done.returncode:
        raise SystemExit(done.stderr or done.stdout)
    result: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    from gen_catalogue import LANGS, generate
    from revisions import checkout

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", default="b5b4d3c", metavar="REV", help="the old code (default b5b4d3c)")
    parser.add_argument("--folder-10000", type=Path, help="an already generated 10,000-entry folder")
    args = parser.parse_args()

    keys = ("docs", "build", "total", "expansions", "peak_mb", "index_mb")
    print(
        f"{'code':>8} {'entries':>8} {'docs s':>7} {'build s':>8} {'total s':>8} {'exp. s':>7}"
        f" {'peak +MB':>9} {'index MB':>9}  (median of {args.rounds}; RSS before build: MB)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        roots = [(args.before[:8], checkout(args.before, Path(tmp) / "before", "bot")), ("new", ROOT)]
        for entries in args.entries:
            folder = Path(tmp) / f"content-{entries}"
            if entries == 10_000 and args.folder_10000:
                folder = args.folder_10000
            else:
                generate(folder, entries, LANGS)
            results: dict[str, list[dict[str, float | str]]] = {label: [] for label, _ in roots}
            for _ in range(args.rounds):
                for label, root in roots:
                    results[label].append(measure(folder, root))
            digests = {label: {str(r["digest"]) for r in rs} for label, rs in results.items()}
            for label, rs in results.items():
                med = {k: statistics.median(float(r[k]) for r in rs) for k in keys}
                print(
                    f"{label:>8} {entries:>8} {med['docs']:>7.2f} {med['build']:>8.2f} {med['total']:>8.2f}"
                    f" {med['expansions']:>7.3f} {med['peak_mb']:>9.1f} {med['index_mb']:>9.1f}"
                    f"  (base {statistics.median(float(r['base_mb']) for r in rs):.0f} MB,"
                    f" {rs[0]['terms']} terms, {rs[0]['postings']} postings)",
                    flush=True,
                )
            all_digests = set().union(*digests.values())
            print(f"{'':>8} {'':>8} index identical: {'yes' if len(all_digests) == 1 else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
