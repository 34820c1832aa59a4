"""The catalogue: an immutable snapshot of all validated content, and `load_catalogue` to build one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from bot.content.freshness import copied_translations, read_lock, translation_problems
from bot.content.loader import LoadedSources, load_sources
from bot.content.models import (
    BIDI_CONTROLS,
    MOJIBAKE,
    TIMEZONE,
    District,
    Emergency,
    Event,
    FaqEntry,
    Offer,
    Partner,
    Place,
    PrivacyNotice,
    Topic,
    iter_localized,
)
from bot.content.problems import ContentError, Loc, Problem
from bot.content.references import check_emergency, check_references, unanswerable_partners


@dataclass(frozen=True, eq=False)
class Catalogue:
    """All content of one successful load. Never changed; a reload builds a new one.

    `topics` and `emergency` are ordered by their `order` field, everything else by file order.
    """

    districts: Mapping[str, District]
    topics: Mapping[str, Topic]
    places: Mapping[str, Place]
    partners: Mapping[str, Partner]
    offers: Mapping[str, Offer]
    events: Mapping[str, Event]
    faq: Mapping[str, FaqEntry]
    emergency: Mapping[str, Emergency]
    privacy: Mapping[str, PrivacyNotice]
    version: str
    """Hash of all source files; changes whenever any content file changes."""

    @classmethod
    def from_sources(cls, loaded: LoadedSources) -> Catalogue:
        """Build the snapshot from validated entries (call only when there are no errors)."""
        by_kind: dict[str, Any] = {kind: dict(entries) for kind, entries in loaded.entries.items()}
        for kind in ("topics", "emergency"):
            by_kind[kind] = dict(sorted(by_kind[kind].items(), key=lambda item: (item[1].order, item[0])))
        frozen = {kind: MappingProxyType(entries) for kind, entries in by_kind.items()}
        return cls(**frozen, version=loaded.version)

    @property
    def privacy_notice(self) -> PrivacyNotice:
        """The privacy notice (always present in a loaded catalogue)."""
        return self.privacy["notice"]

    @property
    def catch_all_partner_id(self) -> str:
        """Id of the partner who gets what nobody else gets (Quartiersmanagement)."""
        return next(pid for pid, partner in self.partners.items() if partner.catch_all)

    def partner_for(self, partner_id: str | None, district_id: str | None) -> str:
        """Who takes a request about a subject the content gives `partner_id` for (a topic's or an FAQ's
        partner; None: no partner of its own): that partner while it serves the resident's district, else
        her district's office (`District.office`), else the catch-all. The catch-all itself stands for
        "the office": a Fredenberg resident's general question goes to her own office, and so does one
        about an answer that names the Ost-/Westsiedlung's office, which does not serve her district."""
        home = self.districts.get(district_id or "")
        office = home.office if home is not None else None
        partner = self.partners.get(partner_id or "")
        if partner_id and partner is not None and partner.serves_district(district_id):
            if not (partner.catch_all and office):
                return partner_id
        return office or self.catch_all_partner_id

    def topics_for_district(self, district_id: str | None) -> list[tuple[str, Topic]]:
        """Main-menu topics shown in a district, in menu order."""
        return [(tid, topic) for tid, topic in self.topics.items() if topic.serves_district(district_id)]

    def offers_for_topic(
        self, topic_id: str, district_id: str | None, today: date
    ) -> list[tuple[str, Offer]]:
        """Offers about a topic that serve the district and are current `today` (`offer_is_current`)."""
        return [
            (oid, offer)
            for oid, offer in self.offers.items()
            if topic_id in offer.topics
            and offer.serves_district(district_id)
            and offer_is_current(offer, today)
        ]

    def upcoming_events(self, now: datetime, district_id: str | None) -> list[tuple[str, Event]]:
        """Events not yet over at `now` (tz-aware), soonest first."""
        found = [
            (eid, event)
            for eid, event in self.events.items()
            if event_is_current(event, now) and event.serves_district(district_id)
        ]
        return sorted(found, key=lambda item: item[1].starts)

    def is_current(self, kind: str, entry_id: str, now: datetime) -> bool:
        """Whether a resident may be shown the entry at `now`: the menus' rule, for every other way to an
        entry too (search answers, an answer's buttons, posters' links). Offers and events can be over or
        not yet on; everything else is always current."""
        if kind == "offer":
            offer = self.offers.get(entry_id)
            return offer is not None and offer_is_current(offer, local_date(now))
        if kind == "event":
            event = self.events.get(entry_id)
            return event is not None and event_is_current(event, now)
        return True


def local_date(now: datetime) -> date:
    """The day it is at `now` (tz-aware) in the neighbourhood: offers end with a German day, not a UTC one
    (up to two hours apart around midnight)."""
    return now.astimezone(TIMEZONE).date()


def offer_is_current(offer: Offer, today: date) -> bool:
    """Published `today` (`valid_from`/`valid_until`), and not over (`offer_over`)."""
    return offer.is_valid_on(today) and offer_over(offer, today) is None


def offer_over(offer: Offer, today: date) -> tuple[tuple[str, ...], str] | None:
    """Why the offer is over `today`, as (field, how it ended) – its `valid_until`, the end of its course
    (`schedule.ends`), or its last dated session when it has no weekly slots – or None while it is not.
    One rule for the menus, search and sign-up (`offer_is_current`) and the content warning."""
    schedule = offer.schedule
    if offer.valid_until is not None and offer.valid_until < today:
        return ("valid_until",), f"gültig bis {offer.valid_until:%d.%m.%Y}"
    if schedule is None:
        return None
    if schedule.ends is not None and schedule.ends < today:
        return ("schedule", "ends"), f"Ende {schedule.ends:%d.%m.%Y}"
    last_session = max((s.date for s in schedule.sessions), default=None)
    if not schedule.weekly and last_session is not None and last_session < today:
        return ("schedule", "sessions"), f"letzter Termin {last_session:%d.%m.%Y}"
    return None


def event_is_current(event: Event, now: datetime) -> bool:
    """Not yet over at `now` (tz-aware): its end, or without one its start, still to come."""
    return (event.ends or event.starts) >= now


EXAMPLE = "Beispieldaten (example: true) – vor dem Start durch echte Daten ersetzen"
BIDI = (
    "unsichtbare Steuerzeichen für die Schreibrichtung im Text – bitte löschen, "
    "der Bot setzt sie bei Arabisch und Persisch selbst"
)


def _mojibake(text: str) -> tuple[str, str] | None:
    """The first double-encoded character in `text`: (as written, as meant), e.g. ("Ã©", "é")."""
    for match in MOJIBAKE.finditer(text):
        written = match.group()
        try:
            meant = written.encode("cp1252").decode("utf-8")
        except UnicodeError:
            try:
                meant = written.encode("latin-1").decode("utf-8")
            except UnicodeError:
                continue
        return written, meant
    return None


def _texts(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every text below a field's value, with its place (keys and list positions)."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from _texts(getattr(value, name), (*loc, field.alias or name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, key))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))


def _entry_warnings(loaded: LoadedSources) -> None:
    """Made-up entries, direction marks typed or pasted into a text (the bot isolates numbers itself), and
    text that went through a wrong encoding ("SprachcafÃ©"): `--strict` makes all three errors."""
    for kind, entries in loaded.entries.items():
        files = loaded.defined_in[kind]
        for entry_id, entry in entries.items():
            if getattr(entry, "example", False):
                loaded.warning(kind, entry_id, ("example",), EXAMPLE, code="example")
            if files.get(entry_id) in loaded.plain_files:
                continue  # its file's text has neither: none of its texts can have them
            for loc, texts in iter_localized(entry):
                for lang, value in texts.items():
                    values = value if isinstance(value, tuple) else (value,)
                    if any(BIDI_CONTROLS.search(item) for item in values):
                        loaded.warning(kind, entry_id, (*loc, lang), BIDI, code="bidi_controls")
            for loc, text in _texts(entry, ()):
                if found := _mojibake(text):
                    written, meant = found
                    message = (
                        f"Text sieht falsch kodiert aus ('{written}' statt '{meant}') – beim Kopieren aus "
                        "E-Mail oder Excel verdorben; Zeichen von Hand korrigieren"
                    )
                    loaded.warning(kind, entry_id, loc, message, code="mojibake")


PAST = "Termin liegt in der Vergangenheit ({when}) – löschen oder Datum ändern"


def _past_warnings(loaded: LoadedSources, now: datetime) -> None:
    """Events that are over and offers that have ended: staff forget to remove them, and residents would
    be asked to sign up for them."""
    today = local_date(now)
    for event_id, event in loaded.entries["events"].items():
        assert isinstance(event, Event)
        if not event_is_current(event, now):
            field = "ends" if event.ends else "starts"
            when = (event.ends or event.starts).astimezone(TIMEZONE).strftime("%d.%m.%Y")
            loaded.warning("events", event_id, (field,), PAST.format(when=when), code="past")
    for offer_id, offer in loaded.entries["offers"].items():
        assert isinstance(offer, Offer)
        if (over := offer_over(offer, today)) is not None:
            loc, when = over
            loaded.warning("offers", offer_id, loc, PAST.format(when=when), code="past")


def validate_content(
    content_dir: Path, *, now: datetime | None = None, email_replies_relayed: bool | None = None
) -> LoadedSources:
    """Load, validate and cross-check everything; all problems are in the result, nothing raised.
    `now` (tz-aware, default: the current time) is what "in the past" means; `email_replies_relayed`
    the server's setting that decides whether e-mail-only partners can answer at all
    (`unanswerable_partners`; None: not known here, not checked – `run_check` and `ContentService`,
    which tell staff, must pass it)."""
    loaded = load_sources(content_dir)
    check_references(loaded)
    if email_replies_relayed is not None:
        unanswerable_partners(loaded, email_replies_relayed=email_replies_relayed)
    check_emergency(loaded, content_dir)
    _entry_warnings(loaded)
    _past_warnings(loaded, now or datetime.now(TIMEZONE))
    lock, lock_problem = read_lock(content_dir)
    if lock_problem is not None:
        loaded.problems.append(lock_problem)
    translation_problems(loaded, lock)
    copied_translations(loaded, lock)
    return loaded


EXAMPLE_REFUSED = (
    "{count} – so geht der Inhalt auf Telegram nicht online: Bewohner sähen ausgedachte Telefonnummern und "
    "Adressen, Anfragen gingen an Platzhalter-Gruppen. Echte Daten eintragen und die Zeilen 'example: true' "
    "löschen (alle Einträge nennt `run_bot.py check --strict`). Nur für einen Probelauf: in den "
    "Einstellungen des Servers ALLOW_EXAMPLE_DATA=true setzen."
)


def example_data_refused(problems: list[Problem]) -> Problem | None:
    """The error that keeps content with example data off Telegram (without ALLOW_EXAMPLE_DATA), naming
    the first entries; None when there is none."""
    examples = [problem for problem in problems if problem.code == "example"]
    if not examples:
        return None
    first = ", ".join(problem.path.removesuffix(".example") for problem in examples[:3])
    more = ", …" if len(examples) > 3 else ""
    count = (
        f"1 Eintrag ist Beispieldaten (example: true): {first}"
        if len(examples) == 1
        else f"{len(examples)} Einträge sind Beispieldaten (example: true), z. B. {first}{more}"
    )
    return Problem("error", "", None, None, EXAMPLE_REFUSED.format(count=count), "example_refused")


def load_catalogue(
    content_dir: Path, *, examples: bool = True, email_replies_relayed: bool | None = None
) -> tuple[Catalogue, list[Problem]]:
    """Load the content below `content_dir`; returns the catalogue and the warnings.

    Raises `ContentError` with every problem when there is at least one error; without `examples`, also
    when an entry is example data (the bot on Telegram without ALLOW_EXAMPLE_DATA). With
    `email_replies_relayed` False (MAIL_INBOUND_PORT unset), the e-mail-only partners whose answers cannot
    reach residents are warnings too (None: the setting is not known here, see `validate_content`).
    """
    loaded = validate_content(content_dir, email_replies_relayed=email_replies_relayed)
    if not examples and (refused := example_data_refused(loaded.problems)) is not None:
        loaded.problems.insert(0, refused)
    if any(p.severity == "error" for p in loaded.problems):
        # Raised here, outside any except block, so the user sees one clear message.
        raise ContentError(loaded.problems)
    return Catalogue.from_sources(loaded), loaded.problems
