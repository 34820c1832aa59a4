"""The console chat: piped input, numbered buttons, languages, clean exit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("lang", "greeting"), [("de", "Hallo"), ("tr", "Merhaba"), ("ar", "مرحبًا")])
def test_piped_start_prints_a_greeting_and_a_numbered_menu_then_exits_0(
    tmp_path: Path, lang: str, greeting: str
) -> None:
    result = run_cli(tmp_path, "--lang", lang, stdin="/start\n")
    assert result.returncode == 0, result.stderr
    assert "Offline" in result.stdout.splitlines()[0]
    assert greeting in result.stdout
    assert "[1] ✓ " in result.stdout and "[9] " in result.stdout


def test_numbers_tap_buttons_and_a_request_reaches_the_partner_group(tmp_path: Path) -> None:
    script = "/start o_frauencafe\n1\nDarf ich mein Baby mitbringen?\n1\n1\n1\n"
    result = run_cli(tmp_path, "--lang", "de", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Partnergruppe -1000000000002" in result.stdout  # the SOS-Mütterzentrum's card
    assert "Darf ich mein Baby mitbringen?" in result.stdout
    assert "Traceback" not in result.stderr
