"""A partner's reply to a copy of a bot message whose id the bot never learned still finds its request."""

from __future__ import annotations

from pathlib import Path

from bot.testing.fakeapi import Sent
from tests.harness import COURSE_GROUP, BotHarness, content_with_partner_group, fill_in_request

GROUP = COURSE_GROUP
OTHER_GROUP = -1_000_000_000_223


def unrecorded_copy(bot: BotHarness, card: Sent, chat_id: int) -> Sent:
    """The card as it arrived a second time (a send that timed out and was repeated): the bot has no id."""
    telegram = bot.telegram
    copy = Sent(chat_id, telegram.next_message_id(chat_id), card.text, card.reply_markup)
    return telegram.store(copy)


async def test_a_reply_to_an_unrecorded_copy_of_the_card_reaches_the_resident(
    database_url: str, tmp_path: Path
) -> None:
    content = content_with_partner_group(tmp_path, "bildungstraeger", GROUP)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        amal = bot.resident("Amal", lang="de")
        await fill_in_request(amal, "deutschkurs-frauen", "Ich möchte mich anmelden")
        await amal.tap("✅")
        delivery = bot.services.delivery
        assert delivery is not None
        while await delivery.run_once():
            pass
        card = bot.telegram.bot_messages(GROUP)[-1]

        # In another partner's group the same text maps to nothing: that group does not handle the request.
        stranger = bot.partner("Max", OTHER_GROUP)
        await stranger.send("Wir machen das!", reply_to=unrecorded_copy(bot, card, OTHER_GROUP))
        copy = unrecorded_copy(bot, card, GROUP)
        petra = bot.partner("Petra", GROUP)
        await petra.send("Gerne, Dienstag um 9.", reply_to=copy)
        await petra.send("Und bitte den Ausweis mitbringen.", reply_to=copy)  # now mapped by its id
        while await delivery.run_once():
            pass
        texts = [m.text or "" for m in bot.telegram.bot_messages(amal.user_id)]
        assert len([t for t in texts if "Dienstag um 9" in t]) == 1
        assert len([t for t in texts if "Ausweis" in t]) == 1
        assert not [t for t in texts if "Wir machen das" in t]
