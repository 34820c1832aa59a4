"""Language negotiation, fallbacks, CLDR formatting and bidi isolation."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.i18n import FSI, PDI, I18n, negotiate

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("uk", "uk"),
        ("fa-IR", "fa"),
        ("pt-BR", "de"),
        ("tr", "tr"),
        ("en-GB", "en"),
        ("ar-SY", "ar"),
        (None, "de"),
        ("", "de"),
        ("xx-??", "de"),
        ("ru-UA", "ru"),
        ("pl", "pl"),
    ],
)
def test_telegram_language_code_is_negotiated(code: str | None, expected: str) -> None:
    assert negotiate(code) == expected


def test_dates_and_weekdays_are_formatted_in_the_residents_locale() -> None:
    i18n = I18n(ROOT / "locales")
    de, tr, ar = i18n.translator("de"), i18n.translator("tr"), i18n.translator("ar")
    assert de.format_date(date(2027, 3, 2)) == "Dienstag, 2. März 2027"
    assert tr.weekday(1) == "Salı"
    assert "Mart" in tr.format_date(date(2027, 3, 2))
    assert de.format_time(time(9, 0)) == "09:00"
    arabic = ar.format_datetime(datetime(2027, 3, 2, 9, 0))
    assert arabic.startswith(FSI) and arabic.endswith(PDI)


def test_plain_german_falls_back_to_german_sentences() -> None:
    i18n = I18n(ROOT / "locales")
    assert i18n.translator("de-simple").gettext("Language") in {"Sprache", "Sprache wählen"}


def test_unknown_language_gets_german() -> None:
    i18n = I18n(ROOT / "locales")
    assert i18n.translator("xx").lang == "de"


def test_the_default_language_setting_decides_for_unsupported_telegram_languages() -> None:
    i18n = I18n(ROOT / "locales", default="en")
    assert i18n.negotiate("pt-BR") == "en"
    assert i18n.negotiate("tr") == "tr"
    assert i18n.translator("xx").lang == "en"
