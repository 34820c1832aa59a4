"""One error handler: the resident gets a polite answer in their language, staff get the traceback."""

from __future__ import annotations

from typing import Any

from telegram.error import BadRequest

from tests.harness import BotHarness

ADMIN_CHAT = -1_000_000_000_500


class FailingSearch:
    """A search service that raises `error` for every question."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def answer(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error

    async def answer_async(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error


async def test_an_unexpected_error_is_apologised_for_and_reported_to_staff(database_url: str) -> None:
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        ayse = bot.resident("Ayşe", lang="tr")
        await ayse.send("/start")
        bot.services.search = FailingSearch(RuntimeError("index exploded"))  # type: ignore[assignment]
        await ayse.send("gizli sorum: almanca kursu")
        apology = bot.services.i18n.translator("tr").gettext(
            "Sorry, something went wrong on my side. Please try again in a moment."
        )
        assert ayse.last().text == apology
        staff = [m.text or "" for m in bot.telegram.bot_messages(ADMIN_CHAT)]
        assert any("RuntimeError" in text and "index exploded" in text for text in staff)
        assert not any("gizli sorum" in text for text in staff)  # never a resident's message


async def test_a_rejected_message_is_reported_not_taken_for_a_network_hiccup(database_url: str) -> None:
    async with BotHarness.running(database_url=database_url, admin_chat_id=ADMIN_CHAT) as bot:
        olga = bot.resident("Olga", lang="ru")
        await olga.send("/start")
        rejected = BadRequest("Can't parse entities: unexpected end tag")
        bot.services.search = FailingSearch(rejected)  # type: ignore[assignment]
        await olga.send("вопрос")
        assert any("BadRequest" in (m.text or "") for m in bot.telegram.bot_messages(ADMIN_CHAT))


async def test_a_stale_button_on_a_partner_card_leaves_the_card_alone(bot: BotHarness) -> None:
    petra = bot.partner("Petra", -1_000_000_000_003)
    await petra.send("Hallo zusammen")
    card = bot.telegram.messages(-1_000_000_000_003)[-1]
    before = len(bot.telegram.bot_messages(-1_000_000_000_003))
    await petra.press("offer:gibt-es-nicht", card)
    assert bot.telegram.answered_callbacks[-1].get("text")
    assert len(bot.telegram.bot_messages(-1_000_000_000_003)) == before
