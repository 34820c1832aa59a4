"""What `run_bot.py check` tells the staff: a summary line that is true (the bot loads the content, or it
must only not go public with it), the example data in one line instead of dozens at every check, and the
warnings about the file just edited first."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from bot.content.check import run_check


def check(
    content: Path, *, strict: bool = False, email_replies_relayed: bool = False
) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = run_check(
        content, strict=strict, accept=False, out=out, email_replies_relayed=email_replies_relayed
    )
    return code, out.getvalue().splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_strict_on_example_data_says_not_for_the_public_not_that_the_content_is_not_loaded(
    shipped: Path,
) -> None:
    code, lines = check(shipped, strict=True)
    assert code == 1
    last = lines[-1]
    assert last.endswith(
        " Fehler mit --strict – so nicht für die Öffentlichkeit starten. Ohne --strict lädt der Bot diesen "
        "Inhalt (die Konsole zeigt ihn), auf Telegram aber mit Beispieldaten nur bei ALLOW_EXAMPLE_DATA=true."
    ), last
    assert not any("Inhalt wird so nicht geladen" in line for line in lines)
    # --strict lists every entry of example data, with its line.
    assert sum("Beispieldaten (example: true) – vor dem Start" in line for line in lines) > 20


def test_strict_with_a_real_error_says_the_content_is_not_loaded(shipped: Path) -> None:
    edit(shipped / "offers" / "sprachcafe.yaml", "    title:", "    titel:")
    code, lines = check(shipped, strict=True)
    assert code == 1
    assert lines[-1].endswith(" nur wegen --strict) – Inhalt wird so nicht geladen."), lines[-1]
    code, lines = check(shipped)
    assert lines[-1] == "2 Fehler – Inhalt wird so nicht geladen.", lines[-3:]


def test_example_data_is_one_line_and_the_file_just_edited_comes_first(shipped: Path) -> None:
    events = shipped / "events.yaml"
    offer = shipped / "offers" / "sprachcafe.yaml"
    edit(events, "de: Akteursforum", "de: Akteursforum im Quartier")
    edit(offer, "de: Sprachcafé –", "de: Sprachcafé am Markt –")
    os.utime(events, (1_800_000_000, 1_800_000_000))
    os.utime(offer, (1_800_000_100, 1_800_000_100))  # edited last

    code, lines = check(shipped)
    assert code == 0
    start = lines.index(next(line for line in lines if line.startswith("Warnungen (")))
    assert lines[start + 1].startswith("  offers.sprachcafe.title."), lines[start : start + 3]
    assert "Übersetzung veraltet" in lines[start + 1]
    examples = [line for line in lines if "Beispieldaten" in line]
    assert len(examples) == 1, examples
    assert re.match(r"  \d\d Einträge sind Beispieldaten \(example: true\) – vor dem Start", examples[0])
    assert examples[0].endswith("nur mit ALLOW_EXAMPLE_DATA=true (Probelauf). Liste: check --strict")

    os.utime(events, (1_800_000_200, 1_800_000_200))  # now the events were edited last
    _code, lines = check(shipped)
    start = lines.index(next(line for line in lines if line.startswith("Warnungen (")))
    assert lines[start + 1].startswith("  events."), lines[start : start + 3]


def unreachable_named(message: str) -> set[str]:
    """The partners the one "answers cannot reach residents" warning names."""
    named = message.split("Anfragen gehen nur per E-Mail an ", 1)[1].split(";", 1)[0]
    return set(named.split(", "))


def test_strict_names_partners_whose_answers_cannot_reach_the_residents(shipped: Path) -> None:
    """Found in exploratory testing: with the Quartiersmanagement's group removed and no inbound mail, the
    e-mail-only partners' replies land in a mailbox and nobody can pass them on, yet `check --strict` said
    nothing. One cause, one warning (xr4 #10: a dozen near-identical ones): at the Quartiersmanagement's
    `requests:`, naming every partner concerned, saying what to do."""
    partners = shipped / "partners.yaml"
    _code, before = check(shipped, strict=True)
    assert not any("Antworten kommen bei den Bewohnern nicht an" in line for line in before)
    edit(partners, "      telegram_chat_id: -1000000000001\n", "")  # the Quartiersmanagement's group

    _code, lines = check(shipped, strict=True)
    text = partners.read_text(encoding="utf-8").splitlines()
    where = f"{partners}, Zeile {text.index('    requests:', text.index('  quartiersmanagement:')) + 1}"
    (line,) = [line for line in lines if "Antworten kommen bei den Bewohnern nicht an" in line]
    assert line.startswith(
        f"  partners.quartiersmanagement.requests in {where}: Antworten kommen bei den Bewohnern nicht an – "
        "Anfragen gehen nur per E-Mail an quartiersmanagement, stadt-soziale-stadt, now, "
    ), line
    assert line.endswith(
        "; der Bot empfängt keine E-Mails (MAIL_INBOUND_PORT fehlt), und dieser Partner "
        "(catch_all) hat keine "
        "Telegram-Gruppe, um Antworten weiterzugeben. Hier requests.telegram_chat_id eintragen oder auf dem "
        "Server MAIL_INBOUND_PORT, MAIL_REPLY_DOMAIN und MAIL_REPLY_SECRET setzen (README)"
    ), line
    named = unreachable_named(line)
    assert (
        len(named) == 12 and {"jobcenter", "bildungstraeger"} <= named and "sos-muetterzentrum" not in named
    )
    start = lines.index(next(line for line in lines if line.startswith("Warnungen (")))
    assert lines.index(line) > start  # a warning, not an error
    # Without --strict too: the bot loads the content, and says so.
    code, lines = check(shipped)
    assert code == 0 and sum("Antworten kommen bei den Bewohnern nicht an" in line for line in lines) == 1

    # With inbound mail (MAIL_INBOUND_PORT) the partners answer themselves: nothing to warn about.
    _code, lines = check(shipped, strict=True, email_replies_relayed=True)
    assert not any("Antworten kommen bei den Bewohnern nicht an" in line for line in lines)


def test_the_check_names_exactly_the_partners_the_bot_offers_only_a_call_for(shipped: Path) -> None:
    """The check's warning and the bot's "only a call can answer you" follow one rule
    (`bot.content.models.no_chat_answer`): for each setup of the Quartiersmanagement's group and inbound
    mail, staff are warned of exactly the partners whose residents the running bot would offer only a call."""
    from typing import Any, cast

    from bot.content.catalogue import Catalogue, validate_content
    from bot.tickets.deps import TicketContext
    from bot.tickets.routing import no_chat_answer

    def setups() -> list[tuple[set[str], set[str]]]:
        found = []
        for relayed in (False, True):
            loaded = validate_content(shipped, email_replies_relayed=relayed)
            warned = {
                name
                for p in loaded.problems
                if p.code == "answers_unreachable"
                for name in unreachable_named(p.message)
            }
            catalogue = Catalogue.from_sources(loaded)
            ctx = TicketContext(catalogue, cast(Any, None), email_replies_relayed=relayed)
            found.append((warned, {pid for pid in catalogue.partners if no_chat_answer(ctx, pid)}))
        return found

    assert setups() == [(set(), set()), (set(), set())]
    edit(shipped / "partners.yaml", "      telegram_chat_id: -1000000000001\n", "")  # the QM's group
    (warned, call_only), relayed = setups()
    assert warned == call_only and "jobcenter" in warned and "quartiersmanagement" in warned
    assert relayed == (set(), set())
