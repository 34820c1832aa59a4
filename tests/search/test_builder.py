"""The compiled build loops (bot/search/_builder.c) make the pure-Python build's index, bit for bit.

Built at installation when a C compiler is at hand (setup.py), like the compiled scorer; CI must have it.
"""

from __future__ import annotations

import os
import random
from array import array
from pathlib import Path

import pytest

from bot.search import index as index_module
from bot.search.documents import documents_from_catalogue
from bot.search.index import CHAMPIONS, PACKED_ITEM_SEP, PACKED_LANG_SEP, SearchDocument, SearchIndex
from tests.search.conftest import doc

ROOT = Path(__file__).resolve().parents[2]
compiled_only = pytest.mark.skipif(
    index_module._builder is None, reason="no compiled build loops (no C compiler at installation)"
)


def test_ci_builds_the_compiled_build_loops() -> None:
    if os.environ.get("CI"):
        assert index_module._builder is not None


def assert_identical(docs: list[SearchDocument]) -> SearchIndex:
    python = SearchIndex.build(docs, compiled=False)
    compiled = SearchIndex.build(docs, compiled=True)
    assert compiled._terms == python._terms
    assert compiled._term_ids == python._term_ids
    assert list(compiled._offsets) == list(python._offsets)
    assert bytes(memoryview(compiled._post_docs)) == bytes(memoryview(python._post_docs))
    assert bytes(memoryview(compiled._post_scores)) == bytes(memoryview(python._post_scores))  # bit for bit
    assert (compiled._ids, compiled._kinds, compiled._districts) == (
        python._ids,
        python._kinds,
        python._districts,
    )
    return compiled


@compiled_only
def test_same_index_for_the_shipped_content() -> None:
    from bot.content.catalogue import load_catalogue

    catalogue, _ = load_catalogue(ROOT / "content")
    index = assert_identical(list(documents_from_catalogue(catalogue)))
    assert index.search("almanca kursu nerde cocuk bakimi var mi", "tr")[0].id == "deutschkurs-frauen"


@compiled_only
def test_same_index_with_long_lists_weights_languages_and_repeated_words() -> None:
    rng = random.Random(17)
    german = (
        "Kurs Kurse Kursen Frau Frauen Kind Kinder Hilfe Brief Briefe Amt Garten Abend Café der die".split()
    )
    turkish = "kurs kursu almanca kadın kadınlar çocuk yardım mektup bahçe akşam ve".split()
    docs = []
    for i in range(400):
        fields = {
            "de": [(" ".join(rng.choices(german, k=rng.randint(0, 15))), w) for w in (3.0, 1.5, 1.0)],
            "de-simple": [(" ".join(rng.choices(german, k=rng.randint(0, 5))), 1.0)],
            "tr": [(" ".join(rng.choices(turkish, k=rng.randint(0, 8))), rng.choice([0.5, 1.0, 3.0]))],
        }
        if i % 7 == 0:
            fields["en"] = [("", 1.0)]  # an empty text
        docs.append(SearchDocument(f"d{i}", "offer", None if i % 2 else frozenset({"ost"}), fields))
    index = assert_identical(docs)
    assert max(index._offsets[t + 1] - index._offsets[t] for t in range(len(index._terms))) > CHAMPIONS


@compiled_only
def test_same_index_with_four_byte_documents_and_nothing_at_all() -> None:
    docs = [doc(f"d{i}", de="Kurs" if i % 5000 else "Kurs Frauen") for i in range(70_000)]
    index = assert_identical(docs)
    assert index_module._typecode(index._post_docs) == "I"
    assert index.search("Frauen Kurs", "de", limit=1)[0].id == "d0"
    empty = assert_identical([])
    assert len(empty) == 0 and empty.search("Kurs", "de") == []


# Every character str.split() takes for whitespace, a few that look like it but are not, and letters of
# one to four bytes in UTF-8: the compiled build splits UTF-8 bytes itself and must cut where Python does.
_SEPARATORS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
_LOOKALIKES = "\u200b\u200c\u200d\u2060\ufeff\xad-_"
_LETTERS = "kurs ÇocukÄmter курс دورة کلاس 子供 😀 ß İ".split()


@compiled_only
def test_utf8_texts_split_like_python_strings() -> None:
    rng = random.Random(5)
    texts = []
    for _ in range(300):
        pieces = rng.choices(_LETTERS + list(_LOOKALIKES), k=rng.randint(0, 12))
        text = "".join(p + rng.choice(_SEPARATORS) * rng.randint(0, 2) for p in pieces)
        texts.append(rng.choice(_SEPARATORS) * rng.randint(0, 1) + text)
    as_str = [
        SearchDocument(f"d{i}", "offer", None, {"de": [(t, 1.0)], "tr": [(t, 0.5)]})
        for i, t in enumerate(texts)
    ]
    as_bytes = [
        SearchDocument(
            d.id, d.kind, None, {lang: [(t.encode(), w) for t, w in ts] for lang, ts in d.fields.items()}
        )
        for d in as_str
    ]
    from_str = assert_identical(as_str)
    from_bytes = assert_identical(as_bytes)
    assert from_bytes._terms == from_str._terms
    assert bytes(memoryview(from_bytes._post_scores)) == bytes(memoryview(from_str._post_scores))


def _packed(
    *fields: tuple[dict[str, str | tuple[str, ...]], float],
) -> tuple[tuple[tuple[str, ...], bytes, float], ...]:
    """Fields packed for `SearchDocument.packed` (lists: items joined by the item separator)."""
    parts = []
    for texts, weight in fields:
        values = [
            v.encode() if isinstance(v, str) else PACKED_ITEM_SEP.join(i.encode() for i in v)
            for v in texts.values()
        ]
        parts.append((tuple(texts), PACKED_LANG_SEP.join(values), weight))
    return tuple(parts)


def test_packed_separators_split_like_whitespace() -> None:
    assert PACKED_LANG_SEP == b"\x1f" and PACKED_ITEM_SEP == b"\x1e"
    assert "\x1e".isspace() and "\x1f".isspace()  # str.split() cuts there: items split apart, like "\n"


@compiled_only
def test_packed_documents_index_as_their_texts() -> None:
    rng = random.Random(9)
    words = "Kurs Kurse Frauen Kinder Hilfe kadın çocuk kurs курс діти دورة کلاس".split()

    def text() -> str:
        return " ".join(rng.choices(words, k=rng.randint(0, 6)))

    docs = []
    for i in range(300):
        langs = rng.sample(["de", "de-simple", "tr", "ru", "uk", "ar", "fa"], k=rng.randint(1, 5))
        fields = [
            ({lang: text() for lang in langs}, 3.0),  # titles; some empty
            ({lang: tuple(text() for _ in range(rng.randint(1, 3))) for lang in rng.sample(langs, k=1)}, 2.5),
            ({lang: ("", "") for lang in langs[:1]}, 2.5),  # a list of empty items: no text
            ({lang: text() for lang in reversed(langs)}, 0.5),  # a language's first text may come late
        ]
        docs.append(SearchDocument(f"d{i}", "offer", None, packed=_packed(*fields)))
    as_texts = [SearchDocument(d.id, d.kind, None, d.texts()) for d in docs]
    packed = assert_identical(docs)
    plain = assert_identical(as_texts)
    assert packed._terms == plain._terms
    assert bytes(memoryview(packed._post_scores)) == bytes(memoryview(plain._post_scores))
    assert packed.search("kurs frauen", "de")


@compiled_only
def test_packed_parts_must_hold_one_text_per_language() -> None:
    builder = index_module._builder
    assert builder is not None
    analysers = {"de": {"kurs": array("I", [1, 0]).tobytes()}, "tr": {"kurs": array("I", [1, 0]).tobytes()}}
    postings = builder.Postings()
    with pytest.raises(ValueError):
        postings.add_packed(0, ((("de",), b"kurs\x1fkurs", 1.0),), analysers)  # two texts, one language
    with pytest.raises(ValueError):
        postings.add_packed(0, ((("de", "tr"), b"kurs", 1.0),), analysers)  # one text, two languages
    with pytest.raises(TypeError):
        postings.add_packed(0, ((("de",), "kurs", 1.0),), analysers)  # not bytes
    with pytest.raises(ValueError):
        postings.add_packed(0, (((), b"kurs", 1.0),), analysers)  # no language
    assert postings.add_packed(0, ((("de", "tr"), b"kurs\x1fkurs kurs", 1.0),), analysers) == 1.5


@compiled_only
@pytest.mark.parametrize(
    "text",
    [
        b"Kurs \xa0 Frauen",  # a continuation byte alone
        b"Kurs\xc0\xa0Frauen",  # an overlong space (str.split() must not cut there: Python refuses it)
        b"Kurs\xe0\x80\xa0Frauen",  # the same in three bytes
        b"Kurs \xed\xa0\x80",  # a surrogate
        b"Kurs \xf4\x90\x80\x80",  # above U+10FFFF
        b"Kurs \xe2\x80",  # cut off at the end
    ],
)
def test_invalid_utf8_is_refused_by_both_builds(text: bytes) -> None:
    docs = [SearchDocument("d0", "offer", None, {"de": [(text, 1.0)]})]
    packed = [SearchDocument("d0", "offer", None, packed=((("de", "tr"), b"Kurs\x1f" + text, 1.0),))]
    for compiled in (False, True):
        for these in (docs, packed):
            with pytest.raises(UnicodeDecodeError):
                SearchIndex.build(these, compiled=compiled)


@compiled_only
def test_postings_refuse_to_be_used_from_within_an_analysis() -> None:
    builder = index_module._builder
    assert builder is not None
    postings = builder.Postings()

    class Reentrant(dict[str, bytes]):
        def __missing__(self, chunk: str) -> bytes:
            postings.add_document(5, {"de": [("kurs", 1.0)]}, {"de": {}})
            return b""

    with pytest.raises(RuntimeError, match="in use"):
        postings.add_document(0, {"de": [("kurs", 1.0)]}, {"de": Reentrant()})
    assert (
        postings.add_document(0, {"de": [("kurs", 1.0)]}, {"de": {"kurs": array("I", [1, 0]).tobytes()}})
        == 1.0
    )
    offsets, docs, _ = postings.finish(array("d", [1.0]), 1.2, 2**61, 1)  # champions: more than any list has
    assert list(memoryview(offsets).cast("I")) == [0, 1] and list(memoryview(docs).cast("H")) == [0]


@compiled_only
def test_postings_written_to_a_file_report_write_errors(tmp_path: Path) -> None:
    builder = index_module._builder
    assert builder is not None
    analysers = {"de": {"kurs": array("I", [1, 0]).tobytes()}}
    target = tmp_path / "postings"
    target.write_bytes(b"")
    for scores_at, error in ((1, ValueError), (4096, OSError)):
        postings = builder.Postings()
        postings.add_document(0, {"de": [("kurs", 1.0)]}, analysers)
        with target.open("rb") as read_only, pytest.raises(error):  # documents would overlap / not writable
            postings.finish(array("d", [1.0]), 1.2, CHAMPIONS, 1, read_only.fileno(), scores_at)


@compiled_only
def test_postings_refuse_misuse_and_recover_from_a_failed_document() -> None:
    builder = index_module._builder
    assert builder is not None

    class Failing(dict[str, bytes]):
        def __missing__(self, chunk: str) -> bytes:
            raise LookupError(chunk)

    known = {"kurs": array("I", [1, 0]).tobytes(), "frauen": array("I", [1, 1, 2]).tobytes()}
    analysers = {"de": dict(known), "tr": Failing(known), "xx": {"kurs": b"odd"}}
    postings = builder.Postings()
    assert postings.add_document(0, {"de": [("kurs kurs", 2.0)]}, analysers) == 4.0
    with pytest.raises(ValueError):
        postings.add_document(
            0, {"de": [("kurs", 1.0)]}, analysers
        )  # documents in ascending order, once each
    with pytest.raises(LookupError):  # the analysis failed half-way: nothing of the document is kept
        postings.add_document(1, {"de": [("frauen kurs", 1.0)], "tr": [("kurs unbekannt", 1.0)]}, analysers)
    with pytest.raises(TypeError):
        postings.add_document(1, {"xx": [("kurs", 1.0)]}, analysers)  # not packed uint32
    with pytest.raises(TypeError):
        postings.add_document(1, {"de": ["kurs"]}, analysers)  # not (text, weight)
    with pytest.raises(KeyError):
        postings.add_document(1, {"fr": [("kurs", 1.0)]}, analysers)  # no analyser for the language
    assert postings.add_document(1, {"de": [("frauen", 1.0)]}, analysers) == 1.0
    assert postings.n_postings == 3
    with pytest.raises(ValueError):
        postings.finish(array("d", [1.0, 1.0]), 1.2, CHAMPIONS, 2)  # term id 2 is in the postings
    with pytest.raises(ValueError):
        postings.finish(array("d", [1.0]), 1.2, CHAMPIONS, 3)  # fewer norms than documents
    offsets, docs, scores = postings.finish(array("d", [1.0, 1.0]), 1.2, CHAMPIONS, 4)
    assert list(memoryview(offsets).cast("I")) == [0, 1, 2, 3, 3]  # term 3: no postings
    assert list(memoryview(docs).cast("H")) == [0, 1, 1] and len(scores) == 24
    with pytest.raises(RuntimeError):
        postings.finish(array("d", [1.0, 1.0]), 1.2, CHAMPIONS, 4)
    with pytest.raises(RuntimeError):
        postings.add_document(2, {"de": [("kurs", 1.0)]}, analysers)
