"""Reading content files: YAML with line numbers, safely.

A file is read as bytes (size limit, UTF-8 with a clear message), parsed by PyYAML's safe loader with the
surprising YAML 1.1 resolvers removed, duplicate keys and tags refused, and its node tree kept so that any
field's line can be found (`NodeLocation`). `bot.content.loader` validates what these functions read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.content.problems import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")}
_STR, _SEQ, _MAP = (_TAG + name for name in ("str", "seq", "map"))


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


RESOLVERS = _content_resolvers()
assert None not in RESOLVERS, "wildcard resolvers are not supported by the fast resolve()"


class _ContentLoaderMixin:
    """Shared by the pure-Python and the libyaml loader: plain string keys, safe resolvers."""

    yaml_implicit_resolvers = RESOLVERS
    _scalar_resolvers = {first: tuple(entries) for first, entries in RESOLVERS.items()}

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


def node_line(node: Node) -> int:
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
        return node_line(self.key)

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
        return node_line(key)


def child_nodes(node: Node | None, key: str) -> tuple[Node | None, Node | None]:
    """(key node, value node) of `key` in a mapping node, or (None, None)."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None, None


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
            problems.append(Problem("error", "", shown, node_line(node), message))
            continue
        seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace(_TAG, "!!")
            message = f"unerlaubter YAML-Tag {tag} – nur einfache Werte erlaubt"
            problems.append(Problem("error", "", shown, node_line(node), message))
            continue
        if isinstance(node, MappingNode):
            first_line: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    message = "Schlüssel muss einfacher Text sein"
                    problems.append(Problem("error", "", shown, node_line(key), message))
                    continue
                if key.value in first_line:
                    problems.append(
                        Problem(
                            "error",
                            "",
                            shown,
                            node_line(key),
                            f"Schlüssel '{key.value}' doppelt (zuerst in Zeile {first_line[key.value]})",
                        )
                    )
                else:
                    first_line[key.value] = node_line(key)
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
            return None, root, [Problem("error", "", shown, node_line(root), "zu tief verschachtelt")]
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
                return Problem("error", "", shown, node_line(node), message)
        elif isinstance(node, MappingNode):
            stack.extend(value for pair in reversed(node.value) for value in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return Problem("error", "", shown, node_line(root), "Wert passt nicht zu seinem YAML-Tag")


class _Unusual(Exception):
    """The fast path met something only the careful path reports properly (tag, duplicate, …)."""


BOM = b"\xef\xbb\xbf"


def compose_bytes(raw: bytes) -> Node | None:
    """The node tree of a UTF-8 file (YAMLError/UnicodeDecodeError on broken files)."""
    loader = _LOADER(raw)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def fast_parse(raw: bytes) -> tuple[Any, Node] | None:
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
