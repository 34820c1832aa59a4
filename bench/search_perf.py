"""Search performance: start-up (lexical, then meaning-based), answer latency under load, memory.

    .venv/bin/python bench/search_perf.py [--content DIR | --entries 2000] [--cache DIR] [--residents 4]

One run is one start of the search as the bot does it: load the content, build the engine (from then on
it answers from the words), compute or load the vectors in the background thread (from then on it
answers by meaning too), then residents ask questions at the same time while an event-loop ticker
measures how long the loop was held up. Run it twice with the same ``--cache``: the first run is a first
start (nothing cached), the second a restart with unchanged content.

``--entries N`` generates a catalogue of N entries in 9 languages (bench/gen_catalogue.py, words from the
shipped content) into the cache folder, once. The questions are those of bench/eval/shipped-dev.jsonl.
Prints one JSON object; BENCHMARKS.md has the tables.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bot.content.catalogue import load_catalogue  # noqa: E402
from bot.search import Embedder, SearchEngine  # noqa: E402

QUESTIONS = ROOT / "bench" / "eval" / "shipped-dev.jsonl"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def residents_ask(
    engine: SearchEngine, questions: list[dict[str, str]], residents: int
) -> dict[str, float]:
    """`residents` residents ask all questions between them at once; a ticker measures the loop's lag."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - started - 0.005)

    latencies: list[float] = []

    async def resident(mine: list[dict[str, str]]) -> None:
        for item in mine:
            started = time.perf_counter()
            await engine.answer_async(item["q"], item["lang"])
            latencies.append(time.perf_counter() - started)

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    await asyncio.gather(*(resident(questions[i::residents]) for i in range(residents)))
    wall = time.perf_counter() - started
    stop.set()
    await tick
    ordered = sorted(latencies)
    return {
        "questions": len(latencies),
        "answer_p50_ms": round(1000 * statistics.median(ordered), 1),
        "answer_p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "answer_max_ms": round(1000 * ordered[-1], 1),
        "answers_per_s": round(len(latencies) / wall, 1),
        "loop_lag_max_ms": round(1000 * max(lags), 1),
        "loop_lag_p99_ms": round(1000 * sorted(lags)[int(0.99 * (len(lags) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--entries", type=int, help="generate a catalogue of this many entries")
    parser.add_argument("--cache", type=Path, default=None, help="vector cache folder (default: none)")
    parser.add_argument("--residents", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="times each question is asked")
    args = parser.parse_args()

    content = args.content
    if args.entries:
        from gen_catalogue import LANGS, generate

        assert args.cache is not None, "--entries needs --cache (the generated content is kept there)"
        content = args.cache / f"content-{args.entries}"
        if not content.exists():
            generate(content, args.entries, LANGS)
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]

    started = time.perf_counter()
    catalogue, _warnings = load_catalogue(content)
    loaded = time.perf_counter() - started
    embedder = Embedder(args.cache)
    engine = SearchEngine.from_catalogue(catalogue, embedder)
    engine.start_vectors()
    lexical_ready = time.perf_counter() - started
    engine.answer("Deutschkurs für Frauen", "de")  # answering from the words already
    rss_lexical = rss_mb()
    while not engine.semantic.ready.wait(0.05):
        if embedder.status == "failed":
            raise SystemExit(f"model failed: {embedder.error}")
    semantic_ready = time.perf_counter() - started
    result = {
        "content": str(content.relative_to(ROOT) if content.is_relative_to(ROOT) else content.name),
        "entries": len(engine.entries),
        "passages": engine.semantic.passages,
        "content_load_s": round(loaded, 2),
        "lexical_ready_s": round(lexical_ready, 2),
        "semantic_ready_s": round(semantic_ready, 2),
        "rss_lexical_mb": round(rss_lexical),
    }
    result |= asyncio.run(residents_ask(engine, questions * args.rounds, args.residents))
    result["rss_mb"] = round(rss_mb())
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    embedder.close()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
