"""A restart while the content folder holds an error that /reload refused: the bot starts with the last
content that was live and tells the staff chat, instead of not starting at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.service import LastGoodContent, content_version
from bot.testing.fakeapi import FAKE_TOKEN
from tests.harness import ROOT, BotHarness, cli_environment, deliver, run_cli_here

ADMIN_CHAT = -1_000_000_000_500
QUARTIERSMANAGEMENT = -1_000_000_000_001  # the catch-all's group in the shipped content
SPRACHCAFE = Path("offers") / "sprachcafe.yaml"


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def edit(content: Path, old: str, new: str) -> None:
    path = content / SPRACHCAFE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def staff_messages(bot: BotHarness) -> list[str]:
    await deliver(bot)
    return [message.text or "" for message in bot.telegram.bot_messages(ADMIN_CHAT)]


async def test_a_restart_with_a_refused_typo_answers_with_the_last_live_content_and_tells_the_staff(
    database_url: str, tmp_path: Path
) -> None:
    content, kept = copy_content(tmp_path), tmp_path / "data" / "content-last-good"
    settings = {"content_dir": content, "last_good_content_dir": kept, "admin_chat_id": ADMIN_CHAT}
    async with BotHarness.running(database_url=database_url, **settings) as bot:
        # Staff rename the Sprachcafé and take it live with /reload.
        edit(content, "de: Sprachcafé", "de: Sprachcafé am Markt")
        assert (await bot.services.content.reload()).ok
        # Then a typo (a tab) that /reload refuses, left on the server overnight.
        edit(content, "    partner:", "\tpartner:")
        assert not (await bot.services.content.reload()).ok

    async with BotHarness.running(database_url=database_url, **settings) as bot:  # the night's reboot
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start o_sprachcafe")
        assert "Sprachcafé am Markt" in (anna.last().text or "")
        told = (await staff_messages(bot))[-1]
        assert "Bot wurde neu gestartet" in told and "letzten Inhalt" in told
        assert "sprachcafe.yaml, Zeile" in told and "Tabulator" in told

        # Fixed: /reload takes the files live as usual.
        edit(content, "\tpartner:", "    partner:")
        edit(content, "de: Sprachcafé am Markt", "de: Sprachcafé im Hof")
        assert (await bot.services.content.reload()).ok
        await anna.send("/start o_sprachcafe")
        assert "Sprachcafé im Hof" in (anna.last().text or "")
    home = LastGoodContent(kept).home(content)
    assert [p.name for p in home.iterdir() if p.is_dir()] == [bot.services.content.catalogue.version]


async def test_without_a_staff_chat_the_restart_with_the_last_live_content_is_told_to_the_catch_all(
    database_url: str, tmp_path: Path
) -> None:
    # As every other note for the staff: no ADMIN_CHAT_ID, so the Quartiersmanagement's group learns it
    # (before, only the log said so).
    content, kept = copy_content(tmp_path), tmp_path / "data" / "content-last-good"
    settings = {"content_dir": content, "last_good_content_dir": kept}
    async with BotHarness.running(database_url=database_url, **settings) as bot:
        assert (await bot.services.content.reload()).ok
    edit(content, "    partner:", "\tpartner:")
    async with BotHarness.running(database_url=database_url, **settings) as bot:
        await deliver(bot)
        told = [message.text or "" for message in bot.telegram.bot_messages(QUARTIERSMANAGEMENT)]
    assert len(told) == 1 and "Bot wurde neu gestartet" in told[0] and "sprachcafe.yaml, Zeile" in told[0]


async def test_previewing_a_draft_does_not_take_away_the_live_bots_last_good_copy(
    database_url: str, tmp_path: Path
) -> None:
    """A console preview of a draft with --content shares LAST_GOOD_CONTENT_DIR with the live bot; before,
    it replaced the live copy, and the live bot's next restart with a content error refused to start."""
    content, kept = copy_content(tmp_path), tmp_path / "data" / "content-last-good"
    draft = tmp_path / "draft"
    settings = {"last_good_content_dir": kept, "admin_chat_id": ADMIN_CHAT}
    async with BotHarness.running(database_url=database_url, content_dir=content, **settings) as bot:
        edit(content, "de: Sprachcafé", "de: Sprachcafé am Markt")
        assert (await bot.services.content.reload()).ok
    shutil.copytree(content, draft)
    edit(draft, "de: Sprachcafé am Markt", "de: Sprachcafé (Entwurf)")
    async with BotHarness.running(database_url=database_url, content_dir=draft, **settings) as preview:
        anna = preview.resident("Anna", lang="de")
        await anna.send("/start o_sprachcafe")
        assert "Sprachcafé (Entwurf)" in (anna.last().text or "")

    edit(content, "    partner:", "\tpartner:")  # a typo left on the server
    async with BotHarness.running(database_url=database_url, content_dir=content, **settings) as bot:
        anna = bot.resident("Anna", lang="de")
        await anna.send("/start o_sprachcafe")
        assert "Sprachcafé am Markt" in (anna.last().text or "")
        assert "letzten Inhalt" in (await staff_messages(bot))[-1]
    async with BotHarness.running(database_url=database_url, content_dir=draft, **settings) as preview:
        assert preview.services.content.last_good is not None
        assert preview.services.content.last_good.find(draft) is not None  # the draft's own copy stays too


async def test_a_copy_of_another_content_folder_is_not_used(tmp_path: Path) -> None:
    content, draft = copy_content(tmp_path), tmp_path / "draft"
    shutil.copytree(content, draft)
    kept = LastGoodContent(tmp_path / "kept")
    staged = kept.stage(draft, "v")
    assert staged is None  # not the version that was checked: nothing kept
    staged = kept.stage(draft, content_version(draft))
    assert staged is not None
    kept.keep(staged, draft)
    assert kept.find(draft) == staged
    assert kept.find(content) is None  # a draft previewed with --content never stands in for the real one


def test_the_first_start_with_broken_content_still_refuses_with_the_errors(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    edit(content, "    partner:", "\tpartner:")
    env = {
        **cli_environment(tmp_path, None),
        "CONTENT_DIR": str(content),
        "LAST_GOOD_CONTENT_DIR": str(tmp_path / "kept"),
    }
    result = run_cli_here(tmp_path, "--lang", "de", stdin="/start\n", env=env)
    assert result.returncode == 1
    assert "Fehler im Inhalt" in result.stderr and "sprachcafe.yaml, Zeile" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_start_on_telegram_with_example_data_tells_the_staff_chat(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = {
        "telegram_bot_token": FAKE_TOKEN,  # on Telegram, not the console's preview
        "allow_example_data": True,  # a trial run: the shipped content is example data
        "last_good_content_dir": tmp_path / "kept",
        "admin_chat_id": ADMIN_CHAT,
    }
    async with BotHarness.running(database_url=database_url, **settings) as bot:
        told = await staff_messages(bot)
    assert any("Der Bot läuft auf Telegram mit Beispieldaten" in text for text in told)
    assert "content entries are example data" in caplog.text
