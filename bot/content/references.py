"""Checks across entries and files: references exist, exactly one catch-all partner, a privacy notice."""

from __future__ import annotations

from bot.content.loader import LoadedSources
from bot.content.messages import suggest
from bot.content.models import Partner
from bot.content.problems import Loc, Problem

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
                    sources.error(kind, entry_id, loc, f"{_LABELS[target]} '{ref}'{suggest(ref, known)}")

    _exactly_one(sources, "partners", "catch_all", "Partner mit catch_all: true")

    if "notice" not in sources.defined_in["privacy"]:
        message = "Datenschutzhinweis fehlt (privacy: notice:)"
        sources.problems.append(Problem("error", "privacy.notice", None, None, message))

    for entry_id, partner in sources.entries["partners"].items():
        assert isinstance(partner, Partner)
        if not partner.requests.has_destination:
            sources.warning(
                "partners",
                entry_id,
                ("requests",),
                "Anfragen haben kein Ziel – requests.telegram_chat_id oder requests.email angeben",
                code="no_destination",
            )


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
