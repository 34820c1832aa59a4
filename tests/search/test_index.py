import pytest

from bot.search.engine import SearchEngine
from bot.search.index import SearchIndex

from .conftest import DOCS, doc


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(DOCS)


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("deutschkurs", "de", "deutschkurs-frauen"),
        ("Deutsch Kurs", "de", "deutschkurs-frauen"),  # compound written apart
        ("deutchkurs", "de", "deutschkurs-frauen"),  # typo
        ("almanca kursu nerde cocuk bakimi var mi", "tr", "deutschkurs-frauen"),  # no diacritics
        ("Deutschkurs var mı", "tr", "deutschkurs-frauen"),  # mixed languages
        ("курсы немецкого", "ru", "deutschkurs-frauen"),  # inflection
        ("kurs niemieckiego", "pl", "deutschkurs-frauen"),
        ("كلاس آلماني", "fa", "deutschkurs-frauen"),  # Arabic letters in a Persian word
        ("Bewerbungen schreiben", "de", "bewerbungstraining"),
        ("Lebenslauf", "en", "bewerbungstraining"),  # language setting does not limit the search
        ("وصلتني رسالة من الجوب سنتر", "ar", "briefe-aemter"),
        ("отримав лист з джобцентру", "uk", "briefe-aemter"),
    ],
)
def test_finds_the_entry_despite_typos_diacritics_inflection_and_mixed_languages(
    index: SearchIndex, query: str, lang: str, expected: str
) -> None:
    hits = index.search(query, lang, None)
    assert hits and hits[0].id == expected, hits


def test_short_words_are_not_read_as_typos_of_other_short_words() -> None:
    """ "quit" is one letter from "suit", "nein" from "sein", "wort" from "work": a four-letter word has so
    many neighbours that a typo match there is mostly a wrong answer (the bot answered "quit" with the
    apprenticeship offer, "which job suits you"). Longer words keep their typo tolerance."""
    index = SearchIndex.build(
        [
            doc("beruf", en="Which job suits you? Work experience"),
            doc("kosten", de="Muss ich etwas bezahlen? Es kann sein, dass es kostet"),
            doc("kurs", de="Deutschkurs für Frauen"),
        ]
    )
    for word in ("quit", "nein", "wort"):
        assert index.search(word, "de") == [], word
    assert index.search("suits", "en")[0].id == "beruf"
    assert index.search("deutchkurs", "de")[0].id == "kurs"  # ten letters, one missing: still found
    assert index.search("bezalen", "de")[0].id == "kosten"  # seven letters, one missing


def test_district_filter_drops_entries_of_other_districts(index: SearchIndex) -> None:
    assert [h.id for h in index.search("café", "de", "fredenberg")] == ["frauencafe"]
    assert [h.id for h in index.search("café", "de", "ost-westsiedlung")] == ["sprachcafe"]
    assert {h.id for h in index.search("café", "de", None)} == {"frauencafe", "sprachcafe"}


def test_limit_is_respected(index: SearchIndex) -> None:
    assert len(index.search("kurs hilfe café deutsch", "de", None, limit=2)) <= 2
    assert index.search("kurs", "de", None, limit=0) == []


def test_empty_index_and_empty_query_return_nothing() -> None:
    empty = SearchIndex.build([])
    assert len(empty) == 0
    assert empty.search("deutschkurs", "de", None) == []
    assert SearchIndex.build(DOCS).search("", "de", None) == []


def test_documents_without_text_are_indexed_without_error() -> None:
    index = SearchIndex.build([doc("leer"), doc("x", de="Kurs")])
    assert [h.id for h in index.search("kurs", "de", None)] == ["x"]


@pytest.mark.parametrize(
    "query",
    [
        "<b>Deutschkurs</b> &amp; <script>alert(1)</script>",
        "Kurs " * 1000,  # 5000 characters
        "🙂" * 3000,
        "\x00\u200f\u202e Deutsch",
        "a'b'c''' ''",
    ],
)
def test_odd_input_does_not_crash(engine: SearchEngine, query: str) -> None:
    engine.answer(query, "de", None)
    SearchIndex.build(DOCS).search(query, "de", None)


def test_engine_answers_confidently_only_with_a_clear_winner(engine: SearchEngine) -> None:
    result = engine.answer("Deutschkurs für Frauen mit Kinderbetreuung", "de", None)
    assert result.understood and result.answer is not None
    assert result.answer.key == "offer:deutschkurs-frauen"
    unclear = engine.answer("café", "de", None)
    assert unclear.answer is None and len(unclear.alternatives) == 2


def test_engine_reports_why_nothing_was_understood(engine: SearchEngine) -> None:
    assert engine.answer("", "de", None).reason == "empty"
    assert engine.answer("🙂🙂", "de", None).reason == "emoji"
    assert engine.answer("你好，我想学德语", "de", None).reason == "unsupported_script"
    assert engine.answer("ok", "de", None).reason == "too_short"
    assert engine.answer("Xylophon Zeppelin", "de", None).reason == "no_match"


def test_long_posting_lists_still_score_every_query_word() -> None:
    """More documents with a word than its champion list holds: candidates are completed from the rest."""
    filler = [doc(f"k{i}", de="Kurs Kurs Kurs am Abend im Garten der Nachbarschaft") for i in range(150)]
    both = doc("both", de="Kurs Kurs Kurs Frauen")  # first of "kurs", far behind in "frauen"
    women = [doc(f"f{i}", de="Frauen Frauen Frauen") for i in range(150)]
    index = SearchIndex.build([*filler, both, *women])
    assert index.search("Kurs Frauen", "de", None, limit=1)[0].id == "both"


def _exhaustive(index: SearchIndex, query: str, district: str | None) -> dict[str, float]:
    """Every document's score by reading every posting (of a long expansion list its champions only, as
    the index means to count them): the reference the probing search must reproduce for what it returns."""
    from bot.search.index import CHAMPIONS, EXPANSION_CHAMPIONS, W_STEM

    groups = index.groups(query)
    totals: dict[int, float] = {}
    for group in groups:
        best: dict[int, float] = {}
        for term, weight in group.items():
            tid = index._term_ids[term]
            start, end = index._offsets[tid], index._offsets[tid + 1]
            if weight < W_STEM and end - start > CHAMPIONS:
                end = start + EXPANSION_CHAMPIONS
            for d, value in zip(index._post_docs[start:end], index._post_scores[start:end], strict=True):
                best[d] = max(best.get(d, 0.0), value * weight)
        for d, value in best.items():
            totals[d] = totals.get(d, 0.0) + value
    return {
        index._ids[d]: v
        for d, v in totals.items()
        if district is None or district in (index._districts[d] or (district,))
    }


def test_probed_scores_are_exact_on_long_lists() -> None:
    """Lists far longer than the champions (and than ``BITMAP_MIN``, so candidates are probed behind a
    bitmap), stems and exact forms of one word in one group: every returned score is the document's
    full score (probing finds every contribution the champions left out)."""
    import random

    from bot.search.index import BITMAP_MIN, CHAMPIONS

    rng = random.Random(3)
    words = "Kurs Kurse Kursen Frau Frauen Kind Kinder Hilfe Brief Briefe Amt Garten Abend Café".split()
    docs = [
        doc(
            f"d{i}",
            districts={"ost"} if i % 3 == 0 else None,
            de=" ".join(rng.choices(words, k=rng.randint(2, 9))),
        )
        for i in range(600)
    ]
    index = SearchIndex.build(docs)
    assert min(len(_exhaustive(index, w, None)) for w in ("Kurs", "Frau", "Hilfe")) > max(
        BITMAP_MIN, CHAMPIONS
    )
    queries = [
        "Kurs Frauen",
        "Kursen für Kinder",
        "Hilfe Brief Amt",
        "Frau Kind Garten Abend",
        "Café",
        "Briefe",
    ]
    for compiled in sorted({False, index.compiled}):  # the pure-Python scorer, and the compiled one
        index.compiled = compiled
        for query in queries:
            for district in (None, "ost"):
                reference = _exhaustive(index, query, district)
                hits = index.search(query, "de", district, limit=3)
                assert hits
                for hit in hits:
                    assert hit.score == round(reference[hit.id], 4), (query, hit, compiled)
                    if district:
                        assert "ost" in (index._districts[index._ids.index(hit.id)] or {"ost"})
        assert compiled or index._bitmaps  # the pure-Python probing path ran
