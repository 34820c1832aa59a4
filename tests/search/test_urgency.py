"""Which danger words make a request urgent (bot/search/urgency.py)."""

from __future__ import annotations

import pytest

from bot.search.engine import SearchEngine
from bot.search.urgency import urgent_words


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Der Vermieter droht mir, mein Mann schläft nicht", "de"),  # "schläft" is no guessed "schlägt"
        ("Das Jobcenter droht mir mit Sanktionen", "de"),
    ],
)
def test_an_everyday_threat_with_a_word_a_letter_from_danger_is_not_urgent(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    # Review rv7: the rest after an everyday threat was read with typo guesses, which the search keeps only
    # once the meaning confirms them.
    assert not urgent_words(lexical_engine, text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mein Mann schlägt mich", "de"),
        ("kocam beni dövüyor", "tr"),
        ("Mein Nachbar hat ein Messer und bedroht mich", "de"),
    ],
)
def test_violence_done_to_her_is_urgent(lexical_engine: SearchEngine, text: str, lang: str) -> None:
    assert urgent_words(lexical_engine, text, lang)
