"""Benchmark: the whole bot starting with a content folder — load + validate + index time and memory.

    .venv/bin/python bench/bot_bench.py [--entries 10000] [--ten-words] [--rounds 3] [--content DIR ...]
                                        [--before REF]

This is what issue 3 asks about: the running bot (the real `Application` with its database, catalogs,
delivery worker and jobs, on the offline Telegram transport) with the shipped content and with a
generated 10,000-entry catalogue (bench/gen_catalogue.py, 9 languages, words from the shipped content).
Each start runs in a fresh process; the rounds alternate between the folders (and, with `--before`, between
the code of REF and the work tree, both on the same generated folders) and medians are reported.

The database exists already (it is migrated before, as on every restart).

Columns: content reload (load + validate + search index, what a start or `/reload` waits for), the
whole start (also database check, command registration), RSS when the bot is ready (VmRSS: the
running bot) and the peak RSS of the process (ru_maxrss: includes the load's transient peak).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTS = ("off", "cold", "warm")
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

_CHILD = """
import asyncio, json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
started = time.perf_counter()
from bot.app import build_application, start_services, stop_services
from bot.fakeapi import FAKE_TOKEN, FakeTelegram
from bot.settings import Settings

def rss_mb(key="VmRSS"):
    with open("/proc/self/status") as status:
        return int(status.read().split(key + ":")[1].split()[0]) / 1024

settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///{db}", content_dir=Path({content!r}),
                    locales_dir=Path({root!r}) / "locales", telegram_bot_token=None,
                    content_cache_dir={cache!r} and Path({cache!r}))
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
        rss, anon = rss_mb(), rss_mb("RssAnon")
        found = services.search.search("Deutschkurs", "de")
        hits = ([found.answer] if found.answer else []) + found.alternatives
        for line in open({questions!r}, encoding="utf-8"):  # touch what residents' questions touch
            question = json.loads(line)
            services.search.answer(question["q"], question.get("lang", "de"))
        out = dict(imported=imported, reload=reload_s, ready=ready_s, rss=rss, anon=anon,
                   queried=rss_mb(), queried_anon=rss_mb("RssAnon"),
                   entries=sum(len(v) for v in services.content.catalogue.entries_by_kind().values()),
                   hits=len(hits))
        await stop_services(app)
    try:
        from bot.snapshots import wait_for_snapshots
    except ImportError:  # code from before snapshots (--before REF)
        pass
    else:
        wait_for_snapshots()
    # Peak after the snapshots written in the background are done: their memory counts too.
    out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))

asyncio.run(main())
"""


def measure(content: Path, db: Path, root: Path = ROOT, cache: Path | None = None) -> dict[str, float]:
    """One start of the bot (the code in `root`) in a fresh process, on a migrated database (a restart),
    with snapshots in `cache` (None: off)."""
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
    code = _CHILD.format(
        root=str(root), content=str(content), db=str(db), cache=cache and str(cache), questions=questions
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:] or done.stdout)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from gen_catalogue import LANGS, generate
    from revisions import checkout

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="*", default=[10_000])
    parser.add_argument("--ten-words", action="store_true", help="generate with the old ten-word vocabulary")
    parser.add_argument("--content", type=Path, nargs="*", default=[], help="also measure these folders")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", metavar="REF", help="also start the bot of git REF, alternating")
    parser.add_argument(
        "--starts",
        nargs="*",
        choices=STARTS,
        default=list(STARTS),
        help="off: no snapshots; cold: an empty snapshot folder; warm: the snapshots the cold start left",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        codes = [("now", ROOT)]
        if args.before:
            codes.insert(0, (args.before, checkout(args.before, Path(tmp) / "before")))
        folders = [("shipped", ROOT / "content")] + [(str(p), p) for p in args.content]
        for entries in args.entries:
            folder = Path(tmp) / f"content-{entries}"
            generate(folder, entries, LANGS, realistic=not args.ten_words)
            size = sum(p.stat().st_size for p in folder.rglob("*.yaml")) / 1e6
            folders.append((f"{entries} ({size:.0f} MB YAML)", folder))
        runs: dict[tuple[str, str, str], list[dict[str, float]]] = {}
        for round_ in range(args.rounds):
            for n, (label, folder) in enumerate(folders):
                for code, root in codes:
                    # The code of REF has no snapshots (or other ones): it starts "off" only.
                    for start in args.starts if code == "now" else ["off"]:
                        cache = None
                        if start != "off":
                            cache = Path(tmp) / f"cache-{n}-{round_}"
                            if start == "cold" or not cache.exists():
                                shutil.rmtree(cache, ignore_errors=True)
                                if start == "warm":  # no cold start in this run: make the snapshots
                                    measure(folder, Path(tmp) / f"bench-{code}.db", root, cache)
                        result = measure(folder, Path(tmp) / f"bench-{code}.db", root, cache)
                        runs.setdefault((label, code, start), []).append(result)
                        step = f"round {round_ + 1}: {label}, {code}, {start}"
                        print(f"{step}: {result}", file=sys.stderr, flush=True)
    print(
        "| content | code | start | load+validate+index (s) | ready (s) | RSS ready (MB) | of it anonymous"
        " | RSS after the dev questions | of it anonymous | peak RSS (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (label, code, start), results in runs.items():

        def median(key: str, results: list[dict[str, float]] = results) -> float:
            return statistics.median(r[key] for r in results)

        entries = int(median("entries"))
        anon = f"{median('anon'):.0f}" if all("anon" in r for r in results) else "–"
        queried = f"{median('queried'):.0f}" if all("queried" in r for r in results) else "–"
        queried_anon = f"{median('queried_anon'):.0f}" if all("queried_anon" in r for r in results) else "–"
        print(
            f"| {label} ({entries:,} entries) | {code} | {start} | {median('reload'):.2f}"
            f" | {median('ready'):.2f} | {median('rss'):.0f} | {anon} | {queried} | {queried_anon}"
            f" | {median('peak'):.0f} |"
        )
    print(f"\nmedians of {args.rounds} rounds, each start in a fresh process")


if __name__ == "__main__":
    main()
