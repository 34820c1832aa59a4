"""The check screen before "Send" previews a long message in its first 600 characters, cut after a whole
word; the partner gets all of it.

Found in review: the preview was cut at exactly 600 characters, mid-word ("…bitte um einen Ter …")."""

from __future__ import annotations

import re

from bot.render.requests import PREVIEW_CHARS, preview
from bot.testing.fakeapi import parse_text
from tests.harness import BotHarness, deliver, skip_questions
from tests.test_conversation import MUETTERZENTRUM, group_texts

SENTENCES = (
    "Sehr geehrte Damen und Herren, ich wohne seit drei Jahren in der Ostsiedlung und habe zwei Kinder.",
    "Mein Vermieter hat mir geschrieben, dass die Nebenkostenabrechnung nachgezahlt werden muss.",
    "Ich verstehe den Brief nicht ganz und weiß nicht, ob die Forderung richtig ist.",
    "Können Sie mir bitte helfen, den Brief zu lesen und eine Antwort zu schreiben?",
    "Außerdem suche ich einen Deutschkurs am Vormittag, während meine Tochter im Kindergarten ist.",
    "Donnerstags habe ich leider keine Zeit, weil ich dann beim Jobcenter einen Termin habe.",
)


def german_letter(length: int) -> str:
    """A German message of exactly `length` characters, made of whole words."""
    words = " ".join(SENTENCES[i % len(SENTENCES)] for i in range(length // 40)).split()
    text = ""
    for word in words:
        if len(text) + 1 + len(word) > length:
            break
        text = f"{text} {word}" if text else word
    return text + "." * (length - len(text))


def test_a_preview_is_cut_after_the_last_whole_word_and_a_single_long_word_where_the_limit_falls() -> None:
    assert preview("kurz") == "kurz"
    assert preview("Guten Tag " * 100) == ("Guten Tag " * 60).rstrip() + " …"  # the limit at a word's end
    text = "Nebenkostenabrechnung " * 40
    shown = preview(text)
    assert shown.endswith("Nebenkostenabrechnung …") and len(shown) <= PREVIEW_CHARS + 2
    link = "https://example.org/" + "a" * 800
    assert preview(link) == link[:PREVIEW_CHARS] + " …"


async def test_a_long_german_message_is_previewed_to_a_whole_word_and_reaches_the_partner_whole(
    bot: BotHarness,
) -> None:
    """A 5,000-character message (two Telegram messages: one takes 4,096 at most): the check screen shows its
    start up to a whole word, then " …", and says the whole message will be sent; the partner's card
    carries all of it, in numbered parts."""
    letter = german_letter(5_000)
    cut = 2_600 + letter[2_600:].index(" ")
    first, second = letter[:cut], letter[cut + 1 :]
    assert len(letter) == 5_000 and len(first) < 4_096 and len(second) < 4_096

    ayse = bot.resident("Ayşe", lang="de")
    await ayse.send("/start o_frauencafe")
    await ayse.tap(1)
    await skip_questions(ayse)
    await ayse.send(first)
    await ayse.send(second)
    await ayse.tap("✅")
    await ayse.tap("💬")
    check = ayse.last()
    screen = check.text or ""
    shown = re.search(r"<i>(.*?)</i>", screen, re.DOTALL)
    assert shown is not None
    start = parse_text(shown.group(1), "HTML")[0]
    assert start.endswith(" …")
    kept = start.removesuffix(" …")
    assert letter.startswith(kept) and letter[len(kept)] == " "  # a whole word, then " …"
    assert len(kept) > PREVIEW_CHARS - 40  # and not much less than the 600 characters
    assert "(hier gekürzt – die ganze Nachricht wird gesendet)" in parse_text(screen, "HTML")[0]

    await ayse.tap("✅")
    await deliver(bot)
    parts = [parse_text(text, "HTML")[0] for text in group_texts(bot, MUETTERZENTRUM)]
    assert len(parts) >= 2 and all(len(part) <= 4_096 for part in parts)
    assert parts[0].endswith(f"(1/{len(parts)})") and parts[-1].endswith(f"({len(parts)}/{len(parts)})")
    card = re.sub(r"\s*\(\d+/\d+\)\s*", " ", " ".join(parts))
    assert " ".join(letter.split()) in " ".join(card.split())
