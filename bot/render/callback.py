"""The callback-data codec: short, namespaced, never user text (Telegram allows 64 bytes).

Format: `<namespace>:<arg>:<arg>...`, e.g. `lang:tr`, `topic:kurse:2`, `offer:deutschkurs-frauen`.
Content ids are slugs of at most 40 ASCII characters, so every button stays well under the limit.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

MAX_BYTES = 64

# Every namespace the bot's buttons use; the handlers' patterns are built from them (`pattern`).
NAMESPACES = {
    "lang": "a language picked (lang:<code>[:<poster link>], the link's entry following)",
    "switch": "switch:<code>:<poster link>|<origin>, go on in the language a question was read in: her "
    "language becomes <code>, then the answer (an entry's link) or the choices (an `Origin`, a…) again",
    "language": "the language picker (language[:<poster link>], its buttons carrying the link on)",
    "district": "the district picker; district:<id> one picked (- for “I don't know”)",
    "menu": "the main menu",
    "forget": "forget:yes confirms /delete",
    "sos": "the emergency numbers; sos:q under a reminder of them (“Ask a person” carries her message)",
    "topic": "topic:<id>:<page>[:<origin>]",
    "offer": "offer:<id>[:<origin>], an offer (origin: the screen it was opened from, see `Origin`)",
    "event": "event:<id>[:<origin>], an event",
    "partner": "partner:<id>[:<origin>], a partner organisation",
    "faq": "faq:<id>[:<origin>], an answer",
    "back": "back:<origin>, Back to a screen without a namespace of its own (a search's suggestions)",
    "pin": "pin:place:<id>, a place on the map",
    "fb": "fb:up|down:<kind>:<id>, “did this help?”",
    "signup": "signup:<offer>, start a request to sign up",
    "signup-e": "signup-e:<event>, the same for an event",
    "ask": "ask[:<origin>], a request to a person (t.<topic>, p.<partner>, f.<faq>, q; urgent: sos, sos.q)",
    "dlg": "dlg:<action>:<dialogue>, a button of the request dialogue",
    "req": "req:<action>:<request>[:<partner>], the resident's /requests and the partner's card; req:list "
    "opens /requests",
    "reopen": "reopen:<request>, the resident opens a recently closed request again",
    "hoc": "hoc:yes|no:<request>, the resident's consent to a hand-over",
    "conv": "conv:end|to|un:<request>[:r], her conversation with a request: end it (r: under its refusal), "
    "choose it, pass on a line; conv:add:<request>:<her message>, add a line the bot could not answer",
}


class CallbackDataError(ValueError):
    """Callback data that this bot never produced (or no longer understands)."""


@dataclass(frozen=True)
class Callback:
    namespace: str
    args: tuple[str, ...] = ()

    def arg(self, index: int) -> str:
        """The argument at `index`; "" if the data has fewer."""
        return self.args[index] if index < len(self.args) else ""


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


# --- where an entry was opened from --------------------------------------------------------------------
# An entry's button carries the screen it is on as its last argument, so that the entry's Back returns
# there (not to the entry's first topic). Three content ids do not fit into 64 bytes next to the entry's
# own, so the origin names entries by a *ref*: 4 characters of a hash of kind and id, looked up in the
# content when Back is built (`bot.render.screens.back_data`). A ref the content no longer has (or, very
# rarely, shares with another entry) is simply not found: Back then leads where it did before.

REF_LENGTH = 4
OriginKind = Literal["topic", "faq", "alternatives", "emergency"]
ORIGIN_KINDS: dict[str, OriginKind] = {"t": "topic", "f": "faq", "a": "alternatives", "e": "emergency"}
"""t<ref><page>: a topic's page; f<ref>: an answer's links; a<refs>: “is it one of these?”; e<refs>: the
emergency numbers with entries below them."""


def ref(kind: str, entry_id: str) -> str:
    """An entry's short name in an origin (URL-safe base64 of 3 bytes: never ':')."""
    digest = hashlib.blake2b(f"{kind}:{entry_id}".encode(), digest_size=REF_LENGTH * 3 // 4).digest()
    return base64.urlsafe_b64encode(digest).decode()


@dataclass(frozen=True)
class Origin:
    """The screen an entry was opened from: a topic's page, an answer, or a list of entries."""

    kind: OriginKind
    refs: tuple[str, ...]
    page: int = 0

    @classmethod
    def of(cls, kind: OriginKind, hits: Sequence[tuple[str, str]], page: int = 0) -> Origin:
        return cls(kind, tuple(ref(*hit) for hit in hits), page)

    def __str__(self) -> str:
        code = next(code for code, kind in ORIGIN_KINDS.items() if kind == self.kind)
        return code + "".join(self.refs) + (str(self.page) if self.page else "")


def parse_origin(arg: str) -> Origin | None:
    """The origin an entry button carries; None for none, or for data this bot never produced."""
    kind = ORIGIN_KINDS.get(arg[:1])
    body = arg[1:]
    if kind == "topic":
        page = body[REF_LENGTH:]
        if len(body) < REF_LENGTH or not (page == "" or (page.isascii() and page.isdigit())):
            return None
        return Origin(kind, (body[:REF_LENGTH],), int(page or 0))
    if kind is None or not body or len(body) % REF_LENGTH or (kind == "faq" and len(body) != REF_LENGTH):
        return None
    return Origin(kind, tuple(body[i : i + REF_LENGTH] for i in range(0, len(body), REF_LENGTH)))


def with_origin(namespace: str, *args: object, origin: Origin | None) -> str:
    """An entry button's data with the screen it is on, if that fits into Telegram's 64 bytes (else without:
    its Back then leads to the entry's first topic, as from a deep link)."""
    if origin is not None:
        data = ":".join([namespace, *(str(a) for a in args), str(origin)])
        if len(data.encode()) <= MAX_BYTES:
            return encode(namespace, *args, origin)
    return encode(namespace, *args)


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
