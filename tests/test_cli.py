"""The staff commands of run_bot.py: ask, check, schema, links, db upgrade (in this process, `run_cli_here`;
each command family also once as its own process, `run_cli`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.harness import cli_environment, run_cli, run_cli_here

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("question", "lang", "expected"),
    [
        # The women's course, for women ("kadinlar icin"): without them it is the first choice, not the
        # answer (tests/search/test_whom.py).
        ("kadinlar icin almanca kursu nerde cocuk bakimi var mi", "tr", {"deutschkurs-frauen"}),
        # The help with letters from authorities: the counselling offer or the FAQ answer that leads to it.
        ("وصلتني رسالة من الجوب سنتر", "ar", {"briefe-aemter", "briefe-von-aemtern"}),
        ("отримав лист з джобцентру, не розумію", "uk", {"briefe-aemter", "briefe-von-aemtern"}),
    ],
)
def test_ask_answers_the_examples_of_the_issue(
    tmp_path: Path, shipped_vectors: Path, question: str, lang: str, expected: str
) -> None:
    result = run_cli_here(tmp_path, "ask", question, "--lang", lang, "--json", vectors=shipped_vectors)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    found = [data["answer"]["id"]] if data["answer"] else []
    found += [alt["id"] for alt in data["alternatives"]]
    assert data["answer"] is not None and found[0] in expected, data
    assert data["emergency"] is False
    assert 0.75 <= data["confidence"] <= 1
    assert set(data) == {
        "q", "lang", "answer", "alternatives", "emergency", "emergency_trigger", "small_talk", "reason",
        "confidence",
    }  # fmt: skip


def test_ask_says_when_it_does_not_know(tmp_path: Path, shipped_vectors: Path) -> None:
    result = run_cli_here(
        tmp_path, "ask", "Wie wird das Wetter am Wochenende?", "--json", vectors=shipped_vectors
    )
    data = json.loads(result.stdout)
    assert data["answer"] is None and data["alternatives"] == [] and data["reason"] == "no_match"
    assert data["confidence"] < 0.5
    human = run_cli_here(tmp_path, "ask", "Wie wird das Wetter am Wochenende?", vectors=shipped_vectors)
    assert "Weiß ich nicht" in human.stdout


def test_ask_batch_scores_many_questions_in_one_process_and_flags_emergencies(
    tmp_path: Path, shipped_vectors: Path
) -> None:
    lines = [
        {"q": "Mein Mann schlägt mich", "lang": "de"},
        {"q": "kocam beni dovuyor", "lang": "tr"},
        {"q": "Я хочу умереть", "lang": "ru"},
        {"q": "Deutschkurs für Frauen mit Kinderbetreuung", "lang": "de"},
        "not json",
    ]
    stdin = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    result = run_cli(tmp_path, "ask", "--batch", "-", stdin=stdin, vectors=shipped_vectors)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a.get("emergency") for a in answers[:4]] == [True, True, True, False]
    assert answers[0]["emergency_trigger"] and answers[3]["emergency_trigger"] is None
    assert answers[3]["answer"]["id"] == "deutschkurs-frauen"
    assert answers[4]["error"]


def test_ask_reports_thanks_and_a_wish_for_a_person_as_small_talk(tmp_path: Path) -> None:
    """Found by exploratory testing (round 3, F5/F6): both were searched ("become a volunteer")."""
    lines = [
        {"q": "хочу поговорить с человеком", "lang": "ru"},
        {"q": "bir insanla konusmak istiyorum", "lang": "tr"},
        {"q": "большое спасибо за помощь!", "lang": "ru"},
        {"q": "Vielen Dank für Ihre Hilfe!", "lang": "de"},
        {"q": "danke, aber wann ist der Kurs?", "lang": "de"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    result = run_cli_here(tmp_path, "ask", "--batch", "-", stdin=stdin)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["small_talk"] for a in answers] == ["person", "person", "thanks", "thanks", None]
    human = run_cli_here(tmp_path, "ask", "ich will mit einem Menschen sprechen")
    assert "„Eine Person fragen“ öffnet sich" in human.stdout


def test_ask_batch_refuses_a_line_in_a_language_the_bot_does_not_speak(tmp_path: Path) -> None:
    lines = [
        {"q": "Deutschkurs", "lang": "de_simple"},
        {"q": "Deutschkurs", "lang": "xx"},
        {"q": "Deutschkurs"},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines)
    result = run_cli_here(tmp_path, "ask", "--batch", "-", "--lang", "de-simple", stdin=stdin)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0] == {"line": 1, "error": answers[0]["error"]} and "'de_simple'" in answers[0]["error"]
    assert "de-simple" in answers[0]["error"]  # the code it meant
    assert answers[1]["line"] == 2 and "'xx'" in answers[1]["error"]
    assert answers[2]["lang"] == "de-simple" and "answer" in answers[2]  # --lang for lines without one


def content_until(tmp_path: Path, day: date) -> Path:
    """A copy of the shipped content in which the Viertel-Lauf takes place on `day` and the Sprachcafé runs
    until `day`."""
    target = tmp_path / f"content-{day}"
    shutil.copytree(ROOT / "content", target)
    for name, old, new in (
        ("events.yaml", '"2027-09-18 10:00"', f'"{day} 10:00"'),
        ("events.yaml", '"2027-09-18 14:00"', f'"{day} 14:00"'),
        (
            "offers/sprachcafe.yaml",
            "    kind: meeting_place",
            f"    valid_until: {day}\n    kind: meeting_place",
        ),
    ):
        path = target / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_ask_leaves_out_what_is_over_as_the_bot_does(tmp_path: Path) -> None:
    """Found by exploratory testing (round 5, F8): staff previewing answers were shown the Sprachcafé after
    it had ended and the Viertel-Lauf after it took place, while the bot said it did not know."""
    questions = [{"q": "Sprachcafé", "lang": "de"}, {"q": "Viertel-Lauf wann?", "lang": "de"}]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in questions)
    today = datetime.now(UTC).date()

    def shown(content: Path) -> list[list[str]]:
        result = run_cli_here(tmp_path, "ask", "--content", str(content), "--batch", "-", stdin=stdin)
        assert result.returncode == 0, result.stderr
        answers = [json.loads(line) for line in result.stdout.splitlines()]
        return [[hit["id"] for hit in [a["answer"], *a["alternatives"]] if hit] for a in answers]

    on = shown(content_until(tmp_path, today + timedelta(days=200)))
    assert on[0][0] == "sprachcafe" and on[1][0] == "viertel-lauf-2027", on
    over = content_until(tmp_path, today - timedelta(days=400))
    assert [ids for ids in shown(over) if {"sprachcafe", "viertel-lauf-2027"} & set(ids)] == []
    human = run_cli_here(tmp_path, "ask", "--content", str(over), "Viertel-Lauf wann?")
    assert "Weiß ich nicht" in human.stdout
    assert "Nicht gezeigt (vorbei oder noch nicht gültig): event:viertel-lauf-2027" in human.stdout


def test_check_on_a_broken_copy_names_field_file_and_line(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    offer = content / "offers" / "bewerbungstraining.yaml"
    lines = offer.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("childcare:"))
    lines[number] = lines[number].replace("childcare:", "kinderbetreuung:")
    offer.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli_here(tmp_path, "check", "--content", str(content))
    assert result.returncode != 0
    assert "offers.bewerbungstraining.kinderbetreuung" in result.stdout + result.stderr
    assert f"bewerbungstraining.yaml, Zeile {number + 1}:" in result.stdout + result.stderr


def test_check_warns_of_unreachable_answers_only_while_the_server_receives_no_email(tmp_path: Path) -> None:
    """`check` reads MAIL_INBOUND_PORT from the server's settings: without it, an e-mail-only partner whose
    answers nobody can pass on (the Quartiersmanagement has no group) is named; with it, it answers itself."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    partners = content / "partners.yaml"
    text = partners.read_text(encoding="utf-8")
    partners.write_text(text.replace("      telegram_chat_id: -1000000000001\n", "", 1), encoding="utf-8")
    warning = "Antworten kommen bei den Bewohnern nicht an – Anfragen gehen nur per E-Mail an "
    assert warning in run_cli_here(tmp_path, "check", "--content", str(content)).stdout
    inbound = {
        **cli_environment(tmp_path, None),
        "MAIL_INBOUND_PORT": "2525",
        "MAIL_REPLY_DOMAIN": "antworten.example.org",
        "MAIL_REPLY_SECRET": "a-long-test-secret-for-reply-addresses",
    }
    result = run_cli_here(tmp_path, "check", "--content", str(content), env=inbound)
    assert result.returncode == 0 and "Inhalt in Ordnung" in result.stdout
    assert warning not in result.stdout


def test_schema_links_and_db_upgrade(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    assert run_cli_here(tmp_path, "schema", "--out", str(schema)).returncode == 0
    assert json.loads(schema.read_text()) == json.loads((ROOT / "content" / "schema.json").read_text())
    links = run_cli_here(tmp_path, "links", "--bot", "quartiersbot")
    # Each link with its entry's German title, so staff can tell the poster links apart.
    link = "https://t.me/quartiersbot?start=o_deutschkurs-frauen"
    assert f"{link}\toffer\tDeutschkurs für Frauen mit Kinderbetreuung" in links.stdout.splitlines()
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    assert (tmp_path / "cli.db").exists()


def test_links_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """`run_bot.py links | head -3`: the reader closes the pipe before the last link; no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write fails, as after `head` has its lines
    try:
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "run_bot.py"),
                "--env-file",
                str(tmp_path / "none"),
                "links",
                "--bot",
                "x",
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            # Each line written at once, as a listing longer than the output buffer is.
            env={**cli_environment(tmp_path, None), "PYTHONUNBUFFERED": "1"},
            cwd=tmp_path,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
