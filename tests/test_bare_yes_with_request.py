"""A bare yes while a request of hers is open, with ✍️ below to send it there, reads as friendly as a bare
no (explore: "Ja" got "Entschuldigung, ich weiß nicht genau, worauf sich Ihre Antwort bezieht …", as if the
bot failed, while "Nein" got "Alles klar!")."""

from __future__ import annotations

import pytest

from tests.harness import BotHarness, confirmed_resident
from tests.test_conversation import send_request
from tests.test_follow_up_to_a_request import HINT, HINTS

ALL_RIGHT = "All right! If you need anything else, write your question or choose from the menu."
NOT_SURE = (
    "Sorry, I'm not sure what your answer refers to. Please write your question in a few words or "
    "choose from the menu – or ask a person."
)


@pytest.mark.parametrize(
    ("lang", "yes", "no"),
    [("de", "Ja", "Nein"), ("tr", "evet", "hayır"), ("ar", "نعم", "لا"), ("uk", "так", "ні")],
)
async def test_a_bare_yes_or_no_with_her_request_open_both_read_all_right(
    bot: BotHarness, lang: str, yes: str, no: str
) -> None:
    t = bot.services.i18n.translator(lang)
    anna = await confirmed_resident(bot, "Anna", lang)
    await anna.send(yes)  # no request yet: the bot cannot tell what it answers, and says so
    assert anna.last().text == t.html(NOT_SURE)
    await send_request(bot, anna, "frauencafe", "Darf ich mein Baby mitbringen?")
    for word in (yes, no):
        await anna.send(word)
        offered = anna.last()
        assert offered.text == t.html(ALL_RIGHT) + "\n\n" + t.nhtml(HINT, HINTS, 1), word
        assert offered.labels[0].startswith("✍️"), word
