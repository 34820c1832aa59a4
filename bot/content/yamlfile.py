"""Reading content files safely: bytes with a size limit, UTF-8 with a clear message, YAML with the line of
every key and list item, so a validation error can name its line (the dagster pattern).
`bot.content.loader` validates what these functions read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from bot.content.problems import Loc, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
_MAP, _SEQ = _TAG + "map", _TAG + "seq"

Lines = dict[Loc, int]
"""Line of each key and list item of a file, by its place."""


# What a scalar without quotes can be besides text. Narrower than YAML 1.1: no sexagesimal numbers (`10:30`
# would become 630), octal (`0531` a number), yes/no/on/off booleans or timestamps (pydantic parses dates
# with a proper message instead), no merge keys (`<<` is an unknown field).
_PLAIN_SCALAR = re.compile(
    r"(?P<null>~|null|Null|NULL|)"
    r"|(?P<bool>true|True|TRUE|false|False|FALSE)"
    r"|(?P<int>[-+]?(?:0|[1-9][0-9]*))"
    r"|(?P<float>[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"
)
_MAYBE_NOT_TEXT = frozenset("~nNtTfF+-.0123456789")
"""The first characters of all that `_PLAIN_SCALAR` matches but the empty text."""
# libyaml (C) parses about ten times faster than the pure-Python parser; both give the same events.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentLoader(_Base):
    """A SafeLoader without YAML 1.1 surprises that reads one file's data and the line of every key and
    list item in it (`lines[("offers", "kurs", "title", "tr")] == 17`).

    The data is built from the parser's events, not from a node tree: nothing of the file but the data
    outlives a line of YAML (half the time of composing nodes for a city's catalogue). What a content file
    must not contain is reported with its line in `problems`: anchors and aliases, tags other than the
    plain ones, keys that are not text, duplicate keys, more than one document.
    """

    def __init__(self, text: str, shown: str) -> None:
        super().__init__(text)
        self.shown = shown
        self.lines: Lines = {}
        self.problems: list[Problem] = []

    def data(self) -> Any:
        """The data of the file's one document (None for an empty file)."""
        self.get_event()  # stream start
        if self.check_event(StreamEndEvent):
            return None
        self.get_event()  # document start
        root = self.get_event()
        self.lines[()] = _line(root)
        data = self._value(root, ())
        self.get_event()  # document end
        if self.check_event(DocumentStartEvent):
            message = "nur ein Dokument pro Datei erlaubt (kein '---' zwischen Einträgen)"
            self._refuse(self.peek_event(), message)
        return data

    def _refuse(self, event: Any, message: str, code: str = "") -> None:
        self.problems.append(Problem("error", "", self.shown, _line(event), message, code))

    def _refuse_tag(self, event: Any, tag: str) -> None:
        self._refuse(event, f"unerlaubter YAML-Tag {tag.replace(_TAG, '!!')} – nur einfache Werte erlaubt")

    def _value(self, event: Any, path: Loc) -> Any:
        """The value that starts with `event`; the lines of what is inside are recorded under `path`."""
        refused = isinstance(event, AliasEvent) or event.anchor is not None
        if refused:
            self._refuse(event, "Anker/Aliase (& und *) sind nicht erlaubt – Text ausschreiben")
            if isinstance(event, AliasEvent):
                return None
        if isinstance(event, ScalarEvent):
            return None if refused else self._scalar(event)
        tag = event.tag
        plain = _SEQ if isinstance(event, SequenceStartEvent) else _MAP
        if tag not in (None, "!", plain):
            self._refuse_tag(event, tag)
            refused = True
        value = self._mapping(path) if plain == _MAP else self._sequence(path)
        return None if refused else value  # what is inside was still read, so its problems are reported

    def _scalar(self, event: ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _plain_tag(event.value) if event.implicit[0] else _STR
        if tag == _STR:
            return event.value
        if tag not in _SCALAR_TAGS:
            self._refuse_tag(event, tag)
            return None
        try:
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark)  # type: ignore[arg-type]
            return self.construct_object(node)
        except (ValueError, KeyError, TypeError):  # e.g. `!!int zwölf`, `!!bool vielleicht`
            tag = tag.replace(_TAG, "!!")
            self._refuse(event, f"'{event.value}' passt nicht zu {tag} – Tag weglassen oder Wert korrigieren")
            return None

    def _sequence(self, path: Loc) -> list[Any]:
        items: list[Any] = []
        while not isinstance(event := self.get_event(), SequenceEndEvent):
            child = (*path, len(items))
            self.lines[child] = _line(event)
            items.append(_text(event) or self._value(event, child))
        return items

    def _mapping(self, path: Loc) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        while not isinstance(key_event := self.get_event(), MappingEndEvent):
            if not isinstance(key_event, ScalarEvent):
                if not isinstance(key_event, AliasEvent):
                    self._refuse(key_event, "Schlüssel muss einfacher Text sein")
                self._value(key_event, path)
                self._value(self.get_event(), path)  # its value
                continue
            if key_event.anchor is not None or key_event.tag is not None:
                self._value(key_event, path)  # a key's anchor or tag is refused like a value's
            key = key_event.value  # as written: `no:` or `2024:` stay text
            child = (*path, key)
            if key in mapping:
                message = f"Schlüssel '{key}' doppelt (zuerst in Zeile {self.lines[child]})"
                self._refuse(key_event, message, DUPLICATE_KEY)
                first = dict(self.lines)
                self._value(self.get_event(), child)  # read for its problems; the first value counts
                self.lines.update(first)  # and so do its lines, for its errors
                continue
            self.lines[child] = _line(key_event)
            event = self.get_event()
            mapping[key] = _text(event) or self._value(event, child)
        return mapping


def _text(event: Any) -> str | None:
    """The value of a scalar that can only be text, without tag or anchor: quoted, or a word that starts with
    none of `_MAYBE_NOT_TEXT` (`_value` would return the same, by way of `_scalar` and `_plain_tag`); None
    for any other event, which `_value` decides. Most values of a content file are such texts: the
    shortcut saves an eighth of the time of parsing the shipped content."""
    if isinstance(event, ScalarEvent) and event.anchor is None and event.tag is None:
        value: str = event.value
        if value and (not event.implicit[0] or value[0] not in _MAYBE_NOT_TEXT):
            return value
    return None


def _plain_tag(value: str) -> str:
    """The tag of a scalar written without quotes: `12` is an int, `true` a bool, `Kurs` text."""
    match = _PLAIN_SCALAR.fullmatch(value)
    return _TAG + str(match.lastgroup) if match else _STR


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def display_name(path: Path) -> str:
    """The path as staff know it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find_content_files(content_dir: Path) -> tuple[list[Path], list[Problem]]:
    """All `*.yaml` files below `content_dir`, sorted, and a warning for every other file (a new offer saved
    as `naehtreff.yaml.txt` or `.YAML` would silently never appear); hidden files and folders are skipped."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        return [], [Problem("error", "", display_name(content_dir), None, "Inhaltsordner nicht gefunden")]
    files = []
    for path in sorted(content_dir.rglob("*")):
        relative = path.relative_to(content_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_dir() or relative.as_posix() in NOT_CONTENT:
            continue
        if path.suffix == ".yaml":
            files.append(path)
        else:
            problems.append(Problem("warning", "", display_name(path), None, _ignored(path)))
    return files, problems


NOT_CONTENT = frozenset({"README.md", "schema.json", "translations.lock"})
"""Files in the content folder that are not content (hidden files are skipped too)."""


def _ignored(path: Path) -> str:
    """Why a file in the content folder is not read, and how to make it count."""
    name = path.name
    stem = name.split(".")[0] or name
    if ".yaml" in name.lower() or path.suffix.lower() == ".yml":
        return f"wird ignoriert – Endung .yaml verwenden (Datei umbenennen in {stem}.yaml)"
    return "wird ignoriert – nur Dateien mit der Endung .yaml werden gelesen; umbenennen oder löschen"


def read_text(path: Path, shown: str) -> tuple[bytes, str] | Problem:
    """A content file's bytes and its text (UTF-8, optional BOM), or the problem: too big, gone, unreadable,
    or not UTF-8 (with the line of the first bad byte)."""
    too_big = f"Datei ist zu groß (über {MAX_FILE_BYTES // (1024 * 1024)} MB) – bitte aufteilen"
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Problem("error", "", shown, None, too_big)
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return Problem("error", "", shown, None, "Datei wurde während des Ladens gelöscht oder umbenannt")
    except OSError as exc:
        return Problem("error", "", shown, None, f"Datei nicht lesbar: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return Problem("error", "", shown, None, too_big)
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        # Saved by an editor in its old Windows encoding: that is how it reads the byte ("ä", not 0xe4).
        letter = raw[exc.start : exc.start + 1].decode("cp1252", errors="replace")
        legible = letter.isprintable() and letter != "\ufffd"
        shown_letter = f"das Zeichen „{letter}“" if legible else "ein Zeichen"
        message = (
            f"Datei ist nicht UTF-8-kodiert ({shown_letter} in dieser Zeile) – im Editor als UTF-8 speichern "
            "(„Speichern unter“ → Codierung „UTF-8“)"
        )
        return Problem("error", "", shown, line, message)


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
    elif unclosed := _unclosed_quote(exc, text):
        line, quote, closed_at = unclosed
        until = f"bis Zeile {closed_at}" if closed_at else "bis zum Ende der Datei"
        message = (
            f"Anführungszeichen {quote} nicht geschlossen – am Ende des Textes fehlt das zweite {quote} "
            f"(so geht der Text {until} weiter); oder „ “ verwenden"
        )
    elif "could not find expected ':'" in problem:
        context = getattr(exc, "context_mark", None)
        line = context.line + 1 if context is not None else line
        message = "Doppelpunkt fehlt (Schlüssel: Wert)"
    elif "mapping values are not allowed" in problem:
        message = "unerwarteter Doppelpunkt – Einrückung prüfen oder Text mit ':' in Anführungszeichen setzen"
    elif _indentation(problem) and line is not None and _QUOTED_START.match(lines[line - 1]):
        message = (
            "Text beginnt mit einem Anführungszeichen und geht danach weiter – den ganzen Text in "
            'Anführungszeichen setzen (innen \\" schreiben) oder „ “ verwenden'
        )
    elif "block end" in problem or "expected key" in problem or "'-' indicator" in problem:
        line = _odd_indentation(lines, line) if _indentation(problem) else line
        message = "Einrückung stimmt nicht – gleiche Ebene, gleiche Anzahl Leerzeichen"
    elif isinstance(exc, yaml.reader.ReaderError):
        message = "unerlaubtes Steuerzeichen in der Datei"
    else:
        message = f"YAML-Syntaxfehler ({problem})"
    return Problem("error", "", shown, line, message)


def _unclosed_quote(exc: yaml.YAMLError, text: str) -> tuple[int, str, int | None] | None:
    """(line, quote, closing line or None) of a quoted text whose closing quote is missing, when that is why
    the parser stopped: the text then swallows the lines after it up to the next quote mark (the file's
    end, or a quote many lines below, after which the parser finds more text and blames that line)."""
    context = str(getattr(exc, "context", None) or "")
    start = getattr(exc, "context_mark", None)
    if "quoted scalar" in context and start is not None:  # no quote mark after it: the file ended inside
        return start.line + 1, text[start.index : start.index + 1], None
    stop = getattr(exc, "problem_mark", None)
    if stop is None:
        return None
    last: Any = None
    scanner = _Base(text)
    try:
        while (token := scanner.get_token()) is not None and token.start_mark.index < stop.index:
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    finally:
        scanner.dispose()
    if last is None or last.style not in ('"', "'") or last.end_mark.line == last.start_mark.line:
        return None
    swallowed = text[last.start_mark.index : last.end_mark.index].splitlines()[1:]
    if not any(_KEY_LINE.match(line) for line in swallowed):  # a text written over several lines
        return None
    return last.start_mark.line + 1, last.style, last.end_mark.line + 1


# A line of the file's structure (`      tr: …`, `    - id: wann`) inside what was read as one text.
_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[a-z][a-z0-9_-]*:(?:\s|$)")

# `de: "Menschen aus vielen Ländern" üben …`: a quoted scalar that the text goes on after.
_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#]*:\s+)?("[^"]*"|'[^']*')\s*[^\s#]""")


def _indentation(problem: str) -> bool:
    """The parser stopped at a line that does not fit the block it is in (pure-Python and libyaml words)."""
    return "block end" in problem or "did not find expected key" in problem


def _indent(text: str) -> int | None:
    """Leading spaces of a line; None for a blank or comment line."""
    stripped = text.lstrip(" ")
    return None if not stripped or stripped.startswith("#") else len(text) - len(stripped)


def _odd_indentation(lines: list[str], line: int | None) -> int | None:
    """The line to blame when the parser stops at `line` because its indentation does not fit: the line
    itself, or the key above it that has fewer spaces than its siblings (`  title:` between keys with four
    spaces makes the parser stop at the next key with four, many lines further down)."""
    if line is None or not 0 < line <= len(lines) or (indent := _indent(lines[line - 1])) is None:
        return line
    above = next(
        (n for n in range(line - 1, 0, -1) if (i := _indent(lines[n - 1])) is not None and i < indent), None
    )
    if above is None:
        return line
    above_indent = _indent(lines[above - 1]) or 0
    for n in range(above - 1, 0, -1):
        i = _indent(lines[n - 1])
        if i is None:
            continue
        if i < above_indent:
            break
        if i == indent:
            return above
    return line


DUPLICATE_KEY = "duplicate_key"
"""A key written twice: an error, but the file is still read (with the first value), so that its other
errors are reported in the same check instead of after the duplicate is fixed."""


def parse_yaml(text: str, shown: str) -> tuple[Any, Lines, list[Problem]]:
    """Parse one file: (data, lines, problems). Data is None when the file is empty or has problems other
    than duplicate keys (those leave the data legible: the first of the two values)."""
    loader = ContentLoader(text, shown)
    try:
        data = loader.data()
    except yaml.YAMLError as exc:
        return None, {}, [_yaml_problem(exc, text, shown)]
    except RecursionError:
        return None, {}, [Problem("error", "", shown, loader.lines.get(()), "zu tief verschachtelt")]
    finally:
        loader.dispose()
    problems = sorted(loader.problems, key=lambda p: p.line or 0)
    if any(problem.code != DUPLICATE_KEY for problem in problems):
        return None, loader.lines, problems
    return data, loader.lines, problems
