"""The fifth exploratory test of 7 December 2026: a danger told with a request hid the numbers (F5, F5b), a
thank-you "for the help" raised them or was answered (F3), two "Hilfe" far apart were the cry "Hilfe!
Hilfe!" (F15), and the English word "now" found the partner NOW (F14). The phrases are dev lines too
(bench/eval/explore-dev-emergency.jsonl)."""

from typing import Any

import pytest

from bot.search.engine import SearchEngine
from bot.search.smalltalk import small_talk
from tests.harness import BotHarness

VIOLENCE_WITH_A_REQUEST = [
    ("My husband beats me, where can I get counselling?", "en"),
    ("Hilfe bitte, können Sie mir helfen einen Brief zu schreiben? Mein Mann schlägt mich", "de"),
]


@pytest.mark.parametrize(("text", "lang"), VIOLENCE_WITH_A_REQUEST)
def test_a_danger_phrase_is_not_overruled_by_an_answer_to_the_request(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    # "beats me", "schlägt mich": a phrase about what happens to a person; the counselling or letter
    # question answered confidently no longer drops the numbers (with and without the model).
    for searched in (engine, lexical_engine):
        result = searched.answer(text, lang)
        assert result.emergency, result


def test_a_single_danger_word_is_still_overruled_by_a_clear_answer(lexical_engine: SearchEngine) -> None:
    # A single word ("brennt") is also everyday; with a course named it stays an ordinary question.
    assert not lexical_engine.answer("Kurs: was tun, wenn es brennt?", "de").emergency


async def test_violence_with_a_request_for_counselling_shows_the_numbers(bot_with_model: BotHarness) -> None:
    sam = bot_with_model.resident("Sam", lang="en")
    await sam.send("My husband beats me, where can I get counselling?")
    text = sam.last().text or ""
    assert "🆘" in text and "116 016" in text


async def test_violence_after_a_letter_request_shows_the_numbers(bot: BotHarness) -> None:
    lena = bot.resident("Lena", lang="de")
    await lena.send("Hilfe bitte, können Sie mir helfen einen Brief zu schreiben? Mein Mann schlägt mich")
    text = lena.last().text or ""
    assert "🆘" in text and "110" in text


THANKS = [
    "Thanks a lot for the help, God bless you",
    "Thank you for the help, God bless",
    "Thanks for all the help, all clear now",
    "Thanks for your help!",
    "Thank you very much, you helped me a lot",
    "Thank you, everything is fine now",
    "Bardzo dziękuję za pomoc, wszystko jasne",
    "Dzięki wielkie, bardzo mi Pani pomogła",
    "شكرا على المساعدة، الله يباركك",
    "شكراً لكم كثيراً ساعدتموني",
    "Danke für Hilfe",
    "Vielen lieben Dank, Sie haben mir sehr geholfen!",
    "Danke, hat sich erledigt",
    "مرسی خیلی کمک کردید",
    "Çok sağ olun, çok yardımcı oldunuz",
]


@pytest.mark.parametrize("text", THANKS)
def test_thanks_for_the_help_in_every_form_is_a_thank_you(text: str) -> None:
    assert small_talk(text) == "thanks"


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, but when is the course?",
        "Danke, und wo ist das Büro?",
        "Bardzo dziękuję, gdzie jest kurs niemieckiego",
        "Thank you, now I need a form for the Jobcenter",
    ],
)
def test_a_thank_you_with_a_question_is_no_thank_you(text: str) -> None:
    assert small_talk(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Thanks a lot for the help, God bless you", "en"),
        ("Danke für Hilfe", "de"),
        ("Thanks for your help!", "en"),
    ],
)
def test_a_call_for_help_inside_a_thank_you_is_no_cry(
    lexical_engine: SearchEngine, text: str, lang: str
) -> None:
    result = lexical_engine.answer(text, lang)
    assert not result.emergency and result.small_talk == "thanks", result


def test_a_danger_word_in_a_thank_you_still_fires(lexical_engine: SearchEngine) -> None:
    result = lexical_engine.answer("Thanks for the help, my husband beats me", "en")
    assert result.emergency, result


async def test_thanks_for_the_help_gets_youre_welcome_not_the_emergency_numbers(bot: BotHarness) -> None:
    sam = bot.resident("Sam", lang="en")
    await sam.send("Thanks a lot for the help, God bless you")
    texts = [message.text or "" for message in bot.telegram.bot_messages(sam.chat)]
    assert not any("🆘" in text for text in texts), texts
    assert any("welcome! Write to me any time" in text for text in texts), texts


def test_hilfe_twice_in_a_sentence_is_no_repeated_cry(lexical_engine: SearchEngine) -> None:
    detect: Any = lexical_engine.emergency.detect
    match = detect("Danke für Ihre Hilfe. Mein Sohn braucht auch Hilfe bei Bewerbungen")
    assert match is None or not match.hard, match
    for cry in ("Hilfe! Hilfe!", "hilfe hilfe"):
        assert (found := detect(cry)) is not None and found.hard, cry


async def test_thanks_and_a_request_for_a_son_gets_no_emergency_screen(bot: BotHarness) -> None:
    lena = bot.resident("Lena", lang="de")
    await lena.send("Danke für Ihre Hilfe. Mein Sohn braucht auch Hilfe bei Bewerbungen")
    text = lena.last().text or ""
    assert "🆘" not in text, text


@pytest.mark.parametrize(
    "text", ["I need help now", "What can I do now?", "Thank you, everything is fine now"]
)
def test_the_word_now_is_not_the_partner_now(
    engine: SearchEngine, lexical_engine: SearchEngine, text: str
) -> None:
    for searched in (engine, lexical_engine):
        result = searched.answer(text, "en")
        shown = ([result.answer] if result.answer else []) + result.alternatives
        assert all(hit.id != "now" for hit in shown), result


def test_the_name_now_written_as_the_name_finds_the_partner(lexical_engine: SearchEngine) -> None:
    result = lexical_engine.answer("who is NOW", "en")
    assert result.answer is not None and result.answer.id == "now", result


async def test_what_can_i_do_now_gets_no_partner_card(bot: BotHarness) -> None:
    sam = bot.resident("Sam", lang="en")
    await sam.send("What can I do now?")
    text = sam.last().text or ""
    assert "NOW office" not in text and "🏢 NOW" not in text, text
