"""Pydantic models of the content files (content/README.md explains them to the staff).

Every model forbids unknown keys and is frozen: a loaded catalogue is a read-only snapshot.
Validation messages written here are shown to the German staff by `check`, so they are German.

Longer than most modules on purpose: one model per kind of content file (topics, offers, events,
partners, places, districts, FAQ, emergency, privacy) with the validation the staff rely on, sharing the
field types defined at the top.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from bot.content.problems import Loc
from bot.languages import CONTENT_FALLBACK, CONTENT_SOURCE, LANGUAGES, Lang

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
TIMEZONE = ZoneInfo("Europe/Berlin")
"""The time of every date, time and opening hour in the content."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
OfferKind = Literal["course", "counselling", "micro_project", "meeting_place", "service"]
TargetGroup = Literal["women", "youth", "seniors", "families", "migrants", "everyone"]
OnlyFor = Literal["women", "youth", "seniors", "families", "migrants"]
"""The target groups an offer can be open to alone (not "everyone")."""
Signup = Literal["request", "walk_in", "phone"]

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_CONTROLS = re.compile(f"[{BIDI_MARKS}]")
"""Invisible direction marks and isolates: the renderer sets them, staff never type them into YAML."""

# A UTF-8 text read as Windows-1252 and saved again: "é" becomes "Ã©", "–" becomes "â€“", "ł" becomes "Å‚".
# A lead character (Â Ã Ä Å for Latin letters, â for punctuation) and one or two of the characters its
# continuation bytes show as; `catalogue._mojibake` then decodes the candidate to be sure.
_CONTINUATION = (  # how the bytes 0x80-0xbf show in Windows-1252 (and Latin-1)
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
MOJIBAKE_LEADS = "ÂÃÄÅâ"
"""The characters every match of `MOJIBAKE` starts with."""
MOJIBAKE = re.compile(f"[ÂÃÄÅ]{_CONTINUATION}|â€{_CONTINUATION}")


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Languages people speak (partner staff, course language): any ISO 639 code, e.g. "ku".
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[a-z0-9]+)*$")]


_PHONE_CHARS = re.compile(r"^[0-9 +\-/()]+$")
PHONE_ALLOWED = "nur Ziffern, Leerzeichen und + - / ( )"
# A note in brackets after a partner's number, as staff write it: "05341 839-0 (Zentrale)".
_PHONE_NOTE = re.compile(r"\s*\([^()]*[^\W\d_][^()]*\)$")
# A letter typed for a digit: O for 0, I or l for 1, between digits ("11O", "83O-12").
_LETTER_FOR_DIGIT = re.compile(r"(?<=[0-9])[OoIl]|[OoIl](?=[0-9])")


def _phone_check(value: str, min_digits: int, max_digits: int, example: str, note: bool = False) -> str:
    number = _PHONE_NOTE.sub("", value) if note else value
    if not _PHONE_CHARS.match(number):
        wrong = "".join(dict.fromkeys(c for c in number if not _PHONE_CHARS.match(c)))
        hint = " (Buchstabe O statt Ziffer 0?)" if _LETTER_FOR_DIGIT.search(number) else ""
        allowed = PHONE_ALLOWED + (", danach eine Bemerkung in Klammern" if note else "")
        raise ValueError(f"keine gültige Telefonnummer '{value}' – {allowed} erlaubt, nicht '{wrong}'{hint}")
    digits = sum(c.isdigit() for c in number)
    if not min_digits <= digits <= max_digits:
        raise ValueError(
            f"keine gültige Telefonnummer '{value}' – {digits} Ziffern, erwartet {min_digits} bis "
            f"{max_digits} (z. B. {example})"
        )
    return value


def _phone(value: str) -> str:
    return _phone_check(value, 5, 15, '"05341 839-0"', note=True)


def _emergency_number(value: str) -> str:
    return _phone_check(value, 3, 11, '"110", "116 016" oder "0800 111 0 111"')


def _email(value: str) -> str:
    local, _, domain = value.partition("@")
    if (
        value.count("@") != 1
        or not local
        or "." not in domain.strip(".")
        or any(c.isspace() for c in value)
        or ".." in domain
    ):
        raise ValueError(f"keine gültige E-Mail-Adresse '{value}' – Form name@beispiel.de, ohne Leerzeichen")
    return value


def _group_chat_id(value: int) -> int:
    if value >= 0:
        raise ValueError(
            f"Chat-ID {value} ist keine Gruppe – Gruppen-IDs beginnen mit -100 – Minuszeichen vergessen?"
        )
    return value


_PHONE_SCHEMA = {"type": "string", "pattern": r"^[0-9 +\-/()]+$"}
PhoneNumber = Annotated[
    Text,
    AfterValidator(_phone),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[0-9 +\-/()]+(\s*\([^()]+\))?$", "examples": ["05341 839-0"]}
    ),
]
"""A phone number residents dial: digits and the usual separators, 5 to 15 digits, and perhaps a note in
brackets after it ("05341 839-0 (Zentrale)")."""
EmergencyNumber = Annotated[
    Text, AfterValidator(_emergency_number), WithJsonSchema({**_PHONE_SCHEMA, "examples": ["110"]})
]
"""A short emergency or hotline number: 3 to 11 digits (110, 116 016, 0800 111 0 111)."""
EmailAddress = Annotated[
    Text, AfterValidator(_email), WithJsonSchema({"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"})
]
GroupChatId = Annotated[
    int, AfterValidator(_group_chat_id), WithJsonSchema({"type": "integer", "maximum": -1})
]
"""A Telegram group or supergroup id: always negative (a positive id is a person's private chat)."""


class Localized(dict[Lang, Any]):
    """The value of a localized field (`{lang: text}` or `{lang: words}`): `iter_localized` finds the
    translatable fields of an entry by this type."""


def _require_de(value: dict[Lang, Any]) -> dict[Lang, Any]:
    if not value.get(CONTENT_SOURCE):
        raise ValueError("deutscher Text (de) fehlt")
    return Localized(value)


def _localized_schema(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {lang: item for lang in LANGUAGES},
        "required": [CONTENT_SOURCE],
        "additionalProperties": False,
    }


LocalizedText = Annotated[
    dict[Lang, Text],
    AfterValidator(_require_de),
    WithJsonSchema(_localized_schema({"type": "string", "minLength": 1})),
]
"""A text per language; `de` is required, every text non-empty."""

LocalizedList = Annotated[
    dict[Lang, tuple[Text, ...]],
    AfterValidator(_require_de),
    WithJsonSchema(_localized_schema({"type": "array", "items": {"type": "string", "minLength": 1}})),
]
"""Word or question lists per language; `de` is required."""

Keywords = dict[Lang, tuple[Text, ...]]
"""Extra search words per language (optional, also without German)."""


def pick(text: Mapping[Any, Any] | None, lang: str) -> tuple[str, str]:
    """Return (text, language actually used) with the fallback lang → de-simple → de."""
    if not text:
        return "", CONTENT_SOURCE
    used = next(candidate for candidate in (lang, *CONTENT_FALLBACK) if text.get(candidate))
    return text[used], used


def localized(text: Mapping[Any, Any] | None, lang: str) -> str:
    """A localized content text in `lang`, with the content's fallback (lang → de-simple → de)."""
    return pick(text, lang)[0]


# --- times -----------------------------------------------------------------------------------------

_CLOCK_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
END_OF_DAY = time(23, 59, 59, 999999)


def _parse_clock(value: Any) -> Any:
    """Parse "HH:MM" (also "9:00"; "24:00" means end of day)."""
    if not isinstance(value, str):
        raise ValueError('Uhrzeit im Format HH:MM erwartet, z. B. "09:30"')
    match = _CLOCK_RE.match(value)
    if not match:
        raise ValueError(f'keine gültige Uhrzeit {value!r} – Format HH:MM, z. B. "09:30"')
    hour, minute = int(match[1]), int(match[2])
    if (hour, minute) == (24, 0):
        return END_OF_DAY
    if hour > 23 or minute > 59:
        raise ValueError(f"keine gültige Uhrzeit {value!r} – Stunden 0–23, Minuten 0–59")
    return time(hour, minute)


Clock = Annotated[
    time,
    BeforeValidator(_parse_clock),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "examples": ["09:30"]}),
]

_DATETIME_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})\s*$")


def _local_datetime(value: Any) -> Any:
    """Parse "YYYY-MM-DD HH:MM" as a time in Europe/Berlin."""
    if isinstance(value, str):
        match = _DATETIME_RE.match(value)
        if not match:
            raise ValueError(f"kein gültiger Zeitpunkt {value!r} – Format JJJJ-MM-TT HH:MM")
        try:
            year, month, day, hour, minute = (int(part) for part in match.groups())
            return datetime(year, month, day, hour, minute, tzinfo=TIMEZONE)
        except ValueError:
            message = f"kein gültiger Zeitpunkt {value!r} – Datum oder Uhrzeit gibt es nicht"
            raise ValueError(message) from None
    return value


LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_local_datetime),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}$"}),
]
"""A local time "YYYY-MM-DD HH:MM" in Europe/Berlin; always tz-aware after validation."""


class ContentModel(BaseModel):
    """Base of all content models: unknown keys are errors, loaded content is read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def _after(earlier: str, message: str, *, strictly: bool = False) -> Any:
    """A field validator: the field, when set, must not come before the field `earlier` (nor at the same
    time, `strictly`)."""

    def check(value: Any, info: ValidationInfo) -> Any:
        start = info.data.get(earlier)
        if value is not None and start is not None and (value <= start if strictly else value < start):
            raise ValueError(message)
        return value

    return check


class _ForDistricts:
    """An entry that may be limited to some districts (each model declares its `districts` field)."""

    if TYPE_CHECKING:
        districts: tuple[str, ...]

    def serves_district(self, district_id: str | None) -> bool:
        """Whether the entry is for `district_id` (no districts = all; None = any district)."""
        return district_id is None or not self.districts or district_id in self.districts


_TIME_RANGE_RE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


class _Slot(ContentModel):
    """A start and an end time on one day; the end must come after the start."""

    start: Clock
    end: Clock

    _end_after_start = field_validator("end")(
        _after("start", "Ende muss nach dem Beginn liegen", strictly=True)
    )


class TimeRange(_Slot):
    """An opening slot within one day, written "HH:MM-HH:MM" in YAML."""

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _TIME_RANGE_RE.match(value)
            if not match:
                raise ValueError(f'Zeitraum {value!r} ungültig – Format HH:MM-HH:MM, z. B. "09:00-12:30"')
            return {"start": match[1], "end": match[2]}
        return value


TimeRangeText = Annotated[
    TimeRange,
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$", "examples": ["09:00-12:30"]}
    ),
]


@cache
def _holidays(year: int) -> Mapping[date, str]:
    """Public holidays of Lower Saxony (Salzgitter): every place with opening hours is closed on them."""
    # Imported on the first opening hours shown, not at start: `import holidays` loads every country's
    # calendars (about a tenth of a CPU second), and loading or checking the content never needs them.
    import holidays

    return holidays.country_holidays("DE", subdiv="NI", years=year, language="de")


def public_holiday(day: date) -> str | None:
    """The German name of the public holiday on `day` in Lower Saxony, or None on a working day."""
    return _holidays(day.year).get(day)


class Closure(ContentModel):
    """Closed on these days, both inclusive (Christmas break, renovation)."""

    from_: date = Field(alias="from")
    to: date
    note: LocalizedText | None = None

    _to_after_from = field_validator("to")(_after("from_", "'to' liegt vor 'from'"))


class OpeningHours(ContentModel):
    """Weekly opening hours; a missing day is closed, and so are public holidays and `closed` days."""

    weekly: dict[Weekday, tuple[TimeRangeText, ...]] = Field(default_factory=dict)
    appointment_only: bool = False
    note: LocalizedText | None = None
    closed: tuple[Closure, ...] = ()

    def closure_on(self, day: date) -> Closure | None:
        """The content's closure covering `day` (the one ending last if several overlap)."""
        covering = [closure for closure in self.closed if closure.from_ <= day <= closure.to]
        return max(covering, key=lambda c: c.to) if covering else None

    def closed_on(self, day: date) -> bool:
        """Closed all day: inside a closure or a public holiday."""
        return self.closure_on(day) is not None or public_holiday(day) is not None

    def _slots(self, day: date) -> list[TimeRange]:
        return sorted(self.weekly.get(WEEKDAYS[day.weekday()], ()), key=lambda slot: slot.start)

    def opens_on(self, day: date) -> bool:
        """Whether the weekly hours have a slot on `day`'s weekday (ignoring holidays and closures)."""
        return bool(self._slots(day))

    def local(self, at: datetime) -> datetime:
        """`at` (tz-aware) in Berlin time, the time of the opening hours."""
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        return at.astimezone(TIMEZONE)

    def is_open(self, at: datetime) -> bool:
        """Whether a resident can walk in at `at` (tz-aware). Appointment-only places are never 'open'."""
        if self.appointment_only:
            return False
        local = self.local(at)
        if self.closed_on(local.date()):
            return False
        now = local.time().replace(tzinfo=None)
        return any(slot.start <= now < slot.end for slot in self._slots(local.date()))

    def next_opening(self, at: datetime) -> datetime | None:
        """The first moment at or after `at` when the place is open (`at` itself if open now).

        Returns None for appointment-only places and when nothing opens within a year.
        The result is in Berlin time.
        """
        if self.appointment_only or not self.weekly:
            return None
        local = self.local(at)
        if self.is_open(local):
            return local
        for offset in range(0, 400):
            day = local.date() + timedelta(days=offset)
            if self.closed_on(day):
                continue
            for slot in self._slots(day):
                start = datetime.combine(day, slot.start, tzinfo=local.tzinfo)
                if start > local:
                    return start
        return None


class District(ContentModel):
    """A part of the neighbourhood; residents pick one, offers may be limited to some."""

    name: LocalizedText
    description: LocalizedText | None = None
    # The district's own office: what would go to the catch-all partner goes there for its residents.
    office: Slug | None = None


class IntakeQuestion(ContentModel):
    """A short question asked in the request flow of a topic, offer or event."""

    id: Slug
    question: LocalizedText
    asks_language: bool = False
    """The question asks for a language ("In which language …?"): a language's name is its answer, not a
    wish for the language picker (which it opens during the other steps of a request)."""


def _unique_intake_ids(value: tuple[IntakeQuestion, ...]) -> tuple[IntakeQuestion, ...]:
    ids = [q.id for q in value]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"Fragen-ID doppelt: {', '.join(duplicates)}")
    return value


IntakeQuestions = Annotated[tuple[IntakeQuestion, ...], AfterValidator(_unique_intake_ids)]
"""The questions asked before the resident's message; ids unique within the list."""


class Topic(_ForDistricts, ContentModel):
    """A main-menu button; requests about it go to `default_partner`."""

    title: LocalizedText
    icon: str | None = None
    order: int
    default_partner: Slug
    partners: tuple[Slug, ...] = ()
    """Partners listed on the topic's page, first (e.g. the offices with their hours under "Kontakt")."""
    intake: IntakeQuestions = ()
    districts: tuple[Slug, ...] = ()
    keywords: Keywords = Field(default_factory=dict)


class Place(ContentModel):
    """A location residents can go to."""

    name: LocalizedText
    address: Text
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    accessibility: LocalizedText | None = None
    district: Slug | None = None
    example: bool = False


class RequestRouting(ContentModel):
    """Where residents' requests for a partner go and how fast an answer is expected."""

    telegram_chat_id: GroupChatId | None = None
    telegram_topic_id: int | None = None
    """In a forum supergroup: the topic (message thread id) where request cards are posted."""
    email: EmailAddress | None = None
    response_hours: int = Field(default=48, gt=0)
    escalation_hours: int = Field(default=96, gt=0)

    _escalation_after_response = field_validator("escalation_hours")(
        _after("response_hours", "escalation_hours muss mindestens so groß wie response_hours sein")
    )

    @property
    def has_destination(self) -> bool:
        """Whether a request can be delivered at all."""
        return self.telegram_chat_id is not None or bool(self.email)

    @property
    def email_only(self) -> bool:
        """Requests go out by e-mail only (no Telegram group)."""
        return self.telegram_chat_id is None and bool(self.email)


class Partner(_ForDistricts, ContentModel):
    """An organisation that answers residents' requests."""

    name: LocalizedText
    description: LocalizedText
    place: Slug | None = None
    phone: PhoneNumber | None = None
    email: EmailAddress | None = None
    website: str | None = None
    example: bool = False
    languages: tuple[LanguageCode, ...] = ()
    opening_hours: OpeningHours | None = None
    requests: RequestRouting = Field(default_factory=RequestRouting)
    catch_all: bool = False
    districts: tuple[Slug, ...] = ()
    keywords: Keywords = Field(default_factory=dict)


def no_chat_answer(partner: Partner, catch_all: Partner | None, *, email_replies_relayed: bool) -> bool:
    """The one rule of whether no answer of `partner` can reach a resident's chat: it gets requests by
    e-mail only, the bot receives no e-mail (`email_replies_relayed`: MAIL_INBOUND_PORT), and the catch-all
    (Quartiersmanagement; `partner` itself included) has no Telegram group to pass its e-mailed replies on
    from. Asked of the live catalogue (`bot.tickets.routing.no_chat_answer`) and of content being checked
    (`bot.content.references.unanswerable_partners`)."""
    if email_replies_relayed or not partner.requests.email_only:
        return False
    return catch_all is None or catch_all.requests.telegram_chat_id is None


class WeeklySlot(_Slot):
    """A recurring weekly appointment of an offer."""

    day: Weekday


class Session(_Slot):
    """A single dated appointment of an offer."""

    date: date


class Schedule(ContentModel):
    """When an offer takes place."""

    weekly: tuple[WeeklySlot, ...] = ()
    sessions: tuple[Session, ...] = ()
    starts: date | None = None
    ends: date | None = None
    note: LocalizedText | None = None

    _ends_after_starts = field_validator("ends")(_after("starts", "'ends' liegt vor 'starts'"))


class Offer(_ForDistricts, ContentModel):
    """A course, counselling hour, micro project, meeting place or service."""

    kind: OfferKind
    topics: tuple[Slug, ...] = Field(min_length=1)
    target_groups: tuple[TargetGroup, ...] = ()
    only_for: OnlyFor | None = None
    """The one group the offer is open to and nobody else (a women's course): one of `target_groups`."""
    title: LocalizedText
    summary: LocalizedText
    details: LocalizedText | None = None
    partner: Slug
    place: Slug | None = None
    districts: tuple[Slug, ...] = ()
    schedule: Schedule | None = None
    cost: LocalizedText | None = None
    childcare: bool | None = None
    languages: tuple[LanguageCode, ...] = ()
    signup: tuple[Signup, ...] = ()
    signup_label: LocalizedText | None = None
    """The sign-up button's words (e.g. "Ich möchte helfen") instead of the usual ones."""
    intake: IntakeQuestions = ()
    """Questions asked on signing up, instead of the topic's."""
    keywords: Keywords = Field(default_factory=dict)
    valid_from: date | None = None
    valid_until: date | None = None
    example: bool = False
    """True while schedule or dates are made up: `check --strict` refuses to go live with it."""

    _until_after_from = field_validator("valid_until")(
        _after("valid_from", "valid_until liegt vor valid_from")
    )

    @field_validator("only_for")
    @classmethod
    def _only_for_one_of_the_groups(cls, value: OnlyFor | None, info: ValidationInfo) -> OnlyFor | None:
        """A group not among the target groups, or next to "everyone", is a slip the staff must see: the page
        would say "only for women" of an offer that also says it is open to everyone."""
        groups = info.data.get("target_groups", ())
        if value is not None and "everyone" in groups:
            raise ValueError(
                f"'only_for: {value}' widerspricht 'everyone' in target_groups – eins davon entfernen"
            )
        if value is not None and value not in groups:
            raise ValueError(f"'{value}' fehlt in target_groups – only_for muss eine der Zielgruppen sein")
        return value

    def is_valid_on(self, day: date) -> bool:
        """Whether the offer is published on `day` (valid_from/valid_until inclusive)."""
        return (self.valid_from or date.min) <= day <= (self.valid_until or date.max)

    @property
    def takes_sign_ups(self) -> bool:
        """Whether residents sign up through the bot (`request`, or no `signup` given): the page offers it
        and "Done" without a word signs up. Otherwise (walk in, call) they can still ask a person."""
        return "request" in self.signup or not self.signup


class Event(_ForDistricts, ContentModel):
    """A one-off event (festival, information evening)."""

    title: LocalizedText
    summary: LocalizedText
    details: LocalizedText | None = None
    starts: LocalDateTime
    ends: LocalDateTime | None = None
    place: Slug | None = None
    partner: Slug | None = None
    signup: tuple[Signup, ...] = ()
    signup_label: LocalizedText | None = None
    intake: IntakeQuestions = ()
    topics: tuple[Slug, ...] = ()
    districts: tuple[Slug, ...] = ()
    keywords: Keywords = Field(default_factory=dict)
    example: bool = False
    """True while the date is made up: `check --strict` refuses to go live with it."""

    _ends_after_starts = field_validator("ends")(
        _after("starts", "'ends' muss nach 'starts' liegen", strictly=True)
    )

    @property
    def takes_sign_ups(self) -> bool:
        """Whether residents sign up through the bot (`request`): the page offers it, and "Done" without a
        word signs up."""
        return "request" in self.signup


class FaqEntry(ContentModel):
    """A frequently asked question with its answer and related content."""

    questions: LocalizedList
    answer: LocalizedText
    offers: tuple[Slug, ...] = ()
    partners: tuple[Slug, ...] = ()
    topics: tuple[Slug, ...] = ()
    keywords: Keywords = Field(default_factory=dict)


class Emergency(ContentModel):
    """An emergency number shown when a resident's message contains one of the triggers."""

    name: LocalizedText
    number: EmergencyNumber
    description: LocalizedText
    order: int
    triggers: LocalizedList
    free: bool = False
    """The call costs nothing."""
    around_the_clock: bool = False
    """Reachable day and night, every day – only when the operator publishes it so."""
    hours: LocalizedText | None = None
    """When the number is reachable if not day and night, as the operator publishes it."""

    @model_validator(mode="after")
    def _one_availability(self) -> Emergency:
        if self.around_the_clock and self.hours is not None:
            raise ValueError("entweder around_the_clock: true oder hours angeben, nicht beides")
        return self


class PrivacyNotice(ContentModel):
    """The privacy notice shown before a request is stored."""

    title: LocalizedText
    text: LocalizedText


class ContentFile(ContentModel):
    """One content file: top-level kinds mapping ids to entries (used for the JSON schema)."""

    districts: dict[Slug, District] | None = None
    topics: dict[Slug, Topic] | None = None
    places: dict[Slug, Place] | None = None
    partners: dict[Slug, Partner] | None = None
    offers: dict[Slug, Offer] | None = None
    events: dict[Slug, Event] | None = None
    faq: dict[Slug, FaqEntry] | None = None
    emergency: dict[Slug, Emergency] | None = None
    privacy: dict[Literal["notice"], PrivacyNotice] | None = None


KINDS: dict[str, type[ContentModel]] = {
    "districts": District,
    "topics": Topic,
    "places": Place,
    "partners": Partner,
    "offers": Offer,
    "events": Event,
    "faq": FaqEntry,
    "emergency": Emergency,
    "privacy": PrivacyNotice,
}
"""Top-level kind → entry model, in the order `check` reports them."""


def iter_localized(model: BaseModel, prefix: Loc = ()) -> list[tuple[Loc, Localized]]:
    """All localized fields below `model`, each with its path of YAML keys."""
    found: list[tuple[Loc, Localized]] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        path = (*prefix, field.alias or name)
        if isinstance(value, Localized):
            found.append((path, value))
        elif isinstance(value, BaseModel):
            found.extend(iter_localized(value, path))
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found.extend(iter_localized(item, (*path, index)))
    return found
