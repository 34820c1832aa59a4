"""A message written in a script the UI language does not use (an Arabic resident whose Telegram, and so
her UI language, is German) is also searched in the languages of its script, on the shipped content.

The dev set of bench/eval/explore-dev-xscript.jsonl measures it (BENCHMARKS.md); these are behaviours."""

from __future__ import annotations

import pytest

from bot.search import SearchEngine
from bot.search.engine import SITUATION_TRIGGER, other_script_languages

COURSE_AR = "هل يوجد دورة ألمانية مع رعاية للأطفال؟"  # is there a German course with childcare?
COURSE_RU = "где курсы немецкого языка для женщин"  # where are German courses for women


@pytest.mark.parametrize("ui", ["de", "tr"])
def test_an_arabic_question_in_a_german_or_turkish_ui_gets_the_course(engine: SearchEngine, ui: str) -> None:
    result = engine.answer(COURSE_AR, ui)  # main: "I don't know" (0.486 in the German UI)
    # It names no woman: the women's course is the first choice, not the answer (tests/search/test_whom.py).
    assert [hit.key for hit in result.alternatives][:1] == ["offer:deutschkurs-frauen"], result
    assert not result.emergency


def test_a_russian_question_in_a_german_ui_gets_its_answer(engine: SearchEngine) -> None:
    result = engine.answer(COURSE_RU, "de")  # main: choices
    assert result.answer is not None and result.answer.key == "offer:deutschkurs-frauen"
    assert not result.emergency


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("kif bsajjel bel kurs? lazem roo7 3al maktab?", "ar"),  # Latin-typed Arabic: the Latin reader's
        ("Gibt es einen Deutschkurs mit Kinderbetreuung?", "de"),
        ("ابحث عن دورة لغة المانية للنساء", "fa"),  # a script the UI language uses
    ],
)
def test_a_message_in_the_ui_languages_script_is_searched_as_before(
    engine: SearchEngine, text: str, lang: str
) -> None:
    assert other_script_languages(text, lang) == ()
    result, searched = engine.answer(text, lang), engine.search(text, lang)
    assert (result.answer, result.alternatives, result.confidence) == (
        searched.answer,
        searched.alternatives,
        searched.confidence,
    )


def test_without_the_model_an_arabic_question_in_a_german_ui_is_read_as_arabic(
    lexical_engine: SearchEngine,
) -> None:
    result = lexical_engine.answer(COURSE_AR, "de")  # main: "I don't know" (no Arabic word meets German)
    keys = [hit.key for hit in ([result.answer] if result.answer else []) + result.alternatives]
    assert keys and keys[0] == "offer:deutschkurs-frauen"


@pytest.mark.parametrize(
    ("text", "lang", "others"),
    [
        # Letters only one language of the script uses say which one it is (ة ي: Arabic; ы: Russian)
        (COURSE_AR, "de", ("ar",)),
        (COURSE_AR, "de-simple", ("ar",)),
        (COURSE_RU, "tr", ("ru",)),
        (COURSE_RU, "ar", ("ru",)),
        (COURSE_AR, "ru", ("ar",)),
        ("کلاس زبان آلمانی هست؟", "de", ("fa",)),  # ک ی: Persian
        ("де курси німецької мови", "de", ("uk",)),  # і: Ukrainian
        ("سلام", "de", ("ar", "fa")),  # no letter of one of them alone: either
        ("курс", "en", ("ru", "uk")),
        ("يوجد کلاس", "de", ("ar", "fa")),  # letters of both: either
        (COURSE_AR, "ar", ()),
        (COURSE_AR, "fa", ()),
        (COURSE_RU, "uk", ()),
        ("gde kursy nemeckogo", "de", ()),  # Latin letters are read as written
        ("kif bsajjel bel kurs", "ar", ()),
        ("Jobcenter Brief رسالة", "de", ()),  # mostly Latin
        ("رسالة من Jobcenter", "de", ("ar",)),  # mostly Arabic
        ("курс", "xx", ()),  # a language the bot does not speak
    ],
)
def test_the_languages_of_the_messages_script(text: str, lang: str, others: tuple[str, ...]) -> None:
    assert other_script_languages(text, lang) == others


# Emergencies told without a trigger word, in a script the German UI does not use: read in German they met
# German situations and entries only ("I don't know" on main); in their script they are emergencies by
# meaning, as for a resident whose UI is Arabic or Russian (bench/eval/explore-dev-xalarm.jsonl).
FALL_AR = "جارتي وقعت على الأرض ولا ترد"  # my neighbour fell and does not answer
THREAT_RU = "сосед выломал дверь и кричит что прибьёт меня"  # he broke the door, shouts he will kill me


@pytest.mark.parametrize("text", [FALL_AR, THREAT_RU])
def test_an_emergency_by_meaning_in_another_script_gets_the_numbers(engine: SearchEngine, text: str) -> None:
    assert engine.emergency_match(text, "de") is None  # no trigger word: the meaning decides
    result = engine.answer(text, "de")
    assert result.emergency
    assert result.emergency_match is not None and result.emergency_match.trigger == SITUATION_TRIGGER


def test_the_ui_languages_reading_no_longer_decides_the_alarm(engine: SearchEngine) -> None:
    """Read in German, "I'm afraid of the German exam, I'll die of fear" was closer to an emergency than to
    any entry; read in Russian and Ukrainian it is not (main: the emergency screen)."""
    text = "боюсь экзамена по немецкому, умру от страха"
    assert engine.search(text, "de").alarming
    assert not engine.answer(text, "de").emergency
