"""Checks across entries and files: references exist, exactly one catch-all partner, a privacy notice,
requests can reach someone, and the emergency numbers are there."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.content.loader import LoadedSources
from bot.content.messages import typo_of
from bot.content.models import District, Emergency, Partner, no_chat_answer
from bot.content.problems import Loc, Problem
from bot.content.yamlfile import display_name

# (kind, field, referenced kind); the field holds one id, None or a tuple of ids.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("offers", "partner", "partners"),
    ("offers", "topics", "topics"),
    ("offers", "place", "places"),
    ("offers", "districts", "districts"),
    ("events", "place", "places"),
    ("events", "partner", "partners"),
    ("events", "topics", "topics"),
    ("events", "districts", "districts"),
    ("topics", "default_partner", "partners"),
    ("topics", "partners", "partners"),
    ("topics", "districts", "districts"),
    ("places", "district", "districts"),
    ("partners", "place", "places"),
    ("partners", "districts", "districts"),
    ("districts", "office", "partners"),
    ("faq", "offers", "offers"),
    ("faq", "partners", "partners"),
    ("faq", "topics", "topics"),
)

_LABELS = {  # with the adjective's ending: der Partner, das Thema, ...
    "partners": "unbekannter Partner",
    "topics": "unbekanntes Thema",
    "places": "unbekannter Ort",
    "districts": "unbekannter Stadtteil",
    "offers": "unbekanntes Angebot",
}
_NOUNS = {
    "partners": "Partner",
    "topics": "Thema",
    "places": "Ort",
    "districts": "Stadtteil",
    "offers": "Angebot",
}


def unknown_reference(target: str, ref: str, known: Iterable[str], in_list: bool) -> str:
    """An id that names no entry: a typo of one that exists ("meinten Sie …?"), or an entry that is gone
    (deleted or renamed) – then no other entry is offered in its place, only what to do."""
    if close := typo_of(ref, known):
        return f"{_LABELS[target]} '{ref}'{close}"
    fix = "die richtige ID eintragen" + (" oder sie aus der Liste streichen" if in_list else "")
    return f"{_NOUNS[target]} '{ref}' gibt es nicht (gelöscht oder umbenannt?) – {fix}"


def check_references(sources: LoadedSources) -> None:
    """Add an error to `sources.problems` for every broken reference and every broken global rule."""
    for kind, field_name, target in REFERENCES:
        known = sources.defined_in[target]
        for entry_id, entry in sources.entries[kind].items():
            value = getattr(entry, field_name)
            refs: list[tuple[Loc, str]]
            if isinstance(value, str):
                refs = [((field_name,), value)]
            else:
                refs = [((field_name, index), item) for index, item in enumerate(value or ())]
            for loc, ref in refs:
                if ref not in known:
                    message = unknown_reference(target, ref, known, in_list=len(loc) > 1)
                    sources.error(kind, entry_id, loc, message)

    _exactly_one(sources, "partners", "catch_all", "Partner mit catch_all: true")

    if "notice" not in sources.defined_in["privacy"]:
        message = "Datenschutzhinweis fehlt (privacy: notice:)"
        sources.problems.append(Problem("error", "privacy.notice", None, None, message))

    _destinations(sources)
    _shared_groups(sources)


def _shared_groups(sources: LoadedSources) -> None:
    """A warning for a partner whose requests go to the same place in Telegram as another's (the same group,
    and the same forum topic or none): nothing on its cards says which of the two a request is for, and the
    bot takes a reply there as one of the request's partner (the resident reads an answer of the
    Quartiersmanagement as the Bildungsträger's). Mostly a group id copied from the partner above. Partners
    in one forum group with a topic each (`telegram_topic_id`) are a setup of their own, not a mistake."""
    first: dict[tuple[int, int | None], str] = {}
    for entry_id, partner in sources.entries["partners"].items():
        assert isinstance(partner, Partner)
        chat = partner.requests.telegram_chat_id
        if chat is None:
            continue
        place = (chat, partner.requests.telegram_topic_id)
        other = first.setdefault(place, entry_id)
        if other == entry_id:
            continue
        file, line = sources.locate("partners", other, "requests", "telegram_chat_id")
        same_file = file == sources.defined_in["partners"].get(entry_id)
        where = "" if line is None else f" (Zeile {line})" if same_file else f" ({file}, Zeile {line})"
        message = (
            f"dieselbe Telegram-Gruppe wie '{other}'{where} – die Karten sagen nicht, für wen eine Anfrage "
            "ist, und wer dort antwortet, antwortet für den Partner der Anfrage; jedem Partner eine eigene "
            "Gruppe geben (Chat-ID kopiert?) oder, in einer Gruppe mit Themen, jedem ein eigenes "
            "telegram_topic_id"
        )
        sources.warning("partners", entry_id, ("requests", "telegram_chat_id"), message, code="shared_group")


def _destinations(sources: LoadedSources) -> None:
    """Every partner needs somewhere to send requests to; the catch-all and the districts' offices take
    what nobody else can, so without one a resident's "Send" has nowhere to go: an error."""
    offices: dict[str, list[str]] = {}
    for district_id, district in sources.entries["districts"].items():
        assert isinstance(district, District)
        if district.office:
            offices.setdefault(district.office, []).append(district_id)
    how = "requests.telegram_chat_id oder requests.email angeben"
    for entry_id, partner in sources.entries["partners"].items():
        assert isinstance(partner, Partner)
        if partner.requests.has_destination:
            continue
        if partner.catch_all:
            message = (
                f"Anfragen haben kein Ziel – {how}: dieser Partner (catch_all) bekommt alle Anfragen, "
                "die sonst niemand bekommt; ohne Ziel kann kein Bewohner eine Anfrage senden"
            )
            sources.error("partners", entry_id, ("requests",), message)
        elif entry_id in offices:
            districts = ", ".join(offices[entry_id])
            message = (
                f"Anfragen haben kein Ziel – {how}: dieser Partner ist das Büro (office) des Stadtteils "
                f"{districts} und bekommt dessen allgemeine Anfragen"
            )
            sources.error("partners", entry_id, ("requests",), message)
        else:
            sources.warning(
                "partners",
                entry_id,
                ("requests",),
                f"Anfragen haben kein Ziel – {how}",
                code="no_destination",
            )


MAIL_INBOUND = "MAIL_INBOUND_PORT, MAIL_REPLY_DOMAIN und MAIL_REPLY_SECRET"


def unanswerable_partners(sources: LoadedSources, *, email_replies_relayed: bool) -> None:
    """One warning, at the catch-all's `requests:`, naming every partner whose answers cannot reach
    residents in the chat: it gets requests only by e-mail, the bot receives no e-mail
    (`email_replies_relayed`: MAIL_INBOUND_PORT is set), and the catch-all (Quartiersmanagement) has no
    Telegram group from which to pass its e-mailed answers on (`bot.tickets.routing.answers_through`; the
    one rule: `models.no_chat_answer`). Their replies then land in a mailbox and reach nobody unless they
    call a resident who left her number. One cause, so one warning: a dozen alike would push every other
    warning out of the /reload report. A setting of the server, not of the content: `run_bot.py check`
    passes it in, and the content service at every start and /reload (`bot.app.build_services`)."""
    partners = {pid: p for pid, p in sources.entries["partners"].items() if isinstance(p, Partner)}
    catch_all = next((pid for pid, p in partners.items() if p.catch_all), None)
    if catch_all is None:
        return  # an error of its own (`_exactly_one`)
    affected = [
        entry_id
        for entry_id, partner in partners.items()
        if no_chat_answer(partner, partners[catch_all], email_replies_relayed=email_replies_relayed)
    ]
    if not affected:
        return
    names = ", ".join(affected)
    message = (
        f"Antworten kommen bei den Bewohnern nicht an – Anfragen gehen nur per E-Mail an {names}; der Bot "
        "empfängt keine E-Mails (MAIL_INBOUND_PORT fehlt), und dieser Partner (catch_all) hat keine "
        "Telegram-Gruppe, um Antworten weiterzugeben. Hier requests.telegram_chat_id eintragen oder auf dem "
        f"Server {MAIL_INBOUND} setzen (README)"
    )
    sources.warning("partners", catch_all, ("requests",), message, code="answers_unreachable")


REQUIRED_EMERGENCY = {"110": "Polizei", "112": "Feuerwehr und Rettungsdienst"}


def check_emergency(sources: LoadedSources, content_dir: Path) -> None:
    """The emergency screen must never be empty: 110 and 112 at least (an error, naming the file)."""
    files = set(sources.defined_in["emergency"].values())
    shown = next(iter(sorted(files)), None) or display_name(content_dir / "emergency.yaml")
    if not sources.defined_in["emergency"]:
        exists = (content_dir / "emergency.yaml").exists()
        message = "keine Notrufnummern – der Notfall-Bildschirm wäre leer; " + (
            "Einträge unter 'emergency:' wiederherstellen"
            if exists
            else "Datei emergency.yaml fehlt – wiederherstellen"
        )
        sources.problems.append(Problem("error", "emergency", shown, None, message))
        return
    if len(sources.entries["emergency"]) < len(sources.defined_in["emergency"]):
        return  # an invalid entry might hold the number; its own error is already reported
    numbers = {
        "".join(c for c in entry.number if c.isdigit())
        for entry in sources.entries["emergency"].values()
        if isinstance(entry, Emergency)
    }
    for number, name in REQUIRED_EMERGENCY.items():
        if number not in numbers:
            message = f"Notrufnummer {number} ({name}) fehlt – Eintrag wiederherstellen"
            sources.problems.append(Problem("error", "emergency", shown, None, message))


def _exactly_one(sources: LoadedSources, kind: str, flag: str, label: str) -> None:
    if len(sources.entries[kind]) < len(sources.defined_in[kind]):
        return  # an invalid entry might be the one; its own error is already reported
    flagged = [entry_id for entry_id, entry in sources.entries[kind].items() if getattr(entry, flag)]
    if not flagged:
        sources.problems.append(Problem("error", kind, None, None, f"kein {label} – genau einer nötig"))
    elif len(flagged) > 1:
        for entry_id in flagged:
            sources.error(
                kind, entry_id, (flag,), f"mehrere {label}: {', '.join(flagged)} – genau einer erlaubt"
            )
