"""Compare SearchIndex.search and SearchEngine.answer results (ids and scores) with an earlier commit.

    .venv/bin/python bench/search_compare.py --before GIT-REF [--content content]

Runs a broad query set on the shipped content with the working tree's code and with REF's code (in a
temporary git worktree, REF's own content folder is not used: both run on ``--content``) and prints every
difference. Queries: the question set, each question's first half, second half and every question without
one of its words, every distinct single word; three district settings (none and the two most frequent),
limit 10; plus ``SearchEngine.answer`` (answer, alternatives, emergency) for every question. Exit status
1 if anything differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    args = parser.parse_args()
    if args.dump:
        args.dump.write_text(json.dumps(dump(args.content)), encoding="utf-8")
        return
    if not args.before:
        parser.error("--before REF is required")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.before],
            check=True,
            capture_output=True,
        )
        try:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--dump", f"{tmp}/b.json"]
            subprocess.run(
                [*cmd, "--content", str(args.content.resolve()), f"--code={tree}"], check=True, cwd=tree
            )
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--dump",
                tmp + "/a.json",
                "--content",
                str(args.content),
            ],
            check=True,
        )
        before = json.loads(Path(tmp, "b.json").read_text(encoding="utf-8"))
        after = json.loads(Path(tmp, "a.json").read_text(encoding="utf-8"))
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
