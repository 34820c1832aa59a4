"""/mydata (DSGVO Art. 15): everything stored about the resident, readable and as a file, only their own."""

from __future__ import annotations

import json
from pathlib import Path

from bot.render.split import MESSAGE_LIMIT, visible_length
from bot.testing.fakeapi import SimUser
from tests.harness import BotHarness, deliver, fill_in_request, run_cli_here, skip_questions

QM_GROUP = -1_000_000_000_001  # the shipped content's group of the Quartiersmanagement


async def send_request(resident: SimUser, text: str) -> None:
    """A request about letters from the authorities, answered here in the chat."""
    await fill_in_request(resident, "briefe-aemter", text)
    await resident.tap("✅")


def mydata_file(bot: BotHarness) -> dict:  # type: ignore[type-arg]
    name = next(n for n in reversed(bot.telegram.uploads) if n.startswith("mydata-"))
    return json.loads(bot.telegram.uploads[name])  # type: ignore[no-any-return]


async def test_mydata_shows_the_residents_row_requests_and_thread_in_their_language(bot: BotHarness) -> None:
    ayse = bot.resident("Ayşe", lang="tr")
    await send_request(ayse, "Jobcenter mektubunu anlamıyorum")
    await deliver(bot)
    card = bot.telegram.bot_messages(QM_GROUP)[0]
    await bot.partner("Petra", QM_GROUP).send("Kommen Sie Dienstag um 10 Uhr vorbei.", reply_to=card)
    await deliver(bot)
    olga = bot.resident("Olga", lang="ru")
    await send_request(olga, "Письмо из джобцентра, ничего не понимаю")
    await deliver(bot)

    before = len(bot.telegram.bot_messages(ayse.chat))
    await ayse.send("/mydata")
    sent = bot.telegram.bot_messages(ayse.chat)[before:]
    text = "\n".join(m.text or "" for m in sent if m.kind == "text")
    assert "Botun sizin hakkınızda sakladıkları" in text  # the title, in Turkish
    assert str(ayse.user_id) in text and "Ayşe" in text
    assert "Jobcenter mektubunu anlamıyorum" in text  # her message
    assert "Dienstag um 10 Uhr" in text  # and the partner's answer
    assert "Petra" not in text  # the staff member's name is not the resident's data
    assert "Письмо" not in text and str(olga.user_id) not in text  # nothing of another resident
    document = sent[-1]
    assert document.kind == "document"
    assert document.text == "Verileriniz dosya olarak (JSON)"
    assert document.labels  # the way back to the menu

    data = mydata_file(bot)
    assert data["resident"]["telegram_id"] == ayse.user_id
    assert data["resident"]["language"] == "tr"
    [request] = data["requests"]
    thread = [(m["direction"], m["text"]) for m in request["messages"]]
    assert ("to_partner", "Jobcenter mektubunu anlamıyorum") in thread
    assert ("to_resident", "Kommen Sie Dienstag um 10 Uhr vorbei.") in thread
    assert "Письмо" not in json.dumps(data, ensure_ascii=False)


async def test_mydata_shows_an_unsent_draft_and_says_when_there_are_no_requests(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    await anna.send("/start o_briefe-aemter")
    await anna.tap("✋")
    await skip_questions(anna)
    await anna.send("Ich habe einen Brief von der Krankenkasse")
    await anna.send("/mydata")
    text = "\n".join(m.text or "" for m in bot.telegram.bot_messages(anna.chat)[-3:])
    assert "Sie haben keine Anfragen gesendet." in text
    assert "nicht gesendete Anfrage" in text and "Brief von der Krankenkasse" in text
    assert mydata_file(bot)["unsent_request"]["data"]["text"] == "Ich habe einen Brief von der Krankenkasse"


async def test_long_data_arrives_in_numbered_parts_that_each_fit_telegram(bot: BotHarness) -> None:
    anna = bot.resident("Anna", lang="de")
    for number in range(2):  # two long messages: more than one Telegram message can hold
        await send_request(anna, f"Brief {number}: " + "Bitte helfen Sie mir mit diesem Schreiben. " * 68)
        await deliver(bot)
    before = len(bot.telegram.bot_messages(anna.chat))
    await anna.send("/mydata")
    parts = [m for m in bot.telegram.bot_messages(anna.chat)[before:] if m.kind == "text"]
    assert len(parts) >= 2
    assert all(visible_length(p.text or "") <= MESSAGE_LIMIT for p in parts)
    assert (parts[0].text or "").rstrip().endswith(f"(1/{len(parts)})")
    assert len(mydata_file(bot)["requests"]) == 2


async def test_privacy_and_help_name_mydata_the_right_of_access_and_the_authority(
    bot_with_commands: BotHarness,
) -> None:
    bot = bot_with_commands
    anna = bot.resident("Anna", lang="de")
    await anna.send("/privacy")
    notice = anna.last().text or ""
    assert "/mydata" in notice and "Art. 15 DSGVO" in notice
    assert "Landesbeauftragte für den Datenschutz Niedersachsen" in notice
    await anna.send("/help")
    assert "/mydata" in (anna.last().text or "")
    commands = bot.telegram.bot_settings["commands"]["tr"]
    assert any(c["command"] == "mydata" for c in commands)


def test_mydata_works_in_the_console_and_shows_the_file_as_one_line(tmp_path: Path) -> None:
    result = run_cli_here(tmp_path, "--lang", "de", stdin="/start\n1\n/mydata\n")
    assert result.returncode == 0, result.stderr
    assert "Was der Bot über Sie gespeichert hat" in result.stdout
    [line] = [line for line in result.stdout.splitlines() if "[document" in line]
    assert "mydata-" in line and ".json" in line and "Ihre Daten als Datei (JSON)" in line
    assert "Traceback" not in result.stderr


async def test_the_masks_in_her_unanswered_questions_are_in_her_language(bot: BotHarness) -> None:
    # Exploratory test 3, F7: a Russian resident read the German "[Telefon]" in her own /mydata. Stored (and
    # shown to the staff in /stats, and in the file) the masks stay as they are.
    olga = bot.resident("Olga", lang="ru")
    question = "Ксилофон шумит ночью, телефон 0151 2345678, почта olga@example.org, счёт 123456789 <b>"
    await olga.send(question)
    await olga.send("/mydata")
    text = "\n".join(m.text or "" for m in bot.telegram.bot_messages(olga.chat) if m.kind == "text")
    assert (
        "• Ксилофон шумит ночью, телефон [номер телефона], почта [адрес эл. почты], счёт [номер] &lt;b&gt; ("
        in text
    )
    assert "Telefon" not in text and "E-Mail" not in text and "Nummer" not in text
    [stored] = mydata_file(bot)["unanswered_questions"]
    assert stored["text"] == "Ксилофон шумит ночью, телефон [Telefon], почта [E-Mail], счёт [Nummer] <b>"
