"""How the German texts name requests and organisations: the partner group's notes and the resident's files
there, and the organisation a German-speaking resident writes to."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from tests.harness import ROOT, BotHarness, deliver, skip_questions
from tests.test_conversation import MUETTERZENTRUM, send_request


async def test_a_photo_without_words_arrives_from_the_resident_not_as_an_empty_quote(bot: BotHarness) -> None:
    # Found by exploratory testing: a photo or voice message arrived as "Anfrage Nr. 731046: Fatima
    # schreibt:" with nothing after the colon.
    fatima = bot.resident("Fatima", lang="ar")
    card = await send_request(bot, fatima, "frauencafe", "هل يمكنني إحضار طفلي؟")
    number = re.search(r"Anfrage Nr\. (\d+)", card.text or "")
    assert number is not None
    await fatima.send("/requests")
    await fatima.tap("✏️")
    await fatima.send_photo(None)
    await fatima.send_voice()
    await fatima.send_photo("رسالة من المدرسة")
    await deliver(bot)
    photo, voice, captioned = bot.telegram.bot_messages(MUETTERZENTRUM)[-3:]
    assert photo.kind == "photo" and photo.text == f"<b>Anfrage Nr. {number[1]}: von Fatima</b>"
    assert voice.kind == "voice" and voice.text == f"<b>Anfrage Nr. {number[1]}: von Fatima</b>"
    assert "Fatima schreibt:</b>" in (captioned.text or "") and "رسالة من المدرسة" in (captioned.text or "")


@pytest.mark.parametrize("catalog", ["de", "de_simple"])
def test_every_german_text_names_a_request_by_its_number_the_same_way(catalog: str) -> None:
    # "Die Person hat Anfrage 840658 wieder geöffnet." next to "Anfrage Nr. 840658 …" everywhere else.
    with open(ROOT / "locales" / catalog / "LC_MESSAGES" / "bot.po", "rb") as po:
        texts = [str(m.string) for m in read_po(po) if m.id and m.string]
    assert [text for text in texts if re.search(r"Anfrage \{number\}", text)] == []
    assert [text for text in texts if "Anfrage Nr. {number}" in text]


async def test_an_organisations_name_needs_no_article_in_the_german_request_dialogue(bot: BotHarness) -> None:
    # Found by exploratory testing: „Wie soll Türkisch-islamische Gemeinde Ihnen antworten?“ (the article the
    # sentence needs cannot come with every name).
    nora = bot.resident("Nora", lang="de")
    await nora.send("/start o_sprachcafe")
    await nora.tap(1)
    await skip_questions(nora)
    write = nora.last().text or ""
    assert "Schreiben Sie Ihre Nachricht an die Organisation „Türkisch-islamische Gemeinde" in write
    await nora.send("Kann ich am Freitag kommen?")
    await nora.tap("✅")
    assert "Wie soll die Organisation „Türkisch-islamische Gemeinde" in (nora.last().text or "")


async def test_a_bot_command_replied_to_the_card_is_not_relayed_and_the_group_is_told(
    bot: BotHarness,
) -> None:
    # Found by exploratory testing: "/requests", "/mydata", "/start" reached the resident as the
    # organisation's answer ("💬 Antwort von SOS-Mütterzentrum …: /requests").
    anna = bot.resident("Anna", lang="de")
    card = await send_request(bot, anna, "frauencafe", "Ist das Café samstags offen?")
    seen = len(bot.telegram.bot_messages(anna.user_id))
    petra = bot.partner("Petra", MUETTERZENTRUM)
    for command in ("/requests", "/mydata", "/start"):
        await petra.send(command, reply_to=card)
    await deliver(bot)
    assert len(bot.telegram.bot_messages(anna.user_id)) == seen
    told = bot.telegram.bot_messages(MUETTERZENTRUM)[-1].text or ""
    assert "Befehle" in told and "nicht an die Person weitergeleitet" in told
    await petra.send("Ja, samstags von 10 bis 12 Uhr.", reply_to=card)
    await deliver(bot)
    assert "samstags von 10 bis 12 Uhr" in (anna.last().text or "")
