""" "What is on today / this week?" (the exploratory test of 7 December 2026, finding M7): "bu hafta ne var",
"was ist heute los", "whats on this weekend", "что будет в этом месяце" got "I don't know" – they name a
time and "is on", nothing the content's words or meaning are near. They now open the events topic, whose
screen lists the coming events, soonest first (bot/search/whatson.py). The phrases are dev lines too
(bench/eval/explore-dev-events.jsonl)."""

from typing import Any

import pytest

from bot.search.whatson import asks_whats_on
from tests.harness import BotHarness


def shown_events(message: Any) -> list[str]:
    return [
        str(b["callback_data"]).split(":")[1]
        for b in message.flat_buttons
        if str(b["callback_data"]).startswith("event:")
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("bu hafta ne var", "tr"),
        ("was ist heute los", "de"),
        ("whats on this weekend", "en"),
        ("что будет в этом месяце", "ru"),
    ],
)
async def test_what_is_on_this_week_lists_the_coming_events(
    bot_with_model: BotHarness, text: str, lang: str
) -> None:
    resident = bot_with_model.resident("Aylin", lang=lang)
    await resident.send(text)
    reply = resident.last()
    catalogue = bot_with_model.services.content.catalogue
    assert catalogue.topics["veranstaltungen"].title[lang] in reply.text
    events = shown_events(reply)
    assert events, reply.text
    starts = [catalogue.events[event_id].starts for event_id in events]
    assert starts == sorted(starts)


async def test_a_question_with_a_time_about_something_else_is_searched(bot_with_model: BotHarness) -> None:
    # "diese Woche" alone does not make a question about the events
    lena = bot_with_model.resident("Lena", lang="de")
    await lena.send("Was kostet der Deutschkurs diese Woche?")
    reply = lena.last()
    assert "Veranstaltungen" not in reply.text
    course = bot_with_model.services.content.catalogue.offers["deutschkurs-frauen"].title["de"]
    assert course in "\n".join([reply.text or "", *reply.labels]), reply  # the search found the course


@pytest.mark.parametrize(
    "text",
    ["what's on TV tonight", "bu hafta hava nasıl olacak", "Guten Morgen", "heute?", "Was ist heute?"],
)
def test_a_time_without_is_on_or_with_other_words_is_no_whats_on_question(text: str) -> None:
    assert not asks_whats_on(text)


@pytest.mark.parametrize(
    "text", ["Was ist am Wochenende im Viertel los?", "co się dzieje w tym tygodniu", "این هفته چه خبره"]
)
def test_what_is_on_in_other_words_and_languages(text: str) -> None:
    assert asks_whats_on(text)
