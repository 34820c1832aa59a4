"""Error texts of `check` for staff who are not programmers: each quotes what was written and says what to do
(found by exploratory testing: several said only what was wrong, one suggested the very word it refused)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.catalogue import load_catalogue
from bot.content.problems import ContentError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def errors_of(content: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalogue(content)
    return [str(problem) for problem in caught.value.errors]


def insert_before(path: Path, anchor: str, marker: str, lines: str) -> None:
    """Insert `lines` before the first `marker` after `anchor` in the file."""
    text = path.read_text(encoding="utf-8")
    at = text.index(marker, text.index(anchor))
    path.write_text(text[:at] + lines + text[at:], encoding="utf-8")


def test_closed_under_the_partner_instead_of_its_opening_hours_says_where_it_belongs(shipped: Path) -> None:
    closure = "    closed:\n      - from: 2026-12-23\n        to: 2027-01-03\n"
    insert_before(shipped / "partners.yaml", "  sos-muetterzentrum:", "    requests:", closure)
    (error,) = errors_of(shipped)
    assert error.startswith("partners.sos-muetterzentrum.closed at "), error
    assert error.endswith(
        "'closed' gehört nicht hierher – es steht nur unter 'opening_hours:': eine Ebene tiefer, also zwei "
        "Leerzeichen weiter eingerückt als 'opening_hours:'"
    ), error
    assert "meinten Sie" not in error


def test_a_field_of_another_kind_of_entry_names_that_kind(shipped: Path) -> None:
    insert_before(shipped / "partners.yaml", "  sos-muetterzentrum:", "    requests:", "    kind: course\n")
    (error,) = errors_of(shipped)
    assert error.endswith(
        "'kind' gehört nicht hierher – es steht nur direkt in Einträgen unter 'offers:' (so weit eingerückt "
        "wie ihre übrigen Felder)"
    ), error
