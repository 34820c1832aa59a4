"""Defects found by exploratory testing (console chat and `ask`), each pinned as a strict xfail.

Each test states what a resident or partner expects. `strict=True`: when a fix makes one pass, the suite
fails until its marker is removed, so a fixed defect keeps its test as a regression guard.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.screens

QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content


@pytest.mark.xfail(strict=True, reason="calls for help in German/English and 'SOS' show no emergency numbers")
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hilfe bitte schnell", "de"),  # today: the confident answer "who helps with a Jobcenter letter?"
        ("Hilfe, schnell, bitte kommen", "de"),
        ("SOS", "de"),  # today: the SOS mothers' centre
        ("help!", "en"),
    ],
)
def test_a_cry_for_help_shows_the_emergency_numbers(shipped_search: Any, text: str, lang: str) -> None:
    assert shipped_search.engine.answer(text, lang).emergency


@pytest.mark.xfail(strict=True, reason="a missing child is answered with childcare")
def test_a_missing_child_is_not_answered_with_childcare(shipped_search: Any) -> None:
    result = shipped_search.engine.answer("طفلي مفقود", "ar")  # "my child is missing"
    assert result.emergency or result.answer is None or result.answer.id != "kinderbetreuung", result
