"""A message in another Latin-script language than the UI language (a Turkish resident whose phone, and so
her UI language, is German) is also searched in that language, on the shipped content.

The dev set of bench/eval/explore-dev-xlatin.jsonl measures it (BENCHMARKS.md); these are behaviours."""

from __future__ import annotations

import pytest

from bot.search import SearchEngine
from bot.search.engine import SITUATION_TRIGGER, other_latin_languages

COURSE_TR = "Almanca kursu var mı?"  # is there a German course? (the exploratory finding, verbatim)


def shown(engine: SearchEngine, text: str, lang: str) -> list[str]:
    result = engine.answer(text, lang)
    assert not result.emergency, result
    return [hit.key for hit in ([result.answer] if result.answer else []) + result.alternatives]


@pytest.mark.parametrize("ui", ["de", "de-simple", "en"])
def test_a_turkish_question_in_a_german_ui_shows_the_german_course(engine: SearchEngine, ui: str) -> None:
    # main: the course listing (topic:kurse) first, the German course second or not at all
    assert shown(engine, COURSE_TR, ui)[:1] == ["offer:deutschkurs-frauen"]


def test_without_the_model_too(lexical_engine: SearchEngine) -> None:
    # main: "I don't know" (no Turkish word meets a German or English text)
    assert shown(lexical_engine, COURSE_TR, "de")[:1] == ["offer:deutschkurs-frauen"]
    assert shown(lexical_engine, "almanca kursu varmi", "de")[:1] == ["offer:deutschkurs-frauen"]


def test_a_polish_question_for_women_in_a_german_ui_gets_its_answer(engine: SearchEngine) -> None:
    result = engine.answer("kurs niemieckiego dla kobiet", "de")  # main: choices, the computer course first
    assert result.answer is not None and result.answer.key == "offer:deutschkurs-frauen"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Gibt es einen Deutschkurs für Frauen?", "tr"),  # German in a Turkish UI: German is read there
        ("brief vom jobcenter nicht verstanden", "pl"),
        ("Wo melde ich meinen Hund an?", "de"),  # one unknown word of three: read as German only
        ("coffee meetup for women", "en"),
    ],
)
def test_a_message_the_ui_language_reads_is_searched_as_before(
    engine: SearchEngine, text: str, lang: str
) -> None:
    result, searched = engine.answer(text, lang), engine.search(text, lang)
    assert (result.answer, result.alternatives, result.confidence) == (
        searched.answer,
        searched.alternatives,
        searched.confidence,
    )
    assert not result.other_script


def test_an_emergency_by_meaning_in_polish_in_a_german_ui_gets_the_numbers(engine: SearchEngine) -> None:
    text = "sąsiad leży na klatce schodowej i się nie rusza"  # the neighbour lies there, not moving
    assert engine.emergency_match(text, "de") is None  # no trigger word: the meaning decides
    result = engine.answer(text, "de")  # main: "I don't know" (German and English situations only)
    assert result.emergency
    assert result.emergency_match is not None and result.emergency_match.trigger == SITUATION_TRIGGER


@pytest.mark.parametrize(
    "text",
    [
        "bugun hava cok guzel",  # the weather is nice today
        "telefonumun sarji bitti",  # my phone's battery is empty
        "umieram ze smiechu",  # I'm dying of laughter
        "yemegi yaktim, ne yapayim",  # I burnt the food, what now
    ],
)
def test_an_everyday_line_in_another_latin_language_raises_no_alarm(engine: SearchEngine, text: str) -> None:
    result = engine.answer(text, "de")
    assert not result.emergency
    assert result.answer is None


@pytest.mark.parametrize(
    ("text", "lang", "others"),
    [
        (COURSE_TR, "de", ("tr", "pl")),
        (COURSE_TR, "de-simple", ("tr", "pl")),
        (COURSE_TR, "en", ("tr", "pl")),
        (COURSE_TR, "tr", ("pl",)),
        ("kurs niemieckiego", "pl", ("tr",)),
        (COURSE_TR, "ru", ()),  # a UI in another script: Latin-typed Russian has its own reading there
        ("где курсы", "de", ()),  # another script: ``other_script_languages``
        ("Jobcenter رسالة من", "de", ()),  # mostly Arabic
        ("123", "de", ()),
        ("kurs", "xx", ()),  # a language the bot does not speak
    ],
)
def test_the_latin_languages_the_ui_language_does_not_read(
    text: str, lang: str, others: tuple[str, ...]
) -> None:
    assert other_latin_languages(text, lang) == others


@pytest.mark.parametrize(
    ("text", "lang", "read_in"),
    [
        (COURSE_TR, "de", "tr"),  # the Turkish reading won: the bot offers to go on in Turkish
        ("kurs niemieckiego dla kobiet", "de", "pl"),
        ("هل يوجد دورة لغة ألمانية للنساء؟", "de", "ar"),  # another script: the one whose reading won
        ("کلاس زبان آلمانی برای زنان هست؟", "de", "fa"),
        ("Gibt es einen Deutschkurs für Frauen?", "de", None),  # the UI language's own reading
        ("Gibt es einen Deutschkurs für Frauen?", "tr", None),  # German in a Turkish UI: German is read there
    ],
)
def test_the_result_says_which_languages_reading_won(
    engine: SearchEngine, text: str, lang: str, read_in: str | None
) -> None:
    assert engine.answer(text, lang).read_in == read_in
