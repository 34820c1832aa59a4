"""Top-3 accuracy on tests/data/questions.jsonl over the shipped content must not regress."""

import json
from collections import defaultdict
from pathlib import Path

import pytest

from bot.search.documents import documents_from_catalogue, emergency_triggers
from bot.search.engine import SearchEngine

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
TOP3_FLOOR = 0.97  # overall; measured 0.99 (see BENCHMARKS.md)
LANG_FLOOR = 0.85


def _catalogue() -> object:
    from bot.content.loader import load_sources

    loaded = load_sources(ROOT / "content")
    if not loaded.entries.get("offers"):
        pytest.skip("content/ has no offers yet")
    try:
        from bot.content.catalogue import load_catalogue

        return load_catalogue(ROOT / "content")[0]
    except Exception:  # content still incomplete (e.g. no privacy notice): use what validated
        from types import SimpleNamespace

        return SimpleNamespace(**loaded.entries)


def test_top3_accuracy_on_the_question_set_stays_above_the_floor() -> None:
    catalogue = _catalogue()
    docs = documents_from_catalogue(catalogue)
    keys = {d.key for d in docs}
    kinds = {d.kind for d in docs}
    engine = SearchEngine.from_documents(docs, emergency_triggers(catalogue))
    ok: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    missed_emergencies = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        result = engine.answer(q["q"], q["lang"], None)
        if q["expect"] == ["emergency"]:
            if not result.emergency:
                missed_emergencies.append(q["q"])
            continue
        if not any(e in keys or (e.endswith(":*") and e[:-2] in kinds) for e in q["expect"]):
            continue  # expected entry not written yet
        hits = ([result.answer] if result.answer else []) + result.alternatives
        total[q["lang"]] += 1
        ok[q["lang"]] += any(h.key in q["expect"] or f"{h.kind}:*" in q["expect"] for h in hits[:3])
    assert not missed_emergencies
    assert sum(ok.values()) / sum(total.values()) >= TOP3_FLOOR
    for lang, n in total.items():
        assert ok[lang] / n >= LANG_FLOOR, lang


def test_shipped_posting_lists_fit_in_the_champion_lists() -> None:
    """Every posting list of the shipped content is read in full (results as with a plain dict index);
    if this fails, the content outgrew CHAMPIONS: raise it, or accept champion-list ranking there."""
    from bot.search.index import CHAMPIONS, SearchIndex

    index = SearchIndex.build(documents_from_catalogue(_catalogue()))
    offsets = index._offsets
    longest = max(offsets[t + 1] - offsets[t] for t in range(len(offsets) - 1))
    assert longest <= CHAMPIONS
