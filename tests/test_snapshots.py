"""Snapshots of the checked content and the search index: a restart with unchanged content skips the work,
and a snapshot that does not match, or is damaged, is never used."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.content import loader
from bot.content.catalogue import Catalogue
from bot.content.texts import TextLists, Texts, TextStore, collecting, dump, load
from bot.snapshots import SnapshotStore, wait_for_snapshots
from tests.harness import ROOT, BotHarness


@pytest.fixture
def new_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forget what this process loaded before, as a freshly started bot would."""
    monkeypatch.setattr(loader, "_reusable", (None, {}))
    yield


class Parsed:
    """Counts the content files that were really parsed (quick path or positioned path)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        quick_read, positioned = loader.quick_read, loader._load_positioned

        def counted_quick(raw: bytes) -> Any:
            self.count += 1
            return quick_read(raw)

        def counted_positioned(*args: Any) -> Any:
            self.count += 1
            return positioned(*args)

        monkeypatch.setattr(loader, "quick_read", counted_quick)
        monkeypatch.setattr(loader, "_load_positioned", counted_positioned)


def dumped(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """Every entry by kind and id (models compare field by field, packed texts by their letters)."""
    return {kind: dict(entries) for kind, entries in catalogue.entries_by_kind().items()}


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


# --- the store -------------------------------------------------------------------------------------------


def save(store: SnapshotStore, name: str, key: str, value: Any) -> Path | None:
    return store.save(name, key, write=lambda handle: pickle.dump(value, handle))


def read(store: SnapshotStore, name: str, key: str) -> Any:
    """The pickled value of snapshot `name` for `key`, or None where the store refuses it."""
    handle = store.open(name, key)
    if handle is None:
        return None
    with handle:
        return pickle.load(handle)


def test_a_snapshot_is_used_only_for_the_key_it_was_made_from(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "cache")
    assert read(store, "x", "k1") is None
    assert save(store, "x", "k1", {"a": [1, 2]}) is not None
    assert read(store, "x", "k1") == {"a": [1, 2]}
    assert read(store, "x", "k2") is None
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) & 0o077 == 0


def test_a_snapshot_of_other_code_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SnapshotStore(tmp_path)
    save(store, "x", "k", 42)
    monkeypatch.setattr("bot.snapshots._fingerprint", "another version of bot/content or bot/search")
    assert read(store, "x", "k") is None


def test_a_snapshot_whose_bytes_changed_on_disk_is_not_used(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    path = save(store, "x", "k", list(range(10_000)))
    assert path is not None and read(store, "x", "k") == list(range(10_000))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit (bit rot, a block lost in a crash)
    path.write_bytes(bytes(data))
    assert read(store, "x", "k") is None
    path.write_bytes(bytes(data[: len(data) // 2]))  # cut short
    assert read(store, "x", "k") is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_snapshot_others_may_change_is_never_unpickled(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "cache")
    path = save(store, "x", "k", 42)
    assert path is not None
    path.chmod(0o666)
    assert read(store, "x", "k") is None
    path.chmod(0o600)
    assert read(store, "x", "k") == 42
    path.parent.chmod(0o770)  # the folder writable by the group: anyone there could swap the file
    assert read(store, "x", "k") is None
    assert save(store, "x", "k", 43) is None  # and nothing is written there either


def test_writing_a_snapshot_never_fails_the_caller(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert save(SnapshotStore(blocked), "x", "k", 42) is None
    assert save(SnapshotStore(None), "x", "k", 42) is None

    def broken(handle: Any) -> None:
        handle.write(b"half a snapshot")
        raise OSError("No space left on device")

    assert SnapshotStore(tmp_path / "cache").save("x", "k", write=broken) is None
    assert list((tmp_path / "cache").iterdir()) == []  # no half-written file stays behind
    assert sorted(tmp_path.iterdir()) == [blocked, tmp_path / "cache"]


def test_leftovers_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    old, fresh = tmp_path / ".x.abc123", tmp_path / ".x.def456"
    old.write_bytes(b"a process was killed while writing this")
    fresh.write_bytes(b"another process is writing this right now")
    os.utime(old, (0, 0))
    save(store, "x", "k", 42)
    assert not old.exists() and fresh.exists()


def test_of_two_background_writes_of_one_snapshot_the_newer_wins(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    started, release = threading.Event(), threading.Event()

    def slow(handle: Any) -> None:
        started.set()
        release.wait(5)
        pickle.dump("first reload", handle)

    store.save_in_background("x", "v1", write=slow)
    started.wait(5)
    store.save_in_background("x", "v2", write=lambda handle: pickle.dump("second reload", handle))
    store.save_in_background("x", "v3", write=lambda handle: pickle.dump("third reload", handle))
    release.set()
    wait_for_snapshots()
    assert read(store, "x", "v3") == "third reload"  # v2 was overtaken while it waited: never written
    assert read(store, "x", "v1") is None


def test_packed_texts_are_written_once_and_read_from_the_snapshot_file(tmp_path: Path) -> None:
    with collecting(TextStore()):
        title = Texts.pack({"de": "Deutschkurs für Frauen", "ar": "دورة ألمانية للنساء"})
        words = TextLists.pack({"de": ("Kurs", "Kita"), "uk": ("курс",)})
    path = tmp_path / "t"
    with path.open("wb") as handle:
        dump({"title": title, "words": words, "n": 3}, handle)
    with path.open("rb") as handle:
        value = load(handle)
    assert value["title"] == {"de": "Deutschkurs für Frauen", "ar": "دورة ألمانية للنساء"}
    assert value["words"]["de"] == ("Kurs", "Kita") and value["words"]["uk"] == ("курс",)
    assert isinstance(value["title"]._data, int)  # a position in the file, not a copy of the text
    assert value["n"] == 3


# --- content and index through their services ------------------------------------------------------------


# --- the bot ---------------------------------------------------------------------------------------------


async def test_the_restarted_bot_answers_from_its_snapshots_and_a_reload_still_shows_changes(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_process: None
) -> None:
    content = copy_content(tmp_path)
    cache = tmp_path / "cache"
    settings = {"database_url": database_url, "content_dir": content, "content_cache_dir": cache}
    async with BotHarness.running(**settings) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("Gibt es einen Deutschkurs mit Kinderbetreuung?")
        before = anna.last()
    wait_for_snapshots()
    assert sorted(p.suffix for p in cache.iterdir()) == [".snapshot"]

    monkeypatch.setattr(loader, "_reusable", (None, {}))  # a restart
    parsed = Parsed(monkeypatch)
    async with BotHarness.running(**settings) as bot:
        assert parsed.count == 0
        anna = bot.resident("Anna", lang="de")
        await anna.send("Gibt es einen Deutschkurs mit Kinderbetreuung?")
        assert anna.last().text == before.text
        assert anna.last().buttons == before.buttons

        offers = content / "offers" / "deutschkurs-frauen.yaml"
        text = offers.read_text(encoding="utf-8")
        changed = text.replace("Deutschkurs für Frauen", "Deutschkurs für Mütter", 1)
        offers.write_text(changed, encoding="utf-8")
        assert (await bot.services.content.reload()).ok
        await anna.send("/start o_deutschkurs-frauen")
        assert "Deutschkurs für Mütter" in (anna.last().text or "")
        assert parsed.count == 1


def test_the_code_fingerprint_covers_every_module_the_content_and_search_code_imports() -> None:
    """A change to any module the content or search code imports must invalidate the snapshots."""
    import ast

    from bot import snapshots

    covered = {"bot.snapshots", *(f"bot.{name.removesuffix('.py')}" for name in snapshots._CODE_FILES)}
    folders = [ROOT / "bot" / name for name in snapshots._CODE_DIRS]
    imported: set[str] = set()
    for folder in folders:
        for path in folder.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
                    imported.add(node.module)
    outside = {
        module
        for module in imported
        if module != "bot" and module.split(".")[1] not in snapshots._CODE_DIRS and module not in covered
    }
    assert not outside, f"add these to bot/snapshots.py's fingerprint: {sorted(outside)}"


def split_index_file(path: Path) -> tuple[Any, bytes]:
    """The unpickled head of an index file and its postings (from the first page boundary after the head).

    The head is compared unpickled: pickle's byte stream depends on which equal strings happen to be
    the same object, which is not part of what is written."""
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    head = pickle.loads(data[8 : 8 + size])
    postings = 8 + size + (-(8 + size) % 4096)
    return head, data[postings:]


def test_without_pread_snapshot_texts_are_read_into_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no os.pread: texts then live in memory, read back correctly all the same."""
    with collecting(TextStore()):
        title = Texts.pack({"de": "Hausaufgabenhilfe", "fa": "کمک به تکالیف مدرسه"})
        lists = TextLists.pack({"ru": ("помощь", "уроки"), "tr": ("ödev",)})
    path = tmp_path / "t"
    with path.open("wb") as handle:
        dump([title, lists], handle)
    monkeypatch.delattr(os, "pread")
    with path.open("rb") as handle:
        title_back, lists_back = load(handle)
    assert isinstance(title_back._data, bytes) and isinstance(lists_back._data, bytes)
    assert title_back == {"de": "Hausaufgabenhilfe", "fa": "کمک به تکالیف مدرسه"}
    assert lists_back["ru"] == ("помощь", "уроки") and lists_back["tr"] == ("ödev",)


def test_a_truncated_content_snapshot_is_refused_before_any_text_is_read(tmp_path: Path) -> None:
    with collecting(TextStore()):
        title = Texts.pack({"de": "Frauencafé " * 200, "tr": "Kadın kafesi " * 200})
    path = tmp_path / "t"
    with path.open("wb") as handle:
        dump({"title": title}, handle)
    path.write_bytes(path.read_bytes()[:-10])
    with path.open("rb") as handle, pytest.raises(ValueError, match="truncated"):
        load(handle)
