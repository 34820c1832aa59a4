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


@pytest.mark.parametrize(
    ("text", "read", "urgent"),
    [
        ("he threatened to kill my mom", True, True),
        ("someone threatened to stab my son", True, True),
        ("my neighbour threatened to beat up my daughter", True, True),
        ("my husband threatens to cancel our netflix", True, False),
        # review rv13: only where the threat names harm, not an administrative threat
        ("My neighbour threatened to report my son to the school for the noise", True, False),
        ("the landlord threatened to tell my mother about the rent", True, False),
        ("The school threatened to expel my son", False, False),  # not even a threat word read
    ],
)
def test_a_threat_is_aimed_at_the_person_named_a_few_words_after_it(
    lexical_engine: SearchEngine, text: str, read: bool, urgent: bool
) -> None:
    # The verb of the threat comes between it and whom it is aimed at: two words were too few. `read`: the
    # threat word is found, so a request that is not urgent is so by whom the threat is aimed at.
    assert (lexical_engine.emergency_match(text, "en") is not None) == read
    assert urgent_words(lexical_engine, text, "en") == urgent


@pytest.mark.parametrize(
    ("text", "lang", "read", "urgent"),
    [
        ("er hat gedroht meine Mutter umzubringen", "de", True, True),  # the verb after her: a German clause
        ("Der Vermieter hat gedroht meiner Mutter die Wohnung zu kündigen", "de", False, False),
        ("школа угрожает отчислить мою дочку", "ru", True, False),
        ("он угрожает убить мою дочку", "ru", True, True),
    ],
)
def test_a_threat_aimed_later_names_harm(
    lexical_engine: SearchEngine, text: str, lang: str, read: bool, urgent: bool
) -> None:
    assert (lexical_engine.emergency_match(text, lang) is not None) == read
    assert urgent_words(lexical_engine, text, lang) == urgent
