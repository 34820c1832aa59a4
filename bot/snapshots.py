"""Snapshots on disk of what loading the content computed, so a restart with unchanged content is quick.

Loading 10,000 entries means parsing ~60 MB of YAML, validating every entry and building the search
index: many seconds of CPU. The result depends only on the bytes of the content files and on the code
that read them. So after a load, the validated entries of every clean file and the search index are
written here; the next start (or the first reload of a process) reads them back instead of doing the
work again, like Python's own `.pyc` files:

- each snapshot carries a key: what it was made from (the content folder for the entries, whose files'
  SHA-256 are stored and compared per file; the catalogue version, a hash of all files, for the index)
  **and** the SHA-256 of the code that made it (the sources of `bot/content/`,
  `bot/search/`, `bot/languages.py`, `bot/memory.py` and this module, plus the versions of Python,
  pydantic, PyYAML, yaml-rs, snowballstemmer and rapidfuzz). Change one byte of either and the
  snapshot is not used;
- a content file is still read and hashed on every load; only its parsing and validation are skipped
  when its hash is the one its snapshot was made from;
- anything wrong with a snapshot (missing, truncated, from other code, unreadable) only means the work
  is done again; writing one never fails a load (a full disk is logged). A snapshot is written to a
  temporary name with a CRC-32 of its body, flushed to disk (`fsync`) and then renamed, so a crash leaves
  the old one or the new one, never a mix, and a snapshot whose bytes changed on disk is not used; what
  the bot reads from a snapshot it first copies to a private temporary file.

Snapshots are pickles, and unpickling runs code, so the folder must be as private as the database: it is
created readable only by the bot's user, and a snapshot (or folder) that another user owns or could write
is ignored (POSIX). Delete the folder at any time; set `CONTENT_CACHE_DIR=` (empty) to switch them off.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import stat
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from bot.memory import return_free_memory

logger = logging.getLogger(__name__)

_MAGIC = b"QBSNAP2\n"
_HEADER_BYTES = len(_MAGIC) + 64 + 1  # magic, key (hex SHA-256), newline
_TRAILER_MAGIC = b"QBEND"  # then the CRC-32 of the body (4 bytes) and its length (8 bytes)
_TRAILER_BYTES = len(_TRAILER_MAGIC) + 4 + 8
_CHUNK = 1 << 20
_CODE_DIRS = ("content", "search")  # and every other module these import:
_CODE_FILES = ("languages.py", "memory.py", "snapshots.py")
_PACKAGES = ("pydantic", "pydantic-core", "PyYAML", "yaml-rs", "snowballstemmer", "rapidfuzz")

_fingerprint_lock = threading.Lock()
_fingerprint: str | None = None


def code_fingerprint() -> str:
    """SHA-256 of everything that decides what a load computes (sources and library versions)."""
    global _fingerprint
    with _fingerprint_lock:
        if _fingerprint is None:
            digest = hashlib.sha256(sys.version.encode())
            for package in _PACKAGES:
                try:
                    version = importlib.metadata.version(package)
                except importlib.metadata.PackageNotFoundError:
                    version = "-"
                digest.update(f"\0{package}={version}".encode())
            bot_dir = Path(__file__).resolve().parent
            sources = [bot_dir / name for name in _CODE_FILES]
            for name in _CODE_DIRS:  # Python and the compiled parts' C sources (bot/search/_builder.c)
                sources.extend(sorted((bot_dir / name).glob("*.py")))
                sources.extend(sorted((bot_dir / name).glob("*.c")))
            for source in sources:
                digest.update(b"\0" + source.name.encode() + b"\0" + source.read_bytes())
            _fingerprint = digest.hexdigest()
        return _fingerprint


def folder_key(folder: Path) -> str:
    """A short name for a content folder, so that several folders can share one snapshot folder."""
    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]


class SnapshotStore:
    """A folder of named snapshots; one file per name, replaced atomically by `save`."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def path(self, name: str) -> Path | None:
        return self.folder / f"{name}.snapshot" if self.folder is not None else None

    def _key(self, key: str) -> bytes:
        return hashlib.sha256(f"{code_fingerprint()}\0{key}".encode()).hexdigest().encode()

    def open(self, name: str, key: str) -> BinaryIO | None:
        """The snapshot `name` positioned after its header if it was made from `key`, else None.

        The caller reads it (and closes it); the file stays valid even if a newer one replaces it."""
        path = self.path(name)
        if path is None:
            return None
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return None
        except OSError:
            logger.warning("snapshot %s not readable", path, exc_info=True)
            return None
        try:
            if not (_private(path.parent) and _private(path, handle.fileno())):
                logger.warning("snapshot %s ignored: another user owns it or may change it", path)
                handle.close()
                return None
            header = handle.read(_HEADER_BYTES)
            if header != _MAGIC + self._key(key) + b"\n":
                handle.close()
                return None
            if not _intact(handle):
                logger.warning("snapshot %s ignored: damaged (checksum)", path)
                handle.close()
                return None
            handle.seek(_HEADER_BYTES)
            return handle
        except OSError:
            handle.close()
            logger.warning("snapshot %s not readable", path, exc_info=True)
            return None

    def save(self, name: str, key: str, *, write: Any) -> Path | None:
        """Call `write(file)` to write the snapshot `name` for `key`; the file written, or None (disabled,
        or any failure, which is logged)."""
        path = self.path(name)
        if path is None:
            return None
        temporary: str | None = None
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(path.parent):
                logger.warning("snapshots not written: %s is shared with other users", path.parent)
                return None
            _remove_leftovers(path.parent, name)
            fd, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=path.parent)
            with os.fdopen(fd, "w+b") as handle:
                handle.write(_MAGIC + self._key(key) + b"\n")
                write(handle)
                handle.seek(0, os.SEEK_END)
                handle.flush()
                body = handle.tell() - _HEADER_BYTES
                crc = _crc32(handle.fileno(), _HEADER_BYTES, body)
                handle.write(_TRAILER_MAGIC + crc.to_bytes(4, "little") + body.to_bytes(8, "little"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
            _fsync_folder(path.parent)
            return path
        except Exception:
            logger.warning("snapshot %s not written", path, exc_info=True)
            if temporary is not None:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
            return None

    def save_in_background(self, name: str, key: str, *, write: Any) -> None:
        """`save` in a thread of its own, started by `start_deferred` (when the new content is live: the
        writing then does not slow the load down), so a load does not wait for its snapshot; the memory
        used for writing is given back afterwards.

        Writes of one name happen one after the other, and one that a newer write of the same name
        overtook while it waited is skipped (two quick reloads: the snapshot ends up from the second).
        Not a daemon thread: a process that ends right after a load (the console chat) still finishes."""
        if self.folder is None:
            return
        with _saving_lock:
            generation = _generations[name] = _generations.get(name, 0) + 1
            lock = _name_locks.setdefault(name, threading.Lock())

        def save() -> None:
            with lock:
                if _generations.get(name) != generation:
                    return
                self.save(name, key, write=write)
            return_free_memory()

        thread = threading.Thread(target=save, name=f"snapshot-{name}")
        with _saving_lock:
            _saving[:] = [t for t in _saving if t.is_alive() or t.ident is None]  # running or not yet started
            _saving.append(thread)
            _deferred.append(thread)


_saving_lock = threading.Lock()
_saving: list[threading.Thread] = []
_deferred: list[threading.Thread] = []
_generations: dict[str, int] = {}
_name_locks: dict[str, threading.Lock] = {}
LEFTOVER_SECONDS = 600


def start_deferred() -> None:
    """Start writing the snapshots that loads asked for (ContentService does it after the swap)."""
    with _saving_lock:
        threads, _deferred[:] = list(_deferred), []
    for thread in threads:
        thread.start()


def wait_for_snapshots() -> None:
    """Start and wait for the snapshots being written in the background (tests, benchmarks)."""
    start_deferred()
    with _saving_lock:
        threads = [t for t in _saving if t.ident is not None]  # one queued meanwhile waits for its load
    for thread in threads:
        thread.join()


def _crc32(fd: int, offset: int, size: int) -> int:
    """CRC-32 of `size` bytes of the file at `offset` (read in chunks, never all in memory)."""
    crc = 0
    while size > 0:
        chunk = _read_at(fd, offset, min(size, _CHUNK))
        if not chunk:
            break
        crc = zlib.crc32(chunk, crc)
        offset, size = offset + len(chunk), size - len(chunk)
    return crc


def _read_at(fd: int, offset: int, size: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # Windows (the caller seeks the handle again afterwards)
    return os.read(fd, size)


def _intact(handle: BinaryIO) -> bool:
    """Whether the body of the snapshot is exactly what was written (length and CRC-32 of the trailer)."""
    fd = handle.fileno()
    size = os.fstat(fd).st_size
    if size < _HEADER_BYTES + _TRAILER_BYTES:
        return False
    handle.seek(size - _TRAILER_BYTES)
    trailer = handle.read(_TRAILER_BYTES)
    if not trailer.startswith(_TRAILER_MAGIC):
        return False
    crc = int.from_bytes(trailer[len(_TRAILER_MAGIC) : len(_TRAILER_MAGIC) + 4], "little")
    body = int.from_bytes(trailer[len(_TRAILER_MAGIC) + 4 :], "little")
    return body == size - _HEADER_BYTES - _TRAILER_BYTES and _crc32(fd, _HEADER_BYTES, body) == crc


def _remove_leftovers(folder: Path, name: str) -> None:
    """Temporary files of `name` that a killed process left behind (older than `LEFTOVER_SECONDS`)."""
    now = time.time()
    for leftover in folder.glob(f".{name}.*"):
        try:
            if now - leftover.stat().st_mtime > LEFTOVER_SECONDS:
                leftover.unlink()
        except OSError:
            pass


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX; folders cannot be opened for this on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _private(path: Path, fd: int | None = None) -> bool:
    """Owned by this user and writable by nobody else (always true where there are no such modes)."""
    if not hasattr(os, "getuid"):
        return True
    info = os.fstat(fd) if fd is not None else path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
