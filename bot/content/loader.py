"""Read content YAML with line numbers and validate every entry against the models.

Nothing is raised while reading: every problem of every file is collected so staff see them all at once.
The YAML node tree of each file is kept while loading so that a pydantic error location
(`("title", "tr")`) can be turned into a line number (the dagster pattern).
"""

from __future__ import annotations

import ctypes
import difflib
import gc
import hashlib
import logging
import os
import pickle
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.content import quick, texts
from bot.content.models import KINDS, SLUG_PATTERN, ContentModel
from bot.content.problems import Problem
from bot.content.quick import Section
from bot.content.texts import TextStore, collecting
from bot.snapshots import SnapshotStore, folder_key

MAX_FILE_BYTES = 2 * 1024 * 1024
SCHEMA_COMMENT = "# yaml-language-server: $schema="

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")}
_SLUG_RE = re.compile(SLUG_PATTERN)
logger = logging.getLogger(__name__)


# --- YAML loader ---------------------------------------------------------------------------------------


def _content_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """YAML 1.1 resolvers minus the surprises.

    Dropped: sexagesimal numbers (`10:30` would become 630), octal (`0531` a number),
    yes/no/on/off booleans and timestamps (an impossible date would crash the constructor;
    pydantic parses date strings with a proper message instead).
    """
    replaced = {_TAG + name for name in ("bool", "int", "float", "timestamp")}
    resolvers = {
        first: [(tag, regexp) for tag, regexp in entries if tag not in replaced]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    extra = [
        (_TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
        (_TAG + "int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")),
        (
            _TAG + "float",
            re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
            list("-+0123456789."),
        ),
    ]
    for tag, regexp, firsts in extra:
        for first in firsts:
            resolvers.setdefault(first, []).append((tag, regexp))
    return resolvers


_STR, _SEQ, _MAP = (_TAG + name for name in ("str", "seq", "map"))
_RESOLVERS = _content_resolvers()
assert None not in _RESOLVERS, "wildcard resolvers are not supported by the fast resolve()"


class _ContentLoaderMixin:
    """Shared by the pure-Python and the libyaml loader: plain string keys, safe resolvers."""

    yaml_implicit_resolvers = _RESOLVERS
    _scalar_resolvers = {first: tuple(entries) for first, entries in _RESOLVERS.items()}

    # The composer asks for every node; without path resolvers these are no-ops, so skip the calls.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """`BaseResolver.resolve` for loaders without path resolvers, without the per-call list copies."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self._scalar_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Keys stay the text the author wrote: `no:` or `2024:` must not turn into False or 2024.
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            mapping[key] = self.construct_object(value_node, deep=deep)  # type: ignore[attr-defined]
        return mapping


class ContentLoader(_ContentLoaderMixin, yaml.SafeLoader):
    """SafeLoader with string keys and without YAML 1.1 number/date surprises."""


if hasattr(yaml, "CSafeLoader"):

    class FastContentLoader(_ContentLoaderMixin, yaml.CSafeLoader):
        """The same loader on libyaml (about ten times faster)."""

    _LOADER: type = FastContentLoader
else:  # pragma: no cover - libyaml missing
    _LOADER = ContentLoader


# --- locating nodes --------------------------------------------------------------------------------------


def _line(node: Node) -> int:
    return node.start_mark.line + 1


@dataclass(slots=True)
class NodeLocation:
    """Where an entry is written: file and YAML nodes, to find the line of any field below it."""

    file: str
    key: Node
    value: Node

    @property
    def line(self) -> int:
        """Line of the entry's id."""
        return _line(self.key)

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """The line of the deepest node on `loc` that exists (a missing field → its parent's line)."""
        key, value = self.key, self.value
        for part in loc:
            if part == "[key]":
                break
            if isinstance(value, MappingNode):
                for k, v in value.value:
                    if isinstance(k, ScalarNode) and k.value == str(part):
                        key, value = k, v
                        break
                else:
                    break
            elif isinstance(value, SequenceNode) and isinstance(part, int) and part < len(value.value):
                value = value.value[part]
                key = value
            else:
                break
        return _line(key)


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
        id_node, value_node = _child(_child(root, kind)[1], entry_id)
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


def _child(node: Node | None, key: str) -> tuple[Node | None, Node | None]:
    """(key node, value node) of `key` in a mapping node, or (None, None)."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None, None


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


# --- reading files ---------------------------------------------------------------------------------


def display_name(path: Path) -> str:
    """The path as staff know it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find_content_files(content_dir: Path) -> tuple[list[Path], list[Problem]]:
    """All `*.yaml` files below `content_dir`, sorted; hidden files and folders are skipped."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        return [], [Problem("error", "", display_name(content_dir), None, "Inhaltsordner nicht gefunden")]
    files = []
    for path in sorted(content_dir.rglob("*")):
        relative = path.relative_to(content_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix == ".yml":
            problems.append(
                Problem("warning", "", display_name(path), None, "wird ignoriert – Endung .yaml verwenden")
            )
        elif path.suffix == ".yaml" and not path.is_dir():
            files.append(path)
    return files, problems


def read_bytes(path: Path, shown: str) -> tuple[bytes | None, Problem | None]:
    """Read a content file with size limit; returns (raw bytes, problem)."""

    def fail(message: str) -> tuple[None, Problem]:
        return None, Problem("error", "", shown, None, message)

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return fail(f"Datei ist zu groß (über {MAX_FILE_BYTES // (1024 * 1024)} MB) – bitte aufteilen")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return fail("Datei wurde während des Ladens gelöscht oder umbenannt")
    except OSError as exc:
        return fail(f"Datei nicht lesbar: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return fail(f"Datei ist zu groß (über {MAX_FILE_BYTES // (1024 * 1024)} MB) – bitte aufteilen")
    return raw, None


def decode(raw: bytes, shown: str) -> tuple[str | None, Problem | None]:
    """The file's text (UTF-8, optional BOM) or a problem naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        message = f"Datei ist nicht UTF-8-kodiert (Byte 0x{byte:02x}) – als UTF-8 speichern"
        return None, Problem("error", "", shown, line, message)


def read_text(path: Path, shown: str) -> tuple[str | None, bytes, Problem | None]:
    """Read a content file as UTF-8 with size limit; returns (text, raw bytes, problem)."""
    raw, problem = read_bytes(path, shown)
    if raw is None:
        return None, b"", problem
    text, problem = decode(raw, shown)
    if text is None:
        return None, b"", problem
    return text, raw, None


def _yaml_problem(exc: yaml.YAMLError, text: str, shown: str) -> Problem:
    """Turn a scanner/parser error into a short German message with the line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line: int | None = mark.line + 1 if mark is not None else None
    if line is None and getattr(exc, "position", None) is not None:  # ReaderError
        line = text.count("\n", 0, exc.position) + 1  # type: ignore[attr-defined]
    problem = str(getattr(exc, "problem", None) or exc).strip()
    lines = text.splitlines()
    suspects = [n for n in (line, (line or 0) - 1) if n and 0 < n <= len(lines) and "\t" in lines[n - 1]]
    if suspects or "\\t" in problem or "tab" in problem.lower():
        line = suspects[0] if suspects else line
        message = "Tabulatorzeichen gefunden – zum Einrücken nur Leerzeichen verwenden"
    elif "could not find expected ':'" in problem:
        context = getattr(exc, "context_mark", None)
        line = context.line + 1 if context is not None else line
        message = "Doppelpunkt fehlt (Schlüssel: Wert)"
    elif "mapping values are not allowed" in problem:
        message = "unerwarteter Doppelpunkt – Einrückung prüfen oder Text mit ':' in Anführungszeichen setzen"
    elif "expected a single document" in problem or "but found another document" in problem:
        message = "nur ein Dokument pro Datei erlaubt (kein '---' zwischen Einträgen)"
    elif "block end" in problem or "expected key" in problem or "'-' indicator" in problem:
        message = "Einrückung stimmt nicht – gleiche Ebene, gleiche Anzahl Leerzeichen"
    elif isinstance(exc, yaml.reader.ReaderError):
        message = "unerlaubtes Steuerzeichen in der Datei"
    else:
        message = f"YAML-Syntaxfehler ({problem})"
    return Problem("error", "", shown, line, message)


def _inspect_nodes(root: Node, shown: str) -> list[Problem]:
    """Reject tags, aliases, non-text keys and duplicate keys; report every occurrence with its line."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            message = "Anker/Aliase (& und *) sind nicht erlaubt – Text ausschreiben"
            problems.append(Problem("error", "", shown, _line(node), message))
            continue
        seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace(_TAG, "!!")
            message = f"unerlaubter YAML-Tag {tag} – nur einfache Werte erlaubt"
            problems.append(Problem("error", "", shown, _line(node), message))
            continue
        if isinstance(node, MappingNode):
            first_line: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    message = "Schlüssel muss einfacher Text sein"
                    problems.append(Problem("error", "", shown, _line(key), message))
                    continue
                if key.value in first_line:
                    problems.append(
                        Problem(
                            "error",
                            "",
                            shown,
                            _line(key),
                            f"Schlüssel '{key.value}' doppelt (zuerst in Zeile {first_line[key.value]})",
                        )
                    )
                else:
                    first_line[key.value] = _line(key)
                stack.append(key)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    problems.sort(key=lambda p: p.line or 0)
    return problems


def parse_yaml(text: str, shown: str) -> tuple[Any, Node | None, list[Problem]]:
    """Parse one file: (data, root node, problems). Data is None when the file has errors.

    The careful path: every node is inspected first, so each problem is reported with its line.
    """
    loader = _LOADER(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            return None, None, [_yaml_problem(exc, text, shown)]
        if root is None:
            return None, None, [Problem("error", "", shown, None, "Datei ist leer")]
        problems = _inspect_nodes(root, shown)
        if problems:
            return None, root, problems
        try:
            data = loader.construct_document(root)
        except yaml.YAMLError as exc:
            return None, root, [_yaml_problem(exc, text, shown)]
        except RecursionError:
            return None, root, [Problem("error", "", shown, _line(root), "zu tief verschachtelt")]
        except (ValueError, KeyError, TypeError):  # e.g. `!!int zwölf`, `!!bool vielleicht`
            return None, root, [_bad_tagged_value(root, loader, shown)]
        return data, root, []
    finally:
        loader.dispose()


def _bad_tagged_value(root: Node, loader: Any, shown: str) -> Problem:
    """The first scalar whose explicit tag does not fit its text, as a problem with its line."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode) and node.tag in loader.yaml_constructors:
            try:
                loader.yaml_constructors[node.tag](loader, node)
            except (ValueError, KeyError, TypeError):
                tag = node.tag.replace(_TAG, "!!")
                message = f"'{node.value}' passt nicht zu {tag} – Tag weglassen oder Wert korrigieren"
                return Problem("error", "", shown, _line(node), message)
        elif isinstance(node, MappingNode):
            stack.extend(value for pair in reversed(node.value) for value in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return Problem("error", "", shown, _line(root), "Wert passt nicht zu seinem YAML-Tag")


class _Unusual(Exception):
    """The fast path met something only the careful path reports properly (tag, duplicate, …)."""


_BOM = b"\xef\xbb\xbf"


def compose_bytes(raw: bytes) -> Node | None:
    """The node tree of a UTF-8 file (YAMLError/UnicodeDecodeError on broken files)."""
    loader = _LOADER(raw)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _fast_parse(raw: bytes) -> tuple[Any, Node] | None:
    """Compose with libyaml and build the data in one walk; None when the careful path must decide.

    Files that may hold aliases (`&` and `*`) or merge keys (`<<`) always take the careful path, so
    this walk only has to handle plain trees: any tag other than str/int/float/bool/null/seq/map, a
    duplicate or non-text key, or any YAML error sends the file to `parse_yaml`, which reports it.
    """
    if (b"&" in raw and b"*" in raw) or b"<<" in raw:  # an alias needs an anchor (`&`) to refer to
        return None
    loader = _LOADER(raw)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        return _build(root, loader), root
    except Exception:  # anything odd (YAML error, `!!bool maybe`, deep nesting): the careful path decides
        return None
    finally:
        loader.dispose()


def _build(node: Node, loader: Any) -> Any:
    """Python data of a node tree without aliases; raises `_Unusual` for anything but plain content.

    A plain recursive function, not a closure: a self-referencing closure is a reference cycle that
    would keep the loader (and the file's bytes) alive until the garbage collector runs.
    """
    kind = type(node)
    if kind is ScalarNode:
        if node.tag == _STR:
            return node.value
        if node.tag not in _SCALAR_TAGS:
            raise _Unusual
        return loader.yaml_constructors[node.tag](loader, node)
    if kind is MappingNode:
        if node.tag != _MAP:
            raise _Unusual
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag not in _SCALAR_TAGS:
                raise _Unusual
            key = key_node.value
            if key in mapping:
                raise _Unusual
            if type(value_node) is ScalarNode and value_node.tag == _STR:
                mapping[key] = value_node.value
            else:
                mapping[key] = _build(value_node, loader)
        return mapping
    if kind is SequenceNode:
        if node.tag != _SEQ:
            raise _Unusual
        return [
            item.value if type(item) is ScalarNode and item.tag == _STR else _build(item, loader)
            for item in node.value
        ]
    raise _Unusual


_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}


# --- validating entries ----------------------------------------------------------------------------


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        yield info.alias or name
        annotation = info.annotation
        for candidate in _types_in(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                yield from _field_names(candidate, seen)


def _types_in(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _types_in(arg)


def _known_field_names() -> list[str]:
    seen: set[type[BaseModel]] = set()
    return sorted({name for model in KINDS.values() for name in _field_names(model, seen)})


def _suggest(word: str, options: Any) -> str:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" – meinten Sie '{match[0]}'?" if match else ""


_SIMPLE_MESSAGES = {
    "list_type": "hier wird eine Liste erwartet (jede Zeile mit '- ' beginnen)",
    "tuple_type": "hier wird eine Liste erwartet (jede Zeile mit '- ' beginnen)",
    "dict_type": "hier werden Felder erwartet (Schlüssel: Wert)",
    "model_type": "hier werden Felder erwartet (Schlüssel: Wert)",
    "model_attributes_type": "hier werden Felder erwartet (Schlüssel: Wert)",
    "string_type": "hier wird Text erwartet",
    "string_too_short": "darf nicht leer sein",
    "int_type": "hier wird eine ganze Zahl erwartet",
    "int_parsing": "hier wird eine ganze Zahl erwartet",
    "int_from_float": "hier wird eine ganze Zahl erwartet",
    "float_type": "hier wird eine Zahl erwartet (mit Punkt, z. B. 52.15)",
    "float_parsing": "hier wird eine Zahl erwartet (mit Punkt, z. B. 52.15)",
    "bool_type": "hier wird true oder false erwartet",
    "bool_parsing": "hier wird true oder false erwartet",
    "date_type": "kein gültiges Datum – Format JJJJ-MM-TT, z. B. 2025-03-01",
    "date_parsing": "kein gültiges Datum – Format JJJJ-MM-TT, z. B. 2025-03-01",
    "date_from_datetime_parsing": "kein gültiges Datum – Format JJJJ-MM-TT, z. B. 2025-03-01",
    "date_from_datetime_inexact": "kein gültiges Datum – Format JJJJ-MM-TT, z. B. 2025-03-01",
    "too_short": "mindestens ein Eintrag nötig",
    "greater_than": "Wert zu klein",
    "greater_than_equal": "Wert zu klein",
    "less_than_equal": "Wert zu groß",
}


def german_message(error: Any, field_names: list[str]) -> str:
    """A short German message for one pydantic error."""
    kind = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    last = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"Pflichtfeld '{last}' fehlt"
    if kind == "extra_forbidden":
        return f"unbekanntes Feld '{last}'{_suggest(last, field_names)}"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        if loc and loc[-1] == "[key]" and "de-simple" in expected:
            return f"unbekannter Sprachcode '{error['input']}' – erlaubt: {expected}"
        return f"ungültiger Wert '{error['input']}' – erlaubt: {expected}"
    if kind == "string_pattern_mismatch":
        return f"ungültiges Format '{error['input']}'" + (
            " – nur a-z, 0-9 und '-', höchstens 40 Zeichen" if ctx.get("pattern") == SLUG_PATTERN else ""
        )
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind.startswith("time"):
        return "keine gültige Uhrzeit – Format HH:MM"
    if kind in ("greater_than", "greater_than_equal", "less_than_equal") and ctx:
        limit = next(iter(ctx.values()))
        return f"{_SIMPLE_MESSAGES[kind]} (Grenze: {limit})"
    return _SIMPLE_MESSAGES.get(kind, error["msg"])


@dataclass(frozen=True, slots=True)
class FileOutline:
    """Lines of a file's kinds and entry ids, in file order: all that validation needs of the nodes."""

    root_line: int | None
    is_mapping: bool
    sections: tuple[Section, ...]


def outline(root: Node) -> FileOutline:
    """The outline of a parsed file (keys are scalar nodes: the file passed inspection)."""
    if not isinstance(root, MappingNode):
        return FileOutline(_line(root), False, ())
    sections = []
    for kind_node, entries_node in root.value:
        ids = (
            tuple((id_node.value, _line(id_node)) for id_node, _ in entries_node.value)
            if isinstance(entries_node, MappingNode)
            else None
        )
        sections.append((kind_node.value, _line(kind_node), ids))
    return FileOutline(_line(root), True, tuple(sections))


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
            message = f"unbekannte Art '{kind}'{_suggest(kind, KINDS)}"
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
    changed them, in a background thread (`wait_for_snapshots`). When there is a lot to read and more
    than one CPU, a helper process reads the second part of the files (quick path only) while this one
    reads the first.
    """
    global _reusable
    folder = content_dir.resolve()
    name = f"content-{folder_key(folder)}"
    with _reuse_lock:
        last_folder, last = _reusable
    clean: dict[Path, _Validated] = {}
    with paused_gc(), collecting(TextStore()):  # the texts of this load go to one temporary file
        reusable = last if last_folder == folder else None
        if reusable is None:
            reusable = _snapshot_entries(snapshots, name, folder) or {}
        result = LoadedSources()
        paths, result.problems = find_content_files(content_dir)
        field_names = _known_field_names()
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
    if snapshots is not None and snapshots.enabled and _fingerprints(clean) != _fingerprints(reusable):
        _save_in_background(snapshots, name, str(folder), clean)
    return result


def _fingerprints(files: dict[Path, _Validated]) -> set[tuple[Path, str]]:
    return {(path, validated.sha256) for path, validated in files.items()}


def _snapshot_entries(
    snapshots: SnapshotStore | None, name: str, folder: Path
) -> dict[Path, _Validated] | None:
    """The clean files of an earlier process's load of `folder`, if it left a usable snapshot."""
    handle = snapshots.open(name, str(folder)) if snapshots is not None else None
    if handle is None:
        return None
    with handle:
        try:
            entries = texts.load(handle)  # the texts keep reading from the file (a descriptor of their own)
        except Exception:  # truncated, or classes that changed without the fingerprint noticing
            logger.warning("content snapshot %s unusable; reading every file", handle.name, exc_info=True)
            return None
    return entries if isinstance(entries, dict) else None


_saving: list[threading.Thread] = []


def _save_in_background(snapshots: SnapshotStore, name: str, key: str, clean: dict[Path, _Validated]) -> None:
    """Write the snapshot of `clean` without making the load wait (pickling 60 MB takes ~0.5 s).

    Not a daemon thread: a process that ends right after a load (`run_bot.py ask`) still finishes it.
    """

    def save() -> None:
        snapshots.save(name, key, write=lambda handle: texts.dump(clean, handle))
        return_free_memory()  # the pickle was built in memory before it was written

    thread = threading.Thread(target=save, name="content-snapshot")
    _saving[:] = [t for t in _saving if t.is_alive()]
    _saving.append(thread)
    thread.start()


def wait_for_snapshots() -> None:
    """Wait until snapshots being written in the background are written (tests, benchmarks)."""
    for thread in list(_saving):
        thread.join()


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
    return Prepared(sha, raw.removeprefix(_BOM).startswith(_SCHEMA_PREFIX), quick_read(raw))


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
    schema_ok = raw.removeprefix(_BOM).startswith(_SCHEMA_PREFIX)
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
    fast = _fast_parse(raw)
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
