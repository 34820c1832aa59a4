"""Requests as people chat, end to end through the real handlers: drafts never swallow navigation or new
questions; a partner's question opens a conversation; photos start a request."""

from __future__ import annotations

from bot.testing.fakeapi import SimUser
from tests.harness import BotHarness


def screen(person: SimUser) -> str:
    return person.last().text or ""


async def skip_questions(person: SimUser) -> None:
    while any("⏭" in label for label in person.last().labels):
        await person.tap("⏭")


async def start_course_signup(bot: BotHarness) -> SimUser:
    """A resident signs up for the women's German course: the course topic first asks about childcare."""
    ayse = bot.resident("Ayşe", lang="de")
    await ayse.send("/start")
    await ayse.tap("Deutsch")
    if "Stadtteil" in screen(ayse):
        await ayse.tap(1)
    await ayse.send("/start o_deutschkurs-frauen")
    await ayse.tap("✋")
    assert "Kinderbetreuung" in screen(ayse)
    return ayse


async def test_navigation_parks_the_draft_and_the_menu_offers_to_continue_it(bot: BotHarness) -> None:
    ayse = await start_course_signup(bot)
    await ayse.send("/start")
    menu = ayse.last()
    assert "Sie haben eine unfertige Anfrage an" in (menu.text or "")
    assert menu.labels[:2] == ["▶️ Weiter", "🗑 Verwerfen"]
    # The next question goes to the search, not into the draft as the answer about childcare.
    await ayse.send("Wo ist das Quartiersbüro?")
    assert "Kinderbetreuung" not in screen(ayse)
    assert "Ist das Ihre Antwort" not in screen(ayse)
    await ayse.send("/anfragen")
    assert "Sie haben eine unfertige Anfrage an" in screen(ayse)
    await ayse.tap("▶️ Weiter")
    assert "Kinderbetreuung" in screen(ayse)  # the draft, where she left it
    await ayse.send("Nein, danke")
    await skip_questions(ayse)
    assert "Schreiben Sie Ihre Nachricht an" in screen(ayse)
    # A tap on the (older) menu parks it again; "Discard" drops it.
    await ayse.tap("Kurse", menu)
    await ayse.send("/menu")
    await ayse.tap("🗑 Verwerfen")
    assert "Abgebrochen" in screen(ayse)
    await ayse.send("/menu")
    assert "unfertige Anfrage" not in screen(ayse)


async def test_a_question_while_an_intake_question_waits_asks_whether_it_is_the_answer(
    bot: BotHarness,
) -> None:
    ayse = await start_course_signup(bot)
    await ayse.send("Wo ist das Quartiersbüro?")
    asked = ayse.last()
    assert "Ist das Ihre Antwort an" in (asked.text or "") and "oder eine neue Frage?" in (asked.text or "")
    assert asked.labels == ["✍️ Meine Antwort", "🔎 Eine neue Frage"]
    await ayse.tap("🔎 Eine neue Frage")
    answer = screen(ayse)
    assert "Ist das Ihre Antwort" not in answer and "Kinderbetreuung" not in answer
    # The draft waits; from the menu she continues it and answers the question after all.
    await ayse.send("/menu")
    await ayse.tap("▶️ Weiter")
    assert "Kinderbetreuung" in screen(ayse)
    await ayse.send("Ja, für zwei Kinder?")
    await ayse.tap("✍️ Meine Antwort")
    await skip_questions(ayse)
    assert "Schreiben Sie Ihre Nachricht an" in screen(ayse)
    await ayse.tap("✅")
    await ayse.tap("💬")
    assert "Ja, für zwei Kinder?" in screen(ayse)  # the consent screen shows her answer
