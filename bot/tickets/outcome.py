"""What a ticket service call led to: one outcome, the request it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.storage.models.requests import Request
from bot.tickets.dialogue import AttachmentProblem


class Outcome(StrEnum):
    OK = "ok"
    DUPLICATE = "duplicate"  # the same update again (a retried webhook, a button pressed twice)
    ALREADY = "already"  # the request already is in the wanted state
    NOT_FOUND = "not_found"  # no such request for this resident / this message belongs to no request
    AMBIGUOUS = "ambiguous"  # the resident has several open requests: ask which one
    CLOSED = "closed"  # the request is closed or withdrawn
    WRONG_CHAT = "wrong_chat"  # the chat is not the request's partner group
    ANONYMOUS = "anonymous"  # an anonymous admin or a channel wrote: nobody to attribute the reply to
    EMPTY = "empty"
    RESIDENT_UNREACHABLE = "resident_unreachable"  # the resident blocked the bot
    INVALID = "invalid"  # e.g. hand over to an unknown partner or to the same one


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    request: Request | None = None
    attachment_problem: AttachmentProblem | None = None
    album: bool = False  # OK for one more file of an album whose first file went to the same request

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK
