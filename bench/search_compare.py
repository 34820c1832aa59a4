"""Compare SearchIndex.search and SearchEngine.answer results (ids and scores) with an earlier commit.

    .venv/bin/python bench/search_compare.py --before GIT-REF [--content content]
    .venv/bin/python bench/search_compare.py --before GIT-REF --synthetic 10000 [--generator varied]

Runs a broad query set on the shipped content with the working tree's code and with REF's code (unpacked
from git into a temporary folder; REF's own content folder is not used: both run on ``--content``) and
prints every difference. Queries: the question set, each question's first half, second half and every
question without one of its words, every distinct single word; three district settings (none and the two
most frequent), limit 10; plus ``SearchEngine.answer`` (answer, alternatives, emergency) for every
question. Exit status 1 if anything differs.

``--synthetic N``: agreement on bench/search_bench.py's synthetic catalogue instead (built from
``--content`` with the current generator, the same documents for both sides). The questions, without and
with a district (ost-westsiedlung), limit 3 and 10, with REF's code and the working tree's, each compared
with exhaustive scoring of the same query groups (every posting of every term read; and "by the rule":
every posting except that a long expansion list counts only with its first ``EXPANSION_CHAMPIONS``, which
is what the index means to compute): identical result lists (ids and scores), same first hit, and score
recall = the exhaustive scores of the returned documents / the exhaustive top-k scores. Informational:
exit status 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from revisions import checkout  # noqa: E402


def queries() -> list[str]:
    questions = [
        json.loads(line)["q"]
        for line in (ROOT / "tests/data/questions.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    out: dict[str, None] = {}
    for q in questions:
        words = q.split()
        out[q] = None
        out[" ".join(words[: len(words) // 2])] = None
        out[" ".join(words[len(words) // 2 :])] = None
        for i in range(len(words)):
            out[" ".join(words[:i] + words[i + 1 :])] = None
        for w in words:
            out[w] = None
    out.pop("", None)
    return list(out)


def exhaustive(index: Any, query: str, district: str | None, limit: int, rule: bool) -> dict[int, float]:
    """Every document's score for ``query``: the sum over its groups of the best weight × contribution,
    over every posting (``rule``: of a long expansion list only its first ``EXPANSION_CHAMPIONS``)."""
    import bot.search.index as ix
    from bot.search.normalize import analyse_query

    tokens = analyse_query(query)[: ix.MAX_QUERY_TOKENS]
    content = [t for t in tokens if not t.stop] or tokens
    groups: list[dict[str, float]] = []
    seen: set[str] = set()
    for token in content:
        if token.surface not in seen:
            seen.add(token.surface)
            groups.extend(index.expand(token))
    totals: dict[int, float] = {}
    offsets, post_docs, post_scores = index._offsets, index._post_docs, index._post_scores
    for group in groups:
        best: dict[int, float] = {}
        for term, weight in group.items():
            tid = index._term_ids[term]
            start, end = offsets[tid], offsets[tid + 1]
            if rule and weight < ix.W_STEM and end - start > ix.CHAMPIONS:
                end = start + ix.EXPANSION_CHAMPIONS
            for d, value in zip(post_docs[start:end], post_scores[start:end], strict=True):
                if value * weight > best.get(d, 0.0):
                    best[d] = value * weight
        for d, value in best.items():
            totals[d] = totals.get(d, 0.0) + value
    if district is not None:
        totals = {d: v for d, v in totals.items() if district in (index._districts[d] or (district,))}
    return totals


def top(scores: dict[int, float], limit: int) -> list[int]:
    return [d for d, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def dump_synthetic(content: Path, n: int, generator: str, against: Path | None) -> dict[str, object]:
    """Results on the synthetic catalogue; with ``against`` (the other side's dump) also the exhaustive
    rankings and the exhaustive scores of the documents either side returned."""
    sys.path.insert(0, str(ROOT / "bench"))
    from search_bench import load_content, load_questions, synthetic_documents  # type: ignore[import-not-found]

    import bot.search.index
    from bot.search.documents import documents_from_catalogue
    from bot.search.index import SearchIndex

    print("code:", bot.search.index.__file__, file=sys.stderr)
    catalogue, _ = load_content(content)
    index = SearchIndex.build(
        synthetic_documents(documents_from_catalogue(catalogue), n, generator=generator)
    )
    positions = {doc_id: i for i, doc_id in enumerate(index._ids)}
    other = json.loads(against.read_text(encoding="utf-8")) if against else {}
    out: dict[str, object] = {}
    for question in dict.fromkeys(q["q"] for q in load_questions()):
        for district in (None, "ost-westsiedlung"):
            for limit in (3, 10):
                key = f"{district}|{limit}|{question}"
                hits = index.search(question, "de", district, limit=limit)
                out[f"search {key}"] = [(h.id, h.score) for h in hits]
                if not against:
                    continue
                for rule in (False, True):
                    scores = exhaustive(index, question, district, limit, rule)
                    name = "rule" if rule else "full"
                    out[f"{name} {key}"] = [(index._ids[d], round(scores[d], 4)) for d in top(scores, limit)]
                    if not rule:  # for the recall: the exhaustive scores of what either side returned
                        returned = [h.id for h in hits] + [h[0] for h in other[f"search {key}"]]
                        out[f"scores {key}"] = {i: scores.get(positions[i], 0.0) for i in returned}
    return out


def agreement(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Table rows: each side against the exhaustive rankings (and now against before)."""

    def rows(side: dict[str, Any], name: str) -> list[str]:
        out = []
        for limit in (3, 10):
            keys = [k[7:] for k in side if k.startswith("search ") and k.split("|")[1] == str(limit)]
            for ref in ("full", "rule"):
                same = first = 0
                recall = 0.0
                for key in keys:
                    got, want = side[f"search {key}"], after[f"{ref} {key}"]
                    same += [tuple(h) for h in got] == [tuple(h) for h in want]
                    first += bool(got) == bool(want) and (not got or got[0][0] == want[0][0])
                    true = after[f"scores {key}"]
                    ideal = sum(score for _, score in after[f"full {key}"][:limit])
                    recall += (sum(true.get(h[0], 0.0) for h in got) / ideal) if ideal else 1.0
                n = len(keys)
                out.append(
                    f"| {name} | {limit} | {ref} | {100 * same / n:.1f} % | {100 * first / n:.1f} % | "
                    f"{100 * recall / n:.1f} % |"
                )
        return out

    lines = [
        "| code | limit | exhaustive | identical lists | same first hit | score recall (vs full) |",
        "|---|---|---|---|---|---|",
        *rows(before, "before"),
        *rows(after, "now"),
    ]
    for limit in (3, 10):
        keys = [k for k in after if k.startswith("search ") and k.split("|")[1] == str(limit)]
        same = sum(before.get(k) == after[k] for k in keys)
        lines.append(f"\nnow vs before, limit {limit}: {same} of {len(keys)} result lists identical")
    return lines


def dump(content: Path) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "bench"))
    from search_bench import load_content, load_questions  # type: ignore[import-not-found]

    import bot.search.index
    from bot.search.documents import documents_from_catalogue, emergency_triggers
    from bot.search.engine import SearchEngine

    print("code:", bot.search.index.__file__, file=sys.stderr)
    catalogue, _ = load_content(content)
    docs = documents_from_catalogue(catalogue)
    engine = SearchEngine.from_documents(docs, emergency_triggers(catalogue))
    counts = Counter(d for doc in docs for d in (doc.district_ids or ()))
    settings = [None, *sorted(counts, key=lambda d: (-counts[d], d))[:2]]
    out: dict[str, object] = {}
    for q in queries():
        for district in settings:
            hits = engine.index.search(q, "de", district, limit=10)
            out[f"search {district} {q}"] = [(h.key, h.score) for h in hits]
    for question in load_questions():
        r = engine.answer(question["q"], question["lang"], None)
        out[f"answer {question['q']}"] = [
            r.answer.key if r.answer else None,
            [(h.key, h.score) for h in r.alternatives],
            r.emergency,
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", required=False)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)  # write this checkout's results here
    parser.add_argument("--code", help=argparse.SUPPRESS)  # --code=DIR: import bot.search from DIR
    parser.add_argument("--synthetic", type=int, default=0, help="agreement on N synthetic documents")
    parser.add_argument("--generator", choices=("copies", "varied"), default="copies")
    parser.add_argument("--against", type=Path, help=argparse.SUPPRESS)  # the other side's synthetic dump
    args = parser.parse_args()
    if args.dump:
        if args.synthetic:
            results = dump_synthetic(args.content, args.synthetic, args.generator, args.against)
        else:
            results = dump(args.content)
        args.dump.write_text(json.dumps(results), encoding="utf-8")
        return
    if not args.before:
        parser.error("--before REF is required")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "before"
        checkout(args.before, tree)  # REF's whole tree; gone with the temporary folder
        synthetic = (
            ["--synthetic", str(args.synthetic), "--generator", args.generator] if args.synthetic else []
        )
        cmd = [sys.executable, str(Path(__file__).resolve()), "--dump", f"{tmp}/b.json", *synthetic]
        subprocess.run(
            [*cmd, "--content", str(args.content.resolve()), f"--code={tree}"], check=True, cwd=tree
        )
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--dump",
                tmp + "/a.json",
                "--content",
                str(args.content),
                *synthetic,
                *(["--against", f"{tmp}/b.json"] if args.synthetic else []),
            ],
            check=True,
        )
        before = json.loads(Path(tmp, "b.json").read_text(encoding="utf-8"))
        after = json.loads(Path(tmp, "a.json").read_text(encoding="utf-8"))
    if args.synthetic:
        print(
            f"Synthetic {args.synthetic:,} ({args.generator}), before = {args.before}, now = working tree:\n"
        )
        print("\n".join(agreement(before, after)))
        return
    diffs = [k for k in before if before[k] != after.get(k)]
    for k in diffs[:50]:
        print(f"{k}\n  before {before[k]}\n  now    {after.get(k)}")
    n_search = sum(k.startswith("search ") for k in before)
    print(
        f"{len(before)} results compared ({n_search} searches, {len(before) - n_search} answers): "
        f"{len(diffs)} differ"
    )
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
