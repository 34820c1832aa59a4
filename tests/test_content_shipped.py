"""The shipped content: valid, fully translated, live only after the example data is replaced."""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path

from bot.content.catalogue import load_catalogue, validate_content
from bot.content.check import run_check
from bot.content.models import TIMEZONE, iter_localized

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_content_passes_check_with_a_coverage_table() -> None:
    out = io.StringIO()
    assert run_check(ROOT / "content", strict=False, accept=False, out=out, email_replies_relayed=False) == 0
    assert "100 %" in out.getvalue()


def test_strict_check_fails_only_because_of_marked_example_data() -> None:
    # On a day before the example dates: once they are past, "past" warnings join the "example" ones.
    loaded = validate_content(ROOT / "content", now=datetime(2026, 12, 1, tzinfo=TIMEZONE))
    assert not [p for p in loaded.problems if p.severity == "error"]
    assert {p.code for p in loaded.problems} <= {"example"}, sorted({p.code for p in loaded.problems})
    assert (
        run_check(ROOT / "content", strict=True, accept=False, out=io.StringIO(), email_replies_relayed=False)
        == 1
    )


def test_changing_a_german_title_marks_its_translations_outdated(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    offer = content / "offers" / "deutschkurs-frauen.yaml"
    text = offer.read_text(encoding="utf-8")
    offer.write_text(
        text.replace("de: Deutschkurs für Frauen mit Kinderbetreuung", "de: Deutschkurs für Mütter", 1),
        encoding="utf-8",
    )
    outdated = [p for p in validate_content(content).problems if p.code == "outdated"]
    paths = {p.path for p in outdated}
    assert {f"offers.deutschkurs-frauen.title.{lang}" for lang in ("tr", "ar", "fa", "en")} <= paths
    assert all("deutschkurs-frauen.yaml, Zeile" in str(p) for p in outdated)


def test_no_translation_wraps_a_german_name_that_has_brackets_in_more_brackets() -> None:
    # Found by exploratory testing: "سباق الحي ((Stadt-)Viertel-Lauf)" in the Arabic events list.
    catalogue, _ = load_catalogue(ROOT / "content")
    doubled = [
        (entry_id, lang, text)
        for kind in ("districts", "topics", "places", "partners", "offers", "events", "faq", "emergency")
        for entry_id, entry in getattr(catalogue, kind).items()
        for _, field in iter_localized(entry)
        for lang, text in field.items()
        if isinstance(text, str) and ("((" in text or "))" in text)
    ]
    assert doubled == []
