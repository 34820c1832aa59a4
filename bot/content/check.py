"""`run_bot.py check` and `run_bot.py schema`: the staff's view of the content.

Output is German: it is read by the staff who write the content.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from bot.content.catalogue import validate_content
from bot.content.freshness import accept as accept_translations
from bot.content.models import ContentFile, iter_localized
from bot.content.problems import Problem
from bot.languages import LANGUAGES

STRICT_CODES = frozenset({"example", "missing_translation", "bidi_controls", "mojibake"})
"""Warnings that `--strict` turns into errors: nothing fictitious, untranslated or garbled goes live."""

MAX_SHOWN_PER_CODE = 20

_KIND_LABELS = {
    "districts": "Stadtteile",
    "topics": "Themen",
    "places": "Orte",
    "partners": "Partner",
    "offers": "Angebote",
    "events": "Termine",
    "faq": "FAQ",
    "emergency": "Notfall",
    "privacy": "Datenschutz",
}


def _coverage_table(entries: Mapping[str, Mapping[str, BaseModel]]) -> str:
    """Per kind and language, the share of localized fields that have a text ("–": the kind has none)."""
    width = max(len(label) for label in _KIND_LABELS.values())
    rows = ["".ljust(width) + "".join(lang.rjust(10) for lang in LANGUAGES)]
    for kind, by_id in entries.items():
        fields = [texts for entry in by_id.values() for _loc, texts in iter_localized(entry)]
        row = _KIND_LABELS[kind].ljust(width)
        for lang in LANGUAGES:
            share = f"{100 * sum(lang in texts for texts in fields) / len(fields):.0f} %" if fields else "–"
            row += share.rjust(10)
        rows.append(row)
    return "\n".join(rows)


def _print_problems(title: str, problems: list[Problem], out: TextIO, limit: bool) -> None:
    if not problems:
        return
    print(f"{title} ({len(problems)}):", file=out)
    shown_per_code: dict[str, int] = {}
    hidden = 0
    for problem in problems:
        count = shown_per_code.get(problem.code, 0)
        if limit and problem.code and count >= MAX_SHOWN_PER_CODE:
            hidden += 1
            continue
        shown_per_code[problem.code] = count + 1
        print(f"  {problem}", file=out)
    if hidden:
        print(f"  … und {hidden} weitere (gleiche Art)", file=out)


def run_check(content_dir: Path, *, strict: bool = False, accept: bool = False, out: TextIO) -> int:
    """Validate the content, print every error and warning and a translation table; returns the exit code.

    0 = content can be loaded, 1 = errors (the bot would keep the old content / refuse to start).
    With `accept`, the current translations are recorded as up to date in `translations.lock`
    (only when there are no errors).
    """
    loaded = validate_content(content_dir)
    problems = [
        replace(p, severity="error") if strict and p.severity == "warning" and p.code in STRICT_CODES else p
        for p in loaded.problems
    ]
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]

    _print_problems("Fehler", errors, out, limit=False)
    _print_problems("Warnungen", warnings, out, limit=True)
    if errors:
        print(f"\n{len(errors)} Fehler – Inhalt wird so nicht geladen.", file=out)
        if accept:
            print("Übersetzungen nicht bestätigt: erst die Fehler beheben.", file=out)
        return 1

    entries = loaded.entries
    counts = ", ".join(f"{len(by_id)} {_KIND_LABELS[kind]}" for kind, by_id in entries.items())
    print(f"\nInhalt in Ordnung: {counts}.", file=out)
    print("\nÜbersetzt (Anteil der Textfelder je Sprache):", file=out)
    print(_coverage_table(entries), file=out)
    if accept:
        count = accept_translations(entries, content_dir)
        print(f"\n{count} Übersetzungen als aktuell bestätigt (translations.lock geschrieben).", file=out)
    return 0


def json_schema() -> dict[str, Any]:
    """JSON Schema of one content file, for editors (yaml-language-server)."""
    schema = ContentFile.model_json_schema()
    schema["title"] = "Quartiersbot-Inhalt"
    schema["description"] = "Eine Inhaltsdatei unter content/ – siehe content/README.md."
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def write_schema(path: Path) -> None:
    """Write the JSON Schema (stable formatting, so the committed file diffs cleanly)."""
    path.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
