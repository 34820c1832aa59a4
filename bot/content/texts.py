"""Compact, read-only storage of a field's texts in every language.

A catalogue of 10,000 entries in 9 languages holds about half a million texts, ~50 MB of letters. As a
dict of `str` per field, the per-object overhead (a dict, one `str` object per language, a tuple per word
list) costs as much again, and Cyrillic, Arabic, Turkish or Polish texts take two bytes per character
in a `str`. Here a field's texts are one UTF-8 `bytes` blob (languages separated by control characters
YAML cannot contain) plus a shared tuple of its language codes; a text is decoded when it is read.

While content is loaded (`collecting`), the blobs go to a `TextStore`: an unlinked temporary file, so
the bot process keeps only offsets and the letters live in the operating system's page cache (read back
with one `pread` when a screen or the search index needs them, like the stored fields of a search
engine). Without an active store (tests, the content helper process) blobs stay in memory.

Both classes are `Mapping`s, so everything that reads `{lang: text}` keeps working; they compare equal
to dicts with the same items.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from bot.memory import private_file

logger = logging.getLogger(__name__)

_LANG_SEP = "\x1f"  # between languages (YAML rejects C0 control characters, so no text contains it)
_ITEM_SEP = "\x1e"  # between the items of a list
LANG_SEP_BYTE = _LANG_SEP.encode()  # what the search index build splits packed texts on
ITEM_SEP_BYTE = _ITEM_SEP.encode()

_interned: dict[tuple[str, ...], tuple[str, ...]] = {}


def _intern(langs: tuple[str, ...]) -> tuple[str, ...]:
    """One shared tuple per combination of languages (there are only a few)."""
    return _interned.setdefault(langs, langs)


class TextStore:
    """Append-only blobs in an unlinked temporary file (deleted when the last text using it is gone).

    The file is made in `directory` (default: TMPDIR). Put it on a disk-backed file system: on tmpfs the
    texts would be shared memory, which the kernel cannot drop without swap. `TextStore(file=…)` reads the
    blobs of a finished file instead (see `load`) and takes no new ones.
    """

    FLUSH_BYTES = 1 << 20

    def __init__(self, directory: Path | None = None, *, file: Any = None) -> None:
        self._directory = directory
        self._file: Any = file
        # bytes in the file; later ones are still in `_pending`
        self._flushed = os.fstat(file.fileno()).st_size if file is not None else 0
        self._read_only = file is not None
        self._pending = bytearray()
        self._lock = threading.Lock()

    def __del__(self) -> None:
        if self._file is not None:
            self._file.close()

    def put(self, blob: bytes) -> int | None:
        """Store `blob`; its position (offset << 32 | length), or None if no file could be made."""
        if not hasattr(os, "pread") or self._read_only:  # Windows: keep the texts in memory
            return None
        with self._lock:
            if self._file is None:
                try:
                    self._file = private_file("quartiersbot-texts-", self._directory)
                except OSError:
                    logger.warning("no temporary file for content texts: they stay in memory", exc_info=True)
                    return None
            offset = self._flushed + len(self._pending)
            self._pending += blob
            if len(self._pending) >= self.FLUSH_BYTES:
                self._flush()
        return offset << 32 | len(blob)

    def _flush(self) -> None:
        view = memoryview(self._pending)
        fd = self._file.fileno()
        while view:
            written = os.write(fd, view)
            view = view[written:]
        self._flushed += len(self._pending)
        self._pending = bytearray()

    def get(self, position: int) -> bytes:
        """The blob stored at `position`."""
        offset, length = position >> 32, position & 0xFFFFFFFF
        with self._lock:
            if offset >= self._flushed:
                start = offset - self._flushed
                return bytes(self._pending[start : start + length])
            fd = self._file.fileno()
        data = os.pread(fd, length, offset)
        while len(data) < length:  # a short read (unusual for regular files)
            more = os.pread(fd, length - len(data), offset + len(data))
            if not more:
                raise OSError(f"content text store truncated at {offset + len(data)}")
            data += more
        return data


_active: TextStore | None = None


@contextmanager
def collecting(store: TextStore | None) -> Iterator[None]:
    """Texts packed inside this block (in any thread) go to `store`."""
    global _active
    previous, _active = _active, store
    try:
        yield
    finally:
        _active = previous


def _restore(cls: type[_Packed], langs: tuple[str, ...], blob: bytes) -> _Packed:
    return cls._make(langs, blob)


class _Packed(Mapping[str, Any]):
    __slots__ = ("_data", "_langs", "_store")

    _data: bytes | int  # the blob itself, or its position in `_store`
    _langs: tuple[str, ...]
    _store: TextStore | None

    def __init__(self, langs: tuple[str, ...], data: bytes | int, store: TextStore | None = None) -> None:
        object.__setattr__(self, "_langs", _intern(langs))
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_store", store)

    @classmethod
    def _make(cls, langs: tuple[str, ...], blob: bytes) -> Any:
        store = _active
        position = store.put(blob) if store is not None else None
        if position is None:
            return cls(langs, blob)
        return cls(langs, position, store)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> tuple[Any, ...]:  # pickled by the content helper process
        return (_restore, (type(self), self._langs, self._blob()))

    def _blob(self) -> bytes:
        data = self._data
        if isinstance(data, bytes):
            return data
        assert self._store is not None
        return self._store.get(data)

    def _parts(self) -> list[str]:
        return self._blob().decode("utf-8").split(_LANG_SEP)

    def _decode(self, part: str) -> Any:
        """One language's value from its text (`TextLists` splits it into items)."""
        return part

    def __getitem__(self, lang: str) -> Any:
        try:
            index = self._langs.index(lang)
        except ValueError:
            raise KeyError(lang) from None
        # Only this language is decoded: the separator is ASCII, so splitting UTF-8 bytes is safe.
        return self._decode(self._blob().split(LANG_SEP_BYTE)[index].decode("utf-8"))

    def __contains__(self, lang: object) -> bool:
        return lang in self._langs

    def __iter__(self) -> Iterator[str]:
        return iter(self._langs)

    def __len__(self) -> int:
        return len(self._langs)

    def items(self) -> Any:  # one decode for all languages instead of one per language
        return list(zip(self._langs, map(self._decode, self._parts()), strict=True))

    def values(self) -> Any:
        return [self._decode(part) for part in self._parts()]

    def raw(self) -> tuple[tuple[str, ...], bytes]:
        """The languages and the UTF-8 blob as stored: `LANG_SEP_BYTE` between the languages' texts,
        `ITEM_SEP_BYTE` between a list's items (the search index build reads it so, without decoding)."""
        return self._langs, self._blob()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Packed) and type(other) is type(self):
            return self._langs == other._langs and self._blob() == other._blob()
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"


class Texts(_Packed):
    """`{lang: text}` of one field, packed."""

    __slots__ = ()

    @classmethod
    def pack(cls, texts: Mapping[str, str]) -> Mapping[str, str]:
        """The texts packed; unchanged if a text contains a separator (possible as a YAML escape)."""
        joined = _LANG_SEP.join(texts.values())
        if joined.count(_LANG_SEP) != len(texts) - 1 or _ITEM_SEP in joined:
            return texts
        return cls._make(tuple(texts), joined.encode("utf-8"))


class TextLists(_Packed):
    """`{lang: (text, …)}` of one field (keywords, question variants, trigger phrases), packed."""

    __slots__ = ()

    @classmethod
    def pack(cls, lists: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
        """The lists packed; unchanged if a text contains a separator (possible as a YAML escape)."""
        if any(not items for items in lists.values()):
            return lists  # an empty list and a list of one empty text would read back the same
        joined = _LANG_SEP.join(_ITEM_SEP.join(items) for items in lists.values())
        if joined.count(_LANG_SEP) != len(lists) - 1 or joined.count(_ITEM_SEP) != sum(
            len(items) - 1 for items in lists.values()
        ):
            return lists
        return cls._make(tuple(lists), joined.encode("utf-8"))

    def _decode(self, part: str) -> tuple[str, ...]:
        return tuple(part.split(_ITEM_SEP))


def dump(value: Any, handle: BinaryIO, directory: Path | None = None) -> None:
    """Pickle `value` to `handle` with the blob of every packed text written raw, not into the pickle.

    Layout from the handle's position: the lengths of the pickle and of the blobs (8 bytes each), the
    pickle, the blobs. The pickle streams into `handle` (no copy of it in memory); the blobs wait in a
    temporary file meanwhile.
    """
    start = handle.tell()
    handle.write(bytes(16))
    with private_file("quartiersbot-blobs-", directory) as blobs:
        _TextPickler(handle, blobs).dump(value)
        end = handle.tell()
        handle.seek(start)
        handle.write((end - start - 16).to_bytes(8, "little") + blobs.tell().to_bytes(8, "little"))
        handle.seek(end)
        blobs.seek(0)
        shutil.copyfileobj(blobs, handle, 1 << 20)


def load(handle: BinaryIO, directory: Path | None = None) -> Any:
    """What `dump` wrote at the handle's position.

    The blobs are copied to an unlinked temporary file in `directory` that only this process can reach,
    and the texts read from there: whatever happens to the snapshot file later (overwritten in place by a
    restore, deleted) cannot change a live text. Without `pread` (Windows) they are read into memory."""
    start = handle.tell()
    lengths = handle.read(16)
    size, blob_bytes = int.from_bytes(lengths[:8], "little"), int.from_bytes(lengths[8:], "little")
    copy = private_file("quartiersbot-texts-", directory)
    try:
        handle.seek(start + 16 + size)
        left = blob_bytes
        while left > 0:
            chunk = handle.read(min(left, 1 << 20))
            if not chunk:
                break
            copy.write(chunk)
            left -= len(chunk)
        copy.flush()
        if len(lengths) != 16 or copy.tell() != blob_bytes:
            raise ValueError(f"texts truncated: {copy.tell()} of {blob_bytes} bytes")
        handle.seek(start + 16)
        if hasattr(os, "pread"):
            store: TextStore | bytes = TextStore(file=copy)
        else:
            copy.seek(0)
            store = copy.read()
            copy.close()
        return _TextUnpickler(handle, store).load()
    except BaseException:
        copy.close()
        raise


class _TextPickler(pickle.Pickler):
    """Pickles packed texts as a reference to their blob in `blobs` (position relative to its start)."""

    def __init__(self, handle: BinaryIO, blobs: BinaryIO) -> None:
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._blobs = blobs

    def persistent_id(self, obj: Any) -> Any:
        if not isinstance(obj, _Packed):
            return None
        blob = obj._blob()
        position = self._blobs.tell() << 32 | len(blob)
        self._blobs.write(blob)
        return (type(obj) is TextLists, obj._langs, position)


class _TextUnpickler(pickle.Unpickler):
    """Makes packed texts that read their blobs from `store` (or slice them out of the blob bytes)."""

    def __init__(self, handle: BinaryIO, store: TextStore | bytes) -> None:
        super().__init__(handle)
        self._store = store

    def persistent_load(self, pid: Any) -> Any:
        is_lists, langs, position = pid
        cls = TextLists if is_lists else Texts
        if isinstance(self._store, TextStore):
            return cls(langs, position, self._store)
        offset, length = position >> 32, position & 0xFFFFFFFF
        return cls(langs, self._store[offset : offset + length])
