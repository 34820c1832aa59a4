"""Read content YAML with line numbers and validate every entry against the models.

Nothing is raised while reading: every problem of every file is collected so staff see them all at once.
The YAML node tree of each file is kept while loading so that a pydantic error location
(`("title", "tr")`) can be turned into a line number (the dagster pattern).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.content.models import KINDS, SLUG_PATTERN, ContentModel
from bot.content.problems import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
SCHEMA_COMMENT = "# yaml-language-server: $schema="

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")}
_SLUG_RE = re.compile(SLUG_PATTERN)


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


class _ContentLoaderMixin:
    """Shared by the pure-Python and the libyaml loader: plain string keys, safe resolvers."""

    yaml_implicit_resolvers = _content_resolvers()

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


@dataclass
class LoadedSources:
    """Validated entries of all files plus everything needed to report on them."""

    entries: dict[str, dict[str, ContentModel]] = field(default_factory=lambda: {k: {} for k in KINDS})
    locations: dict[tuple[str, str], NodeLocation] = field(default_factory=dict)
    known_ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    invalid_kinds: set[str] = field(default_factory=set)
    files: list[tuple[str, str]] = field(default_factory=list)  # (display name, sha256)
    problems: list[Problem] = field(default_factory=list)

    def locate(self, kind: str, entry_id: str, *loc: str | int) -> tuple[str | None, int | None]:
        """File and line of `kind.entry_id.<loc>` (None, None if unknown)."""
        where = self.locations.get((kind, entry_id))
        if where is None:
            return None, None
        return where.file, where.line_of(loc)

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


def read_text(path: Path, shown: str) -> tuple[str | None, bytes, Problem | None]:
    """Read a content file as UTF-8 with size limit; returns (text, raw bytes, problem)."""

    def fail(message: str, line: int | None = None) -> tuple[None, bytes, Problem]:
        return None, b"", Problem("error", "", shown, line, message)

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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        return fail(f"Datei ist nicht UTF-8-kodiert (Byte 0x{byte:02x}) – als UTF-8 speichern", line)
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
    """Parse one file: (data, root node, problems). Data is None when the file has errors."""
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
        return data, root, []
    finally:
        loader.dispose()


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


def _validate_file(data: Any, root: Node, shown: str, result: LoadedSources, field_names: list[str]) -> None:
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        result.problems.append(
            Problem("error", "", shown, _line(root), "Datei muss aus Abschnitten wie 'offers:' bestehen")
        )
        return
    for kind_node, entries_node in root.value:
        kind = kind_node.value
        if kind not in KINDS:
            message = f"unbekannte Art '{kind}'{_suggest(kind, KINDS)}"
            result.problems.append(Problem("error", kind, shown, _line(kind_node), message))
            continue
        entries = data[kind]
        if entries is None:
            continue
        if not isinstance(entries_node, MappingNode):
            result.problems.append(
                Problem("error", kind, shown, _line(kind_node), "hier werden Einträge erwartet (id: Felder)")
            )
            continue
        model = KINDS[kind]
        for id_node, value_node in entries_node.value:
            entry_id = id_node.value
            where = NodeLocation(shown, id_node, value_node)
            previous = result.locations.get((kind, entry_id))
            if previous is not None:
                result.problems.append(
                    Problem(
                        "error",
                        f"{kind}.{entry_id}",
                        shown,
                        _line(id_node),
                        f"ID '{entry_id}' doppelt (auch in {previous.file}:{previous.line})",
                    )
                )
                continue
            result.locations[(kind, entry_id)] = where
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
                            where.line_of(loc),
                            german_message(error, field_names),
                        )
                    )
                continue
            result.entries[kind][entry_id] = entry


def load_sources(content_dir: Path) -> LoadedSources:
    """Read and validate every `*.yaml` below `content_dir`; never raises for content problems."""
    result = LoadedSources()
    paths, result.problems = find_content_files(content_dir)
    field_names = _known_field_names()
    for path in paths:
        shown = display_name(path)
        text, raw, problem = read_text(path, shown)
        if problem is not None or text is None:
            result.problems.append(problem or Problem("error", "", shown, None, "Datei nicht lesbar"))
            continue
        result.files.append((str(path.relative_to(content_dir)), hashlib.sha256(raw).hexdigest()))
        data, root, problems = parse_yaml(text, shown)
        result.problems.extend(problems)
        if data is None or root is None:
            if not problems:
                result.problems.append(Problem("error", "", shown, None, "Datei ist leer"))
            continue
        if not text.startswith(SCHEMA_COMMENT):
            result.problems.append(
                Problem(
                    "warning",
                    "",
                    shown,
                    1,
                    f"erste Zeile sollte '{SCHEMA_COMMENT}<Pfad zu content/schema.json>' sein",
                    code="schema_comment",
                )
            )
        _validate_file(data, root, shown, result, field_names)
    return result
