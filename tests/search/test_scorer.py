"""The compiled scorer (bot/search/_scorer.c) gives exactly the pure-Python scorer's hits and scores.

The C scorer is built at installation when a C compiler is at hand (setup.py); CI has one, so there it
must be present. Without it the pure-Python scorer runs (the reference these tests compare against).
"""

from __future__ import annotations

import json
import os
import random
from array import array
from pathlib import Path

import pytest

from bot.search import index as index_module
from bot.search.documents import documents_from_catalogue
from bot.search.index import BITMAP_MIN, CHAMPIONS, SearchDocument, SearchIndex
from tests.search.conftest import doc

ROOT = Path(__file__).resolve().parents[2]
compiled_only = pytest.mark.skipif(
    index_module._scorer is None, reason="no compiled scorer (no C compiler at installation)"
)


def test_ci_builds_the_compiled_scorer() -> None:
    """CI's machine has a compiler: a missing extension there means setup.py broke, not a slow fallback."""
    if os.environ.get("CI"):
        assert index_module._scorer is not None


def _assert_same(index: SearchIndex, queries: list[str], districts: tuple[str | None, ...]) -> int:
    compared = 0
    for query in queries:
        groups = index.groups(query)
        for district in districts:
            for limit in (1, 3, 10):
                index.compiled = False
                expected = index.score(groups, district, limit)
                index.compiled = True
                assert index.score(groups, district, limit) == expected, (query, district, limit)
                compared += bool(expected)
    return compared


def _long_list_catalogue(n: int = 700) -> list[SearchDocument]:
    """Lists far longer than the champions and than BITMAP_MIN (so candidates are completed), several
    forms of a word per group, documents of two districts and of all."""
    rng = random.Random(11)
    words = (
        "Kurs Kurse Kursen Frau Frauen Kind Kinder Hilfe Brief Briefe Amt Garten Abend Café Deutsch".split()
    )
    turkish = "kurs kursu almanca kadın kadınlar çocuk yardım mektup bahçe akşam".split()
    return [
        doc(
            f"d{i}",
            districts=[{"ost"}, {"fredenberg"}, None][i % 3],
            de=" ".join(rng.choices(words, k=rng.randint(2, 12))),
            tr=" ".join(rng.choices(turkish, k=rng.randint(1, 6))),
        )
        for i in range(n)
    ]


QUERIES = [
    "Kurs Frauen",
    "Kursen für Kinder",
    "Hilfe Brief Amt",
    "Frau Kind Garten Abend Café Deutsch",
    "Briefe",
    "almanca kursu kadinlar icin cocuk",
    "deutsh kurs",  # a typo: expansions, their champions only
    "nichts davon",
]


@compiled_only
def test_same_hits_on_long_lists_with_two_byte_documents() -> None:
    index = SearchIndex.build(_long_list_catalogue())
    assert index.compiled
    assert index_module._typecode(index._post_docs) == "H"
    assert max(index._offsets[t + 1] - index._offsets[t] for t in range(len(index._terms))) > max(
        BITMAP_MIN, CHAMPIONS
    )
    assert _assert_same(index, QUERIES, (None, "ost", "fredenberg", "elsewhere")) > 50


@compiled_only
def test_same_hits_with_four_byte_documents() -> None:
    built = SearchIndex.build(_long_list_catalogue(400))
    meta = list(zip(built._ids, built._kinds, built._districts, strict=True))
    wide = SearchIndex(meta, built._terms, built._offsets, array("I", built._post_docs), built._post_scores)
    assert _assert_same(wide, QUERIES, (None, "ost")) > 20


@compiled_only
def test_same_hits_on_the_shipped_content_for_every_benchmark_question() -> None:
    from bot.content.catalogue import load_catalogue

    catalogue, _ = load_catalogue(ROOT / "content")
    index = SearchIndex.build(documents_from_catalogue(catalogue))
    lines = (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(line)["q"] for line in lines if line.strip()]
    assert _assert_same(index, queries, (None, "ost-westsiedlung", "fredenberg")) > 500


@compiled_only
def test_bad_arguments_raise_instead_of_reading_out_of_bounds() -> None:
    index = SearchIndex.build(_long_list_catalogue(100))
    scorer = index_module._scorer
    assert scorer is not None
    args = (index._post_docs, index._post_scores, index._offsets)
    params = index_module._SCORER_PARAMS
    with pytest.raises(IndexError):
        scorer.score(*args, [(0, len(index._terms), 1.0)], 1, len(index), None, 3, params)
    with pytest.raises(IndexError):
        scorer.score(*args, [(1, 0, 1.0)], 1, len(index), None, 3, params)
    with pytest.raises(ValueError):
        scorer.score(*args, [(0, 0, 1.0)], 1, len(index), b"\x01", 3, params)
    with pytest.raises(TypeError):
        scorer.score(*args, [(0, "kurs", 1.0)], 1, len(index), None, 3, params)
    assert scorer.score(*args, [(0, 0, 1.0)], 1, len(index), None, 0, params) == []


@compiled_only
def test_same_hits_for_random_groups_of_any_terms_and_weights() -> None:
    """Groups the analyser would not make (any term, any weight, a term in several groups, empty
    groups, many groups): still the same hits."""
    index = SearchIndex.build(_long_list_catalogue(500))
    rng = random.Random(5)
    weights = [1.0, 0.9, 0.75, 0.7, 0.55, 0.5, 0.8, 0.3]
    for _ in range(300):
        groups = [
            {rng.choice(index._terms): rng.choice(weights) for _ in range(rng.randint(0, 6))}
            for _ in range(rng.randint(1, 40))
        ]
        for district in (None, "ost"):
            limit = rng.choice([1, 3, 5, 40])
            index.compiled = False
            expected = index.score(groups, district, limit)
            index.compiled = True
            assert index.score(groups, district, limit) == expected
