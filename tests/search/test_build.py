"""The fast index build equals the reference build (tests/search/reference_build.py) exactly.

Exactly: the same term ids, offsets and postings, and bit-equal floats (``array`` equality compares the
doubles), on the shipped content, on generated catalogues and on hand-made documents that hit the corners
(empty fields, "de-simple" analysed as German, the same word in several languages, long lists with ties,
batch boundaries). Both paths of bot.search.build are checked: the array path and the reference-algorithm
fallback it takes for weights that are not positive floats.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from bot.search import build
from bot.search.documents import documents_from_catalogue
from bot.search.index import CHAMPIONS, SearchDocument, SearchIndex
from tests.search.reference_build import reference_build, reference_documents, reference_expansions

ROOT = Path(__file__).resolve().parents[2]


def assert_same_build(docs: list[SearchDocument]) -> None:
    expected = reference_build(docs)
    for got in (build.build_postings(docs), build._build_python(docs)):
        meta, terms, offsets, post_docs, post_scores = got
        assert meta == expected[0]
        assert terms == expected[1]
        assert offsets == expected[2]
        assert post_docs == expected[3]
        assert post_scores.tobytes() == expected[4].tobytes()  # bit-equal, not approximately
    index = SearchIndex.build(docs)
    tables = (index._deletes._packed, index._prefixes._packed, index._parts._packed)
    assert tables == reference_expansions(expected[1])


def load(folder: Path) -> Any:
    from bot.content import load_catalogue

    catalogue, _ = load_catalogue(folder)
    return catalogue


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load(ROOT / "content")


def test_shipped_content(shipped: Any) -> None:
    docs = documents_from_catalogue(shipped)
    assert docs == reference_documents(shipped)
    assert len(docs) > 40
    assert_same_build(docs)


@pytest.mark.parametrize("realistic", [True, False])
def test_generated_catalogue(tmp_path: Path, realistic: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_catalogue import LANGS, generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate(tmp_path, 400, LANGS, realistic=realistic)
    catalogue = load(tmp_path)
    docs = documents_from_catalogue(catalogue)
    assert docs == reference_documents(catalogue)
    assert_same_build(docs)
    monkeypatch.setattr(build, "BATCH", 7)  # many batch boundaries
    assert_same_build(docs)


def doc(
    id_: str, fields: dict[str, list[tuple[str, Any]]], districts: set[str] | None = None
) -> SearchDocument:
    return SearchDocument(id_, "offer", frozenset(districts) if districts else None, fields)


TRICKY = [
    doc("empty", {}),
    doc("empty-texts", {"de": [], "en": [("", 3.0), ("   ", 1.2)]}),
    doc("stop-words-only", {"de": [("und oder der", 3.0)], "en": [("the and", 1.2), ("...", 0.5)]}),
    doc(
        "de-simple",
        {
            "de-simple": [("Kurs für Frauen", 3.0), ("Kurs\nFrauen\nKinder", 2.5)],
            "de": [("Deutschkurs für Frauen mit Kinderbetreuung", 3.0), ("Frauen Frauen Kurse", 1.2)],
        },
        {"ost"},
    ),
    doc(
        "same-word-many-languages",
        {
            "de": [("Jobcenter Beratung", 3.0), ("Jobcenter, Jobcenter!", 1.2)],
            "tr": [("Jobcenter danışma", 3.0), ("jobcenter'dan yardım", 1.2), ("Jobcenter jobcenter", 0.5)],
            "en": [("Jobcenter advice", 3.0), ("Jobcenter", 2.5)],
            "pl": [("Jobcenter porada", 3.0)],
        },
    ),
    doc(
        "scripts",
        {
            "ru": [("Курс немецкого для женщин", 3.0), ("курсы курс", 1.2)],
            "uk": [("Курс німецької, п'ять днів", 3.0), ("курс", 0.5)],
            "ar": [("دورة لغة ألمانية للنساء", 3.0)],
            "fa": [("کلاس زبان آلمانی برای زنان", 3.0), ("می‌خواهم کلاس", 1.2)],
        },
        {"west", "ost"},
    ),
    doc(
        "pieces", {"de": [("Kinder/Jugendliche Eltern-Café (Treff) 10-12 Uhr", 3.0), ("Kinder/Jugend", 0.8)]}
    ),
]


def test_tricky_documents() -> None:
    assert_same_build(TRICKY)


def test_long_lists_with_ties() -> None:
    # Identical documents: equal contributions, so champions are chosen and ordered by document; lists
    # longer than CHAMPIONS also have a rest by document.
    same = [doc(f"same-{i}", {"de": [("Frauencafé Kinder", 3.0)]}) for i in range(CHAMPIONS * 2 + 3)]
    mixed = [
        doc(f"mixed-{i}", {"de": [("Frauencafé " * (1 + i % 3), 1.2), ("Kinder Eltern " * (i % 5), 0.5)]})
        for i in range(CHAMPIONS * 3)
    ]
    docs = same[:10] + mixed + same[10:] + TRICKY
    assert_same_build(docs)


def test_batch_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    # A term first seen late in a batch, or in a later batch, still gets its reference id.
    docs = [*TRICKY, *reversed(TRICKY), *TRICKY[2:5]]
    for size in (1, 2, 3, 5):
        monkeypatch.setattr(build, "BATCH", size)
        assert_same_build(docs)


@pytest.mark.parametrize("weight", [3, 0.0, -1.0, float("nan")])
def test_other_weights_fall_back_to_the_reference(weight: Any) -> None:
    odd = doc("odd", {"de": [("Kurs Frauen", weight), ("Kurs", 1.2)], "en": [("course", 3.0)]})
    docs = [*TRICKY, odd]
    if weight == weight:  # NaN: the reference's own results are not comparable (nan != nan)
        assert_same_build(docs)
    assert build.build_postings(docs)[1] == reference_build(docs)[1]


def test_empty() -> None:
    assert_same_build([])
    index = SearchIndex.build([])
    assert len(index) == 0
    assert index.search("Kurs", "de") == []
