"""Benchmark: the whole bot starting with a content folder — load + validate + index time and memory.

    .venv/bin/python bench/bot_bench.py [--entries 2000] [--ten-words] [--rounds 3] [--content DIR ...]
                                        [--before REF]

How long a restart keeps residents waiting, and how much memory the running bot takes: the real
`Application` (database, catalogs, delivery worker and jobs, on the offline Telegram transport) with the
shipped content and with a generated catalogue (bench/gen_catalogue.py, 9 languages, words from the
shipped content). Each start runs in a fresh process; the rounds alternate between the folders (and, with
`--before`, between the code of REF and the work tree, both on the same folders); medians are reported.
The code of REF uses the work tree's compiled search extensions when their C sources are the same.

The database exists already (it is migrated before, as on every restart).

Columns: content reload (load + validate + search index, what a start or `/reload` waits for), the
whole start (also database check, command registration), RSS when the bot is ready (VmRSS: the
running bot) and the peak RSS of the process (ru_maxrss: includes the load's transient peak).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

_CHILD = """
import asyncio, json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
started = time.perf_counter()
from bot.app import build_application, start_services, stop_services
from bot.testing.fakeapi import FAKE_TOKEN, FakeTelegram
from bot.settings import Settings

def rss_mb(key="VmRSS"):
    with open("/proc/self/status") as status:
        return int(status.read().split(key + ":")[1].split()[0]) / 1024

# content_cache_dir: older code (before issue 13) kept snapshots there; None makes it load everything.
# allow_example_data: the shipped content is example data. (Settings ignore names they do not know.)
settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///{db}", content_dir=Path({content!r}),
                    locales_dir=Path({root!r}) / "locales", telegram_bot_token=None, content_cache_dir=None,
                    allow_example_data=True)
app = build_application(settings, request=FakeTelegram(), token=FAKE_TOKEN, rate_limit=False)

async def main():
    async with app:
        services = app.bot_data.services
        imported = time.perf_counter() - started
        begin = time.perf_counter()
        result = await services.content.reload()
        assert result.ok, result.errors
        reload_s = time.perf_counter() - begin
        await start_services(app, background=True)
        ready_s = time.perf_counter() - started
        rss = rss_mb()
        found = services.search.search("Deutschkurs", "de")
        hits = ([found.answer] if found.answer else []) + found.alternatives
        for line in open({questions!r}, encoding="utf-8"):  # touch what residents' questions touch
            question = json.loads(line)
            services.search.answer(question["q"], question.get("lang", "de"))
        out = dict(imported=imported, reload=reload_s, ready=ready_s, rss=rss, queried=rss_mb(),
                   entries=sum(len(v) for v in services.content.catalogue.entries_by_kind().values()),
                   hits=len(hits))
        await stop_services(app)
    out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))

asyncio.run(main())
"""


def measure(content: Path, db: Path, root: Path = ROOT) -> dict[str, float]:
    """One start of the bot (the code in `root`) in a fresh process, on a migrated database (a restart)."""
    if not db.exists():
        env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{db}")
        subprocess.run(
            [sys.executable, "run_bot.py", "db", "upgrade"],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
        )
    questions = str(ROOT / "bench" / "eval" / "shipped-dev.jsonl")
    code = _CHILD.format(root=str(root), content=str(content), db=str(db), questions=questions)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:] or done.stdout)
    return json.loads(done.stdout.strip().splitlines()[-1])


def with_compiled_extensions(root: Path) -> Path:
    """`root` (a checkout) with the work tree's compiled search extensions where the C sources match."""
    for built in (ROOT / "bot" / "search").glob("_*.so"):
        source = ROOT / "bot" / "search" / (built.name.split(".")[0] + ".c")
        theirs = root / "bot" / "search" / source.name
        if theirs.exists() and filecmp.cmp(source, theirs, shallow=False):
            shutil.copy2(built, theirs.parent / built.name)
    return root


def main() -> None:
    from gen_catalogue import LANGS, generate
    from revisions import checkout

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="*", default=[2_000])
    parser.add_argument("--ten-words", action="store_true", help="generate with the old ten-word vocabulary")
    parser.add_argument("--content", type=Path, nargs="*", default=[], help="also measure these folders")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", metavar="REF", help="also start the bot of git REF, alternating")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        codes = [("now", ROOT)]
        if args.before:
            codes.insert(
                0, (args.before, with_compiled_extensions(checkout(args.before, Path(tmp) / "before")))
            )
        folders = [("shipped", ROOT / "content")] + [(str(p), p) for p in args.content]
        for entries in args.entries:
            folder = Path(tmp) / f"content-{entries}"
            generate(folder, entries, LANGS, realistic=not args.ten_words)
            size = sum(p.stat().st_size for p in folder.rglob("*.yaml")) / 1e6
            folders.append((f"{entries} ({size:.0f} MB YAML)", folder))
        runs: dict[tuple[str, str], list[dict[str, float]]] = {}
        for round_ in range(args.rounds):
            for label, folder in folders:
                for code, root in codes:
                    result = measure(folder, Path(tmp) / f"bench-{code}.db", root)
                    runs.setdefault((label, code), []).append(result)
                    print(f"round {round_ + 1}: {label}, {code}: {result}", file=sys.stderr, flush=True)
    print(
        "| content | code | load+validate+index (s) | ready (s) | RSS ready (MB)"
        " | RSS after the question set (MB) | peak RSS (MB) |"
    )
    print("|---|---|---|---|---|---|---|")
    for (label, code), results in runs.items():

        def median(key: str, results: list[dict[str, float]] = results) -> float:
            return statistics.median(r[key] for r in results)

        print(
            f"| {label} ({int(median('entries')):,} entries) | {code} | {median('reload'):.2f}"
            f" | {median('ready'):.2f} | {median('rss'):.0f} | {median('queried'):.0f}"
            f" | {median('peak'):.0f} |"
        )
    print(f"\nmedians of {args.rounds} rounds, each start in a fresh process")


if __name__ == "__main__":
    main()
