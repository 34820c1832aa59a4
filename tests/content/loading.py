"""What content tests do to a content folder as staff would: change a line, load it, read the refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import load_catalogue
from bot.content.problems import ContentError


def errors_of(content_dir: Path) -> list[str]:
    """The errors loading `content_dir` is refused with, as staff read them."""
    with pytest.raises(ContentError) as caught:
        load_catalogue(content_dir)
    # Raised outside an except block: one clear message, no chained traceback.
    assert caught.value.__context__ is None
    assert caught.value.__cause__ is None
    return [str(problem) for problem in caught.value.errors]


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new`; `old` must be there (else the test edits nothing)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
