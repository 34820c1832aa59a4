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

import io
import logging
import os
import pickle
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, BinaryIO

logger = logging.getLogger(__name__)

_LANG_SEP = "\x1f"  # between languages (YAML rejects C0 control characters, so no text contains it)
_ITEM_SEP = "\x1e"  # between the items of a list
_LANG_SEP_BYTE = _LANG_SEP.encode()

_interned: dict[tuple[str, ...], tuple[str, ...]] = {}


def _intern(langs: tuple[str, ...]) -> tuple[str, ...]:
    """One shared tuple per combination of languages (there are only a few)."""
    return _interned.setdefault(langs, langs)


class TextStore:
    """Append-only blobs in an unlinked temporary file (deleted when the last text using it is gone).

    `TextStore(file)` reads the blobs of an open snapshot file instead (see `load`); it takes none.
    """

    FLUSH_BYTES = 1 << 20

    def __init__(self, file: Any = None) -> None:
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
                    self._file = tempfile.TemporaryFile(prefix="quartiersbot-texts-")
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
        return self._decode(self._blob().split(_LANG_SEP_BYTE)[index].decode("utf-8"))

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


def dump(value: Any, handle: BinaryIO) -> None:
    """Pickle `value` to `handle` with the blob of every packed text written raw, not into the pickle.

    Layout from the handle's position: the length of the blob region (8 bytes), the blobs, the pickle.
    `load` makes the texts read their blobs from this file, so a snapshot's texts are never copied.
    """
    start = handle.tell()
    handle.write(bytes(8))
    region_start = handle.tell()

    class _Pickler(pickle.Pickler):
        def persistent_id(self, obj: Any) -> Any:
            if not isinstance(obj, _Packed):
                return None
            blob = obj._blob()
            position = handle.tell() << 32 | len(blob)
            handle.write(blob)
            return (type(obj) is TextLists, obj._langs, position)

    pickled = io.BytesIO()
    _Pickler(pickled, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    region_end = handle.tell()
    handle.write(pickled.getbuffer())
    handle.seek(start)
    handle.write((region_end - region_start).to_bytes(8, "little"))
    handle.seek(0, os.SEEK_END)


def load(handle: BinaryIO) -> Any:
    """What `dump` wrote at the handle's position. The texts read their blobs from the same file (through
    a file descriptor of their own: the caller may close `handle`); without `pread` (Windows) they are
    read into memory now."""
    region = int.from_bytes(handle.read(8), "little")
    store = TextStore(open(os.dup(handle.fileno()), "rb", buffering=0)) if hasattr(os, "pread") else None
    handle.seek(region, os.SEEK_CUR)

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Any:
            is_lists, langs, position = pid
            cls = TextLists if is_lists else Texts
            if store is not None:
                return cls(langs, position, store)
            offset, length = position >> 32, position & 0xFFFFFFFF
            here = handle.tell()
            handle.seek(offset)
            blob = handle.read(length)
            handle.seek(here)
            return cls(langs, blob)

    return _Unpickler(handle).load()
