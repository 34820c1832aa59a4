"""Search quality per language on an evaluation set (bench/eval/README.md says which set is for what).

    .venv/bin/python bench/search_eval.py bench/eval/shipped-dev.jsonl bench/eval/shipped-dev-oos.jsonl
    .venv/bin/python bench/search_eval.py --content bench/eval/<district>/content bench/eval/<district>.jsonl
    options: --lexical (no model: what residents get before the vectors are ready)
             --misses (print every miss: for *dev* sets only, never look at a test set's misses)
             --json FILE (the table as JSON)

Each question is answered by the real engine (``SearchEngine.answer``: emergency, small talk, ranking and
the three outcomes). What the resident *sees* is scored:

- top-1: the confident answer, or the first choice, is acceptable (and no emergency screen);
- top-3: an acceptable entry is among what is shown (the answer alone, or the 2–3 choices);
- confident precision: share of confident answers (to any question, out of scope included) that are right;
- confident share: share of the answerable questions that got a confident answer;
- out of scope declined: questions with ``expect: []`` that got no confident answer (choices or "I don't
  know", as bench/eval/README.md counts it); "I don't know": those that got neither answer nor choices;
- emergency recall: ``["emergency"]`` questions that raised the emergency screen; false alarms: the others
  that did, and among them the everyday phrases tagged ``false_alarm``; "numbers alone": false alarms whose
  screen lists no entry below the numbers although the search, without the alarm, would have shown one
  (a hard trigger, or a weak find under an emergency by meaning), so the resident's question gets no answer
  but *Ask a person*. (A false alarm where the search finds nothing is no worse off than "I don't know":
  the screen has *Ask a person* and the menu too.)

Questions are asked in the content's first district (its main one, first in districts.yaml).

Offers and events that are over or not yet on are *not* left out here, unlike in the bot and in
`run_bot.py ask` (`current_only`): the eval contents' events and courses have dates (the first ones end in
2027), so leaving them out "today" would change the numbers with the day of the run, and questions
expecting an event would turn into misses. Whether an entry is current is one rule of its own
(`Catalogue.is_current`, tests/test_current_entries.py); this eval measures the search.

The vectors are cached in ``--cache`` (default ``data/bench-vectors``), so a second run starts at once.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.catalogue import load_catalogue  # noqa: E402
from bot.search import Embedder, SearchEngine, SearchResult  # noqa: E402

LANG_ORDER = ["de", "de-simple", "tr", "ar", "ru", "uk", "pl", "fa", "en"]
DISTRICT: str | None = None  # the content's first district (set by build_engine)


def acceptable(key: str, expect: list[str]) -> bool:
    return key in expect or (key.startswith("event:") and "event:*" in expect)


def shown(result: SearchResult) -> list[str]:
    """The entries the resident sees, in order."""
    if result.answer is not None:
        return [result.answer.key]
    return [hit.key for hit in result.alternatives]


def shown_below_numbers(result: SearchResult) -> list[str]:
    """The entries an emergency screen lists below the numbers (bot/handlers/questions.py: none after a
    hard trigger)."""
    match = result.emergency_match
    return [] if match is not None and match.hard else shown(result)


class Tally:
    def __init__(self) -> None:
        self.n = self.top1 = self.top3 = 0
        self.confident = self.confident_right = self.confident_in_scope = 0
        self.oos = self.oos_declined = self.oos_unknown = 0
        self.emergencies = self.emergency_found = 0
        self.other = self.false_alarms = self.tagged = self.tagged_alarms = self.alone = 0

    def add(
        self, expect: list[str], result: SearchResult, tag: str | None = None, found: bool = False
    ) -> bool:
        """Count one question (``found``: the search without the alarm would show an entry); True if the bot
        did what was expected."""
        if expect == ["emergency"]:
            self.emergencies += 1
            self.emergency_found += result.emergency
            return result.emergency
        self.other += 1
        self.false_alarms += result.emergency
        self.alone += result.emergency and found and not shown_below_numbers(result)
        if tag == "false_alarm":
            self.tagged += 1
            self.tagged_alarms += result.emergency
        if result.answer is not None:
            self.confident += 1
            self.confident_right += acceptable(result.answer.key, expect)
        if not expect:
            self.oos += 1
            self.oos_declined += result.answer is None
            unknown = result.answer is None and not result.alternatives and not result.emergency
            self.oos_unknown += unknown
            return unknown
        self.n += 1
        self.confident_in_scope += result.answer is not None
        keys = [] if result.emergency else shown(result)
        first = bool(keys) and acceptable(keys[0], expect)
        self.top1 += first
        self.top3 += any(acceptable(k, expect) for k in keys[:3])
        return first

    def row(self) -> dict[str, Any]:
        def pct(a: int, b: int) -> float | None:
            return round(100 * a / b, 1) if b else None

        return {
            "questions": self.n,
            "top1": pct(self.top1, self.n),
            "top3": pct(self.top3, self.n),
            "confident_precision": pct(self.confident_right, self.confident),
            "confident_share": pct(self.confident_in_scope, self.n),
            "oos_declined": f"{self.oos_declined}/{self.oos}" if self.oos else None,
            "oos_dont_know": f"{self.oos_unknown}/{self.oos}" if self.oos else None,
            "emergency_recall": f"{self.emergency_found}/{self.emergencies}" if self.emergencies else None,
            "false_alarms": f"{self.false_alarms}/{self.other}",
            "false_alarms_tagged": f"{self.tagged_alarms}/{self.tagged}" if self.tagged else None,
            "numbers_alone": f"{self.alone}/{self.false_alarms}" if self.false_alarms else None,
        }


def build_engine(content: Path, cache: Path | None, lexical: bool) -> SearchEngine:
    catalogue, _warnings = load_catalogue(content)
    global DISTRICT
    DISTRICT = next(iter(catalogue.districts), None)
    embedder = None if lexical else Embedder(cache)
    engine = SearchEngine.from_catalogue(catalogue, embedder)
    engine.start_vectors()
    if embedder is not None:
        started = time.perf_counter()
        while not engine.semantic.ready.wait(1.0):
            if embedder.status == "failed":
                raise SystemExit(f"model failed: {embedder.error}")
        print(f"vectors ready after {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return engine


def evaluate(engine: SearchEngine, paths: list[Path], misses: bool) -> dict[str, dict[str, Any]]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            ui = item.get("ui", item["lang"])  # the language she chose for the bot, if not the question's
            result = engine.answer(item["q"], ui, DISTRICT)
            tag = item.get("tag")
            found = result.emergency and bool(shown(engine.search(item["q"], ui, DISTRICT)))
            ok = tallies[item["lang"]].add(item["expect"], result, tag, found)
            tallies["all"].add(item["expect"], result, tag, found)
            if misses and not ok:
                got = "EMERGENCY" if result.emergency else result.outcome
                print(
                    f"MISS [{item['lang']}@{ui}] {item['q']!r} expect={item['expect']} -> {got} "
                    f"{shown(result)} conf={result.confidence}",
                    file=sys.stderr,
                )
    order = [lang for lang in LANG_ORDER if lang in tallies] + ["all"]
    return {lang: tallies[lang].row() for lang in order}


def print_table(table: dict[str, dict[str, Any]]) -> None:
    columns = list(next(iter(table.values())))
    print("| language | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for lang, row in table.items():
        print(f"| {lang} | " + " | ".join("–" if row[c] is None else str(row[c]) for c in columns) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "bench-vectors")
    parser.add_argument("--lexical", action="store_true")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    engine = build_engine(args.content, args.cache, args.lexical)
    table = evaluate(engine, args.sets, args.misses)
    print_table(table)
    if args.json:
        args.json.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
