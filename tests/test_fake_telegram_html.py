"""The fake Bot API gives a text sent with `parse_mode` HTML back as Telegram does: its characters without the
markup (HTML entities decoded, trimmed) and the markup as `entities`, offsets and lengths in UTF-16 code
units; so PTB's `text_html` of a message the bot reads back (a tapped screen) is the HTML it sent. What the
tests read of a chat (`Sent.text`) stays the HTML as the bot sent it.

The expected values are worked out by hand from the Bot API's rules, not by the fake's parser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.testing.fakeapi import FAKE_TOKEN, FakeTelegram, parse_text

CHAT = 4242


@pytest.fixture
async def fake() -> AsyncIterator[tuple[Bot, FakeTelegram]]:
    telegram = FakeTelegram()
    async with Bot(FAKE_TOKEN, request=telegram, get_updates_request=telegram) as bot:
        yield bot, telegram


def entities_of(message: Message) -> list[dict[str, Any]]:
    return [entity.to_dict() for entity in message.entities]


async def test_an_emoji_before_a_bold_word_counts_two_utf16_units(fake: tuple[Bot, FakeTelegram]) -> None:
    bot, telegram = fake
    sent = "🙂 <b>Hallo</b> &amp; willkommen"
    message = await bot.send_message(CHAT, sent, parse_mode=ParseMode.HTML)
    assert message.text == "🙂 Hallo & willkommen"
    # 🙂 is one character in Python, two UTF-16 code units for Telegram: "Hallo" starts at 3.
    assert entities_of(message) == [{"type": "bold", "offset": 3, "length": 5}]
    assert message.parse_entity(message.entities[0]) == "Hallo"
    assert message.text_html == sent  # PTB rebuilds the HTML that was sent
    shown = telegram.bot_messages(CHAT)[-1]
    assert shown.text == sent  # what the tests read: the HTML as the bot sent it
    assert (shown.plain, shown.entities) == (message.text, entities_of(message))


async def test_nested_tags_a_link_and_html_entities(fake: tuple[Bot, FakeTelegram]) -> None:
    bot, _telegram = fake
    sent = (
        '\n<b>fett <i>und kursiv</i></b> <a href="https://example.org/?a=1&amp;b=2">Karte</a> '
        "&lt;3 &quot;ok&quot; &#39;so&#39; Ümlaut 👨‍👩‍👧 <u>unter</u>\n\n"
    )
    message = await bot.send_message(CHAT, sent, parse_mode=ParseMode.HTML)
    # Trimmed at both ends; &lt; &quot; &#39; decoded; the family emoji is 5 characters, 8 UTF-16 units.
    assert message.text == "fett und kursiv Karte <3 \"ok\" 'so' Ümlaut 👨‍👩‍👧 unter"
    assert entities_of(message) == [
        {"type": "bold", "offset": 0, "length": 15},  # the outer entity first
        {"type": "italic", "offset": 5, "length": 10},
        {"type": "text_link", "offset": 16, "length": 5, "url": "https://example.org/?a=1&b=2"},
        {"type": "underline", "offset": 51, "length": 5},
    ]
    assert message.parse_entity(message.entities[-1]) == "unter"
    # Sent again, the HTML PTB rebuilt makes the same message (PTB escapes quotes its own way).
    assert parse_text(message.text_html, "HTML") == (message.text, entities_of(message))


async def test_every_kind_of_markup_the_bot_api_has(fake: tuple[Bot, FakeTelegram]) -> None:
    bot, _telegram = fake
    sent = (
        '<s>a</s><del>b</del><tg-spoiler>c</tg-spoiler><span class="tg-spoiler">d</span><code>e</code>'
        '<pre><code class="language-python">f</code></pre><blockquote>g</blockquote>'
        '<blockquote expandable>h</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        '<a href="tg://user?id=123">i</a><strong>j</strong><em>k</em><ins>l</ins>'
    )
    message = await bot.send_message(CHAT, sent, parse_mode=ParseMode.HTML)
    assert message.text == "abcdefgh👍ijkl"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("strikethrough", 0, 1),
        ("strikethrough", 1, 1),
        ("spoiler", 2, 1),
        ("spoiler", 3, 1),
        ("code", 4, 1),
        ("pre", 5, 1),
        ("blockquote", 6, 1),
        ("expandable_blockquote", 7, 1),
        ("custom_emoji", 8, 2),
        ("text_mention", 10, 1),
        ("bold", 11, 1),
        ("italic", 12, 1),
        ("underline", 13, 1),
    ]
    assert message.entities[5].language == "python"
    assert message.entities[8].custom_emoji_id == "5368324170671202286"
    assert message.entities[9].user is not None and message.entities[9].user.id == 123
    # PTB writes a pre's language as class="python", which Telegram reads as none: all else comes back.
    without_language = [{k: v for k, v in e.items() if k != "language"} for e in entities_of(message)]
    assert parse_text(message.text_html, "HTML") == (message.text, without_language)


async def test_an_edit_that_shows_the_same_is_not_modified_and_the_tapped_message_comes_back_parsed(
    fake: tuple[Bot, FakeTelegram],
) -> None:
    bot, telegram = fake
    message = await bot.send_message(CHAT, "<b>Tom&#39;s</b> Café", parse_mode=ParseMode.HTML)
    # The same characters and entities, HTML spelled another way: Telegram finds nothing to change.
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text(
            "<b>Tom's</b> Caf&#233;", CHAT, message.message_id, parse_mode=ParseMode.HTML
        )
    edited = await bot.edit_message_text(
        "<i>Tom's</i> Café", CHAT, message.message_id, parse_mode=ParseMode.HTML
    )
    assert isinstance(edited, Message)
    assert edited.text == "Tom's Café" and entities_of(edited) == [
        {"type": "italic", "offset": 0, "length": 5}
    ]
    # A message inside an update (a tapped screen, a message replied to) is parsed as well.
    data = telegram.message_json(telegram.bot_messages(CHAT)[-1])
    assert (data["text"], data["entities"]) == ("Tom's Café", [{"type": "italic", "offset": 0, "length": 5}])
    with pytest.raises(BadRequest, match="empty"):
        await bot.send_message(CHAT, "<b> </b>\n", parse_mode=ParseMode.HTML)


async def test_a_copy_with_a_caption_carries_caption_entities_and_one_without_keeps_the_original(
    fake: tuple[Bot, FakeTelegram],
) -> None:
    bot, telegram = fake
    original = await bot.send_message(CHAT, "<b>1 &lt; 2</b>?", parse_mode=ParseMode.HTML)
    assert original.text == "1 < 2?"
    await bot.copy_message(CHAT, CHAT, original.message_id)  # no caption: the original's text and entities
    await bot.copy_message(-100, CHAT, original.message_id, caption="<i>Anfrage</i> 🙂", parse_mode="HTML")
    plain_copy, captioned = telegram.bot_messages(CHAT)[-1], telegram.bot_messages(-100)[-1]
    assert (plain_copy.plain, plain_copy.entities) == ("1 < 2?", [{"type": "bold", "offset": 0, "length": 5}])
    assert (captioned.plain, captioned.entities) == (
        "Anfrage 🙂",
        [{"type": "italic", "offset": 0, "length": 7}],
    )
