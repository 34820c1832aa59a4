"""German messages for validation errors, for staff who are not programmers (with "did you mean …?")."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

from babel import Locale
from rapidfuzz.distance import Levenshtein

from bot.content.models import KINDS, SLUG_PATTERN, ContentFile
from bot.languages import LANGUAGES


@cache
def known_field_names() -> list[str]:
    """Every field name staff can write: the properties of every model in the JSON schema."""
    models = ContentFile.model_json_schema()["$defs"].values()
    return sorted({name for model in models for name in model.get("properties", {})})


@cache
def field_homes() -> dict[str, tuple[str, ...]]:
    """Field name → where staff write it: under which field ("unter 'opening_hours:'") or, for a field of
    an entry itself, in which kind of entry ("bei Einträgen unter 'offers:'")."""
    models = ContentFile.model_json_schema()["$defs"]
    holders: dict[str, list[str]] = {}  # model → the fields whose value it is
    for model in models.values():
        for name, spec in model.get("properties", {}).items():
            for ref in re.findall(r'"#/\$defs/([^"]+)"', json.dumps(spec)):
                holders.setdefault(ref, []).append(name)
    kinds = {model.__name__: kind for kind, model in KINDS.items()}
    homes: dict[str, list[str]] = {}
    for model_name, model in models.items():
        where = [f"unter '{holder}:'" for holder in holders.get(model_name, [])]
        if not where and model_name in kinds:
            where = [f"bei Einträgen unter '{kinds[model_name]}:'"]
        for name in model.get("properties", {}):
            found = homes.setdefault(name, [])
            found.extend(place for place in where if place not in found)
    return {name: tuple(where) for name, where in homes.items()}


def misplaced_field(name: str) -> str:
    """An unknown field that is a field elsewhere (`closed:` under the partner instead of under
    `opening_hours:`): where it belongs, instead of "did you mean" the same word."""
    homes = field_homes()[name]
    if homes and homes[0].startswith("unter "):
        holders = [home.removeprefix("unter ") for home in homes[:3]]
        where = holders[0] if len(holders) == 1 else f"{', '.join(holders[:-1])} oder {holders[-1]}"
        return (
            f"'{name}' gehört nicht hierher – es steht nur unter {where}: eine Ebene tiefer, also zwei "
            f"Leerzeichen weiter eingerückt als {holders[0] if len(holders) == 1 else 'das jeweilige Feld'}"
        )
    kinds = ", ".join(home.removeprefix("bei Einträgen unter ") for home in homes[:4])
    return (
        f"'{name}' gehört nicht hierher – es steht nur direkt in Einträgen unter {kinds} (so weit eingerückt "
        "wie ihre übrigen Felder)"
    )


def suggest(word: str, options: Any, *, cutoff: float = 0.6) -> str:
    """ " – meinten Sie 'x'?" for the option closest to `word`, or "" when none is close enough."""
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return f" – meinten Sie '{match[0]}'?" if match else ""


SAME_ENTRY = 0.85
"""How close an unknown id must be to an existing one to be offered as a typo of it: one or two letters
off ('sprachcafee', 'jobcentre'). Looser, an id whose entry was deleted would be pointed at an unrelated
entry that merely shares a word ('sprachcafe' → 'frauencafe', 0.6). A short id with one letter off is
below it ('mow' for 'now', 0.67): `typo_of` offers one edit away too."""


def typo_of(word: str, options: Iterable[str]) -> str:
    """ " – meinten Sie 'x'?" for an existing id that `word` is a typo of: as close as `SAME_ENTRY`, or one
    letter added, left out or changed; "" when none is."""
    known = list(options)
    if close := suggest(word, known, cutoff=SAME_ENTRY):
        return close
    near = min(known, key=lambda option: Levenshtein.distance(word, option), default=None)
    return f" – meinten Sie '{near}'?" if near is not None and Levenshtein.distance(word, near) <= 1 else ""


# What staff write for a value of a fixed list instead of its code: German weekdays and words, the country
# for the language. Only offered when the code it points to is allowed where it was written.
_ALIASES = {
    **{day: "mon" for day in ("mo", "montag", "monday")},
    **{day: "tue" for day in ("di", "dienstag", "tu", "tuesday")},
    **{day: "wed" for day in ("mi", "mittwoch", "we", "wednesday")},
    **{day: "thu" for day in ("do", "donnerstag", "th", "thursday")},
    **{day: "fri" for day in ("fr", "freitag", "friday")},
    **{day: "sat" for day in ("sa", "samstag", "sonnabend", "saturday")},
    **{day: "sun" for day in ("so", "sonntag", "su", "sunday")},
    **dict.fromkeys(("ua", "ukr", "ukrainisch"), "uk"),
    **dict.fromkeys(("ir", "per", "persisch", "farsi", "dari"), "fa"),
    **dict.fromkeys(("gb", "eng", "englisch", "english"), "en"),
    **dict.fromkeys(("ger", "deu", "deutsch"), "de"),
    **dict.fromkeys(("tur", "türkisch", "turkish"), "tr"),
    **dict.fromkeys(("ara", "arabisch", "arabic"), "ar"),
    **dict.fromkeys(("rus", "russisch", "russian"), "ru"),
    **dict.fromkeys(("pol", "polnisch", "polish"), "pl"),
    **dict.fromkeys(("de_simple", "de-einfach", "einfach", "leicht", "leichte-sprache"), "de-simple"),
    **dict.fromkeys(("kurs", "sprachkurs"), "course"),
    "beratung": "counselling",
    **dict.fromkeys(("treffpunkt", "treff"), "meeting_place"),
    "frauen": "women",
    **dict.fromkeys(("jugend", "jugendliche"), "youth"),
    "senioren": "seniors",
    "familien": "families",
    **dict.fromkeys(("migranten", "migrantinnen", "geflüchtete"), "migrants"),
    "alle": "everyone",
    "anfrage": "request",
    **dict.fromkeys(("telefon", "anruf"), "phone"),
}


def meant(written: object, options: list[str]) -> str:
    """ " – meinten Sie 'mon'?" for a value outside a fixed list: the code staff meant by a German word or
    abbreviation ('mo', 'di'), a country code ('ua') or a typo ('tuee'); "" when nothing fits."""
    if not isinstance(written, str):
        return ""
    word = written.strip().lower()
    if word in options:  # 'Mon': the right code, written in capitals
        return f" – meinten Sie '{word}'?"
    if _ALIASES.get(word) in options:
        return f" – meinten Sie '{_ALIASES[word]}'?"
    return suggest(word, options)


_SIMPLE_MESSAGES = {  # pydantic's error types → German
    **dict.fromkeys(
        ("list_type", "tuple_type"), "hier wird eine Liste erwartet (jede Zeile mit '- ' beginnen)"
    ),
    **dict.fromkeys(
        ("dict_type", "model_type", "model_attributes_type"), "hier werden Felder erwartet (Schlüssel: Wert)"
    ),
    "string_type": "hier wird Text erwartet",
    "string_too_short": "darf nicht leer sein",
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "hier wird eine ganze Zahl erwartet"),
    **dict.fromkeys(("float_type", "float_parsing"), "hier wird eine Zahl erwartet (mit Punkt, z. B. 52.15)"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "hier wird true oder false erwartet"),
    "too_short": "mindestens ein Eintrag nötig",
    **dict.fromkeys(("greater_than", "greater_than_equal"), "Wert zu klein"),
    "less_than_equal": "Wert zu groß",
}


DATE_ERRORS = frozenset(
    {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
)
_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*$")

# A field that holds one id: what it names and the file where those ids are written (an empty one is
# reported with where to find one).
_ID_FIELDS = {
    "partner": ("Partner", "eines Partners", "partners.yaml"),
    "default_partner": ("Partner", "eines Partners", "partners.yaml"),
    "office": ("Partner", "eines Partners", "partners.yaml"),
    "place": ("Ort", "eines Ortes", "places.yaml"),
    "district": ("Stadtteil", "eines Stadtteils", "districts.yaml"),
}


def german_language_name(lang: str) -> str:
    """How staff call a content language in German ("Türkisch", "Einfaches Deutsch")."""
    if lang == "de-simple":
        return "Einfaches Deutsch"
    return str(Locale("de").languages.get(lang) or lang)


def empty_field(last: str) -> str:
    """A field written without a value (`partner:` and nothing after it): what belongs there."""
    if last == "de":
        return "deutscher Text fehlt – hinter 'de:' gehört der Text auf Deutsch (er ist Pflicht)"
    if last in LANGUAGES:
        return (
            f"Text auf {german_language_name(last)} fehlt – hinter '{last}:' den Text eintragen oder die "
            "Zeile löschen (dann wird der deutsche Text gezeigt)"
        )
    if last in _ID_FIELDS:
        label, of_one, file = _ID_FIELDS[last]
        example = ", z. B. quartiersmanagement" if file == "partners.yaml" else ""
        return (
            f"{label} fehlt – hinter '{last}:' die ID {of_one} aus {file} eintragen (das Wort vor dem "
            f"Doppelpunkt dort{example})"
        )
    return (
        f"'{last}' ist leer – hinter '{last}:' einen Wert eintragen, oder die Zeile löschen, wenn das Feld "
        "nicht nötig ist"
    )


def date_message(written: object, today: date | None = None) -> str:
    """A date staff wrote another way ("23.12.2026"): quoted, with the right form of that very date, or
    an example that is not in the past."""
    if match := _GERMAN_DATE.match(str(written)):
        day, month, year = (int(part) for part in match.groups())
        try:
            meant = date(year, month, day)
        except ValueError:
            pass
        else:
            return f"kein gültiges Datum '{written}' – Format JJJJ-MM-TT, hier also {meant:%Y-%m-%d}"
    example = date((today or date.today()).year + 1, 3, 1)
    return f"kein gültiges Datum '{written}' – Format JJJJ-MM-TT, z. B. {example:%Y-%m-%d} für den 1. März"


def german_message(error: Any) -> str:
    """A short German message for one pydantic error."""
    kind = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    last = str(loc[-1]) if loc else ""
    if "input" in error and error["input"] is None and kind != "missing":
        return empty_field(last)
    if kind in DATE_ERRORS:
        return date_message(error.get("input"))
    if kind == "missing":
        return f"Pflichtfeld '{last}' fehlt"
    if kind == "extra_forbidden":
        if last in field_homes():
            return misplaced_field(last)
        return f"unbekanntes Feld '{last}'{suggest(last, known_field_names())}"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        hint = meant(error.get("input"), expected.split(", "))
        if loc and loc[-1] == "[key]" and expected == ", ".join(LANGUAGES):
            return f"unbekannter Sprachcode '{error['input']}' – erlaubt: {expected}{hint}"
        return f"ungültiger Wert '{error['input']}' – erlaubt: {expected}{hint}"
    if kind == "string_pattern_mismatch":
        return f"ungültiges Format '{error['input']}'" + (
            " – nur a-z, 0-9 und '-', höchstens 40 Zeichen" if ctx.get("pattern") == SLUG_PATTERN else ""
        )
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind.startswith("time"):
        return "keine gültige Uhrzeit – Format HH:MM"
    if kind in ("greater_than", "greater_than_equal", "less_than_equal") and ctx:
        limit = next(iter(ctx.values()))
        return f"{_SIMPLE_MESSAGES[kind]} (Grenze: {limit})"
    return _SIMPLE_MESSAGES.get(kind, error["msg"])
