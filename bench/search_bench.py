"""Search benchmark: quality per language (ours vs plain BM25) and latency on real and synthetic content.

    .venv/bin/python bench/search_bench.py [--content content] [--synthetic 10000] \\
        [--generator copies|varied] [--out /work/notes/search_bench.md] [--before GIT-REF]

``--before REF`` runs the same benchmark (same questions, same synthetic catalogue) on the code and content
of REF (unpacked from git into a temporary folder) and prints both side by side.
``--before REF --interleaved`` times only SearchIndex.search of REF's and the working tree's index module
in one process, alternating query by query (steadier on a shared machine than alternating whole runs;
see :func:`interleaved`).

Quality: each line of tests/data/questions.jsonl has acceptable answers "<kind>:<id>" ("event:*" = any
event) or "emergency". A search question counts for top-1 if the engine's first hit (answer or first
alternative) is acceptable and no emergency was raised; top-3 if any of the first three is. Questions whose
expected entries are not in the content yet are skipped and counted. Emergency questions count when the
engine raises the emergency; the baseline has no emergency detection and is only compared on search
questions.

Latency: SearchIndex.search per question, warm (analysis caches filled) and cold (caches cleared before
each query), on the shipped content and on a synthetic catalogue made by mutating the real documents
(bench/gen_catalogue.py, if present, is not needed): ``--generator copies`` (default, the catalogue of the
earlier rounds: ~200 near-copies of each real entry) or ``varied`` (entries of the same topics that differ
in length and most words); see :func:`synthetic_documents`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

_CODE = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--code=")), None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
if _CODE:  # benchmark another checkout's bot.search (used by --before)
    sys.path.insert(0, _CODE)

from bm25_baseline import BM25Baseline  # noqa: E402
from revisions import checkout  # noqa: E402

from bot.search import normalize  # noqa: E402
from bot.search.documents import documents_from_catalogue, emergency_triggers  # noqa: E402
from bot.search.engine import SearchEngine  # noqa: E402
from bot.search.index import Hit, SearchDocument, SearchIndex  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
LANG_ORDER = ["de", "de-simple", "tr", "ar", "ru", "uk", "pl", "fa", "en"]


def load_content(content_dir: Path) -> tuple[Any, str]:
    """The catalogue; falls back to the validated entries while the content is incomplete."""
    try:
        from bot.content.catalogue import load_catalogue

        catalogue, _ = load_catalogue(content_dir)
        return catalogue, "load_catalogue"
    except Exception as exc:  # content still being written: use whatever validated
        from bot.content.loader import load_sources

        loaded = load_sources(content_dir)
        return SimpleNamespace(**loaded.entries), f"load_sources ({type(exc).__name__}: {str(exc)[:80]})"


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def accepted(hit: Hit, expect: Sequence[str]) -> bool:
    return hit.key in expect or f"{hit.kind}:*" in expect


def answerable(question: dict[str, Any], keys: set[str], kinds: set[str]) -> bool:
    return any(
        e == "emergency" or e in keys or (e.endswith(":*") and e[:-2] in kinds) for e in question["expect"]
    )


def evaluate(
    questions: list[dict[str, Any]], docs: list[SearchDocument], engine: SearchEngine, baseline: BM25Baseline
) -> dict[str, Any]:
    keys = {d.key for d in docs}
    kinds = {d.kind for d in docs}
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[str] = []
    for q in questions:
        lang, expect = q["lang"], q["expect"]
        s = stats[lang]
        if not answerable(q, keys, kinds):
            s["skipped"] += 1
            continue
        result = engine.answer(q["q"], lang, None)
        if expect == ["emergency"]:
            s["emergency"] += 1
            s["emergency_ok"] += result.emergency
            if not result.emergency:
                failures.append(f"{lang}: {q['q']!r} → no emergency")
            continue
        s["n"] += 1
        hits = ([result.answer] if result.answer else []) + result.alternatives
        ok1 = bool(hits) and accepted(hits[0], expect) and not result.emergency
        ok3 = any(accepted(h, expect) for h in hits[:3]) and not result.emergency
        s["top1"] += ok1
        s["top3"] += ok3
        s["confident"] += result.answer is not None
        s["confident_wrong"] += result.answer is not None and not accepted(result.answer, expect)
        if not ok1:
            got = ", ".join(h.key for h in hits[:3]) or "nothing"
            failures.append(
                f"{lang}: {q['q']!r} → {got}{' (EMERGENCY)' if result.emergency else ''}; want {expect}"
            )
        base = baseline.search(q["q"], lang, None, 3)
        s["base_top1"] += bool(base) and accepted(base[0], expect)
        s["base_top3"] += any(accepted(h, expect) for h in base)
    return {"stats": stats, "failures": failures}


def pct(a: int, n: int) -> str:
    return f"{100 * a / n:.0f} %" if n else "–"


def quality_table(stats: dict[str, dict[str, int]]) -> str:
    lines = [
        "| language | questions | top-1 | top-3 | BM25 top-1 | BM25 top-3 | confident (wrong) | emergency "
        "| skipped |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    total: dict[str, int] = defaultdict(int)
    for lang in LANG_ORDER:
        s = stats.get(lang, {})
        for k, v in s.items():
            total[k] += v
        lines.append(_row(lang, s))
    lines.append(_row("**all**", total))
    return "\n".join(lines)


def _row(name: str, s: dict[str, int]) -> str:
    n = s.get("n", 0)
    return (
        f"| {name} | {n} | {pct(s.get('top1', 0), n)} | {pct(s.get('top3', 0), n)} | "
        f"{pct(s.get('base_top1', 0), n)} | {pct(s.get('base_top3', 0), n)} | "
        f"{s.get('confident', 0)} ({s.get('confident_wrong', 0)}) | "
        f"{s.get('emergency_ok', 0)}/{s.get('emergency', 0)} | {s.get('skipped', 0)} |"
    )


# --- latency ---------------------------------------------------------------------------------------------


def synthetic_documents(
    real: list[SearchDocument], n: int, seed: int = 7, generator: str = "copies"
) -> list[SearchDocument]:
    """``n`` documents made from the real ones (document ``i`` from real document ``i % len(real)``).

    ``copies`` (the generator of the earlier rounds): each word is replaced by a pseudo-word with
    probability 1/3, otherwise kept. Every real document thus has ~200 near-copies that keep the same
    length and two thirds of its words, so hundreds of documents get nearly the same contribution for a
    word (many within 1 % of the best): a catalogue of 200 slightly different copies of each of 49 entries.

    ``varied``: each word is dropped with probability 1/6; a kept one is the real word, a word drawn from
    the shipped texts of the same language (by frequency), or a pseudo-word, 1/3 each, and is followed by
    another drawn word with probability 1/6. Documents keep the topic and field structure of their real
    document but differ in length and in most of their words, like entries of one topic written by
    different people; common words spread over many entries as in a real catalogue.

    The pseudo-words come from a pool of 20,000 per script (both generators), so the vocabulary grows like
    a real catalogue's (tens of thousands of words), not by one new word per replaced token.
    """
    rng = random.Random(seed)
    alphabets = {
        normalize.LATIN: "abcdefghijklmnoprstuvwzäöüşçğı",
        normalize.CYRILLIC: "абвгдежзийклмнопрстуфхцчшщыьэюяії",
        normalize.ARABIC: "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    }
    pools = {
        script: ["".join(rng.choice(letters) for _ in range(rng.randint(4, 11))) for _ in range(20_000)]
        for script, letters in alphabets.items()
    }
    vocabulary: dict[str, list[str]] = defaultdict(list)  # per language every word of the shipped texts
    for doc in real:
        for lang, texts in doc.texts().items():
            for text, _ in texts:
                vocabulary[lang].extend(text.split())

    def pseudo(word: str) -> str:
        return rng.choice(pools.get(normalize.script_of(word), pools[normalize.LATIN]))

    def copies(text: str, lang: str) -> str:
        words = text.split()
        for i, w in enumerate(words):
            if rng.random() < 0.33:
                words[i] = pseudo(w)
        return " ".join(words)

    def varied(text: str, lang: str) -> str:
        drawn = vocabulary[lang]
        out = []
        for w in text.split():
            if rng.random() < 1 / 6:
                continue
            r = rng.random()
            out.append(w if r < 1 / 3 else rng.choice(drawn) if r < 2 / 3 else pseudo(w))
            if rng.random() < 1 / 6:
                out.append(rng.choice(drawn))
        return " ".join(out)

    mutate = {"copies": copies, "varied": varied}[generator]
    districts = [None, frozenset({"ost-westsiedlung"}), frozenset({"fredenberg"})]
    out = []
    for i in range(n):
        template = real[i % len(real)]
        fields = {lang: [(mutate(t, lang), w) for t, w in texts] for lang, texts in template.texts().items()}
        out.append(SearchDocument(f"syn-{i}", template.kind, rng.choice(districts), fields))
    return out


def measure(fn: Callable[[str], object], queries: list[str], repeat: int, cold: bool) -> list[float]:
    timings = []
    for _ in range(repeat):
        for q in queries:
            if cold:
                normalize.analyse_word.cache_clear()
                normalize.stem.cache_clear()
            t0 = time.perf_counter()
            fn(q)
            timings.append((time.perf_counter() - t0) * 1000)
    return timings


def p(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument(
        "--generator",
        choices=("copies", "varied"),
        default="copies",
        help="synthetic catalogue: near-copies of the real entries (earlier rounds) or varied entries",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/work/notes/search_bench.md"))
    parser.add_argument("--failures", action="store_true", help="list every question that missed top-1")
    parser.add_argument("--before", help="git ref to compare with (unpacked into a temporary folder)")
    parser.add_argument("--rounds", type=int, default=3, help="with --before: alternating runs of each")
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="with --before: REF's bot/search/index.py and the working tree's in one process, query by query",
    )
    parser.add_argument("--code", help=argparse.SUPPRESS)  # --code=DIR: import bot.search from DIR
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # write the raw numbers here
    args = parser.parse_args()
    if args.before and args.interleaved:
        interleaved(args)
        return
    if args.before:
        compare(args)
        return

    catalogue, how = load_content(args.content)
    docs = documents_from_catalogue(catalogue)
    engine = SearchEngine.from_documents(docs, emergency_triggers(catalogue))
    baseline = BM25Baseline(docs)
    questions = load_questions()
    result = evaluate(questions, docs, engine, baseline)
    counts = defaultdict(int)
    for d in docs:
        counts[d.kind] += 1

    queries = [q["q"] for q in questions]
    t0 = time.perf_counter()
    big_docs = synthetic_documents(docs, args.synthetic, generator=args.generator)
    big = SearchIndex.build(big_docs)
    build_s = time.perf_counter() - t0
    small = engine.index
    rows = []
    for name, index in (("shipped", small), (f"synthetic {args.synthetic:,} ({args.generator})", big)):
        # The first pass over a new index (also fills what an index makes on first use) warms up.
        first = measure(lambda q, ix=index: ix.search(q, "de", None), queries, 1, cold=False)
        warm = measure(lambda q, ix=index: ix.search(q, "de", None), queries, args.repeat, cold=False)
        warm_district = measure(
            lambda q, ix=index: ix.search(q, "de", "ost-westsiedlung"), queries, args.repeat, cold=False
        )
        cold = measure(lambda q, ix=index: ix.search(q, "de", None), queries, 1, cold=True)
        rows.append((name, len(index), warm, warm_district, cold, first))
    engine_warm = measure(lambda q: engine.answer(q, "de", None), queries, args.repeat, cold=False)

    lines = [
        "# Search benchmark",
        "",
        f"Content: {', '.join(f'{v} {k}' for k, v in sorted(counts.items()))} (loaded with {how}).",
        f"Questions: {len(questions)} in tests/data/questions.jsonl.",
        "",
        "## Quality (top-1 / top-3 per language, ours vs plain BM25)",
        "",
        quality_table(result["stats"]),
        "",
        "*confident (wrong)*: questions answered with one confident answer (of those, wrong).",
        "*emergency*: emergency sentences detected / asked; a search question raising an emergency counts "
        "as a miss. *skipped*: expected entries not in the content yet.",
        "",
        "## Latency of SearchIndex.search (ms)",
        "",
        "| catalogue | documents | p50 warm | p95 warm | p95 warm, district filter | p50 cold | p95 cold "
        "| p95 first pass |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, size, warm, warm_d, cold, first in rows:
        lines.append(
            f"| {name} | {size:,} | {p(warm, 50):.3f} | {p(warm, 95):.3f} | {p(warm_d, 95):.3f} | "
            f"{p(cold, 50):.3f} | {p(cold, 95):.3f} | {p(first, 95):.3f} |"
        )
    ratio = p(rows[1][2], 95) / p(rows[0][2], 95)
    ratio_cold = p(rows[1][4], 95) / p(rows[0][4], 95)
    lines += [
        "",
        f"p95 ratio synthetic/shipped: **{ratio:.2f}** warm, {ratio_cold:.2f} cold. "
        f"Synthetic index build: {build_s:.1f} s.",
        f"SearchEngine.answer on shipped content (emergency + small talk + search): "
        f"p50 {p(engine_warm, 50):.3f} ms, p95 {p(engine_warm, 95):.3f} ms.",
        "",
        "*warm*: word analyses cached (the bot's steady state, an LRU cache of 100k words); "
        "*cold*: caches cleared before every query (8 snowball stemmers per word); *first pass*: the "
        "first pass over the questions on the new index (word analyses cached by the quality run, but "
        "whatever the index makes on first use, e.g. bitmaps of long lists, is made then).",
    ]
    if result["failures"]:
        lines += ["", "## Misses (top-1)", ""] + [f"- {f}" for f in result["failures"]]
    text = "\n".join(lines) + "\n"
    if args.json:
        raw = {
            "stats": {lang: dict(v) for lang, v in result["stats"].items()},
            "latency": [
                {
                    "name": n,
                    "docs": size,
                    "p50": p(w, 50),
                    "p95": p(w, 95),
                    "p95_cold": p(c, 95),
                    "p95_first": p(f, 95),
                }
                for n, size, w, _, c, f in rows
            ],
            "ratio": ratio,
            "ratio_cold": ratio_cold,
            "build_s": build_s,
        }
        args.json.write_text(json.dumps(raw), encoding="utf-8")
        return
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


def _run(
    code: Path | None, content: Path, out: Path, synthetic: int, repeat: int, generator: str
) -> dict[str, Any]:
    import subprocess

    cmd = [sys.executable, str(Path(__file__).resolve()), "--content", str(content), "--json", str(out)]
    cmd += ["--synthetic", str(synthetic), "--repeat", str(repeat), "--generator", generator]
    if code:
        cmd.append(f"--code={code}")
    subprocess.run(cmd, check=True, cwd=code or ROOT)
    return json.loads(out.read_text(encoding="utf-8"))


_LATENCIES = ("p50", "p95", "p95_cold", "p95_first")


def _median_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's quality with the median of every latency number over the runs."""
    out = dict(runs[0])
    out["latency"] = [
        {**rows[0], **{k: statistics.median(r.get(k, 0.0) for r in rows) for k in _LATENCIES}}
        for rows in zip(*(run["latency"] for run in runs), strict=True)
    ]
    for key in ("ratio", "ratio_cold", "build_s"):
        out[key] = statistics.median(run[key] for run in runs)
    return out


def interleaved(args: argparse.Namespace) -> None:
    """SearchIndex.search of REF and of the working tree in one process, on the same documents.

    Only REF's ``bot/search/index.py`` is loaded (as a separate module); everything it imports
    (normalisation, stemmers) is the working tree's, so this compares the index code alone. Both versions
    build their own indexes from the same documents; then every question runs ``--repeat`` times per
    version, the versions alternating query by query (and which goes first alternating per pass), so
    drifting machine load hits both alike. Reported per question: the minimum over the passes (the
    query's own cost) and every timing (with the noise); percentiles over the questions.
    """
    import importlib.util
    import tempfile

    catalogue, _ = load_content(args.content)
    docs = documents_from_catalogue(catalogue)
    big_docs = synthetic_documents(docs, args.synthetic, generator=args.generator)
    queries = [q["q"] for q in load_questions()]
    versions: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "before"
        checkout(args.before, tree)  # REF's whole tree; gone with the temporary folder
        spec = importlib.util.spec_from_file_location("before_index", tree / "bot/search/index.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    for name, index_class in (("before", module.SearchIndex), ("now", SearchIndex)):
        t0 = time.perf_counter()
        versions[name] = (index_class.build(docs), index_class.build(big_docs))
        print(f"{name}: synthetic build {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for small, big in versions.values():  # first pass: fills caches and whatever is made on first use
        for q in queries:
            small.search(q, "de", None)
            big.search(q, "de", None)
    names = list(versions)
    every: dict[tuple[str, int], list[float]] = {(n, k): [] for n in names for k in (0, 1)}
    least: dict[tuple[str, int], list[float]] = {
        (n, k): [float("inf")] * len(queries) for n in names for k in (0, 1)
    }
    for r in range(args.repeat):
        order = names if r % 2 == 0 else names[::-1]
        for i, q in enumerate(queries):
            for name in order:
                for k, index in enumerate(versions[name]):
                    t0 = time.perf_counter()
                    index.search(q, "de", None)
                    dt = (time.perf_counter() - t0) * 1000
                    every[name, k].append(dt)
                    least[name, k][i] = min(least[name, k][i], dt)
    print(
        f"Before = {args.before} (its bot/search/index.py only), now = working tree; interleaved in one "
        f"process, {args.repeat} passes; synthetic {args.synthetic:,} ({args.generator}).\n"
    )
    lines = [
        "| timings | version | shipped p50 | shipped p95 | synthetic p50 | synthetic p95 | p95 ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, samples in (("per-query minimum", least), ("all", every)):
        for name in names:
            small, big = samples[name, 0], samples[name, 1]
            lines.append(
                f"| {label} | {name} | {p(small, 50):.3f} | {p(small, 95):.3f} | {p(big, 50):.3f} | "
                f"{p(big, 95):.3f} | {p(big, 95) / p(small, 95):.2f} |"
            )
    print("\n".join(lines))


def compare(args: argparse.Namespace) -> None:
    """Before (``args.before``) and now, side by side, on the current question set."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "before"
        checkout(args.before, tree)  # REF's whole tree; gone with the temporary folder
        # Before and now alternate (--rounds times): on a shared machine the speed drifts by tens of per
        # cent within minutes, so one run of each can favour either side. Latencies are the median of
        # the rounds' percentiles; quality is the same every round.
        befores, afters = [], []
        for r in range(args.rounds):
            out = Path(tmp) / f"before{r}.json"
            befores.append(_run(tree, tree / "content", out, args.synthetic, args.repeat, args.generator))
            after = Path(tmp) / f"after{r}.json"
            afters.append(_run(None, args.content, after, args.synthetic, args.repeat, args.generator))
        before, after = _median_runs(befores), _median_runs(afters)
    lines = [
        "| language | questions | top-1 before | top-1 now | top-3 before | top-3 now "
        "| BM25 top-1 | BM25 top-3 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    tot_b: dict[str, int] = defaultdict(int)
    tot_a: dict[str, int] = defaultdict(int)
    for lang in [*LANG_ORDER, "all"]:
        if lang == "all":
            b, a, name = tot_b, tot_a, "**all**"
        else:
            b, a, name = before["stats"].get(lang, {}), after["stats"].get(lang, {}), lang
            for k, v in b.items():
                tot_b[k] += v
            for k, v in a.items():
                tot_a[k] += v
        lines.append(
            f"| {name} | {a.get('n', 0)} | {pct(b.get('top1', 0), b.get('n', 0))} | "
            f"{pct(a.get('top1', 0), a.get('n', 0))} | {pct(b.get('top3', 0), b.get('n', 0))} | "
            f"{pct(a.get('top3', 0), a.get('n', 0))} | {pct(a.get('base_top1', 0), a.get('n', 0))} | "
            f"{pct(a.get('base_top3', 0), a.get('n', 0))} |"
        )
    lines.append(
        f"| emergency | {tot_a.get('emergency', 0)} | "
        f"{tot_b.get('emergency_ok', 0)}/{tot_b.get('emergency', 0)} | "
        f"{tot_a.get('emergency_ok', 0)}/{tot_a.get('emergency', 0)} | | | | |"
    )
    lines += [
        "",
        "| latency (ms) | before p50 | now p50 | before p95 | now p95 | before p95 cold | now p95 cold "
        "| before p95 first pass | now p95 first pass |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lb, la in zip(before["latency"], after["latency"], strict=True):
        lines.append(
            f"| {la['name']} | {lb['p50']:.3f} | {la['p50']:.3f} | {lb['p95']:.3f} | {la['p95']:.3f} | "
            f"{lb['p95_cold']:.3f} | {la['p95_cold']:.3f} | {lb['p95_first']:.3f} | {la['p95_first']:.3f} |"
        )
    lines.append(
        f"| p95 ratio synthetic/shipped (warm) | | | {before['ratio']:.2f} | {after['ratio']:.2f} | "
        f"{before['ratio_cold']:.2f} | {after['ratio_cold']:.2f} | | |"
    )
    lines.append(
        f"| synthetic index build (s) | | | {before['build_s']:.1f} | {after['build_s']:.1f} | | | | |"
    )
    print(
        f"Before = {args.before}, now = working tree; same {sum(1 for _ in open(QUESTIONS))} questions; "
        f"synthetic generator: {args.generator}; latency: median of {args.rounds} alternating runs each.\n"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
