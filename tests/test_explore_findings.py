"""Defects found by exploratory testing (console chat and `ask`), each pinned as a strict xfail.

Each test states what a resident or partner expects. `strict=True`: when a fix makes one pass, the suite
fails until its marker is removed, so a fixed defect keeps its test as a regression guard.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from babel.messages.pofile import read_po

from bot.i18n import I18n
from tests.harness import ROOT, BotHarness

pytestmark = pytest.mark.screens

QM_GROUP = -1_000_000_000_001  # the Quartiersmanagement's group in the shipped content


@pytest.mark.xfail(strict=True, reason="format_datetime joins date and time with a Latin comma")
@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_dates_in_arabic_and_farsi_are_not_joined_with_a_latin_comma(lang: str) -> None:
    t = I18n(ROOT / "locales").translator(lang)
    for shown in (t.format_datetime(datetime(2027, 2, 17, 17)), t.format_when(datetime(2027, 2, 17, 17))):
        assert "," not in shown, shown  # "الأربعاء، 17 فبراير, 5:00 م"


@pytest.mark.xfail(strict=True, reason="/commands in catalog sentences are not bidi-isolated")
@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_commands_inside_arabic_and_farsi_sentences_keep_their_slash_in_front(lang: str) -> None:
    # "افتح /requests واضغط" shows as "requests/" in a right-to-left line; content text is isolated
    # (isolate_digits), the bot's own sentences are not.
    t = I18n(ROOT / "locales").translator(lang)
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "bot.po").open("rb") as handle:
        msgids = [m.id for m in read_po(handle) if isinstance(m.id, str) and re.search(r"/[a-z]+", m.id)]
    unisolated = re.compile(r"(?<![\u2066\u2068\u200e])/[a-z]+")  # a /command not after LRI, FSI or LRM
    bare = [shown for shown in map(t.gettext, msgids) if unisolated.search(shown)]
    assert not bare, bare


@pytest.mark.xfail(strict=True, reason="no /hilfe alias, while /sprache, /anfragen, /loeschen … exist")
async def test_hilfe_is_the_german_alias_of_help(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    await anna.send("/help")
    help_text = anna.last().text
    await anna.send("/hilfe")
    assert anna.last().text == help_text


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
