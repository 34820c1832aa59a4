"""Cross references, translation freshness, check output, reload and opening hours."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content.catalogue import load_catalogue
from bot.content.check import json_schema, run_check
from bot.content.freshness import LOCK_NAME
from bot.content.models import OpeningHours, pick, public_holiday
from bot.content.problems import ContentError
from bot.content.service import ContentService

BERLIN = ZoneInfo("Europe/Berlin")
ROOT = Path(__file__).resolve().parents[2]


def test_broken_reference_names_field_file_line_and_suggestion(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          deutschkurs-frauen:
            kind: course
            topics: [sprache, arbeit]
            title: {de: Deutschkurs}
            summary: {de: Mit Kinderbetreuung}
            partner: quartiersmanagment
        """
    )
    with pytest.raises(ContentError) as caught:
        load_catalogue(content_dir)
    messages = [str(p) for p in caught.value.errors]
    assert any(
        m.startswith("offers.deutschkurs-frauen.partner in ")
        and m.endswith(
            "kurse.yaml, Zeile 8: unbekannter Partner 'quartiersmanagment' – meinten Sie "
            "'quartiersmanagement'?"
        )
        for m in messages
    ), messages
    assert any(
        m.startswith("offers.deutschkurs-frauen.topics.1 in ")
        and "kurse.yaml, Zeile 5: Thema 'arbeit' gibt es nicht (gelöscht oder umbenannt?)" in m
        for m in messages
    ), messages


def test_exactly_one_catch_all_and_privacy_notice_required(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        base="""
        districts:
          ost: {name: {de: Ost}}
        topics: {}
        partners:
          a: {name: {de: A}, description: {de: A}, catch_all: true}
          b: {name: {de: B}, description: {de: B}, catch_all: true}
        places:
          buero: {name: {de: Büro}, address: x, latitude: 1, longitude: 2}
        """,
        offers__kurse="offers: {}\n",
    )
    with pytest.raises(ContentError) as caught:
        load_catalogue(content_dir)
    messages = [str(p) for p in caught.value.errors]
    assert any(
        m.startswith("partners.a.catch_all in ") and "mehrere Partner mit catch_all" in m for m in messages
    )
    assert "privacy.notice: Datenschutzhinweis fehlt (privacy: notice:)" in messages


def test_translation_becomes_outdated_when_german_changes(content_dir: Path) -> None:
    out = io.StringIO()
    assert run_check(content_dir, strict=False, accept=True, out=out, email_replies_relayed=False) == 0
    assert (content_dir / LOCK_NAME).exists()
    _, warnings = load_catalogue(content_dir)
    assert not [w for w in warnings if w.code in ("outdated", "unaccepted")]

    offers = content_dir / "offers" / "kurse.yaml"
    offers.write_text(
        offers.read_text().replace("de: Deutschkurs für Frauen", "de: Deutschkurs nur für Frauen")
    )
    _, warnings = load_catalogue(content_dir)
    outdated = [str(w) for w in warnings if w.code == "outdated"]
    assert len(outdated) == 1
    assert outdated[0].startswith("offers.deutschkurs-frauen.title.tr in ")
    assert "kurse.yaml, Zeile 8: Übersetzung veraltet" in outdated[0]


def test_translation_without_lock_entry_is_not_yet_accepted(content_dir: Path) -> None:
    run_check(content_dir, strict=False, accept=True, out=io.StringIO(), email_replies_relayed=False)
    offers = content_dir / "offers" / "kurse.yaml"
    offers.write_text(
        offers.read_text().replace("summary: {de: Mit Kinderbetreuung}", "summary: {de: Mit, ar: مع}")
    )
    _, warnings = load_catalogue(content_dir)
    assert [w.message for w in warnings if w.code == "unaccepted"] == [
        "Übersetzung noch nicht bestätigt – ar: summary"
    ]


def test_check_prints_german_report_and_strict_refuses_examples(content_dir: Path) -> None:
    places = content_dir / "base.yaml"
    places.write_text(places.read_text().replace("longitude: 10.33", "longitude: 10.33\n    example: true"))
    out = io.StringIO()
    assert run_check(content_dir, strict=False, accept=False, out=out, email_replies_relayed=False) == 0
    text = out.getvalue()
    assert "Warnungen" in text and "Beispieldaten (example: true)" in text
    assert "Übersetzung fehlt" in text
    assert "Angebote" in text and "50 %" in text  # coverage table: tr has 1 of 2 offer texts

    strict = io.StringIO()
    assert run_check(content_dir, strict=True, accept=False, out=strict, email_replies_relayed=False) == 1
    assert "Fehler" in strict.getvalue()
    assert "places.buero.example in " in strict.getvalue()


def test_committed_schema_is_up_to_date() -> None:
    committed = json.loads((ROOT / "content" / "schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run `run_bot.py schema` (bot.content.write_schema) and commit"


async def test_reload_keeps_old_content_on_broken_yaml_and_swaps_on_valid(content_dir: Path) -> None:
    service = ContentService(content_dir, email_replies_relayed=False)
    first = await service.reload()
    assert first.ok
    old = service.catalogue

    offers = content_dir / "offers" / "kurse.yaml"
    good = offers.read_text()
    offers.write_text(good + "    titel: kaputt\n")
    broken = await service.reload()
    assert not broken.ok
    assert service.catalogue is old
    assert any("unbekanntes Feld 'titel'" in str(p) for p in broken.errors)

    offers.write_text(good.replace("Deutschkurs für Frauen", "Deutschkurs am Abend"))
    fixed = await service.reload()
    assert fixed.ok
    assert service.catalogue.offers["deutschkurs-frauen"].title["de"] == "Deutschkurs am Abend"


async def test_failing_swap_hook_keeps_old_content_and_commit_runs_on_success(content_dir: Path) -> None:
    service = ContentService(content_dir, email_replies_relayed=False)
    installed: list[str] = []
    service.on_swap.append(lambda catalogue: lambda: installed.append(catalogue.version))
    assert (await service.reload()).ok
    assert installed == [service.catalogue.version]
    old = service.catalogue

    def broken_index(catalogue: object) -> None:
        raise RuntimeError("index build failed")

    service.on_swap.append(broken_index)
    result = await service.reload()
    assert not result.ok and service.catalogue is old
    assert "index build failed" in result.errors[0].message
    assert installed == [old.version]


def test_offers_for_topic_respects_district_and_validity(make_content: Callable[..., Path]) -> None:
    content_dir = make_content(
        offers__kurse="""
        offers:
          nur-fredenberg:
            kind: course
            topics: [sprache]
            title: {de: A}
            summary: {de: A}
            partner: quartiersmanagement
            districts: [fredenberg]
          sommer:
            kind: course
            topics: [sprache]
            title: {de: B}
            summary: {de: B}
            partner: quartiersmanagement
            valid_from: 2025-06-01
            valid_until: 2025-08-31
        """
    )
    catalogue, _ = load_catalogue(content_dir)
    ids = lambda district, day: [oid for oid, _ in catalogue.offers_for_topic("sprache", district, day)]  # noqa: E731
    assert ids("ost", date(2025, 7, 1)) == ["sommer"]
    assert ids("fredenberg", date(2025, 9, 1)) == ["nur-fredenberg"]
    assert catalogue.offers["sommer"].partner == catalogue.catch_all_partner_id


def test_pick_falls_back_to_simple_german_then_german() -> None:
    text = {"de": "Hallo", "de-simple": "Hallo!", "tr": "Merhaba"}
    assert pick(text, "tr") == ("Merhaba", "tr")
    assert pick(text, "ar") == ("Hallo!", "de-simple")
    assert pick({"de": "Hallo"}, "ar") == ("Hallo", "de")


HOURS = OpeningHours.model_validate(
    {
        "weekly": {"mon": ["09:00-12:00", "14:00-16:00"], "wed": ["10:00-12:00"]},
        "closed": [{"from": "2025-12-22", "to": "2026-01-02"}],
    }
)


def test_opening_hours_open_and_next_opening() -> None:
    monday = datetime(2025, 3, 3, 10, 0, tzinfo=BERLIN)
    assert HOURS.is_open(monday)
    assert not HOURS.is_open(monday.replace(hour=13))
    assert HOURS.next_opening(monday.replace(hour=13)) == monday.replace(hour=14)
    assert HOURS.next_opening(monday.replace(hour=17)) == datetime(2025, 3, 5, 10, 0, tzinfo=BERLIN)
    # a UTC instant is compared in Berlin time (08:30 UTC = 09:30 CET)
    assert HOURS.is_open(datetime(2025, 3, 3, 8, 30, tzinfo=ZoneInfo("UTC")))


def test_opening_hours_respect_closures_and_appointments() -> None:
    in_holidays = datetime(2025, 12, 22, 10, 0, tzinfo=BERLIN)  # a Monday
    assert not HOURS.is_open(in_holidays)
    assert HOURS.next_opening(in_holidays) == datetime(2026, 1, 5, 9, 0, tzinfo=BERLIN)
    by_appointment = HOURS.model_copy(update={"appointment_only": True})
    assert not by_appointment.is_open(datetime(2025, 3, 3, 10, 0, tzinfo=BERLIN))
    assert by_appointment.next_opening(datetime(2025, 3, 3, 10, 0, tzinfo=BERLIN)) is None


def test_public_holidays_of_lower_saxony_are_closed_days() -> None:
    ascension_day = datetime(2027, 5, 6, 10, 0, tzinfo=BERLIN)  # Christi Himmelfahrt, a Thursday
    thursdays = OpeningHours.model_validate({"weekly": {"thu": ["09:00-12:00"]}})
    assert public_holiday(ascension_day.date()) == "Christi Himmelfahrt"
    assert not thursdays.is_open(ascension_day)
    assert thursdays.next_opening(ascension_day) == datetime(2027, 5, 13, 9, 0, tzinfo=BERLIN)
    # Reformation Day is a holiday in Lower Saxony (not everywhere in Germany); Corpus Christi is not.
    assert public_holiday(date(2027, 10, 31)) == "Reformationstag"
    assert public_holiday(date(2027, 5, 27)) is None


def test_a_holiday_inside_a_closure_belongs_to_the_closure() -> None:
    new_year = datetime(2026, 1, 1, 10, 0, tzinfo=BERLIN)  # inside the closure of HOURS
    closure = HOURS.closure_on(new_year.date())
    assert closure is not None and closure.to == date(2026, 1, 2)
    assert HOURS.closed_on(new_year.date())
    assert HOURS.next_opening(new_year) == datetime(2026, 1, 5, 9, 0, tzinfo=BERLIN)


def test_time_slot_must_end_after_start() -> None:
    with pytest.raises(ValueError, match="Ende muss nach dem Beginn liegen"):
        OpeningHours.model_validate({"weekly": {"mon": ["12:00-09:00"]}})
