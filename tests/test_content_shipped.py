"""The shipped content: valid, fully translated, live only after the example data is replaced."""

from __future__ import annotations

import io
import re
import shutil
from datetime import datetime
from pathlib import Path

from bot.content.catalogue import load_catalogue, validate_content
from bot.content.check import run_check
from bot.content.models import TIMEZONE, iter_localized

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_content_passes_check_with_a_coverage_table() -> None:
    out = io.StringIO()
    assert run_check(ROOT / "content", strict=False, accept=False, out=out, email_replies_relayed=False) == 0
    assert "100 %" in out.getvalue()


def test_strict_check_fails_only_because_of_marked_example_data() -> None:
    # On a day before the example dates: once they are past, "past" warnings join the "example" ones.
    loaded = validate_content(ROOT / "content", now=datetime(2026, 12, 1, tzinfo=TIMEZONE))
    assert not [p for p in loaded.problems if p.severity == "error"]
    assert {p.code for p in loaded.problems} <= {"example"}, sorted({p.code for p in loaded.problems})
    assert (
        run_check(ROOT / "content", strict=True, accept=False, out=io.StringIO(), email_replies_relayed=False)
        == 1
    )


def test_changing_a_german_title_marks_its_translations_outdated(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    offer = content / "offers" / "deutschkurs-frauen.yaml"
    text = offer.read_text(encoding="utf-8")
    offer.write_text(
        text.replace("de: Deutschkurs für Frauen mit Kinderbetreuung", "de: Deutschkurs für Mütter", 1),
        encoding="utf-8",
    )
    outdated = [p for p in validate_content(content).problems if p.code == "outdated"]
    paths = {p.path for p in outdated}
    assert {f"offers.deutschkurs-frauen.title.{lang}" for lang in ("tr", "ar", "fa", "en")} <= paths
    assert all("deutschkurs-frauen.yaml, Zeile" in str(p) for p in outdated)


def test_no_translation_wraps_a_german_name_that_has_brackets_in_more_brackets() -> None:
    # Found by exploratory testing: "سباق الحي ((Stadt-)Viertel-Lauf)" in the Arabic events list.
    catalogue, _ = load_catalogue(ROOT / "content")
    doubled = [
        (entry_id, lang, text)
        for kind in ("districts", "topics", "places", "partners", "offers", "events", "faq", "emergency")
        for entry_id, entry in getattr(catalogue, kind).items()
        for _, field in iter_localized(entry)
        for lang, text in field.items()
        if isinstance(text, str) and ("((" in text or "))" in text)
    ]
    assert doubled == []


# How each language says "at once": the Quartiersmanagement sees a request to a partner that answers by e-mail
# only the moment it is sent (`bot.tickets.routing.copied_at_once`), not only when the partner is late.
AT_ONCE = {
    "de": "sofort",
    "de-simple": "sofort",
    "tr": "hemen",
    "ar": "فورًا",
    "ru": "сразу",
    "uk": "одразу",
    "pl": "od razu",
    "fa": "فوراً",
    "en": "at once",
}


def test_the_privacy_texts_name_who_else_sees_a_request_at_once() -> None:
    """Found by an exploratory test: the privacy notice and the FAQ promised that only the chosen partner sees
    a request, while an e-mail-only partner's request goes to the Quartiersmanagement's group at once."""
    catalogue, _ = load_catalogue(ROOT / "content")
    texts = {"privacy": catalogue.privacy_notice.text, "faq": catalogue.faq["datenschutz"].answer}
    for where, text in texts.items():
        assert set(AT_ONCE) <= set(text), where
        for lang, at_once in AT_ONCE.items():
            assert at_once in text[lang] and "Quartiers" in text[lang], (where, lang)
        assert "nur der Partner" not in text["de"] and "Nur ein Partner" not in text["de-simple"], where
        assert "Only the partner" not in text["en"], where


def test_the_answer_time_faq_says_what_the_reminders_count() -> None:
    """The bot promises "up to 2 days" (`response_hours`, counted in hours, weekends included); the FAQ said
    "two working days". Once that time is over she is told that the Quartiersmanagement knows and takes care
    of it (`reminders._tell_late`); the FAQ said it steps in "after 4 to 5 days" (the escalation, which no
    longer tells her anything new): it names the promised times only, and what happens when they pass."""
    catalogue, _ = load_catalogue(ROOT / "content")
    answer = catalogue.faq["antwort-dauer"].answer
    assert not [lang for lang, text in answer.items() if "Werktag" in text or "working day" in text]
    partners = [p.requests for p in catalogue.partners.values()]
    days = {d for d in re.findall(r"\d+", answer["de"]) if d not in ("110", "112")}  # "innerhalb von 2 Tagen"
    assert all(r.response_hours % 24 == 0 for r in partners)
    assert days == {str(r.response_hours // 24) for r in partners}
    escalation_days = {str(r.escalation_hours // 24) for r in partners} - days
    for lang, text in answer.items():
        numbers = set(re.findall(r"\d+", text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))))
        assert not numbers & escalation_days, lang
        assert "Quartiers" in text, lang
