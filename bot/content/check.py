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

EXAMPLES_SUMMARY = (
    "Beispieldaten (example: true) – vor dem Start durch echte Daten ersetzen; auf Telegram startet der Bot "
    "damit nur mit ALLOW_EXAMPLE_DATA=true (Probelauf). Liste: check --strict"
)
"""One line for all the example data: the same list at every check would push the staff's own warnings
down (`--strict` lists them, as errors)."""

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


def _print_problems(title: str, problems: list[Problem], out: TextIO, limit: bool, examples: int = 0) -> None:
    """The problems, one a line (with `limit`, at most MAX_SHOWN_PER_CODE of a kind), and last the one line
    that stands for `examples` entries of example data."""
    if not problems and not examples:
        return
    print(f"{title} ({len(problems) + examples}):", file=out)
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
    if examples:
        entries = "1 Eintrag ist" if examples == 1 else f"{examples} Einträge sind"
        print(f"  {entries} {EXAMPLES_SUMMARY}", file=out)


def _newest_first(problems: list[Problem]) -> list[Problem]:
    """The warnings about whole files (a file that is ignored, the lock) first, then those of the file
    changed last: staff who just edited a file find what it caused at the top, not below the warnings
    every check repeats."""

    def order(problem: Problem) -> tuple[int, float]:
        if problem.file is None or problem.line is None:
            return 0, 0.0
        try:
            return 1, -Path(problem.file).stat().st_mtime
        except OSError:
            return 1, 0.0

    return sorted(problems, key=order)


def _summary(errors: list[Problem], promoted: int, examples: int) -> str:
    """The last line when there are errors: whether the bot loads the content at all, or only must not go
    public with it (the errors `--strict` made of warnings)."""
    if promoted < len(errors):
        also = f" (davon {promoted} nur wegen --strict)" if promoted else ""
        return f"{len(errors)} Fehler{also} – Inhalt wird so nicht geladen."
    line = (
        f"{len(errors)} Fehler mit --strict – so nicht für die Öffentlichkeit starten. Ohne --strict lädt "
        "der Bot diesen Inhalt (die Konsole zeigt ihn)"
    )
    if examples:
        line += ", auf Telegram aber mit Beispieldaten nur bei ALLOW_EXAMPLE_DATA=true"
    return line + "."


def run_check(
    content_dir: Path,
    *,
    strict: bool = False,
    accept: bool = False,
    out: TextIO,
    email_replies_relayed: bool,
) -> int:
    """Validate the content, print every error and warning and a translation table; returns the exit code.

    0 = content can be loaded, 1 = errors (the bot would keep the old content / refuse to start; with
    `strict`: also what must not go public, which the summary line tells apart).
    The example data is one line unless `strict` lists it; the other warnings come first by the file
    changed last. With `accept`, the current translations are recorded as up to date in
    `translations.lock` (only when there are no errors). `email_replies_relayed`: the server's setting
    (`Settings.relays_email_replies`, MAIL_INBOUND_PORT) that decides whether e-mail-only partners can
    answer at all (`unanswerable_partners`); the running bot judges its content by the same.
    """
    loaded = validate_content(content_dir, email_replies_relayed=email_replies_relayed)
    problems = [
        replace(p, severity="error") if strict and p.severity == "warning" and p.code in STRICT_CODES else p
        for p in loaded.problems
    ]
    errors = [p for p in problems if p.severity == "error"]
    promoted = len(errors) - sum(1 for p in loaded.problems if p.severity == "error")
    examples = sum(1 for p in loaded.problems if p.code == "example")
    warnings = _newest_first([p for p in problems if p.severity == "warning" and p.code != "example"])

    _print_problems("Fehler", errors, out, limit=False)
    _print_problems("Warnungen", warnings, out, limit=True, examples=0 if strict else examples)
    if errors:
        print(f"\n{_summary(errors, promoted, examples)}", file=out)
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
