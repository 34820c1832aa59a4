"""Read every content file and validate its entries against the models.

Nothing is raised while reading: every problem of every file is collected so staff see them all at once.
The lines of each file (bot/content/yamlfile.py) are kept until the load is done, so that a pydantic error
location (`("title", "tr")`) and the later checks (references, translations) can name their line.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bot.content.messages import german_message, suggest
from bot.content.models import BIDI_MARKS, KINDS, MOJIBAKE, MOJIBAKE_LEADS, SLUG_PATTERN, ContentModel
from bot.content.problems import Loc, Problem, Severity
from bot.content.yamlfile import Lines, display_name, find_content_files, parse_yaml, read_text

SCHEMA_COMMENT = "# yaml-language-server: $schema="

_SLUG_RE = re.compile(SLUG_PATTERN)


@dataclass
class LoadedSources:
    """Validated entries of all files plus everything needed to report on them."""

    entries: dict[str, dict[str, ContentModel]] = field(default_factory=lambda: {k: {} for k in KINDS})
    files: list[tuple[str, str]] = field(default_factory=list)  # (name below the folder, sha256)
    problems: list[Problem] = field(default_factory=list)
    defined_in: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in KINDS})
    """Kind → every id found (valid or not) → the file that defines it (as shown to staff)."""
    lines: dict[str, Lines] = field(default_factory=dict, repr=False)
    """File → line of every key and list item in it."""
    plain_files: set[str] = field(default_factory=set, repr=False)
    """Files whose text has no backslash (YAML's escapes), direction mark (`BIDI_CONTROLS`) or double-encoded
    character (`MOJIBAKE`): no text read from them can have one (YAML joins lines with a space or a line
    break), so the catalogue's warnings about them need not look at their entries' texts one by one."""

    def locate(self, kind: str, entry_id: str, *loc: str | int) -> tuple[str | None, int | None]:
        """File and line of `kind.entry_id.<loc>`: of the deepest part of `loc` that is written in the
        file (a missing field → its entry's line); (None, None) for an unknown entry."""
        file = self.defined_in[kind].get(entry_id)
        if file is None:
            return None, None
        lines = self.lines.get(file, {})
        path = (kind, entry_id, *loc)
        while path:
            if path in lines:
                return file, lines[path]
            path = path[:-1]
        return file, None

    def error(self, kind: str, entry_id: str, loc: Loc, message: str) -> None:
        self._add("error", kind, entry_id, loc, message, "")

    def warning(self, kind: str, entry_id: str, loc: Loc, message: str, code: str = "") -> None:
        self._add("warning", kind, entry_id, loc, message, code)

    def _add(self, severity: Severity, kind: str, entry_id: str, loc: Loc, message: str, code: str) -> None:
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


def load_sources(content_dir: Path) -> LoadedSources:
    """Read and validate every `*.yaml` below `content_dir`; never raises for content problems."""
    result = LoadedSources()
    paths, result.problems = find_content_files(content_dir)
    # A reload runs in a thread beside the event loop and holds the GIL while it parses; a short sleep
    # between files lets residents' answers through at once instead of every 5 ms (bench/reload_bench.py).
    # In the main thread (start, `check`) nothing waits for it: a sleep there only adds ~1 ms per file.
    beside_the_loop = threading.current_thread() is not threading.main_thread()
    for path in paths:
        _load_file(path, content_dir, result)
        if beside_the_loop:
            time.sleep(0.001)
    return result


def _load_file(path: Path, content_dir: Path, result: LoadedSources) -> None:
    shown = display_name(path)
    read = read_text(path, shown)
    if isinstance(read, Problem):
        result.problems.append(read)
        if read.line is not None:  # not UTF-8: the ids are still legible
            try:
                legible = path.read_bytes().decode("utf-8", errors="replace")
            except OSError:
                legible = ""
            _note_ids(_scan_ids(legible), shown, result)
        return
    raw, text = read
    result.files.append((str(path.relative_to(content_dir)), hashlib.sha256(raw).hexdigest()))
    if _plain(text):
        result.plain_files.add(shown)
    data, lines, problems = parse_yaml(text, shown)
    result.problems.extend(problems)
    if data is None:
        if not problems:
            result.problems.append(Problem("error", "", shown, None, "Datei ist leer"))
        found: list[Loc] = [path for path in lines if len(path) == 2] or _scan_ids(text)
        _note_ids(found, shown, result)
        return
    if not text.startswith(SCHEMA_COMMENT):
        message = f"erste Zeile sollte '{SCHEMA_COMMENT}<Pfad zu content/schema.json>' sein"
        result.problems.append(Problem("warning", "", shown, 1, message, code="schema_comment"))
    result.lines[shown] = lines
    if not isinstance(data, dict):
        message = "Datei muss aus Abschnitten wie 'offers:' bestehen"
        result.problems.append(Problem("error", "", shown, lines.get(()), message))
        return
    for kind, entries in data.items():
        if kind not in KINDS:
            message = f"unbekannte Art '{kind}'{suggest(kind, KINDS)}"
            result.problems.append(Problem("error", kind, shown, lines.get((kind,)), message))
        elif isinstance(entries, dict):
            for entry_id, value in entries.items():
                _validate_entry(kind, entry_id, value, shown, result)
        elif entries is not None:
            message = "hier werden Einträge erwartet (id: Felder)"
            result.problems.append(Problem("error", kind, shown, lines.get((kind,)), message))
    if problems:  # a duplicate key: the entries under its second copy are not read, but named there
        _note_ids([path for path in lines if len(path) == 2], shown, result)


def _plain(text: str) -> bool:
    """No backslash, direction mark or double-encoded character in `text` (`LoadedSources.plain_files`).
    A search for each character is 7 times faster than the two regular expressions over the whole text."""
    if "\\" in text or any(mark in text for mark in BIDI_MARKS):
        return False
    for lead in MOJIBAKE_LEADS:  # every double-encoded character starts with one of them
        at = text.find(lead)
        while at != -1:
            if MOJIBAKE.match(text, at):
                return False
            at = text.find(lead, at + 1)
    return True


def _validate_entry(kind: str, entry_id: str, value: object, shown: str, result: LoadedSources) -> None:
    first_file = result.defined_in[kind].get(entry_id)
    if first_file is not None:
        _, first_line = result.locate(kind, entry_id)
        where = f"{first_file}, Zeile {first_line}" if first_line is not None else first_file
        line = result.lines[shown].get((kind, entry_id))
        message = (
            f"ID '{entry_id}' doppelt (auch in {where}) – jede ID nur einmal: einem der beiden Einträge "
            "(meist der Kopie) eine neue ID geben oder den doppelten löschen"
            + (" (bei Angeboten heißt die Datei wie die ID)" if kind == "offers" else "")
        )
        result.problems.append(Problem("error", f"{kind}.{entry_id}", shown, line, message))
        return
    result.defined_in[kind][entry_id] = shown
    if kind == "privacy" and entry_id != "notice":
        result.error(kind, entry_id, (), "unter 'privacy' ist nur die ID 'notice' erlaubt")
        return
    if not _SLUG_RE.match(entry_id):
        message = f"ungültige ID '{entry_id}' – nur a-z, 0-9 und '-', höchstens 40 Zeichen"
        if (valid := slug(entry_id)) and _SLUG_RE.match(valid):
            message += f", z. B. '{valid}'"
        result.error(kind, entry_id, (), message)
    try:
        entry = KINDS[kind].model_validate(value)
    except ValidationError as exc:
        for error in exc.errors():
            result.error(kind, entry_id, tuple(error["loc"]), german_message(error))
        return
    result.entries[kind][entry_id] = entry


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(text: str) -> str:
    """A valid id made from what staff wrote ("Nähtreff Mütter" → "naehtreff-muetter")."""
    words = re.sub(r"[^a-z0-9]+", "-", str(text).lower().translate(_UMLAUTS)).strip("-")
    return words[:40].rstrip("-")


_KIND_LINE = re.compile(r"^([A-Za-z_]+)\s*:\s*(#.*)?$")
_ID_LINE = re.compile(r"^( +)([a-z0-9][a-z0-9-]{0,39})\s*:")


def _scan_ids(text: str) -> list[Loc]:
    """The (kind, id) of the entries a file that cannot be read as YAML seems to define: every key one
    level below a top-level kind. Enough to tell a reference to one of them from a typo."""
    found: list[Loc] = []
    kind: str | None = None
    indent: int | None = None
    for raw_line in text.splitlines():
        line = raw_line.expandtabs(8)
        if match := _KIND_LINE.match(line):
            kind, indent = match[1], None
        elif kind in KINDS and (match := _ID_LINE.match(line)):
            indent = indent or len(match[1])
            if len(match[1]) == indent:
                found.append((kind, match[2]))
    return found


def _note_ids(found: list[Loc], shown: str, result: LoadedSources) -> None:
    """Record the entries of a file that failed to load as defined there: a reference to one of them is
    not reported as unknown (the file's own error is, and fixing it fixes the reference)."""
    for kind, entry_id in found:
        if isinstance(kind, str) and kind in KINDS and isinstance(entry_id, str):
            result.defined_in[kind].setdefault(entry_id, shown)
