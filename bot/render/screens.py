"""Screens residents see: topic lists, offers, events, partners, FAQ answers, emergency, search results.

Every function returns `(html_text, keyboard)`. All content text is HTML-escaped; numbers, addresses,
times and Latin names are bidi-isolated for Arabic and Farsi readers.

Longer than most modules on purpose: every screen made of content entries is here, because
they share the `Writer` (language fallback and its note), the opening-hours lines and the navigation rows;
split by entry kind they would import each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape
from typing import Any

from babel.lists import format_list
from markupsafe import Markup

from bot.content.catalogue import Catalogue, local_date
from bot.content.models import (
    WEEKDAYS,
    Emergency,
    FaqEntry,
    Offer,
    OpeningHours,
    Partner,
    Place,
    Schedule,
    localized,
    pick,
    public_holiday,
)
from bot.i18n import LANGUAGE_NAMES, PDI, TIMEZONE, Translator, isolate_digits
from bot.languages import CONTENT_FALLBACK, CONTENT_SOURCE, N_, same_language
from bot.render.callback import CallbackDataError, Origin, encode, parse_deep_link, ref, with_origin
from bot.render.keyboards import (
    Button,
    Screen,
    Way,
    arrow,
    continue_in_button,
    in_reading_order,
    language_button,
    nav_row,
)

PAGE_SIZE = 6


@dataclass
class Writer:
    """Picks content text in the resident's language and remembers where it had to fall back."""

    t: Translator
    fell_back: set[str] = field(default_factory=set)

    def text(self, text: Mapping[Any, Any] | None) -> str:
        value, used = pick(text, self.t.lang)
        if not same_language(used, self.t.lang):
            self.fell_back.add(used)
        return escape(self._directed(value))

    def plain(self, text: Mapping[Any, Any] | None) -> str:
        """For button labels: no HTML, no fallback note."""
        return self._directed(localized(text, self.t.lang))

    def _directed(self, value: str) -> str:
        # Numbers and /commands in Arabic and Farsi prose keep their reading order (isolated here, at
        # render time, never by hand in the YAML).
        return isolate_digits(value) if self.t.rtl else value

    def footer(self) -> str:
        """The note that some text is shown in (plain) German, in the resident's language."""
        if not self.fell_back:
            return ""
        used = next((code for code in CONTENT_FALLBACK if code in self.fell_back), CONTENT_SOURCE)
        note = self.t.html(
            "Some of this is not yet translated into {language}. It is shown in {fallback}.",
            language=self.t.lang_name,
            fallback=LANGUAGE_NAMES[used],
        )
        return f"\n\n<i>{note}</i>"


def resolve(catalogue: Catalogue, refs: Sequence[str]) -> list[Hit]:
    """The entries an origin's refs name that the content still has, in their order (a ref that two
    entries share names neither)."""
    wanted = set(refs)
    found: dict[str, list[Hit]] = {}
    for kind in ENTRY_KINDS:
        for entry_id in entries(catalogue, kind):
            if (key := ref(kind, entry_id)) in wanted:
                found.setdefault(key, []).append((kind, entry_id))
    return [found[key][0] for key in refs if len(found.get(key, ())) == 1]


def back_data(catalogue: Catalogue, came_from: Origin | None, topics: Sequence[str] = ()) -> str | None:
    """Back to the screen an entry was opened from, while the content still has it: a topic's page, an
    answer, or a list of entries rebuilt from their refs (`back:<origin>`). Without one (a deep link, a
    search's answer) Back leads to the first page of the entry's first of `topics`, or nowhere."""
    if came_from is not None and (hits := resolve(catalogue, came_from.refs)):
        kind, entry_id = hits[0]
        if came_from.kind == kind == "topic":
            return encode("topic", entry_id, came_from.page)
        if came_from.kind == kind == "faq":
            return encode("faq", entry_id)
        if came_from.kind in ("alternatives", "emergency"):
            return encode("back", str(came_from))
    return encode("topic", topics[0], 0) if topics else None


def person_button(t: Translator, origin: str) -> Button:
    """The way to a person, on every screen that may not answer everything."""
    return ("🙋 " + t.gettext("Ask a person"), encode("ask", origin))


def person_and_menu(
    t: Translator, origin: str = "q", back: str | None = None, *, language: bool = False
) -> list[list[Button]]:
    """The way to a person, then the navigation row; with `language` (under an answer that did not
    understand the question) 🌐 too, for a resident who wrote in another language than the bot's (German on
    the phone, Arabic in the chat) and cannot read this one."""
    return [[person_button(t, origin)], [*([language_button(t)] if language else []), *nav_row(t, back)]]


def map_rows(t: Translator, catalogue: Catalogue, place_id: str | None) -> list[list[Button]]:
    """ "Show on the map" for a place the content knows."""
    if place_id not in catalogue.places:
        return []
    return [[("📍 " + t.gettext("Show on the map"), encode("pin", "place", place_id))]]


Hit = tuple[str, str]
"""An entry as (kind, id): a search hit, a topic's item, an entry an answer links to."""


def hit_rows(
    t: Translator, catalogue: Catalogue, hits: Sequence[Hit], came_from: Origin | None = None, limit: int = 60
) -> list[list[Button]]:
    """A button for each entry (a topic opens on its first page), on the screen `came_from` (where the
    entry's Back returns), its label cut after `limit` characters (Telegram's apps shorten long labels
    themselves; the cut only keeps runaway titles in check)."""
    rows = []
    for kind, entry_id in hits:
        args = (entry_id, 0) if kind == "topic" else (entry_id,)
        label = shorten(entry_label(t, catalogue, kind, entry_id), limit)
        rows.append([(label, with_origin(kind, *args, origin=came_from))])
    return rows


_ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068")


def shorten(label: str, limit: int) -> str:
    """`label` in about `limit` characters: cut after the last whole word that fits, with "…" (a bidi
    isolate the cut leaves open is closed, so the "…" stays where it belongs in right-to-left labels).
    Never inside a word: a first word longer than `limit` (a German compound in a Turkish chat,
    "Wohnungsbewerbungsunterlagen") is kept whole, as Telegram's apps shorten a long label themselves; only
    a "word" longer than twice the limit (a pasted link, a run of letters) is cut where the limit falls."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if label[limit - 1].isspace():
        kept = cut  # a cut at a word's end
    else:
        space = max(cut.rfind(space) for space in _SPACES)
        if space > 0 and any(character.isalpha() for character in cut[:space]):
            kept = cut[:space]
        else:  # the first word (after an icon) goes past the limit: up to its end
            end = next((i for i in range(limit - 1, len(label)) if label[i].isspace()), len(label))
            if end == len(label) and end <= 2 * limit:
                return label
            kept = label[:end] if end <= 2 * limit else cut
    kept = kept.rstrip(" ,;:–-·(،؛\u00a0")
    unclosed = len(kept) - len(kept.translate(_ISOLATES)) - kept.count(PDI)
    return kept + PDI * max(unclosed, 0) + "…"


_SPACES = (" ", "\u00a0", "\n", "\t")


# --- helpers for times and places ---------------------------------------------------------------------


def slot_line(t: Translator, day: str | date, start: Any, end: Any) -> str:
    """'Tuesday, 09:00–11:30' (`day` a key of `WEEKDAYS`) or '2 Mar 2027, 09:00–11:30' (a date) in the
    resident's language."""
    name = t.format_date(day, "medium") if isinstance(day, date) else t.weekday(WEEKDAYS.index(day))
    # Translators: {day} is a weekday ("Tuesday") or a date ("2 Mar 2027")
    return t.html("{day}, {start}–{end}", day=name, start=t.format_time(start), end=t.format_time(end))


def event_when(
    t: Translator, starts: datetime, ends: datetime | None, now: datetime, *, short: bool = False
) -> str:
    """When an event (or an offer's next session) is, as she would say it: "Now on – until 12:00" while it
    runs, "Today, 17:30 – 19:30", "Tomorrow, …", else its date and time, in full or (`short`) as the event
    lists write it (Berlin time, the content's)."""
    until = " – " + t.format_time(ends) if ends else ""
    if starts <= now and ends is not None:
        return t.html("Now on – until {time}", time=t.format_time(ends))
    day = local_date(starts) - local_date(now)
    if day == timedelta(0):
        # Translators: {time} is a time or a time range ("17:30 – 19:30")
        return t.html("Today, {time}", time=Markup(t.format_time(starts) + until))
    if day == timedelta(days=1):
        # Translators: {time} is a time or a time range ("17:30 – 19:30")
        return t.html("Tomorrow, {time}", time=Markup(t.format_time(starts) + until))
    return (t.format_when(starts) if short else t.format_datetime(starts, "full")) + until


NEXT_SESSION_DAYS = 56
"""How far ahead an offer's next weekly session is looked for (past holidays and a long closure)."""


def next_weekly_session(
    schedule: Schedule, hours: OpeningHours | None, now: datetime, until: date | None = None
) -> tuple[datetime, datetime] | None:
    """Start and end of the next weekly session not yet over at `now`: within the schedule's start and
    end and up to `until` (the offer's `valid_until`: `offer_over` ends it at either), not on a public
    holiday of Lower Saxony nor in a closure of the organisation's opening hours (the days its partner page
    says it is closed)."""
    local = now.astimezone(TIMEZONE)
    last = min((end for end in (schedule.ends, until) if end is not None), default=None)
    for offset in range(NEXT_SESSION_DAYS):
        day = local.date() + timedelta(days=offset)
        if last is not None and day > last:
            return None
        closed = public_holiday(day) is not None or (hours is not None and hours.closure_on(day) is not None)
        if (schedule.starts and day < schedule.starts) or closed:
            continue
        slots = sorted(
            (slot for slot in schedule.weekly if WEEKDAYS.index(slot.day) == day.weekday()),
            key=lambda slot: slot.start,
        )
        for slot in slots:
            start, end = (datetime.combine(day, clock, TIMEZONE) for clock in (slot.start, slot.end))
            if end > local:
                return start, end
    return None


UPCOMING_HOLIDAY_DAYS = 14
"""The partner page names public holidays this many days ahead (on days the place would be open)."""


def opening_lines(w: Writer, hours: OpeningHours | None, now: datetime) -> list[str]:
    """'Open now' / 'Closed until 3 January: Christmas break' / 'Opens Tuesday at 09:00' (HTML).

    Public holidays of Lower Saxony and the content's closures count; an opening more than six days
    ahead is named with its date, so "Monday" never means the Monday after next.
    """
    if hours is None:
        return []
    t = w.t
    if hours.appointment_only:
        return [t.html("By appointment only")]
    if hours.is_open(now):
        return ["🟢 " + t.html("Open now")]
    today = hours.local(now).date()
    lines = []
    closure = hours.closure_on(today)
    if closure is not None:
        until = t.format_date(closure.to, "long")
        if closure.note:
            text = t.html("Closed until {date}: {note}", date=until, note=Markup(w.text(closure.note)))
        else:
            text = t.html("Closed until {date}.", date=until)
        lines.append("🔴 " + text)
    elif public_holiday(today) is not None and hours.opens_on(today):
        lines.append("🔴 " + t.html("Closed today (public holiday)."))
    opening = hours.next_opening(now)
    if opening is None:
        return lines or ["🔴 " + t.html("Closed at the moment")]
    clock = t.format_time(opening)
    soon = opening.date() - today < timedelta(days=7)
    weekday = t.weekday(opening.weekday())
    day = t.format_date(opening.date(), "full")
    if lines:  # closed all day today: say when it opens again
        if soon:
            when = t.html("Opens again {weekday} at {time}", weekday=weekday, time=clock)
        else:
            when = t.html("Opens again on {date} at {time}", date=day, time=clock)
        return [*lines, when]
    if opening.date() == today:
        text = t.html("Closed now, opens today at {time}", time=clock)
    elif soon:
        text = t.html("Closed now, opens {weekday} at {time}", weekday=weekday, time=clock)
    else:
        text = t.html("Closed now, opens on {date} at {time}", date=day, time=clock)
    return ["🔴 " + text]


def closure_lines(w: Writer, hours: OpeningHours, now: datetime) -> list[str]:
    """Coming closures and public holidays for the partner page (a running closure is in the state)."""
    t = w.t
    today = hours.local(now).date()
    lines = []
    for closure in sorted(hours.closed, key=lambda c: c.from_):
        if closure.from_ <= today:
            continue
        text = t.html(
            "Closed from {start} to {end}",
            start=t.format_date(closure.from_, "long"),
            end=t.format_date(closure.to, "long"),
        )
        if closure.note:
            text += ": " + w.text(closure.note)
        lines.append("📅 " + text)
    for offset in range(1, UPCOMING_HOLIDAY_DAYS + 1):
        day = today + timedelta(days=offset)
        if public_holiday(day) and hours.opens_on(day) and hours.closure_on(day) is None:
            lines.append("📅 " + t.html("Closed on {date} (public holiday)", date=t.format_date(day, "full")))
    return lines


def made_up(t: Translator, entry: Partner | Place) -> str:
    """The mark after an address or phone number of example data (`example: true`), in the resident's
    language: no one should call 0000 000000 or look for the Beispielstraße. `check --strict` refuses to
    go live with it."""
    # Translators: after a made-up phone number or address (example data, before the real data is in)
    return " " + t.html("(example)") if entry.example else ""


def place_lines(w: Writer, catalogue: Catalogue, place_id: str | None) -> list[str]:
    place = catalogue.places.get(place_id or "")
    if place is None:
        return []
    t = w.t
    lines = ["📍 " + w.text(place.name) + t.comma + t.isolate(escape(place.address)) + made_up(t, place)]
    if place.accessibility:
        lines.append("♿ " + w.text(place.accessibility))
    return lines


def partner_contact_lines(t: Translator, partner: Partner) -> list[str]:
    lines = [f"☎️ {t.isolate(escape(partner.phone))}{made_up(t, partner)}"] if partner.phone else []
    contacts = (("✉️", partner.email), ("🌐", partner.website))
    return lines + [f"{icon} {t.isolate(escape(value))}" for icon, value in contacts if value]


def language_lines(t: Translator, codes: Any) -> list[str]:
    """The languages spoken at an offer or partner, named and listed as the resident's language does
    ("Almanca ve Türkçe")."""
    names = [t.language_name(code) for code in codes]
    if not names:
        return []
    listed = format_list([t.isolate(n) if t.rtl and n.isascii() else n for n in names], locale=t.locale)
    return ["🗣 " + t.html("Languages spoken: {languages}", languages=listed)]


TARGET_GROUPS = {
    "women": N_("women"),
    "youth": N_("young people"),
    "seniors": N_("older people"),
    "families": N_("families"),
    "migrants": N_("people new to Germany"),
}


ONLY_FOR = {
    "women": N_("Only for women"),
    "youth": N_("Only for young people"),
    "seniors": N_("Only for older people"),
    "families": N_("Only for families"),
    "migrants": N_("Only for people new to Germany"),
}
"""One whole sentence per group: "only for" bends the group's name in most of the languages."""

AMONG_WOMEN = {
    "youth": N_("young women"),
    "seniors": N_("older women"),
    "families": N_("women with children"),
    "migrants": N_("women new to Germany"),
}
"""Whom an offer only women may come to is especially for: the groups as women. Under "only for women",
Arabic "القادمون الجدد" (newcomers, masculine) addressed men; the feminine is "القادمات الجديدات"."""


def target_group_lines(t: Translator, groups: Sequence[str], only_for: str | None) -> list[str]:
    """Whom an offer is meant for, so that a resident can tell whether it is for her. An offer only one
    group may come to says so first; its other groups then tell whom among them it is especially for (a
    man must not read "For: women and people new to Germany" as "women, and newcomers too")."""
    if not groups:
        return []
    if "everyone" in groups:
        return ["👥 " + t.html("Open to everyone")]
    named = AMONG_WOMEN if only_for == "women" else TARGET_GROUPS
    names = [t.gettext(named[group]) for group in groups if group != only_for]
    if only_for is None:
        return ["👥 " + t.html("For: {groups}", groups=format_list(names, locale=t.locale))]
    lines = ["👥 " + t.html(ONLY_FOR[only_for])]
    if names:
        lines.append(t.html("Especially for: {groups}", groups=format_list(names, locale=t.locale)))
    return lines


# --- screens -----------------------------------------------------------------------------------------


def topic_entries(catalogue: Catalogue, topic_id: str, district: str | None, now: datetime) -> list[Hit]:
    """What a topic lists: its partners, offers, upcoming events and FAQ."""
    topic = catalogue.topics[topic_id]
    return [
        *(("partner", pid) for pid in topic.partners if catalogue.partners[pid].serves_district(district)),
        *(("offer", oid) for oid, _ in catalogue.offers_for_topic(topic_id, district, local_date(now))),
        *(
            ("event", eid)
            for eid, event in catalogue.upcoming_events(now, district)
            if topic_id in event.topics
        ),
        *(("faq", fid) for fid, entry in catalogue.faq.items() if topic_id in entry.topics),
    ]


def faq_question(t: Translator, entry: FaqEntry) -> str:
    """An FAQ entry's first question in the resident's language (its title in lists)."""
    questions = localized(entry.questions, t.lang)
    return str(questions[0]) if questions else ""


def topic_screen(
    t: Translator,
    catalogue: Catalogue,
    topic_id: str,
    district: str | None,
    page: int,
    now: datetime,
    came_from: Origin | None = None,
) -> Screen:
    """A topic's entries, page by page; Back (with `came_from`, the screen the topic was opened from: the
    main menu is the way back otherwise) and each page keep where it was opened from."""
    w = Writer(t)
    topic = catalogue.topics[topic_id]
    # A topic without entries lists the district's partners.
    hits = topic_entries(catalogue, topic_id, district, now) or [
        ("partner", pid) for pid, partner in catalogue.partners.items() if partner.serves_district(district)
    ]
    pages = max(1, -(-len(hits) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    here = Origin.of("topic", [("topic", topic_id)], page)
    shown = hit_rows(t, catalogue, hits[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], here, limit=90)
    title = f"{topic.icon or ''} <b>{w.text(topic.title)}</b>".strip()
    lines = [title, ""]
    if hits:
        lines.append(t.html("Choose what interests you:"))
    else:
        lines.append(t.html("There is nothing here at the moment. You can ask a person."))
    if pages > 1:
        lines.append(t.html("Page {page} of {pages}", page=page + 1, pages=pages))
    steps: tuple[tuple[Way, int], ...] = (("previous", page - 1), ("forward", page + 1))
    paging = in_reading_order(
        t,
        [
            (arrow(t, way), with_origin("topic", topic_id, target, origin=came_from))
            for way, target in steps
            if 0 <= target < pages
        ],
    )
    rows = shown + ([paging] if paging else [])
    rows += person_and_menu(t, f"t.{topic_id}", back_data(catalogue, came_from))
    return "\n".join(lines) + w.footer(), rows


def schedule_lines(w: Writer, offer: Offer, now: datetime, hours: OpeningHours | None) -> list[str]:
    """The next three dated sessions, the weekly slots with the next date they meet ("when is the next
    Sprachcafé?" asks for a date, not a weekday; `hours`: the organisation's, for its closures), start,
    end and the schedule's note."""
    t, schedule = w.t, offer.schedule
    if schedule is None:
        return []
    today, until = local_date(now), offer.valid_until
    upcoming = sorted(
        (s for s in schedule.sessions if s.date >= today and (until is None or s.date <= until)),
        key=lambda s: (s.date, s.start),
    )
    lines = ["🗓 " + slot_line(t, session.date, session.start, session.end) for session in upcoming[:3]]
    lines += ["🗓 " + slot_line(t, slot.day, slot.start, slot.end) for slot in schedule.weekly]
    if schedule.weekly and (session := next_weekly_session(schedule, hours, now, until)) is not None:
        when = event_when(t, *session, now, short=True)
        running = session[0] <= now  # "Now on – until 18:00" needs no "Next:"
        lines.append("⏭ " + (when if running else t.html("Next: {when}", when=Markup(when))))
    if schedule.starts and schedule.starts > today:
        lines.append(t.html("Starts on {date}", date=t.format_date(schedule.starts, "medium")))
    if schedule.ends:
        lines.append(t.html("Until {date}", date=t.format_date(schedule.ends, "medium")))
    if schedule.note:
        lines.append("ℹ️ " + w.text(schedule.note))
    return lines


def offer_screen(
    t: Translator, catalogue: Catalogue, offer_id: str, now: datetime, came_from: Origin | None = None
) -> Screen:
    w = Writer(t)
    offer = catalogue.offers[offer_id]
    partner = catalogue.partners[offer.partner]
    groups = target_group_lines(t, offer.target_groups, offer.only_for)
    # Whom it is only for goes under the title: a man reads that before when and where, not at the end.
    lines = [f"<b>{w.text(offer.title)}</b>", *(groups if offer.only_for else []), "", w.text(offer.summary)]
    if offer.details:
        lines += ["", w.text(offer.details)]
    when = schedule_lines(w, offer, now, partner.opening_hours)
    if when:
        lines += ["", "<b>" + t.html("When") + "</b>", *when]
    where = place_lines(w, catalogue, offer.place or partner.place)
    if where:
        lines += ["", "<b>" + t.html("Where") + "</b>", *where]
    facts = [] if offer.only_for else groups
    if offer.cost:
        facts.append("💶 " + t.html("Cost:") + " " + w.text(offer.cost))
    if offer.childcare is True:
        facts.append("👶 " + t.html("Childcare is available."))
    elif offer.childcare is False:
        facts.append("👶 " + t.html("No childcare."))
    facts += language_lines(t, offer.languages)
    if facts:
        lines += ["", *facts]
    lines += ["", "🏢 " + w.text(partner.name), *opening_lines(w, partner.opening_hours, now)]
    lines += partner_contact_lines(t, partner)
    # Offers one signs up for through the bot get "sign me up" and, for a question first, the way to a
    # person (its organisation); on a walk-in offer "Ask a person" is the request about the offer.
    if offer.takes_sign_ups:
        label = "✋ " + (w.plain(offer.signup_label) or t.gettext("I'm interested – sign me up"))
        rows = [[(label, encode("signup", offer_id))], [person_button(t, f"p.{offer.partner}")]]
    else:
        rows = [[("🙋 " + t.gettext("Ask a person"), encode("signup", offer_id))]]
    rows += map_rows(t, catalogue, offer.place or partner.place)
    rows.append(nav_row(t, back_data(catalogue, came_from, offer.topics)))
    return "\n".join(lines) + w.footer(), rows


def event_screen(
    t: Translator, catalogue: Catalogue, event_id: str, now: datetime, came_from: Origin | None = None
) -> Screen:
    w = Writer(t)
    event = catalogue.events[event_id]
    lines = [f"📅 <b>{w.text(event.title)}</b>", "", w.text(event.summary)]
    if event.details:
        lines += ["", w.text(event.details)]
    started = event.starts <= now
    lines += ["", "🗓 " + event_when(t, event.starts, event.ends, now)]
    if "walk_in" in event.signup:
        # Her first question about a meeting is whether she must register (once it runs: come now).
        if event.takes_sign_ups and not started:
            lines.append("ℹ️ " + t.html("You can also come without signing up."))
        else:
            lines.append("ℹ️ " + t.html("No sign-up needed – just come."))
    lines += place_lines(w, catalogue, event.place)
    partner = event.partner if event.partner in catalogue.partners else None
    if partner:
        lines.append("🏢 " + w.text(catalogue.partners[partner].name))
    # Signing up for what has already begun makes no sense; a person can still be asked (she may bring
    # children or need an interpreter): about the event itself when it takes no sign-ups, as on a walk-in
    # offer, else its organisation.
    rows = []
    if not event.takes_sign_ups:
        rows.append([("🙋 " + t.gettext("Ask a person"), encode("signup-e", event_id))])
    else:
        if not started:
            label = w.plain(event.signup_label) or t.gettext("Sign me up")
            rows.append([("✋ " + label, encode("signup-e", event_id))])
        rows.append([person_button(t, f"p.{partner}" if partner else "q")])
    rows += map_rows(t, catalogue, event.place)
    rows.append(nav_row(t, back_data(catalogue, came_from, event.topics)))
    return "\n".join(lines) + w.footer(), rows


def partner_screen(
    t: Translator, catalogue: Catalogue, partner_id: str, now: datetime, came_from: Origin | None = None
) -> Screen:
    w = Writer(t)
    partner = catalogue.partners[partner_id]
    lines = [f"🏢 <b>{w.text(partner.name)}</b>", "", w.text(partner.description), ""]
    lines += place_lines(w, catalogue, partner.place)
    lines += partner_contact_lines(t, partner)
    hours = partner.opening_hours
    if hours is not None:
        lines += ["", "<b>" + t.html("Opening hours") + "</b>"]
        lines += [
            slot_line(t, day, slot.start, slot.end) for day in WEEKDAYS for slot in hours.weekly.get(day, ())
        ]
        if hours.note:
            lines.append("ℹ️ " + w.text(hours.note))
        if hours.weekly:
            lines.append("ℹ️ " + t.html("Closed on public holidays."))
        lines += closure_lines(w, hours, now)
        lines += opening_lines(w, hours, now)
    lines += language_lines(t, partner.languages)
    rows = [[person_button(t, f"p.{partner_id}")], *map_rows(t, catalogue, partner.place)]
    return "\n".join(lines) + w.footer(), [*rows, nav_row(t, back_data(catalogue, came_from))]


def faq_screen(
    t: Translator,
    catalogue: Catalogue,
    faq_id: str,
    now: datetime,
    district: str | None = None,
    came_from: Origin | None = None,
) -> Screen:
    """The answer, with buttons to what it names for the resident's `district`: its offers there that are
    current (as in the menus), and its partners, each replaced by who serves her district
    (`Catalogue.partner_for`), as her "Ask a person" is."""
    w = Writer(t)
    entry = catalogue.faq[faq_id]
    lines = [f"❓ <b>{escape(faq_question(t, entry))}</b>", "", w.text(entry.answer)]
    offers = catalogue.offers
    links = [
        ("offer", o)
        for o in entry.offers
        if o in offers and offers[o].serves_district(district) and catalogue.is_current("offer", o, now)
    ]
    partners = [catalogue.partner_for(pid, district) for pid in entry.partners if pid in catalogue.partners]
    links += [("partner", pid) for pid in dict.fromkeys(partners)]
    rows = hit_rows(t, catalogue, links, Origin.of("faq", [("faq", faq_id)]))
    rows += person_and_menu(t, f"f.{faq_id}", back_data(catalogue, came_from, entry.topics))
    return "\n".join(lines) + w.footer(), rows


def emergency_screen(
    t: Translator, catalogue: Catalogue, hits: Sequence[Hit] = (), origin: str = "sos"
) -> Screen:
    """The emergency numbers first. A message that may also be an ordinary request ("I'm new here and
    need help": a soft trigger the search could not overrule) gets the search's best entries below them;
    every emergency screen has the way to a person (`origin` as in :func:`person_button`)."""
    w = Writer(t)
    lines = ["🆘 <b>" + t.html("Emergency help – call now:") + "</b>"]
    for entry in catalogue.emergency.values():
        lines.append("")
        lines.append(f"<b>{t.isolate(escape(entry.number))}</b> – {w.text(entry.name)}")
        lines.append(w.text(entry.description))
        lines += availability_lines(w, entry)
    if hits:
        hits = in_date_order(catalogue, hits)
        lines += ["", t.html("No emergency? Maybe one of these helps:")]
    here = Origin.of("emergency", hits)
    return "\n".join(lines) + w.footer(), [*hit_rows(t, catalogue, hits, here), *person_and_menu(t, origin)]


def emergency_reminder(t: Translator, catalogue: Catalogue, hits: Sequence[Hit] = ()) -> Screen:
    """More danger words minutes after she was sent the full emergency screen (`bot.sos`): every number of
    it, one line each with its name, and its hours where it is not reachable day and night; the search's
    entries below as on the full screen (`hits`), then the full screen one tap away, "Ask a person"
    (carrying her message, as on the screen her danger words bring) and the menu. It says nothing of where
    her message went: only what sent it knows, and says so below it."""
    w = Writer(t)
    lines = ["🆘 <b>" + t.html("Emergency help – call now:") + "</b>"]
    for entry in catalogue.emergency.values():
        line = f"<b>{t.isolate(escape(entry.number))}</b> – {w.text(entry.name)}"
        if not entry.around_the_clock and entry.hours:
            line += " · 🕐 " + t.html("Reachable: {hours}", hours=Markup(w.text(entry.hours)))
        lines.append(line)
    if hits:
        hits = in_date_order(catalogue, hits)
        lines += ["", t.html("No emergency? Maybe one of these helps:")]
    rows = hit_rows(t, catalogue, hits, Origin.of("emergency", hits))
    full = [("🆘 " + t.gettext("Show all emergency numbers"), encode("sos", "q"))]
    return "\n".join(lines) + w.footer(), [*rows, full, *person_and_menu(t, "sos.q")]


def availability_lines(w: Writer, entry: Emergency) -> list[str]:
    """When a number answers and whether it is free, only as the content states it (never assumed)."""
    t = w.t
    parts = []
    if entry.around_the_clock:
        parts.append(t.html("Reachable day and night"))
    elif entry.hours:
        parts.append(t.html("Reachable: {hours}", hours=Markup(w.text(entry.hours))))
    if entry.free:
        parts.append(t.html("Free of charge"))
    return ["🕐 " + " · ".join(parts)] if parts else []


ENTRY_KINDS = {
    "offer": "offers",
    "event": "events",
    "partner": "partners",
    "topic": "topics",
    "faq": "faq",
}
"""The kinds of entry a button, a deep link, a search hit or a vote names: where the catalogue has them."""


def entries(catalogue: Catalogue, kind: str) -> Mapping[str, Any]:
    """The entries of a kind (none for any other)."""
    return getattr(catalogue, ENTRY_KINDS[kind]) if kind in ENTRY_KINDS else {}


def linked_entry(catalogue: Catalogue, payload: str) -> Hit | None:
    """The entry a poster's link (`/start o_<offer>`) opens; None for another payload or an entry that is
    gone."""
    link = parse_deep_link(payload)
    return link if link is not None and link[1] in entries(catalogue, link[0]) else None


def entry_screen(
    t: Translator,
    catalogue: Catalogue,
    kind: str,
    entry_id: str,
    now: datetime,
    district: str | None = None,
    page: int = 0,
    came_from: Origin | None = None,
) -> Screen:
    """The detail screen of any searchable entry (KeyError if it no longer exists); a topic lists what is
    in the resident's `district`, `page` by page. Its Back returns to `came_from`, the screen it was
    opened from, while the content still has that screen."""
    if kind == "topic":
        return topic_screen(t, catalogue, entry_id, district, page, now, came_from)
    if kind == "faq":
        return faq_screen(t, catalogue, entry_id, now, district, came_from)
    detail = {"offer": offer_screen, "event": event_screen, "partner": partner_screen}[kind]
    return detail(t, catalogue, entry_id, now, came_from)


def not_current_screen(
    t: Translator,
    catalogue: Catalogue,
    kind: str,
    entry_id: str,
    seen_title: Mapping[Any, str] | None = None,
    partner: str | None = None,
) -> Screen:
    """An offer or event that is over or not (yet) on, reached by a poster's link or an old button: its
    title and plainly that, then the menu and a person (the entry's organisation). One the content no
    longer has (a reload removed it while she signed up) is named by `seen_title` as she saw it, its
    organisation being `partner`."""
    w = Writer(t)
    if entry_id not in (catalogue.events if kind == "event" else catalogue.offers):
        if kind == "event":
            note = t.html(
                "This event is no longer listed. The menu shows what is coming up – or ask a person."
            )
        else:
            note = t.html(
                "This offer is not available at the moment. The menu shows what is on now – or ask a person."
            )
        origin = f"p.{partner}" if partner in catalogue.partners else "q"
        head = f"<b>{w.text(seen_title)}</b>\n\n" if seen_title else ""
        return f"{head}{note}" + w.footer(), person_and_menu(t, origin)
    if kind == "event":
        event = catalogue.events[entry_id]
        title, partner = event.title, event.partner
        note = t.html("This event is over. The menu shows what is coming up – or ask a person.")
    else:
        offer = catalogue.offers[entry_id]
        title, partner = offer.title, offer.partner
        note = t.html(
            "This offer is not available at the moment. The menu shows what is on now – or ask a person."
        )
    origin = f"p.{partner}" if partner in catalogue.partners else "q"
    return f"<b>{w.text(title)}</b>\n\n{note}" + w.footer(), person_and_menu(t, origin)


def entry_label(t: Translator, catalogue: Catalogue, kind: str, entry_id: str) -> str:
    w = Writer(t)
    if kind == "offer":
        return w.plain(catalogue.offers[entry_id].title)
    if kind == "event":  # its date and time first, so that a list of events reads as a calendar
        event = catalogue.events[entry_id]
        return f"📅 {t.format_when(event.starts)} · {w.plain(event.title)}"
    if kind == "partner":
        return "🏢 " + w.plain(catalogue.partners[entry_id].name)
    if kind == "faq":
        return "❓ " + faq_question(t, catalogue.faq[entry_id])
    if kind == "topic":
        return w.plain(catalogue.topics[entry_id].title)
    raise KeyError(kind)


ANSWER_KINDS = frozenset({"offer", "event", "partner", "faq"})
"""Entries that answer a question by themselves: only under these is "Did this help?" asked. A topic
is a list she has not used yet (the vote would stand above its first entry, and say nothing of the
entry she then opens)."""


def with_feedback(t: Translator, screen: Screen, kind: str, entry_id: str) -> Screen:
    """Add 'Did this help? 👍 👎' under an answer found by a free-text question (`ANSWER_KINDS`; any other
    screen is returned as it is)."""
    if kind not in ANSWER_KINDS:
        return screen
    text, keyboard = screen
    votes = [("👍", encode("fb", "up", kind, entry_id)), ("👎", encode("fb", "down", kind, entry_id))]
    return text + "\n\n" + t.html("Did this help?"), [votes, *keyboard]


def feedback_thanks(t: Translator) -> str:
    """The toast after 👍 under an answer."""
    return t.gettext("Thank you for your feedback!")


def in_date_order(catalogue: Catalogue, hits: Sequence[Hit]) -> list[Hit]:
    """`hits` with its events in date order, the soonest first, in the places the events had (the other
    entries keep the search's order): "when is the next meeting?" lists the meetings as the Events menu
    does, and a resident who reads only the first one reads the next one, not May's."""
    events = sorted(
        (hit for hit in hits if hit[0] == "event" and hit[1] in catalogue.events),
        key=lambda hit: catalogue.events[hit[1]].starts,
    )
    soonest = iter(events)
    return [next(soonest) if hit in events else hit for hit in hits]


def alternatives_screen(
    t: Translator, catalogue: Catalogue, hits: Sequence[Hit], switch: Button | None = None
) -> Screen:
    """“Is it one of these?”: the search's best entries, events in date order (Back from each returns
    here). `switch`: “🌐 Continue in …” in the language the question was read in (`continue_in`), in
    place of the 🌐 to the picker."""
    hits = in_date_order(catalogue, hits)
    rows = person_and_menu(t, language=switch is None)
    if switch is not None:
        rows[-1].insert(0, switch)
    return t.html("I am not sure what you mean. Is it one of these?"), [
        *hit_rows(t, catalogue, hits, Origin.of("alternatives", hits)),
        *rows,
    ]


def continue_in(t: Translator, target: str) -> Button | None:
    """“🌐 Türkçe devam et”, in the language of `t` (one the resident's question was read in, not the one the
    bot writes in): her language becomes it, then `target` comes again in it, an entry's link
    (`deep_link_payload`) or an `Origin` of the choices. None if its data does not fit into a button."""
    try:
        return continue_in_button(t, encode("switch", t.lang, target))
    except CallbackDataError:
        return None


def unknown_screen(t: Translator) -> Screen:
    """The search found nothing close enough (or the question is about something else): say so plainly
    and offer a person, who gets the question without it being typed again."""
    head = "🤷 <b>" + t.html("I don't know the answer to this.") + "</b>"
    offer = t.html(
        "A person from the neighbourhood team can help. Tap “Ask a person” and I will pass your question on."
    )
    return f"{head}\n\n{offer}", person_and_menu(t, language=True)


def not_found_screen(t: Translator, reason: str | None) -> Screen:
    if reason == "bare_yes":
        text = t.html(
            "Sorry, I'm not sure what your answer refers to. Please write your question in a few words or "
            "choose from the menu – or ask a person."
        )
    elif reason == "bare_no":  # often the answer to "Do you need anything else?" (small_talk_screen)
        text = t.html("All right! If you need anything else, write your question or choose from the menu.")
    elif reason == "unsupported_script":
        text = t.html(
            "Sorry, I could not read this language. A person can help you – or choose from the menu."
        )
    else:
        text = t.html(
            "Please write your question in a few words, for example “German course with childcare”."
        )
    return text, person_and_menu(t, language=True)


def not_helpful_screen(t: Translator) -> Screen:
    """👎 under an answer: the way to a person."""
    text = t.html("Sorry that this did not help. A person from the neighbourhood team can answer you.")
    return text, person_and_menu(t)


# “🌐 Continue in …” under small talk (`continue_in`): the target that shows its answer again.
_SMALL_TALK_TARGET = "~"


def small_talk_target(kind: str) -> str:
    """The `continue_in` target that shows the answer to small talk of `kind` again ("Merhaba" on a German
    phone: the greeting, in Turkish)."""
    return _SMALL_TALK_TARGET + kind


def small_talk_of(target: str) -> str | None:
    """The kind of small talk a `continue_in` target shows again (`small_talk_target`); None for another."""
    kind = target.removeprefix(_SMALL_TALK_TARGET)
    return kind if target.startswith(_SMALL_TALK_TARGET) and kind in _SMALL_TALK_KINDS else None


_SMALL_TALK_KINDS = ("greeting", "thanks", "bye", "ok")


def small_talk_screen(t: Translator, kind: str) -> Screen:
    texts = {
        "greeting": t.html("Hello! How can I help you? Write your question or choose from the menu."),
        "thanks": t.html("You're welcome! Write to me any time."),
        "bye": t.html("Goodbye! Write to me any time."),
        "ok": "👍 " + t.html("Glad to help. Do you need anything else?"),
    }
    return texts.get(kind, texts["greeting"]), [nav_row(t)]


def tap_a_button(t: Translator) -> str:
    """A number typed instead of tapped: which button she meant is a guess (Telegram does not number
    them), so she is pointed to the buttons above."""
    return t.html("Please tap one of the buttons above.")
