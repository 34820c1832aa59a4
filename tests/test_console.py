"""The console chat: piped input, numbered buttons, languages, clean exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def console(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/console.db",
        "CONTENT_DIR": str(ROOT / "content"),
        "LOCALES_DIR": str(ROOT / "locales"),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), "--env-file", str(tmp_path / "none"), *args],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize(("lang", "greeting"), [("de", "Hallo"), ("tr", "Merhaba"), ("ar", "مرحبًا")])
def test_piped_start_prints_a_greeting_and_a_numbered_menu_then_exits_0(
    tmp_path: Path, lang: str, greeting: str
) -> None:
    result = console(tmp_path, "/start\n", "--lang", lang)
    assert result.returncode == 0, result.stderr
    assert "Offline" in result.stdout.splitlines()[0]
    assert greeting in result.stdout
    assert "[1] ✓ " in result.stdout and "[9] " in result.stdout


def test_numbers_tap_buttons_and_a_request_reaches_the_partner_group(tmp_path: Path) -> None:
    script = "/start o_frauencafe\n1\nDarf ich mein Baby mitbringen?\n1\n1\n1\n"
    result = console(tmp_path, script, "--lang", "de")
    assert result.returncode == 0, result.stderr
    assert "Partnergruppe -1000000000002" in result.stdout  # the SOS-Mütterzentrum's card
    assert "Darf ich mein Baby mitbringen?" in result.stdout
    assert "Traceback" not in result.stderr
