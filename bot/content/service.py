"""ContentService: holds the current catalogue and replaces it only with content that loaded cleanly.

The content that went live is kept as a copy (`LastGoodContent`): a bot restarted while the content folder
holds an error that /reload refused starts with that copy instead of not at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.catalogue import Catalogue, load_catalogue
from bot.content.freshness import LOCK_NAME
from bot.content.loader import LoadedSources
from bot.content.problems import ContentError, Problem
from bot.content.yamlfile import find_content_files

logger = logging.getLogger(__name__)

SwapHook = Callable[[Catalogue], Any]
"""Called with the new catalogue before it becomes current, in the reload's worker thread (build an index
there). A hook may return a callable without arguments: it is called right at the swap, on the event loop,
to install what it prepared (e.g. `lambda: setattr(search, "index", new_index)`).
If any hook raises, nothing is swapped and the old catalogue stays.
"""
LiveHook = Callable[[], Awaitable[Any]]
"""Awaited after `reload()` took new content live (not after `start()`: the bot's start does its own)."""


@dataclass(frozen=True)
class ReloadResult:
    """Outcome of a reload: `ok` means the new content is live."""

    ok: bool
    problems: list[Problem]
    last_good: bool = False
    """Start-up only: the content folder was refused (`problems` are its), the last good copy is live."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


NOT_KEPT = "Could not keep the live content as the last good copy in %s: %s"


class LastGoodContent:
    """A copy of the content files that last went live, in `folder` (LAST_GOOD_CONTENT_DIR).

    Each content folder has a subfolder of its own, named by a hash of its resolved path: a draft previewed
    in the console with --content, or a second bot sharing `folder`, keeps its copy beside the live bot's
    and never replaces or deletes it. In it, each version is a folder of its own, `<version>/`, written under
    a temporary name and renamed when complete; `current.json` names the live one and the content folder it
    came from, and is replaced in one step. A crash at any moment leaves the previous copy usable.
    """

    POINTER = "current.json"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def home(self, content_dir: Path) -> Path:
        """The subfolder that holds the copies of `content_dir` (and only of it)."""
        key = hashlib.sha256(str(content_dir.resolve()).encode("utf-8")).hexdigest()[:16]
        return self.folder / key

    def stage(self, content_dir: Path, version: str) -> Path | None:
        """Copy the content files (and the translation lock) of `version`; None when the files on disk are
        no longer that version (changed since they were checked) or cannot be copied."""
        home = self.home(content_dir)
        target = home / version
        if target.is_dir():
            return target
        temporary = home / f".{version}.{os.getpid()}.tmp"
        try:
            shutil.rmtree(temporary, ignore_errors=True)
            paths, _ = find_content_files(content_dir)
            lock = content_dir / LOCK_NAME
            for path in [*paths, *([lock] if lock.is_file() else [])]:
                copy = temporary / path.relative_to(content_dir)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
            if content_version(temporary) != version:
                logger.warning("Content changed while it was being kept as the last good copy; not kept")
                shutil.rmtree(temporary, ignore_errors=True)
                return None
            temporary.rename(target)
        except OSError as exc:
            logger.warning(NOT_KEPT, home, exc)
            shutil.rmtree(temporary, ignore_errors=True)
            return None
        return target

    def keep(self, staged: Path, content_dir: Path) -> None:
        """Make `staged` the last good copy of `content_dir`, and remove its older ones (only its own)."""
        home = self.home(content_dir)
        if staged.parent != home:
            return
        pointer = {"version": staged.name, "content_dir": str(content_dir.resolve())}
        temporary = home / f".{self.POINTER}.{os.getpid()}.tmp"
        try:
            temporary.write_text(json.dumps(pointer), encoding="utf-8")
            temporary.replace(home / self.POINTER)
        except OSError as exc:
            logger.warning(NOT_KEPT, home, exc)
            return
        for old in home.iterdir():
            if old.is_dir() and old.name != staged.name and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)

    def find(self, content_dir: Path) -> Path | None:
        """The last good copy of `content_dir`, if there is one (a copy made from another content folder,
        e.g. a draft previewed in the console with --content, is not used for this one)."""
        home = self.home(content_dir)
        try:
            pointer = json.loads((home / self.POINTER).read_text(encoding="utf-8"))
            version, source = str(pointer["version"]), str(pointer["content_dir"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        copy = home / version
        if source != str(content_dir.resolve()) or "/" in version or not copy.is_dir():
            return None
        return copy


def content_version(folder: Path) -> str:
    """The version of the content files in `folder`, as `Catalogue.version` computes it."""
    paths, _ = find_content_files(folder)
    files = [(str(p.relative_to(folder)), hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths]
    return LoadedSources(files=files).version


class ContentService:
    """The current catalogue of one bot; `reload()` swaps it atomically."""

    def __init__(
        self,
        content_dir: Path,
        catalogue: Catalogue | None = None,
        *,
        last_good_dir: Path | None = None,
        examples_allowed: bool = True,
        email_replies_relayed: bool,
    ) -> None:
        self.content_dir = content_dir
        self.examples_allowed = examples_allowed
        """False: content with example data is refused like content with errors (the bot on Telegram
        without ALLOW_EXAMPLE_DATA), at start and at every reload."""
        self.email_replies_relayed = email_replies_relayed
        """The server's `Settings.relays_email_replies` (MAIL_INBOUND_PORT), as `run_bot.py check` gets it:
        False warns, at start and at every reload, of the e-mail-only partners whose answers cannot reach
        residents (`unanswerable_partners`)."""
        self.last_good = LastGoodContent(last_good_dir) if last_good_dir is not None else None
        self._catalogue = catalogue
        self.on_swap: list[SwapHook] = []
        self.on_live: list[LiveHook] = []
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

    def _prepare(
        self, source: Path | None = None
    ) -> tuple[Catalogue, list[Problem], list[Callable[[], Any]], Path | None]:
        """Worker thread: load, validate and run the hooks; then copy the content folder's files as the
        next last good copy (not yet kept: only once live). Raises on any failure."""
        catalogue, warnings = load_catalogue(
            source or self.content_dir,
            examples=self.examples_allowed,
            email_replies_relayed=self.email_replies_relayed,
        )
        commits = [commit for hook in self.on_swap if callable(commit := hook(catalogue))]
        staged = None
        if source is None and self.last_good is not None:
            staged = self.last_good.stage(self.content_dir, catalogue.version)
        return catalogue, warnings, commits, staged

    async def reload(self) -> ReloadResult:
        """Load the content again; the old catalogue stays on any error (content or hook). New content,
        once live, is followed by the `on_live` hooks."""
        async with self._lock:
            result = await self._load(None)
            for hook in self.on_live if result.ok else ():
                await hook()
            return result

    async def start(self) -> ReloadResult:
        """The first load. When the content folder is refused, the last good copy (if there is one) goes
        live instead: the result has the folder's problems and `last_good`; without a copy `ok` is False."""
        async with self._lock:
            result = await self._load(None)
            if result.ok or self.last_good is None:
                return result
            copy = self.last_good.find(self.content_dir)
            if copy is None or not (await self._load(copy)).ok:
                return result
            return ReloadResult(True, result.problems, last_good=True)

    async def _load(self, source: Path | None) -> ReloadResult:
        try:
            catalogue, warnings, commits, staged = await asyncio.to_thread(self._prepare, source)
        except ContentError as exc:
            logger.warning("Content reload refused: %d errors", len(exc.errors))
            return ReloadResult(False, exc.problems)
        except Exception as exc:
            logger.exception("Content reload failed in a swap hook; keeping the old content")
            message = f"Neuer Inhalt nicht übernommen: {type(exc).__name__}: {exc}"
            return ReloadResult(False, [Problem("error", "", None, None, message)])
        for commit in commits:
            commit()
        self._catalogue = catalogue
        logger.info("Content version %s live (%d warnings)", catalogue.version, len(warnings))
        if staged is not None and self.last_good is not None:
            await asyncio.to_thread(self.last_good.keep, staged, self.content_dir)
        return ReloadResult(True, warnings)
