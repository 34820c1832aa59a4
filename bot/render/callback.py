"""The callback-data codec: short, namespaced, never user text (Telegram allows 64 bytes).

Format: `<namespace>:<arg>:<arg>...`, e.g. `lang:tr`, `topic:kurse:2`, `offer:deutschkurs-frauen`.
Content ids are slugs of at most 40 ASCII characters, so every button stays well under the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

MAX_BYTES = 64

# Every namespace the bot's buttons use; the handlers' patterns are built from them (`pattern`).
NAMESPACES = {
    "lang": "a language picked (lang:<code>)",
    "language": "the language picker",
    "district": "the district picker; district:<id> one picked (- for “I don't know”)",
    "menu": "the main menu",
    "forget": "forget:yes confirms /delete",
    "sos": "the emergency numbers",
    "topic": "topic:<id>:<page>",
    "offer": "an offer",
    "event": "an event",
    "partner": "a partner organisation",
    "faq": "an answer",
    "pin": "pin:place:<id>, a place on the map",
    "fb": "fb:up|down:<kind>:<id>, “did this help?”",
    "signup": "signup:<offer>, start a request to sign up",
    "signup-e": "signup-e:<event>, the same for an event",
    "ask": "ask[:<origin>], start a request to a person (origin t.<topic>, p.<partner>, f.<faq>, q)",
    "dlg": "dlg:<action>:<dialogue>, a button of the request dialogue",
    "req": "req:<action>:<request>[:<partner>], the resident's /requests and the partner's card",
    "reopen": "reopen:<request>, the resident opens a recently closed request again",
    "hoc": "hoc:yes|no:<request>, the resident's consent to a hand-over",
    "conv": "conv:end|to:<request>, the resident's open conversation with a request (end it, or choose it)",
}


class CallbackDataError(ValueError):
    """Callback data that this bot never produced (or no longer understands)."""


@dataclass(frozen=True)
class Callback:
    namespace: str
    args: tuple[str, ...] = ()

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default


def encode(namespace: str, *args: object) -> str:
    if namespace not in NAMESPACES:
        raise CallbackDataError(f"unknown namespace: {namespace!r}")
    data = ":".join([namespace, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Callback:
    if not data:
        raise CallbackDataError("empty callback data")
    namespace, *args = data.split(":")
    return Callback(namespace, tuple(args))


def pattern(
    *namespaces: str, first: Iterable[str] = (), args: Literal["required", "none", "optional"] = "required"
) -> re.Pattern[str]:
    """The data a CallbackQueryHandler takes: one of `namespaces`, with arguments (`first`: the first
    argument is one of these), without any (`args="none"`), or either way (`args="optional"`)."""
    unknown = set(namespaces) - NAMESPACES.keys()
    if unknown:
        raise CallbackDataError(f"unknown namespaces: {sorted(unknown)}")
    names = "|".join(re.escape(n) for n in namespaces)
    if args == "none":
        return re.compile(f"^(?:{names})$")
    firsts = "|".join(re.escape(f) for f in first)
    rest = f":(?:{firsts})(?::|$)" if firsts else ":"
    return re.compile(f"^(?:{names})(?:{rest}{'|$' if args == 'optional' else ''})")


# Deep links for posters and flyers: t.me/<bot>?start=o_deutschkurs-frauen (ids are slugs of ≤ 40 characters).
DEEP_LINK_KINDS = {"o": "offer", "e": "event", "p": "partner", "t": "topic", "f": "faq"}
_KIND_PREFIX = {kind: prefix for prefix, kind in DEEP_LINK_KINDS.items()}


def deep_link_payload(kind: str, entry_id: str) -> str:
    """The `start` payload for a poster or flyer (fits Telegram's 64 characters)."""
    return f"{_KIND_PREFIX[kind]}_{entry_id}"


def parse_deep_link(payload: str) -> tuple[str, str] | None:
    """(kind, entry id) of a `start` payload; None if it names no kind of entry."""
    prefix, _, entry_id = payload.partition("_")
    kind = DEEP_LINK_KINDS.get(prefix)
    return (kind, entry_id) if kind else None
