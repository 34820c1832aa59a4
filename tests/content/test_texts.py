"""Packed texts: read like dicts, stored in a temporary file while content is loaded."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest

from bot.content import load_catalogue
from bot.content.texts import TextLists, Texts, TextStore, collecting

ROOT = Path(__file__).resolve().parents[2]


def test_packed_texts_read_like_the_dict_they_came_from() -> None:
    source = {"de": "Deutschkurs für Frauen", "ar": "دورة لغة ألمانية للنساء", "uk": "Курс німецької"}
    texts = Texts.pack(source)
    assert isinstance(texts, Texts)
    assert texts == source and dict(texts) == source
    assert list(texts) == ["de", "ar", "uk"] and len(texts) == 3
    assert texts["ar"] == source["ar"] and texts.get("tr") is None and "tr" not in texts
    with pytest.raises(KeyError):
        texts["tr"]
    assert texts.items() == list(source.items())


def test_packed_lists_keep_every_item() -> None:
    source = {"de": ("Kurs", "Sprache lernen"), "tr": ("kurs",)}
    lists = TextLists.pack(source)
    assert isinstance(lists, TextLists)
    assert dict(lists) == source


def test_texts_with_separator_characters_stay_unpacked() -> None:
    odd = {"de": "a\x1fb", "en": "c"}
    assert Texts.pack(odd) is odd
    assert TextLists.pack({"de": ()}) == {"de": ()}


def test_texts_packed_while_collecting_live_in_the_store_and_survive_pickling() -> None:
    store = TextStore()
    store.FLUSH_BYTES = 64  # some in the file, some still pending
    with collecting(store):
        packed = [Texts.pack({"de": f"Text Nummer {i}", "ru": f"Текст {i}"}) for i in range(50)]
    assert all(isinstance(t._data, int) for t in packed)  # only a position in the process
    assert [t["ru"] for t in packed] == [f"Текст {i}" for i in range(50)]
    copy = pickle.loads(pickle.dumps(packed))
    assert copy == packed and isinstance(copy[0]._data, bytes)  # no active store: in memory


def test_without_a_temporary_file_texts_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_file(*args: object, **kwargs: object) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_file)
    with collecting(TextStore()):
        texts = Texts.pack({"de": "Hallo"})
    assert texts == {"de": "Hallo"} and isinstance(texts._data, bytes)


def test_the_shipped_catalogue_keeps_its_texts_in_a_store() -> None:
    catalogue, _ = load_catalogue(ROOT / "content")
    title = catalogue.offers["deutschkurs-frauen"].title
    assert isinstance(title, Texts) and isinstance(title._data, int)
    assert title["de"].startswith("Deutsch")


def test_without_pread_texts_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delattr(os, "pread")
    with collecting(TextStore()):
        texts = Texts.pack({"de": "Hallo"})
    assert texts == {"de": "Hallo"} and isinstance(texts._data, bytes)
