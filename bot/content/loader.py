"""Read content YAML with line numbers and validate every entry against the models.

Nothing is raised while reading: every problem of every file is collected so staff see them all at once.
The YAML node tree of each file is kept while loading so that a pydantic error location
(`("title", "tr")`) can be turned into a line number (the dagster pattern).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node

from bot.content import quick, texts
from bot.content.messages import german_message, known_field_names, suggest
from bot.content.models import KINDS, SLUG_PATTERN, ContentModel
from bot.content.problems import Problem
from bot.content.quick import Section
from bot.content.texts import TextStore, collecting
from bot.content.yamlfile import (
    BOM,
    MAX_FILE_BYTES,
    NodeLocation,
    child_nodes,
    compose_bytes,
    decode,
    display_name,
    fast_parse,
    find_content_files,
    node_line,
    parse_yaml,
    read_bytes,
)
from bot.memory import paused_gc
from bot.snapshots import SnapshotStore, folder_key

SCHEMA_COMMENT = "# yaml-language-server: $schema="

_SLUG_RE = re.compile(SLUG_PATTERN)
logger = logging.getLogger(__name__)


# --- results -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file as it was read: enough to find it again and to notice it changed since."""

    path: Path
    shown: str
    sha256: str


@dataclass(slots=True)
class EntryLocation:
    """Where an entry is written, kept after its file's nodes are dropped: file and line of the id.

    `line` is None for files read on the quick path (yaml-rs gives no positions). Lines are looked up
    lazily (the file is parsed again with positions) and only when a problem is reported, so no node
    tree has to stay in memory and clean files never pay for positions.
    """

    file: str
    line: int | None
    source: SourceFile | None = None


_REMEMBERED_TREES = 2


@dataclass
class LoadedSources:
    """Validated entries of all files plus everything needed to report on them."""

    entries: dict[str, dict[str, ContentModel]] = field(default_factory=lambda: {k: {} for k in KINDS})
    locations: dict[tuple[str, str], EntryLocation] = field(default_factory=dict)
    known_ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    invalid_kinds: set[str] = field(default_factory=set)
    files: list[tuple[str, str]] = field(default_factory=list)  # (display name, sha256)
    problems: list[Problem] = field(default_factory=list)
    _trees: dict[Path, Node | None] = field(default_factory=dict, repr=False)
    """Node trees of the last few files parsed (again), to find a field's line."""

    def locate(self, kind: str, entry_id: str, *loc: str | int) -> tuple[str | None, int | None]:
        """File and line of `kind.entry_id.<loc>` (None, None if unknown)."""
        where = self.locations.get((kind, entry_id))
        if where is None:
            return None, None
        if (not loc or loc[0] == "[key]") and where.line is not None:
            return where.file, where.line
        nodes = self._reopen(kind, entry_id, where)
        if nodes is None:
            return where.file, where.line
        if where.line is None:
            where.line = nodes.line
        return where.file, (nodes.line_of(loc) if loc and loc[0] != "[key]" else nodes.line)

    def entry_line(self, kind: str, entry_id: str) -> int | None:
        """Line of the id of `kind.entry_id` (looked up in the file if the quick path read it)."""
        return self.locate(kind, entry_id)[1]

    def _reopen(self, kind: str, entry_id: str, where: EntryLocation) -> NodeLocation | None:
        """The entry's nodes from the file parsed again; None if the file changed since it was loaded."""
        if where.source is None:
            return None
        nodes = self.nodes_in(where.source, kind, entry_id)
        if nodes is None or (where.line is not None and nodes.line != where.line):
            return None
        return nodes

    def nodes_in(self, source: SourceFile, kind: str, entry_id: str) -> NodeLocation | None:
        """Nodes of `kind.entry_id` in `source` parsed again (None if not there or the file changed)."""
        if source.path not in self._trees:
            self.remember_tree(source.path, _compose_unchanged(source))
        root = self._trees[source.path]
        id_node, value_node = child_nodes(child_nodes(root, kind)[1], entry_id)
        if id_node is None or value_node is None:
            return None
        return NodeLocation(source.shown, id_node, value_node)

    def remember_tree(self, path: Path, root: Node | None) -> None:
        """Keep the node tree of a file just parsed (only the last few are kept)."""
        self._trees.pop(path, None)
        while len(self._trees) >= _REMEMBERED_TREES:
            del self._trees[next(iter(self._trees))]
        self._trees[path] = root

    def forget_tree(self, path: Path) -> None:
        """Drop a remembered node tree."""
        self._trees.pop(path, None)

    def forget_trees(self) -> None:
        """Drop every remembered node tree (they are parsed again when needed)."""
        self._trees.clear()

    def error(
        self, kind: str, entry_id: str, loc: tuple[str | int, ...], message: str, code: str = ""
    ) -> None:
        """Record an error at `kind.entry_id.<loc>`."""
        self._add("error", kind, entry_id, loc, message, code)

    def warning(
        self, kind: str, entry_id: str, loc: tuple[str | int, ...], message: str, code: str = ""
    ) -> None:
        """Record a warning at `kind.entry_id.<loc>`."""
        self._add("warning", kind, entry_id, loc, message, code)

    def _add(
        self, severity: Any, kind: str, entry_id: str, loc: tuple[str | int, ...], message: str, code: str
    ) -> None:
        file, line = self.locate(kind, entry_id, *loc)
        path = ".".join(str(p) for p in (kind, entry_id, *loc) if p != "[key]")
        self.problems.append(Problem(severity, path, file, line, message, code))

    @property
    def version(self) -> str:
        """Hash of all source files (name and content)."""
        digest = hashlib.sha256()
        for name, sha in sorted(self.files):
            digest.update(f"{name}\0{sha}\n".encode())
        return digest.hexdigest()[:16]


def _compose_unchanged(source: SourceFile) -> Node | None:
    """The file's node tree if its content is still what was loaded, else None."""
    try:
        with source.path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if hashlib.sha256(raw).hexdigest() != source.sha256:
            return None
        return compose_bytes(raw)
    except (OSError, yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return None


# --- validating entries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileOutline:
    """Lines of a file's kinds and entry ids, in file order: all that validation needs of the nodes."""

    root_line: int | None
    is_mapping: bool
    sections: tuple[Section, ...]


def outline(root: Node) -> FileOutline:
    """The outline of a parsed file (keys are scalar nodes: the file passed inspection)."""
    if not isinstance(root, MappingNode):
        return FileOutline(node_line(root), False, ())
    sections = []
    for kind_node, entries_node in root.value:
        ids = (
            tuple((id_node.value, node_line(id_node)) for id_node, _ in entries_node.value)
            if isinstance(entries_node, MappingNode)
            else None
        )
        sections.append((kind_node.value, node_line(kind_node), ids))
    return FileOutline(node_line(root), True, tuple(sections))


def _validate_file(
    data: Any, shape: FileOutline, source: SourceFile, result: LoadedSources, field_names: list[str]
) -> None:
    shown = source.shown
    if not shape.is_mapping or not isinstance(data, dict):
        result.problems.append(
            Problem("error", "", shown, shape.root_line, "Datei muss aus Abschnitten wie 'offers:' bestehen")
        )
        return
    for kind, kind_line, ids in shape.sections:
        if kind not in KINDS:
            message = f"unbekannte Art '{kind}'{suggest(kind, KINDS)}"
            result.problems.append(Problem("error", kind, shown, kind_line, message))
            continue
        entries = data[kind]
        if entries is None:
            continue
        if ids is None:
            result.problems.append(
                Problem("error", kind, shown, kind_line, "hier werden Einträge erwartet (id: Felder)")
            )
            continue
        model = KINDS[kind]
        for entry_id, id_line in ids:
            previous = result.locations.get((kind, entry_id))
            if previous is not None:
                result.problems.append(_duplicate(kind, entry_id, source, id_line, result))
                continue
            result.locations[(kind, entry_id)] = EntryLocation(shown, id_line, source)
            result.known_ids[kind].add(entry_id)
            if kind == "privacy" and entry_id != "notice":
                result.error(kind, entry_id, (), "unter 'privacy' ist nur die ID 'notice' erlaubt")
                result.invalid_kinds.add(kind)
                continue
            if not _SLUG_RE.match(entry_id):
                result.error(kind, entry_id, (), "ungültige ID – nur a-z, 0-9 und '-', höchstens 40 Zeichen")
            try:
                entry = model.model_validate(entries[entry_id])
            except ValidationError as exc:
                result.invalid_kinds.add(kind)
                for error in exc.errors():
                    loc = tuple(error["loc"])
                    result.problems.append(
                        Problem(
                            "error",
                            ".".join(str(p) for p in (kind, entry_id, *loc) if p != "[key]"),
                            shown,
                            result.locate(kind, entry_id, *loc)[1],
                            german_message(error, field_names),
                        )
                    )
                continue
            result.entries[kind][entry_id] = entry


_SCHEMA_PREFIX = SCHEMA_COMMENT.encode()


def _schema_warning(shown: str) -> Problem:
    return Problem(
        "warning",
        "",
        shown,
        1,
        f"erste Zeile sollte '{SCHEMA_COMMENT}<Pfad zu content/schema.json>' sein",
        code="schema_comment",
    )


@dataclass(frozen=True, slots=True)
class _Validated:
    """A file that loaded without any problem: its entries can be reused while its bytes stay the same."""

    sha256: str
    shown: str
    shape: FileOutline
    models: dict[tuple[str, str], ContentModel]
    size: int


_reuse_lock = threading.Lock()
_reusable: tuple[Path | None, dict[Path, _Validated]] = (None, {})
"""Clean files of the last load (one content folder only), for a fast reload of unchanged files.

The entries are frozen models, so a new catalogue can share them with the previous one.
"""


def load_sources(content_dir: Path, snapshots: SnapshotStore | None = None) -> LoadedSources:
    """Read and validate every `*.yaml` below `content_dir`; never raises for content problems.

    One file at a time: its node tree lives only while its entries are validated. A file whose bytes
    are unchanged since the last load of the same folder (and that had no problem then) is not parsed
    or validated again: its entries are reused. With `snapshots`, "the last load" may also be one of
    an earlier process (bot/snapshots.py): the clean files' entries are written there after a load that
    changed them, in a background thread. When there is a lot to read and more than one CPU, a helper
    process reads the second part of the files (quick path only) while this one reads the first.
    """
    global _reusable
    folder = content_dir.resolve()
    name = f"content-{folder_key(folder)}"
    with _reuse_lock:
        last_folder, last = _reusable
    clean: dict[Path, _Validated] = {}
    # The texts of this load go to one temporary file (in the snapshot folder if there is one: on disk).
    with paused_gc(), collecting(TextStore(snapshots.folder if snapshots is not None else None)):
        reusable = last if last_folder == folder else None
        if reusable is None:
            reusable = _snapshot_entries(snapshots, name, folder) or {}
        result = LoadedSources()
        paths, result.problems = find_content_files(content_dir)
        field_names = known_field_names()
        helper = QuickReadHelper.start_for([p for p in paths if not _unchanged(p, reusable.get(p))])
        try:
            for path in paths:
                prepared = helper.result(path) if helper is not None else None
                validated = _load_file(path, content_dir, result, field_names, reusable.get(path), prepared)
                if validated is not None:
                    clean[path] = validated
        finally:
            if helper is not None:
                helper.close()
    with _reuse_lock:
        _reusable = (folder, clean)
    if snapshots is not None and _fingerprints(clean) != _fingerprints(reusable):
        _save_in_background(snapshots, name, str(folder), clean)
    return result


def _fingerprints(files: dict[Path, _Validated]) -> set[tuple[Path, str]]:
    return {(path, validated.sha256) for path, validated in files.items()}


def _snapshot_entries(
    snapshots: SnapshotStore | None, name: str, folder: Path
) -> dict[Path, _Validated] | None:
    """The clean files of an earlier process's load of `folder`, if it left a usable snapshot."""
    if snapshots is None:
        return None
    handle = snapshots.open(name, str(folder))
    if handle is None:
        return None
    with handle:
        try:
            entries = texts.load(handle, snapshots.folder)  # texts: from a private copy of the file
        except Exception:  # truncated, or classes that changed without the fingerprint noticing
            logger.warning("content snapshot %s unusable; reading every file", handle.name, exc_info=True)
            return None
    return entries if isinstance(entries, dict) else None


def _save_in_background(snapshots: SnapshotStore, name: str, key: str, clean: dict[Path, _Validated]) -> None:
    """Write the snapshot of `clean` without making the load wait (pickling 60 MB takes ~0.5 s)."""

    def write(handle: Any) -> None:
        texts.dump(clean, handle, snapshots.folder)

    snapshots.save_in_background(name, key, write=write)


def _usable_cpus() -> int:
    """CPUs this process may run on (`sched_getaffinity` is Linux-only)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _unchanged(path: Path, reusable: _Validated | None) -> bool:
    """Probably reusable (size and name unchanged; `_load_file` compares the hash to be sure)."""
    return reusable is not None and reusable.size == _size(path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file read by the helper process: its hash, schema comment and quick result (None: read again)."""

    sha256: str
    schema_ok: bool
    checked: Checked | None


def prepare(path: Path) -> Prepared | None:
    """Read a file on the quick path (in the helper process); None if it cannot be read as it is."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    sha = hashlib.sha256(raw).hexdigest()
    return Prepared(sha, raw.removeprefix(BOM).startswith(_SCHEMA_PREFIX), quick_read(raw))


class QuickReadHelper:
    """A second Python process that reads a share of the files while this one reads the rest.

    Results come back pickled through a pipe, one file at a time, in file order (a thread collects
    them). Anything that goes wrong (no helper, crash, timeout, a changed file) only means that this
    process reads the file itself, so the result is the same as without the helper.
    """

    MIN_BYTES = 12 * 1024 * 1024  # below this, starting a process (~0.5 s) costs more than it saves
    SHARE = 0.45  # of the bytes to read: the helper starts later (imports) and pickles its results
    TIMEOUT = 120.0
    COMMAND = (sys.executable, "-m", "bot.content.helper")

    def __init__(self, paths: list[Path]) -> None:
        self._wanted = {str(p) for p in paths}
        self._results: dict[str, Prepared | None] = {}
        self._done = threading.Event()
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        self._process = subprocess.Popen(
            list(self.COMMAND),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(pickle.dumps([str(p) for p in paths]))
            self._process.stdin.close()
        except OSError:
            logger.warning("content helper process did not start; reading everything here")
        self._thread = threading.Thread(target=self._collect, name="content-helper", daemon=True)
        self._thread.start()

    @classmethod
    def start_for(cls, paths: list[Path]) -> QuickReadHelper | None:
        """A helper for the last files (about SHARE of the bytes), or None when it is not worth it."""
        if not quick.available() or _usable_cpus() < 2:
            return None
        sizes = [max(_size(p), 0) for p in paths]
        total = sum(sizes)
        if total < cls.MIN_BYTES:
            return None
        taken, share = 0, []
        for path, size in zip(reversed(paths), reversed(sizes), strict=True):
            if taken + size > total * cls.SHARE:
                break
            taken += size
            share.append(path)
        try:
            return cls(share[::-1]) if share else None
        except OSError:
            logger.warning("content helper process could not be started; reading everything here")
            return None

    def _collect(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        try:
            while True:
                path, prepared = pickle.load(stdout)
                self._results[path] = prepared
        except EOFError:
            pass
        except Exception:  # a broken helper: the files it did not deliver are read here
            logger.warning("content helper process failed; reading its files here", exc_info=True)
        finally:
            self._done.set()

    def result(self, path: Path) -> Prepared | None:
        """The helper's result for `path` (waits for the helper), or None: read it here."""
        key = str(path)
        if key not in self._wanted:
            return None
        if not self._done.wait(self.TIMEOUT):
            logger.warning("content helper process timed out; reading its files here")
            self.close()
            self._wanted.clear()
            return None
        return self._results.get(key)

    def close(self) -> None:
        """Stop the helper process (if it still runs) and release the pipe."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def _replay(validated: _Validated, source: SourceFile, result: LoadedSources) -> None:
    """Register the entries of an unchanged clean file (duplicates with other files are still found)."""
    for kind, _kind_line, ids in validated.shape.sections:
        for entry_id, id_line in ids or ():
            previous = result.locations.get((kind, entry_id))
            if previous is not None:
                result.problems.append(_duplicate(kind, entry_id, source, id_line, result))
                continue
            result.locations[(kind, entry_id)] = EntryLocation(source.shown, id_line, source)
            result.known_ids[kind].add(entry_id)
            result.entries[kind][entry_id] = validated.models[(kind, entry_id)]


def _duplicate(
    kind: str, entry_id: str, source: SourceFile, line: int | None, result: LoadedSources
) -> Problem:
    """The second definition of an id (`line` None: look it up); the first is in `result` already."""
    if line is None:
        nodes = result.nodes_in(source, kind, entry_id)
        line = nodes.line if nodes is not None else None
    previous = result.locations[(kind, entry_id)]
    previous_line = result.entry_line(kind, entry_id)
    where = f"{previous.file}:{previous_line}" if previous_line is not None else previous.file
    message = f"ID '{entry_id}' doppelt (auch in {where})"
    return Problem("error", f"{kind}.{entry_id}", source.shown, line, message)


Checked = tuple["FileOutline", dict[tuple[str, str], ContentModel]]
"""A file's outline and its validated entries."""


def quick_read(raw: bytes) -> Checked | None:
    """Parse and validate a file on the quick path; None if the positioned path must read it.

    Ids defined in other files too are not noticed here: `_replay` reports them with their lines.
    """
    data = quick.parse(raw)
    return None if data is None else _validate_quietly(raw, data)


def _validate_quietly(raw: bytes, data: dict[Any, Any]) -> Checked | None:
    """Validate a quickly parsed file; None at its first problem (the positioned path reports them all)."""
    models: dict[tuple[str, str], ContentModel] = {}
    sections: list[Section] = []
    for kind, entries in data.items():
        model = KINDS.get(kind) if isinstance(kind, str) else None
        if model is None or not (entries is None or isinstance(entries, dict)):
            return None
        ids: list[tuple[str, int | None]] = []
        for entry_id, value in (entries or {}).items():
            if (
                not isinstance(entry_id, str)
                or not _SLUG_RE.match(entry_id)
                or (kind == "privacy" and entry_id != "notice")
            ):
                return None
            try:
                models[(kind, entry_id)] = model.model_validate(value)
            except ValidationError:
                return None
            ids.append((entry_id, None))
        sections.append((kind, None, tuple(ids)))
    lines = quick.text_outline(raw, data)
    return FileOutline(1 if lines else None, True, lines or tuple(sections)), models


def _load_file(
    path: Path,
    content_dir: Path,
    result: LoadedSources,
    field_names: list[str],
    reusable: _Validated | None,
    prepared: Prepared | None = None,
) -> _Validated | None:
    """Load one file into `result`; returns what can be reused next time (None if it had problems).

    `prepared`: the helper process's quick result for this file, if it has one.
    """
    shown = display_name(path)
    if prepared is not None and prepared.checked is not None:
        source = SourceFile(path, shown, prepared.sha256)
        return _register_quick(source, content_dir, result, prepared.schema_ok, prepared.checked, _size(path))
    raw, problem = read_bytes(path, shown)
    if raw is None:
        result.problems.append(problem or Problem("error", "", shown, None, "Datei nicht lesbar"))
        return None
    sha = hashlib.sha256(raw).hexdigest()
    schema_ok = raw.removeprefix(BOM).startswith(_SCHEMA_PREFIX)
    source = SourceFile(path, shown, sha)
    if reusable is not None and reusable.sha256 == sha and reusable.shown == shown:
        result.files.append((str(path.relative_to(content_dir)), sha))
        if not schema_ok:
            result.problems.append(_schema_warning(shown))
        _replay(reusable, source, result)
        return reusable
    # The helper process already tried the quick path for a file it prepared: no second attempt.
    checked = quick_read(raw) if prepared is None else None
    if checked is not None:
        return _register_quick(source, content_dir, result, schema_ok, checked, len(raw))
    return _load_positioned(raw, source, content_dir, result, field_names, schema_ok)


def _register_quick(
    source: SourceFile,
    content_dir: Path,
    result: LoadedSources,
    schema_ok: bool,
    checked: Checked,
    size: int,
) -> _Validated:
    """Add the entries of a file read on the quick path to `result`."""
    result.files.append((str(source.path.relative_to(content_dir)), source.sha256))
    if not schema_ok:
        result.problems.append(_schema_warning(source.shown))
    validated = _Validated(source.sha256, source.shown, *checked, size)
    _replay(validated, source, result)
    return validated


def _load_positioned(
    raw: bytes,
    source: SourceFile,
    content_dir: Path,
    result: LoadedSources,
    field_names: list[str],
    schema_ok: bool,
) -> _Validated | None:
    """Load one file from its node tree, so that every problem is reported with its line."""
    path, shown, sha = source.path, source.shown, source.sha256
    fast = fast_parse(raw)
    problems: list[Problem] = []
    root: Node | None
    if fast is not None:
        data, root = fast
    else:
        text, problem = decode(raw, shown)
        if text is None:
            result.problems.append(problem or Problem("error", "", shown, None, "Datei nicht lesbar"))
            return None
        data, root, problems = parse_yaml(text, shown)
    result.files.append((str(path.relative_to(content_dir)), sha))
    result.problems.extend(problems)
    if data is None or root is None:
        if not problems:
            result.problems.append(Problem("error", "", shown, None, "Datei ist leer"))
        return None
    if not schema_ok:
        result.problems.append(_schema_warning(shown))
    known_problems = len(result.problems)
    shape = outline(root)
    result.remember_tree(path, root)  # for the lines of validation errors
    del root
    _validate_file(data, shape, source, result, field_names)
    result.forget_tree(path)  # later lookups (references, translations) parse the file again
    if len(result.problems) != known_problems:
        return None
    models = {
        (kind, entry_id): result.entries[kind][entry_id]
        for kind, _kind_line, ids in shape.sections
        for entry_id, _id_line in ids or ()
    }
    return _Validated(sha, shown, shape, models, len(raw))
