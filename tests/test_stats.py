"""/stats for the Quartiersmanagement's staff: what they read must be what they know from the content."""

from __future__ import annotations

from bot.handlers.admin import reloads_done
from bot.testing.fakeapi import SimUser
from tests.harness import BotHarness

ADMIN_CHAT = -1_000_000_000_500


async def test_votes_are_listed_by_the_entries_german_titles_not_their_ids(database_url: str) -> None:
    """Found in exploratory testing (xr4 #10): the votes read "offer:deutschkurs-frauen – 0 / 1"; staff
    think in titles. An entry the content no longer has keeps its id (there is no title to show)."""
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        anna = bot.resident("Anna", lang="tr")
        await anna.send("/start")
        feedback = bot.services.feedback
        await feedback.vote(anna.user_id, "offer", "deutschkurs-frauen", helpful=False)
        await feedback.vote(anna.user_id, "faq", "kosten", helpful=True)
        await feedback.vote(anna.user_id, "offer", "gibt-es-nicht-mehr", helpful=True)
        await bot.partner("Nadine", ADMIN_CHAT).send("/stats")
        stats = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
    lines = stats.splitlines()
    assert "Deutschkurs für Frauen mit Kinderbetreuung – 0 / 1" in lines, stats
    assert "❓ Was kostet das? – 1 / 0" in lines, stats
    assert "offer:gibt-es-nicht-mehr – 1 / 0" in lines, stats
    assert "offer:deutschkurs-frauen" not in stats and "faq:kosten" not in stats


async def test_stats_without_data_says_so_under_each_heading(database_url: str) -> None:
    """Found in exploratory testing: /stats on a new bot showed two headings with nothing under them, which
    read as if something had failed. Each empty section says that there is nothing yet."""
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        await bot.partner("Nadine", ADMIN_CHAT).send("/stats")
        stats = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
    lines = stats.splitlines()
    assert lines[:2] == ["<b>Hat das geholfen? (👍 / 👎)</b>", "<i>Noch keine Bewertungen.</i>"], stats
    assert lines[3:5] == ["<b>Fragen ohne Antwort</b>", "<i>Noch keine Fragen ohne Antwort.</i>"], stats


async def test_staff_commands_answer_in_the_staff_members_telegram_language(database_url: str) -> None:
    """Found in exploratory testing: /stats and /reload answered only in German, though their sentences are
    in every catalog. They answer in the language of the staff member's phone; the votes keep the entries'
    German titles, as staff know them from the content."""
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start")
        await bot.services.feedback.vote(anna.user_id, "offer", "deutschkurs-frauen", helpful=True)
        ayten = SimUser(bot.telegram, bot.app, 900_123, "Ayten", language_code="tr").in_group(ADMIN_CHAT)
        await ayten.send("/stats")
        stats = bot.telegram.bot_messages(ADMIN_CHAT)[-1].text or ""
        olena = SimUser(bot.telegram, bot.app, 900_124, "Olena", language_code="uk").in_group(ADMIN_CHAT)
        await olena.send("/reload")
        await reloads_done()
        started, reloaded = [m.text or "" for m in bot.telegram.bot_messages(ADMIN_CHAT)[-2:]]
    lines = stats.splitlines()
    assert "<b>Cevapsız sorular</b>" in lines
    assert "Deutschkurs für Frauen mit Kinderbetreuung – 1 / 0" in lines
    assert started == "Перевіряю контент …", started
    assert reloaded.startswith("Новий контент опубліковано"), reloaded
