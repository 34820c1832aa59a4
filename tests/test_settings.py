"""Bad settings stop start-up with one clear line naming the setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN"),
        ("DEFAULT_LANGUAGE", "xx", "DEFAULT_LANGUAGE"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL"),
        ("DATABASE_URL", "::::", "DATABASE_URL"),
        ("WEBHOOK_PORT", "99999", "WEBHOOK_PORT"),
        ("ADMIN_USER_IDS", "12,abc", "ADMIN_USER_IDS"),
        ("MAIL_INBOUND_PORT", "2525", "MAIL_REPLY_DOMAIN"),
        ("MAIL_REPLY_SECRET", "short", "MAIL_REPLY_SECRET"),
    ],
)
def test_invalid_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings(None)
    assert named in str(error.value)
    assert "\n" not in str(error.value)


def test_plain_database_urls_get_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot@db.example.org/quartier")
    assert load_settings(None).database_url.startswith("postgresql+asyncpg://")


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)
    env = tmp_path / ".env"
    env.write_text("DEFAULT_LANGUAGE=tr\n")
    assert load_settings(env).default_language == "tr"


def test_bad_setting_on_the_command_line_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "123"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), "--env-file", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_defaults_are_the_project_folders_wherever_the_bot_is_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CONTENT_DIR", "LOCALES_DIR", "DATABASE_URL", "VECTOR_CACHE_DIR", "LAST_GOOD_CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # run_bot.py started from another folder
    settings = load_settings(None)
    assert (settings.content_dir / "topics.yaml").is_file()
    assert (settings.locales_dir / "de" / "LC_MESSAGES" / "bot.po").is_file()
    assert str(tmp_path) not in settings.database_url
    assert settings.vector_cache_dir is not None and settings.vector_cache_dir.is_absolute()
    assert settings.last_good_content_dir is not None and settings.last_good_content_dir.is_absolute()
