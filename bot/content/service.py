"""ContentService: holds the current catalogue and replaces it only with content that loaded cleanly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.catalogue import Catalogue, load_catalogue
from bot.content.problems import ContentError, Problem

logger = logging.getLogger(__name__)

SwapHook = Callable[[Catalogue], Any]
"""Called with the new catalogue before it becomes current, in the reload's worker thread (build an index
there). A hook may return a callable without arguments: it is called right at the swap, on the event loop,
to install what it prepared (e.g. `lambda: setattr(search, "index", new_index)`).
If any hook raises, nothing is swapped and the old catalogue stays.
"""


@dataclass(frozen=True)
class ReloadResult:
    """Outcome of a reload: `ok` means the new content is live, `changed` that its version is new."""

    ok: bool
    problems: list[Problem]
    changed: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class ContentService:
    """The current catalogue of one bot; `reload()` swaps it atomically."""

    def __init__(self, content_dir: Path, catalogue: Catalogue | None = None) -> None:
        self.content_dir = content_dir
        self._catalogue = catalogue
        self.on_swap: list[SwapHook] = []
        self._lock = asyncio.Lock()

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue in use (RuntimeError before the first successful load)."""
        if self._catalogue is None:
            raise RuntimeError("content not loaded yet – await ContentService.reload() first")
        return self._catalogue

    @property
    def loaded(self) -> bool:
        return self._catalogue is not None

    def _prepare(self) -> tuple[Catalogue, list[Problem], list[Callable[[], Any]]]:
        """Worker thread: load, validate and run the hooks. Raises on any failure."""
        catalogue, warnings = load_catalogue(self.content_dir)
        commits = [commit for hook in self.on_swap if callable(commit := hook(catalogue))]
        return catalogue, warnings, commits

    async def reload(self) -> ReloadResult:
        """Load the content again; the old catalogue stays on any error (content or hook)."""
        async with self._lock:
            try:
                catalogue, warnings, commits = await asyncio.to_thread(self._prepare)
            except ContentError as exc:
                logger.warning("Content reload refused: %d errors", len(exc.errors))
                return ReloadResult(False, exc.problems)
            except Exception as exc:
                logger.exception("Content reload failed in a swap hook; keeping the old content")
                message = f"Neuer Inhalt nicht übernommen: {type(exc).__name__}: {exc}"
                return ReloadResult(False, [Problem("error", "", None, None, message)])
            for commit in commits:
                commit()
            changed = self._catalogue is None or self._catalogue.version != catalogue.version
            self._catalogue = catalogue
            logger.info("Content version %s live (%d warnings)", catalogue.version, len(warnings))
            return ReloadResult(True, warnings, changed)
