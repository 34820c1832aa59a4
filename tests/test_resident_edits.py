"""A resident edits a message she already sent (Telegram's "Edit"): in an open conversation, or in a request
she sent, the correction reaches the partner (as a partner's edit reaches her); in her draft the text is
corrected where the draft still holds it, else she is told how to correct it. Found by exploratory testing
(xr3 M3): the edit was answered with a search result, and the partner kept the wrong day and deadline."""

from __future__ import annotations

from bot.testing.fakeapi import Sent, SimUser
from tests.harness import BotHarness, deliver, skip_questions

MUETTERZENTRUM = -1_000_000_000_002  # the shipped content's partner groups
QUARTIERSMANAGEMENT = -1_000_000_000_001


def group_texts(bot: BotHarness, group: int) -> list[str]:
    return [m.text or "" for m in bot.telegram.bot_messages(group)]


async def write_to_the_cafe(person: SimUser, text: str) -> Sent:
    """From the Frauencafé's page to her message `text` to the SOS-Mütterzentrum (questions skipped)."""
    await person.send("/start o_frauencafe")
    await person.tap("🙋")
    await skip_questions(person)
    return await person.send(text)


async def test_an_edit_in_an_open_conversation_reaches_the_partner_as_her_correction(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    await write_to_the_cafe(anna, "Darf ich mein Baby mitbringen?")
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    card = bot.telegram.bot_messages(MUETTERZENTRUM)[0]
    await bot.partner("Petra", MUETTERZENTRUM).send("Gerne. Wann können Sie kommen?", reply_to=card)
    await deliver(bot)
    said = await anna.send("Ich komme am Dienstag um 10")
    await deliver(bot)
    assert "Dienstag um 10" in group_texts(bot, MUETTERZENTRUM)[-1]

    await anna.edit(said, "Ich komme am Donnerstag um 10")
    await deliver(bot)
    correction = bot.telegram.bot_messages(MUETTERZENTRUM)[-1]
    assert "Anna hat eine Nachricht korrigiert" in (correction.text or "")
    assert "Donnerstag um 10" in (correction.text or "")
    assert correction.reply_to == card.message_id  # in the request's thread
    told = anna.last()
    assert told.text == "✏️ Ihre Korrektur wurde an SOS-Mütterzentrum weitergeleitet."
    assert told.labels == ["⏹ Beenden"]  # the conversation goes on; no search result


async def test_an_edit_of_her_message_in_a_draft_corrects_what_will_be_sent(bot: BotHarness) -> None:
    olga = bot.resident("Olga", lang="ru")
    t = bot.services.i18n.translator("ru")
    written = await write_to_the_cafe(olga, "Здравствуйте, нужна помощь с письмом, срок до 12.12")
    await olga.send("Письмо от джобцентра")
    await olga.edit(written, "Здравствуйте, нужна помощь с письмом, срок до 10.12")
    corrected = olga.last()
    assert t.gettext("I have corrected this in your request too.") in (corrected.text or "")
    assert corrected.labels[0] == "✅ " + t.gettext("Done")  # her draft's screen again, no search result
    await olga.tap("✅")
    await olga.tap("💬")
    consent = olga.last().text or ""
    assert "срок до 10.12" in consent and "12.12" not in consent
    assert "Письмо от джобцентра" in consent
    await olga.tap("✅")
    await deliver(bot)
    card = group_texts(bot, MUETTERZENTRUM)[-1]
    assert "срок до 10.12" in card and "12.12" not in card


async def test_an_edited_answer_to_a_question_of_the_request_is_corrected(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("/start o_deutschkurs-frauen")
    await ayse.tap("✋")
    answer = await ayse.send("evet 5 cocuk")
    await ayse.edit(answer, "evet 1 cocuk")
    t = bot.services.i18n.translator("tr")
    assert t.gettext("I have corrected this in your request too.") in (ayse.last().text or "")
    await skip_questions(ayse)
    await ayse.tap("✅")
    await ayse.tap("💬")
    consent = ayse.last().text or ""
    assert "evet 1 cocuk" in consent and "5 cocuk" not in consent


async def test_an_edit_the_draft_no_longer_holds_is_answered_honestly(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    written = await write_to_the_cafe(anna, "Ich brauche Hilfe mit einem Brief")
    await anna.tap("🗑")  # "Delete the text": she writes anew
    await anna.send("Ich brauche einen Termin")
    await anna.edit(written, "Ich brauche Hilfe mit zwei Briefen")
    told = anna.last()
    assert told.text is not None and told.text.startswith(
        "✏️ Das konnte ich in Ihrer Anfrage nicht korrigieren"
    )
    assert "als neue Nachricht" in told.text
    await anna.tap("✅")
    await anna.tap("💬")
    consent = anna.last().text or ""
    assert "Ich brauche einen Termin" in consent and "zwei Briefen" not in consent


async def test_an_edit_of_a_message_of_a_sent_request_reaches_the_partner(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    written = await write_to_the_cafe(anna, "Ist das Café am Dienstag offen?")
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    await anna.edit(written, "Ist das Café am Donnerstag offen?")
    await deliver(bot)
    assert "Anna hat eine Nachricht korrigiert" in group_texts(bot, MUETTERZENTRUM)[-1]
    assert "Donnerstag" in group_texts(bot, MUETTERZENTRUM)[-1]
    told = anna.last()
    assert told.text == "✏️ Ihre Korrektur wurde an SOS-Mütterzentrum weitergeleitet."


async def test_an_edit_of_a_text_she_deleted_before_sending_never_reaches_the_partner(
    bot: BotHarness,
) -> None:
    """Review: her deleted words were linked to the request at "Send", and an edit of them went to the
    partner as a "correction" of a message it never got."""
    anna = bot.resident("Anna", lang="de")
    deleted = await write_to_the_cafe(anna, "Mein Mann schlägt mich, darf ich trotzdem kommen?")
    await anna.tap("🗑")  # "Delete the text": she writes anew
    await anna.send("Darf ich mein Baby mitbringen?")
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    before = group_texts(bot, MUETTERZENTRUM)
    await anna.edit(deleted, "Mein Mann schlägt mich, darf ich trotzdem am Dienstag kommen?")
    await deliver(bot)
    assert group_texts(bot, MUETTERZENTRUM) == before
    assert not any("schlägt" in text for text in before)


async def test_an_edit_of_a_short_message_corrects_that_message_not_the_same_words_before_it(
    bot: BotHarness,
) -> None:
    """Review: the draft replaced the first occurrence of her old words, so "2" edited to "3" changed the
    "2" of her first line and left the one she edited."""
    anna = bot.resident("Anna", lang="de")
    await write_to_the_cafe(anna, "Ich habe 2 Kinder.")
    await anna.send("Wie viele Plätze sind frei? Wir sind 2")
    count = await anna.send("2")
    await anna.edit(count, "3")
    assert anna.last().text is not None and "korrigiert" in anna.last().text
    await anna.edit(count, "4")  # edited again: still that message, not the "2"s before it
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    card = group_texts(bot, MUETTERZENTRUM)[-1]
    assert "Ich habe 2 Kinder.\n\nWie viele Plätze sind frei? Wir sind 2\n\n4" in card


async def test_a_caption_edited_in_her_draft_and_after_sending_goes_on_as_an_edited_text(
    bot: BotHarness,
) -> None:
    """Review rv8 #6: the photo went out with the caption as first sent (her phone number she had edited
    out reached the partner), and a caption edited after sending was not passed on as her correction."""
    from tests.test_restart_keeps_her_words import edit_caption  # that module imports this one

    anna = bot.resident("Anna", lang="de")
    await write_to_the_cafe(anna, "Können Sie mir mit dem Brief helfen?")
    photo = await anna.send_photo("Der Brief, rufen Sie 0171 2345678 an")
    await edit_caption(anna, photo, "Der Brief vom Jobcenter")
    assert "Das habe ich auch in Ihrer Anfrage korrigiert." in (anna.last().text or "")
    await anna.tap("✅")
    await anna.tap("💬")
    await anna.tap("✅")
    await deliver(bot)
    sent = bot.telegram.bot_messages(MUETTERZENTRUM)
    assert not any("2345678" in (m.text or "") for m in sent)
    assert sent[-1].kind == "photo" and "Der Brief vom Jobcenter" in (sent[-1].text or "")
    await edit_caption(anna, photo, "Der Brief vom Jobcenter, Frist 10.12.")
    await deliver(bot)
    assert "Anna hat eine Nachricht korrigiert" in group_texts(bot, MUETTERZENTRUM)[-1]
    assert "Frist 10.12." in group_texts(bot, MUETTERZENTRUM)[-1]
    assert anna.last().text == "✏️ Ihre Korrektur wurde an SOS-Mütterzentrum weitergeleitet."
