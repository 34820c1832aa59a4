"""The partner's card names the language her message is written in where it differs from her bot language,
and the parts of one long message her phone cut reach the card joined, not as paragraphs.

Found in an exploratory test: the card said "Sprache: Türkisch (Türkçe)" for Arabic typed by a resident
whose bot speaks Turkish, and "Sprache: Deutsch" for Turkish typed on a German phone; the partner answers
by that line. A 5,000-character message (4,096 + 904, cut mid-word) reached the card as "Aus\n\nfüllen"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import I18n
from bot.render.partners import CardView, partner_card_email
from bot.storage.models.requests import ContactPreference
from bot.testing.fakeapi import client_parts, parse_text
from tests.harness import BotHarness, SimUser, deliver, skip_questions
from tests.test_conversation import MUETTERZENTRUM, group_texts
from tests.test_long_message_preview import german_letter

ROOT = Path(__file__).resolve().parents[1]


async def card_for(bot: BotHarness, person: SimUser, *messages: str) -> str:
    """`person` asks the SOS-Mütterzentrum about the Frauencafé in `messages`; the card as its group reads
    it (its parts joined)."""
    await person.send("/start o_frauencafe")
    await person.tap(1)
    await skip_questions(person)
    for message in messages:
        await person.send(message)
    await person.tap("✅")
    await person.tap("💬")
    await person.tap("✅")
    await deliver(bot)
    cards = [parse_text(text, "HTML")[0] for text in group_texts(bot, MUETTERZENTRUM)]
    return "\n".join(text for text in cards if "📨" in text or "(2/" in text)


def language_line(card: str) -> str:
    return next(line for line in card.splitlines() if line.startswith("Sprache:"))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)  # requests.written_in (0023)
async def test_arabic_typed_by_a_resident_whose_bot_speaks_turkish_is_named_on_the_card(
    bot: BotHarness,
) -> None:
    leyla = bot.resident("Leyla", lang="tr")
    card = await card_for(
        bot, leyla, "مرحبا، هل يمكنني أن آتي مع طفلي الصغير؟ أنا لا أتكلم التركية جيدا. شكرا جزيلا"
    )
    assert language_line(card) == "Sprache: Türkisch (Türkçe) – schreibt auf Arabisch"


async def test_turkish_typed_on_a_german_phone_is_named_on_the_card(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="de")
    card = await card_for(
        bot, ayse, "Merhaba, bebeğimi de getirebilir miyim? Almanca bilmiyorum. Teşekkürler"
    )
    assert language_line(card) == "Sprache: Deutsch – schreibt auf Türkisch"


async def test_german_on_a_german_phone_names_one_language_as_before(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    card = await card_for(bot, anna, "Guten Tag, darf ich mein Baby mitbringen? Vielen Dank")
    assert language_line(card) == "Sprache: Deutsch"


def test_the_email_card_names_both_and_a_script_whose_letters_do_not_tell_the_language() -> None:
    t = I18n(ROOT / "locales").translator("de")
    card = CardView("A-1", "Leyla", "tr", ContactPreference.CHAT, None, None, None, None, written_in="ar")
    _subject, text, html = partner_card_email(t, card, "SOS-Mütterzentrum", True)
    assert "Sprache: Türkisch (Türkçe) – schreibt auf Arabisch" in text
    assert "Sprache: Türkisch (Türkçe) – schreibt auf Arabisch" in html
    unsure = CardView(
        "A-2", "Olena", "de", ContactPreference.CHAT, None, None, None, None, written_in="cyrillic"
    )
    _subject, text, _html = partner_card_email(t, unsure, "SOS-Mütterzentrum", True)
    assert "Sprache: Deutsch – schreibt in kyrillischer Schrift (Russisch oder Ukrainisch)" in text


async def test_a_long_message_her_phone_cut_reaches_the_card_joined_where_it_was_cut(bot: BotHarness) -> None:
    """Telegram takes 4,096 characters in a message: a phone cuts a 5,000-character one there, also
    mid-word. Its parts join without the blank line between separate messages; two short ones keep it."""
    letter = next(
        text
        for text in (f"{'Sehr' * k} {german_letter(4_999 - 4 * k)}" for k in range(1, 12))
        if text[4_095].isalpha() and text[4_096].isalpha()
    )
    first, second = client_parts(letter)  # "…Aus" | "füllen…", as a phone sends it
    assert (first, second) == (letter[:4_096], letter[4_096:])
    ayse = bot.resident("Ayşe", lang="de")
    card = await card_for(bot, ayse, first, second, "Danke schön!", "Bis bald")
    words = " ".join(re.sub(r"\(\d+/\d+\)", " ", card).split())
    assert f"{first.split()[-1]}{second.split()[0]}" in words  # no blank line at the cut, nor a space
    assert " ".join(letter.split()) in words
    assert "Danke schön!\n\nBis bald" in card  # separate messages keep theirs
    assert second.split()[-1] in card
    assert f"{second[-20:]}\n\nDanke schön!" in card


async def test_a_part_the_desktop_app_cut_at_a_space_joins_with_one_space(bot: BotHarness) -> None:
    """Telegram Desktop cuts at a space before the limit, and the space goes: one space joins the parts."""
    letter = german_letter(5_000)
    cut = letter.rindex(" ", 0, 4_096)
    first, second = letter[:cut], letter[cut + 1 :]
    assert 4_096 - 200 <= len(first) < 4_096
    ayse = bot.resident("Ayşe", lang="de")
    card = await card_for(bot, ayse, first, second)
    assert f"{first[-30:]}\n\n{second[:30]}" not in card  # (her words recur: so not "… in card")
    assert " ".join(letter.split()) in " ".join(re.sub(r"\(\d+/\d+\)", " ", card).split())


async def test_an_edit_of_the_first_part_of_a_cut_message_is_corrected_in_place(bot: BotHarness) -> None:
    """She corrects a word in the first part (Telegram edits that message): the draft's text changes there,
    the parts stay joined, and the card carries the corrected text."""
    letter = german_letter(5_000)
    ayse = bot.resident("Ayşe", lang="de")
    await ayse.send("/start o_frauencafe")
    await ayse.tap(1)
    await skip_questions(ayse)
    first, second = await ayse.send_long(letter)
    fixed = (first.text or "").replace("Sehr geehrte", "Liebe", 1)
    await ayse.edit(first, fixed)
    await ayse.tap("✅")
    await ayse.tap("💬")
    await ayse.tap("✅")
    await deliver(bot)
    cards = [parse_text(text, "HTML")[0] for text in group_texts(bot, MUETTERZENTRUM)]
    words = " ".join(re.sub(r"\(\d+/\d+\)", " ", "\n".join(cards)).split())
    assert " ".join(f"{fixed}{second.text}".split()) in words
    assert "Sehr geehrte" not in words.split("Liebe", 1)[0]
