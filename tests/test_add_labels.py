"""With several open requests the ✍️ buttons that add her message to one of them show what tells them apart
first, short enough for a phone (explore: labels; before, "✍️ Zu meiner Anfrage an Quartiersmanagement Ost-
und Westsiedlung hinzufügen · …" twice: a phone cut both before the part that differs)."""

from __future__ import annotations

import re

import pytest

from bot.testing.fakeapi import SimUser
from tests.harness import BotHarness, confirmed_resident, deliver
from tests.test_conversation import send_request
from tests.test_follow_up_to_a_request import a_while_later

SHOWN = 35  # about what a phone shows of a button's label


def add_labels(resident: SimUser) -> list[str]:
    return [label for label in resident.last().labels if label.startswith("✍️")]


async def asks_the_quartiersmanagement(bot: BotHarness, resident: SimUser, text: str) -> None:
    """`resident` writes `text` to the Quartiersmanagement from the menu, the answer to come in the chat."""
    await resident.send("/start")
    await resident.tap(8)
    await resident.send(text)
    for _ in range(3):
        await resident.tap(1)
    await deliver(bot)


@pytest.mark.parametrize(
    ("lang", "first", "second", "hello"),
    [
        (
            "de",
            "Ich brauche Hilfe mit meiner Wohnung",
            "Noch eine Frage zu Kita",
            "Hallo? Antwortet mir jemand?",
        ),
        ("ar", "أحتاج مساعدة في شقتي", "سؤال آخر عن الحضانة", "مرحبا؟ هل يرد علي أحد؟"),
    ],
)
async def test_two_requests_to_one_partner_differ_where_a_phone_shows_them(
    bot: BotHarness, lang: str, first: str, second: str, hello: str
) -> None:
    anna = await confirmed_resident(bot, "Anna", lang)
    await asks_the_quartiersmanagement(bot, anna, first)
    await asks_the_quartiersmanagement(bot, anna, second)
    a_while_later(bot)
    await anna.send(hello)
    labels = add_labels(anna)
    assert len(labels) == 2
    assert labels[0][:SHOWN] != labels[1][:SHOWN]
    assert second[:15] in labels[0] and first[:15] in labels[1]  # the most recent first, in her words


async def test_one_open_request_keeps_its_sentence(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    a_while_later(bot)
    await anna.send("Hallo? Antwortet mir jemand?")
    assert add_labels(anna) == ["✍️ Zu meiner Anfrage an SOS-Mütterzentrum hinzufügen"]


async def test_two_requests_about_one_offer_differ_by_their_numbers(bot: BotHarness) -> None:
    anna = await confirmed_resident(bot, "Anna", "de")
    first = await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    second = await send_request(bot, anna, "frauencafe", "Gibt es dort Tee?")
    a_while_later(bot)
    await anna.send("Hallo? Antwortet mir jemand?")
    labels = add_labels(anna)
    assert len(labels) == 2 and labels[0][:SHOWN] != labels[1][:SHOWN]
    numbers = [re.search(r"\d{6}", card.text or "")[0] for card in (second, first)]  # type: ignore[index]
    assert [label.split(" · ")[0] for label in labels] == [f"✍️ {number}" for number in numbers]
