"""The console chat: piped input, numbered buttons, languages, clean exit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.console import console_user_id
from tests.harness import cli_environment, run_cli, run_cli_here

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def migrated_database(tmp_path: Path, sqlite_template: Path) -> None:
    """The console's SQLite file (`cli_environment`), migrated already: a copy of the session's template
    instead of the migrations run again for every preview (migrating a new file is `db upgrade`'s test,
    tests/test_cli.py, and tests/test_migrations.py's)."""
    shutil.copyfile(sqlite_template, tmp_path / "cli.db")


@pytest.mark.parametrize(("lang", "greeting"), [("de", "Hallo"), ("tr", "Merhaba"), ("ar", "مرحبًا")])
def test_piped_start_prints_a_greeting_and_a_numbered_menu_then_exits_0(
    tmp_path: Path, lang: str, greeting: str
) -> None:
    # German through a real process (the exit status as the shell sees it), the others in this one.
    run = run_cli if lang == "de" else run_cli_here
    result = run(tmp_path, "--lang", lang, stdin="/start\n")
    assert result.returncode == 0, result.stderr
    assert "Offline" in result.stdout.splitlines()[0]
    assert greeting in result.stdout
    assert "[1] ✓ " in result.stdout and "[9] " in result.stdout


def test_the_partner_role_needs_a_request_first_and_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli_here(tmp_path, "--lang", "de", stdin=":partner\n:hilfe\n/start\n:)\n")
    assert result.returncode == 0, result.stderr
    assert "Noch keine Anfrage" in result.stdout
    assert ":bewohner" in result.stdout
    assert "Hallo" in result.stdout  # still the resident
    assert result.stdout.count(":bewohner") == 1  # ":)" is a message to the bot, not a preview command


def test_the_partner_role_after_a_request_by_e_mail_says_where_it_went(tmp_path: Path) -> None:
    # The education provider has no Telegram group in the shipped content: its card goes by e-mail.
    script = "/start o_deutschkurs-frauen\n1\n1\n1\nIch möchte mich anmelden.\n1\n1\n1\n:partner\n"
    result = run_cli_here(tmp_path, "--lang", "de", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "✉️ [E-Mail an bildung@example.org]" in result.stdout
    # It cannot answer in the chat (no inbound mail): the Quartiersmanagement's group has the card at once,
    # to pass its e-mail answer on, and the preview's partner role acts there.
    assert "(Sie schreiben jetzt als Petra in der Partnergruppe -1000000000001.)" in result.stdout
    assert "Noch keine Anfrage" not in result.stdout


def test_a_piped_reload_as_staff_shows_its_result_before_the_preview_ends(tmp_path: Path) -> None:
    staff = console_user_id("de", "Anna")
    env = {**cli_environment(tmp_path, None), "ADMIN_USER_IDS": str(staff)}
    result = run_cli_here(tmp_path, "--lang", "de", stdin="/reload\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "Die Inhalte werden geprüft" in result.stdout
    assert "Neue Inhalte sind online" in result.stdout  # the reload's result, not cut off by the end of input


def test_the_staff_recipe_works_without_lang(tmp_path: Path) -> None:
    """Found in exploratory testing: `ADMIN_USER_IDS=<console_user_id('de', 'Anna')> run_bot.py` without
    --lang answered /stats with "Diesen Befehl kenne ich nicht": the console's resident without --lang had
    another id. Without --lang she is German (the bot's default), and so is her id; the defaults are the
    console's (Anna)."""
    assert console_user_id() == console_user_id(None, "Anna") == console_user_id("de", "Anna")
    assert console_user_id("tr", "Anna") != console_user_id("de", "Anna")  # --lang tr: another resident
    env = {**cli_environment(tmp_path, None), "ADMIN_USER_IDS": str(console_user_id("de", "Anna"))}
    result = run_cli_here(tmp_path, stdin="/stats\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "Diesen Befehl kenne ich nicht" not in result.stdout
    assert "Fragen ohne Antwort" in result.stdout, result.stdout  # the /stats report


def test_numbers_tap_buttons_staff_answer_as_the_partner_and_back_as_the_resident_end_the_answer(
    tmp_path: Path,
) -> None:
    script = (
        "/start o_frauencafe\n1\nDarf ich mein Baby mitbringen?\n1\n1\n1\n"
        ":partner Petra\n1\nJa, gerne! Kommen Sie Dienstag?\n:bewohner\n1\n"
    )
    result = run_cli_here(tmp_path, "--lang", "de", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    # Numbers tap buttons: the request reaches the partner group.
    assert "Partnergruppe -1000000000002" in out  # the SOS-Mütterzentrum's card
    assert "Darf ich mein Baby mitbringen?" in out
    # Staff answer as the partner and see what the resident gets.
    assert "Petra hat Anfrage" in out  # the card's "take on" button, tapped as Petra
    relayed = out.index("Ja, gerne! Kommen Sie Dienstag?", out.index("Petra hat Anfrage"))
    assert "🤖" in out[out.rindex("\n\n", 0, relayed) : relayed]  # it reached the resident's chat
    # Back as the resident, the partner's answer can be ended by its number.
    back = out.index("(Sie schreiben wieder als Bewohnerin.)")
    assert out[back:].split("\n")[1].strip() == "[1] ⏹ Beenden"  # the answer's button, numbered again
    assert "Ihre Nachrichten gehen nicht mehr an SOS-Mütterzentrum." in out[back:]  # "1" tapped it


def test_the_end_of_a_piped_script_shows_every_post_still_queued_for_a_partner_group(tmp_path: Path) -> None:
    """Found in exploratory testing: a script ending right after "Send" lost its last lines: at the end of
    input the preview delivered ten rounds of one message per chat, and two requests with ten photos each
    to the same group are 22 posts. It delivers until nothing waits (bounded by a few seconds)."""
    request = "/start o_frauencafe\n1\n1\n:album 10\nDarf ich mein Baby mitbringen?\n1\n1\n1\n"
    result = run_cli_here(tmp_path, "--lang", "de", stdin=request * 2)
    assert result.returncode == 0, result.stderr
    cafe = "📨 [Partnergruppe -1000000000002]"  # the SOS-Mütterzentrum's group
    group = [line for line in result.stdout.splitlines() if line.startswith(cafe)]
    assert len(group) == 22, result.stdout
    assert sum("[photo]" in line for line in group) == 20
