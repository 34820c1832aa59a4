"""Problems found in content files, and the one exception that carries them all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]
"""A place in a file: keys and list positions from the top (`("offers", "kurs", "title", "tr")`)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, rendered in German for staff as
    `offers.kurs.title.tr in content/offers/kurse.yaml, Zeile 17: <message>`.

    `code` groups findings so `check --strict` can promote some warnings to errors
    (e.g. "example", "missing_translation", "outdated", "unaccepted").
    """

    severity: Severity
    path: str
    file: str | None
    line: int | None
    message: str
    code: str = ""

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line is not None:
            where += f", Zeile {self.line}"
        if self.path and where:
            return f"{self.path} in {where}: {self.message}"
        if not (self.path or where):
            return self.message
        return f"{self.path or where}: {self.message}"


class ContentError(Exception):
    """Content could not be loaded; `problems` holds every error (and warning) of the run."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self._render())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def _render(self) -> str:
        return "\n".join([f"{len(self.errors)} Fehler im Inhalt:", *(f"  {p}" for p in self.errors)])
