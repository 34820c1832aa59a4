"""What the privacy notice promises: /delete forgets the resident, old data is purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot import jobs
from bot.storage.models import Resident
from bot.storage.models.feedback import UnansweredQuestion
from bot.storage.models.outbox import OutboxMessage
from bot.storage.models.requests import Request
from tests.harness import BotHarness, fill_in_request


async def count(bot: BotHarness, model: type) -> int:
    async with bot.services.database.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_delete_forgets_the_resident_and_their_requests(bot: BotHarness) -> None:
    olga = bot.resident("Olga", lang="ru")
    await fill_in_request(olga, "briefe-aemter", "Письмо из джобцентра, ничего не понимаю")
    await olga.tap("✅")
    assert await count(bot, Request) == 1

    assert await count(bot, OutboxMessage) >= 2  # the card and the acknowledgement, not yet sent

    await olga.send("/delete")
    assert "🗑" in olga.last().labels[0]
    await olga.tap(1)
    assert await count(bot, Request) == 0
    assert await count(bot, OutboxMessage) == 0  # her words do not wait in the outbox either
    while await bot.services.delivery.run_once():  # type: ignore[union-attr]
        pass
    assert not bot.telegram.bot_messages(-1_000_000_000_001)  # the card never reached the partner
    async with bot.services.database.sessions() as session:
        assert await session.get(Resident, olga.user_id) is None


async def test_privacy_notice_is_shown_in_the_residents_language(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    await ayse.send("/privacy")
    text = ayse.last().text or ""
    assert text and "Datenschutz" not in text.split("\n")[0]


async def test_old_unanswered_questions_and_finished_requests_are_purged(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start")
    await anna.send("Xylophon Reparatur Mondlandung")
    assert await count(bot, UnansweredQuestion) == 1
    now = datetime.now(UTC)
    bot.services.clock = lambda: now + timedelta(days=29)
    assert await jobs.purge_old_data(bot.services) == 0
    bot.services.clock = lambda: now + timedelta(days=31)
    assert await jobs.purge_old_data(bot.services) == 1
    assert await count(bot, UnansweredQuestion) == 0


async def test_drafts_nobody_came_back_to_are_purged(bot: BotHarness) -> None:
    from bot.storage.models.requests import Dialogue

    olga = bot.resident("Olga", lang="ru")
    await olga.send("/start o_briefe-aemter")
    await olga.tap("✋")
    assert await count(bot, Dialogue) == 1
    now = datetime.now(UTC)
    bot.services.clock = lambda: now + timedelta(hours=23)
    assert await jobs.purge_old_data(bot.services) == 0
    bot.services.clock = lambda: now + timedelta(hours=25)  # DRAFT_RETENTION_HOURS = 24
    assert await jobs.purge_old_data(bot.services) == 1
    assert await count(bot, Dialogue) == 0


async def test_sent_messages_leave_the_outbox_after_the_retention_period(bot: BotHarness) -> None:
    from bot.storage.models.outbox import Audience, Channel, OutboxStatus

    now = datetime.now(UTC)
    async with bot.services.database.transaction() as session:
        for age, status in ((200, OutboxStatus.SENT), (10, OutboxStatus.SENT), (200, OutboxStatus.PENDING)):
            session.add(
                OutboxMessage(
                    channel=Channel.TELEGRAM,
                    target="1",
                    audience=Audience.RESIDENT,
                    method="sendMessage",
                    payload={"text": "Antwort"},
                    status=status,
                    dedupe_key=f"old-{age}-{status}",
                    created_at=now - timedelta(days=age),
                )
            )
    bot.services.clock = lambda: now
    await jobs.purge_old_data(bot.services)
    async with bot.services.database.sessions() as session:
        left = sorted(key for key in (await session.execute(select(OutboxMessage.dedupe_key))).scalars())
    assert left == ["old-10-sent", "old-200-pending"]  # only finished rows past the retention go


def test_the_shipped_privacy_notice_names_the_default_retention_periods_in_every_language() -> None:
    """The notice is content, the periods are settings: a changed default must change the text too."""
    from pathlib import Path

    from bot.content.catalogue import load_catalogue
    from bot.settings import Settings

    defaults = Settings.model_fields
    hours = defaults["draft_retention_hours"].default
    days = defaults["unanswered_retention_days"].default
    months = defaults["request_retention_days"].default // 30
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    catalogue, _ = load_catalogue(Path(__file__).resolve().parents[1] / "content")
    for lang, text in catalogue.privacy_notice.text.items():
        for period in (hours, days, months):
            assert str(period) in text or str(period).translate(persian) in text, (lang, period)
