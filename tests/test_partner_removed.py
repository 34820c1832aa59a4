"""A partner staff remove from the content (or whose request address they remove) while a request to it is
open: the request goes to the Quartiersmanagement, and she is never told that a message went somewhere it
did not. A partner whose group staff change: its open requests' cards follow it to the new group."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.testing.fakeapi import Sent
from bot.tickets import partners
from tests.harness import BotHarness, deliver, submit_request
from tests.test_requests_e2e import GROUP, QM_GROUP, content_with_group

PROVIDER = "Bildungsträger in Salzgitter"


async def remove_request_address(bot: BotHarness, content: Path) -> None:
    """Staff delete the education provider's `requests:` block and reload."""
    partners = content / "partners.yaml"
    text = partners.read_text(encoding="utf-8")
    block = (
        f"    requests:\n      telegram_chat_id: {GROUP}\n"
        "      email: bildung@example.org\n      response_hours: 48\n"
    )
    assert block in text
    partners.write_text(text.replace(block, ""), encoding="utf-8")
    assert (await bot.services.content.reload()).ok


def qm_name(bot: BotHarness) -> str:
    catalogue = bot.services.content.catalogue
    return str(catalogue.partners[catalogue.catch_all_partner_id].name["de"])


async def test_her_answer_after_the_partner_was_removed_reaches_the_quartiersmanagement(
    database_url: str, tmp_path: Path
) -> None:
    """Found in an exploratory test: she was told "Passed on to now" while her message went nowhere."""
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await submit_request(bot, anna, "deutschkurs-frauen", "Ich möchte mich anmelden")
        card = bot.telegram.bot_messages(GROUP)[-1]
        await bot.partner("Petra", GROUP).send("Wie alt sind Ihre Kinder?", reply_to=card)
        await deliver(bot)

        await remove_request_address(bot, content)
        before = len(bot.telegram.bot_messages(anna.user_id))
        await anna.send("Zwei und vier Jahre alt")
        await deliver(bot)
        told = "\n".join(m.text or "" for m in bot.telegram.bot_messages(anna.user_id)[before:])
        assert PROVIDER not in told
        assert f"An {qm_name(bot)} weitergeleitet" in told
        qm = [m.text or "" for m in bot.telegram.bot_messages(QM_GROUP)]
        assert any("Zwei und vier Jahre alt" in text for text in qm)
        assert any("bildungstraeger" in text and "keine Anfragen mehr" in text for text in qm)

        await anna.send("/requests")
        assert qm_name(bot) in (anna.last().text or "")


async def test_a_request_nobody_answered_goes_to_the_quartiersmanagement_once_its_partner_is_removed(
    database_url: str, tmp_path: Path
) -> None:
    """Found in an exploratory test: it was never reminded of nor escalated, and /requests named the id."""
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await submit_request(bot, anna, "deutschkurs-frauen", "Ich möchte mich anmelden")

        await remove_request_address(bot, content)  # the reload moves it, not a job a minute later
        await deliver(bot)
        assert any("Ich möchte mich anmelden" in (m.text or "") for m in bot.telegram.bot_messages(QM_GROUP))
        assert qm_name(bot) in (anna.last().text or "")  # she learns where it went
        await anna.send("/requests")
        assert qm_name(bot) in (anna.last().text or "") and PROVIDER not in (anna.last().text or "")


NEW_GROUP = -1_000_000_000_778


def enter_new_group(content: Path) -> None:
    """Staff enter the education provider's new group in the content."""
    partners = content / "partners.yaml"
    text = partners.read_text(encoding="utf-8")
    partners.write_text(text.replace(f"telegram_chat_id: {GROUP}", f"telegram_chat_id: {NEW_GROUP}"))


def cards_in_new_group(bot: BotHarness) -> list[Sent]:
    return [m for m in bot.telegram.bot_messages(NEW_GROUP) if "Ich möchte mich anmelden" in (m.text or "")]


async def test_open_requests_follow_a_partner_to_the_new_group_staff_entered(
    database_url: str, tmp_path: Path
) -> None:
    """Found in an exploratory test: the new group was reminded of a request it never received, and the old
    group was told the request "belongs to another organisation"."""
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await submit_request(bot, anna, "deutschkurs-frauen", "Ich möchte mich anmelden")
        card = bot.telegram.bot_messages(GROUP)[-1]

        enter_new_group(content)
        for _ in range(2):  # a second reload (or a restart) posts nothing again
            assert (await bot.services.content.reload()).ok
            await deliver(bot)
        (new_card,) = cards_in_new_group(bot)
        assert f"Hier erneut gepostet: Die Anfragen von {PROVIDER} gehen jetzt in diese Gruppe." in (
            new_card.text or ""
        )
        assert any("Übernehmen" in label for label in new_card.labels)

        petra = bot.partner("Petra", GROUP)
        await petra.tap("Übernehmen", card)
        assert "neuen Gruppe Ihrer Organisation" in str(bot.telegram.answered_callbacks[-1].get("text"))
        await petra.send("Antwort aus der alten Gruppe", reply_to=card)
        await deliver(bot)
        assert "neuen Gruppe Ihrer Organisation" in (bot.telegram.bot_messages(GROUP)[-1].text or "")
        assert "alten Gruppe" not in (anna.last().text or "")

        await bot.partner("Max", NEW_GROUP).send("Gerne, Dienstag um 9.", reply_to=new_card)
        await deliver(bot)
        assert "Dienstag um 9" in (anna.last().text or "")


@pytest.mark.db_behaviour
async def test_a_new_group_entered_while_the_bot_was_down_gets_the_open_cards_at_the_start(
    database_url: str, tmp_path: Path
) -> None:
    # No /reload: staff edit the file and restart the bot (or it stopped right after a reload).
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await submit_request(bot, anna, "deutschkurs-frauen", "Ich möchte mich anmelden")
        telegram = bot.telegram
    enter_new_group(content)
    async with BotHarness.running(database_url=database_url, content_dir=content, telegram=telegram) as bot:
        await deliver(bot)
        (new_card,) = cards_in_new_group(bot)
        assert any("Übernehmen" in label for label in new_card.labels)


async def test_when_following_the_new_content_fails_the_reminder_job_does_it(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await submit_request(bot, anna, "deutschkurs-frauen", "Ich möchte mich anmelden")
        follow = partners.follow_content

        async def fails(*args: object) -> int:
            raise ConnectionError("database gone for a moment")

        monkeypatch.setattr(partners, "follow_content", fails)
        enter_new_group(content)
        assert (await bot.services.content.reload()).ok  # the content is live all the same
        await deliver(bot)
        assert not cards_in_new_group(bot)
        monkeypatch.setattr(partners, "follow_content", follow)
        for _ in range(2):  # the next round of the job, and the one after it
            await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(minutes=1))
            await deliver(bot)
        (new_card,) = cards_in_new_group(bot)
        assert "Hier erneut gepostet" in (new_card.text or "")


async def test_a_request_sent_while_the_new_content_went_live_follows_it_at_the_jobs_next_round(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Her "Send", written with the old content, commits just after the reload's scan of the open requests:
    the scan did not see it, and the reminder job's next round looks once more (once: not every minute)."""
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await submit_request(bot, anna, "deutschkurs-frauen", "Ich möchte mich anmelden")
        follow = partners.follow_content

        async def before_her_request_was_there(*args: object) -> int:
            return 0

        monkeypatch.setattr(partners, "follow_content", before_her_request_was_there)
        enter_new_group(content)
        assert (await bot.services.content.reload()).ok
        await deliver(bot)
        assert not cards_in_new_group(bot)
        scans = []

        async def counted(*args: object) -> int:
            scans.append(1)
            return await follow(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(partners, "follow_content", counted)
        for minute in (1, 2, 3):
            await bot.services.requests.remind_and_escalate(datetime.now(UTC) + timedelta(minutes=minute))
            await deliver(bot)
        (new_card,) = cards_in_new_group(bot)
        assert "Hier erneut gepostet" in (new_card.text or "")
        assert len(scans) == 1


@pytest.mark.db_behaviour
async def test_a_group_that_went_live_during_the_jobs_scan_gets_the_cards_at_its_next_round(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staff's /reload takes the provider's new group live while the reminder job's round is scanning the
    open requests with the content it had; the reload's own scan fails (the database gone for a moment).
    The job's round counts what went live before its scan, not after it: its next round scans again and
    the new group gets the card, instead of being reminded of a request it never saw."""
    content = content_with_group(tmp_path)
    async with BotHarness.running(database_url=database_url, content_dir=content) as bot:
        anna = bot.resident("Anna", lang="de")
        await submit_request(bot, anna, "deutschkurs-frauen", "Ich möchte mich anmelden")
        desk, follow_content, own_follow = bot.services.requests, partners.follow_content, None
        reloading, live = asyncio.Event(), asyncio.Event()
        first_follow = desk._follow

        async def follow() -> int | None:
            if reloading.is_set() and not live.is_set():
                live.set()  # the new content's own scan: it fails (logged; the job's next round retries)
                return None
            return await first_follow()

        async def during_the_scan(*args: object) -> int:
            nonlocal own_follow
            if not reloading.is_set():  # the job's scan, with the old content: staff reload meanwhile
                reloading.set()
                enter_new_group(content)
                own_follow = asyncio.create_task(bot.services.content.reload())
                await live.wait()
            return await follow_content(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(desk, "_follow", follow)
        monkeypatch.setattr(partners, "follow_content", during_the_scan)
        now = datetime.now(UTC)
        await desk.remind_and_escalate(now + timedelta(minutes=1))
        assert own_follow is not None and (await own_follow).ok
        await deliver(bot)
        assert not cards_in_new_group(bot)
        await desk.remind_and_escalate(now + timedelta(minutes=2))
        await deliver(bot)
        (new_card,) = cards_in_new_group(bot)
        assert "Hier erneut gepostet" in (new_card.text or "")
