"""The callback-data codec: short, namespaced, never user text (Telegram allows 64 bytes).

Format: `<namespace>:<arg>:<arg>...`, e.g. `lang:tr`, `topic:kurse:2`, `offer:deutschkurs-frauen`.
Content ids are slugs of at most 40 ASCII characters, so every button stays well under the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64


class CallbackDataError(ValueError):
    """Callback data that this bot never produced (or no longer understands)."""


@dataclass(frozen=True)
class Callback:
    namespace: str
    args: tuple[str, ...] = ()

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default


def encode(namespace: str, *args: object) -> str:
    data = ":".join([namespace, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Callback:
    if not data:
        raise CallbackDataError("empty callback data")
    namespace, *args = data.split(":")
    return Callback(namespace, tuple(args))


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
