"""Reading content files: YAML with line numbers, safely.

A file is read as bytes (size limit, UTF-8 with a clear message) and parsed by PyYAML's safe loader with
the surprising YAML 1.1 resolvers removed. One walk over its node tree then builds the data, refuses
tags, aliases and duplicate keys, and records the line of every key and list item
(`offers.kurs.title.tr` → 17), so a validation error can name its line (the dagster pattern).
`bot.content.loader` validates what these functions read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from bot.content.problems import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
_MAP, _SEQ = _TAG + "map", _TAG + "seq"

Loc = tuple[str | int, ...]
"""A place in a file: keys and list positions from the top (`("offers", "kurs", "title", "tr")`)."""
Lines = dict[Loc, int]
"""Line of each key and list item of a file, by its place."""


def _content_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """YAML 1.1 resolvers minus the surprises.

    Dropped: sexagesimal numbers (`10:30` would become 630), octal (`0531` a number),
    yes/no/on/off booleans, timestamps (an impossible date would crash the constructor; pydantic
    parses date strings with a proper message instead) and merge keys (`<<` is an unknown field).
    """
    replaced = {_TAG + name for name in ("bool", "int", "float", "timestamp", "merge")}
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


_RESOLVERS = _content_resolvers()
# libyaml (C) composes about ten times faster than the pure-Python parser; both give the same nodes.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentLoader(_Base):
    """SafeLoader without YAML 1.1 number/date surprises."""

    yaml_implicit_resolvers = _RESOLVERS

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """`BaseResolver.resolve` without path resolvers and its list copies per call (they took a third
        of the parse of a big catalogue)."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


def node_line(node: Node) -> int:
    return node.start_mark.line + 1


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

    too_big = f"Datei ist zu groß (über {MAX_FILE_BYTES // (1024 * 1024)} MB) – bitte aufteilen"
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return fail(too_big)
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return fail("Datei wurde während des Ladens gelöscht oder umbenannt")
    except OSError as exc:
        return fail(f"Datei nicht lesbar: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return fail(too_big)
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


def parse_yaml(text: str, shown: str) -> tuple[Any, Lines, list[Problem]]:
    """Parse one file: (data, lines, problems). Data is None when the file has problems."""
    loader = ContentLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            return None, {}, [_yaml_problem(exc, text, shown)]
        if root is None:
            return None, {}, [Problem("error", "", shown, None, "Datei ist leer")]
        walk = _Walk(loader, shown)
        try:
            data = walk.value(root, ())
        except RecursionError:
            return None, {}, [Problem("error", "", shown, node_line(root), "zu tief verschachtelt")]
        walk.lines[()] = node_line(root)
        if walk.problems:
            walk.problems.sort(key=lambda p: p.line or 0)
            return None, walk.lines, walk.problems
        return data, walk.lines, []
    finally:
        loader.dispose()


class _Walk:
    """One pass over a node tree: the data, the line of every key and list item, and what is refused."""

    def __init__(self, loader: Any, shown: str) -> None:
        self.loader = loader
        self.shown = shown
        self.lines: Lines = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()  # an alias is a node met a second time

    def _refuse(self, node: Node, message: str) -> None:
        self.problems.append(Problem("error", "", self.shown, node_line(node), message))

    def _allowed(self, node: Node) -> bool:
        if id(node) in self._seen:
            self._refuse(node, "Anker/Aliase (& und *) sind nicht erlaubt – Text ausschreiben")
            return False
        self._seen.add(id(node))
        tag = node.tag
        allowed = _SCALAR_TAGS if isinstance(node, ScalarNode) else (_MAP, _SEQ)
        if tag in allowed:
            return True
        self._refuse(node, f"unerlaubter YAML-Tag {tag.replace(_TAG, '!!')} – nur einfache Werte erlaubt")
        return False

    def value(self, node: Node, path: Loc) -> Any:
        """The data of `node`; lines of everything below it are recorded under `path`."""
        if not self._allowed(node):
            return None
        if isinstance(node, ScalarNode):
            if node.tag == _STR:
                return node.value
            try:
                return self.loader.construct_object(node)
            except (ValueError, KeyError, TypeError):  # e.g. `!!int zwölf`, `!!bool vielleicht`
                tag = node.tag.replace(_TAG, "!!")
                message = f"'{node.value}' passt nicht zu {tag} – Tag weglassen oder Wert korrigieren"
                self._refuse(node, message)
                return None
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = node_line(item)
                items.append(self.value(item, (*path, index)))
            return items
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._refuse(key_node, "Schlüssel muss einfacher Text sein")
                continue
            if not self._allowed(key_node):
                continue
            key = key_node.value  # as written: `no:` or `2024:` stay text
            child = (*path, key)
            if key in mapping:
                first = self.lines[child]
                self._refuse(key_node, f"Schlüssel '{key}' doppelt (zuerst in Zeile {first})")
                continue
            self.lines[child] = node_line(key_node)
            mapping[key] = self.value(value_node, child)
        return mapping
