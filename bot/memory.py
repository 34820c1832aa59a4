"""Memory habits of loading big content: no cyclic garbage collection while building, giving freed
memory back to the operating system afterwards, and private files for data the bot keeps in the page
cache instead of its own memory. Used by the content loader and the search index.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while loading (nests; safe from several threads).

    Loading creates millions of objects and no reference cycles; with the collector on, every
    generation-2 collection walks all objects loaded so far, which makes loading quadratic.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def return_free_memory() -> None:
    """Give memory freed after a load back to the operating system (glibc only; no-op elsewhere).

    Loading parses tens of MB into short-lived objects; glibc keeps the freed heap for later use, so
    the process would stay as large as at the load's peak. `malloc_trim` releases the free pages.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL(None).malloc_trim
        except (AttributeError, OSError, TypeError):  # not glibc (macOS, musl) or Windows
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


def private_file(prefix: str, directory: Path | None) -> Any:
    """An unlinked temporary file in `directory` (if it exists), else in TMPDIR."""
    if directory is not None and directory.is_dir():
        try:
            return tempfile.TemporaryFile(prefix=prefix, dir=directory)
        except OSError:
            logger.warning("no temporary file in %s; using TMPDIR", directory, exc_info=True)
    return tempfile.TemporaryFile(prefix=prefix)
