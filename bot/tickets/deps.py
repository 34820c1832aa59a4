"""What every ticket module shares: the context of a call (the live content, translations, settings) and
the outcome of one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.content.models import IntakeQuestion, Partner, localized
from bot.storage.models.base import utcnow
from bot.storage.models.requests import Request
from bot.tickets.dialogue import InputProblem

if TYPE_CHECKING:
    from bot.content.catalogue import Catalogue
    from bot.i18n import I18n, Translator


def intake_questions(
    catalogue: Catalogue, offer_id: str | None, event_id: str | None, topic_id: str | None
) -> tuple[IntakeQuestion, ...]:
    """The questions a request asks first: the offer's or the event's own, else its topic's."""
    offer = catalogue.offers.get(offer_id or "")
    if offer is not None and offer.intake:
        return offer.intake
    event = catalogue.events.get(event_id or "")
    if event is not None and event.intake:
        return event.intake
    topic = catalogue.topics.get(topic_id or "")
    return topic.intake if topic else ()


def _not_told(text: str, lang: str) -> str | None:
    """No search to tell the language of a message by (`TicketContext.written_in`)."""
    return None


@dataclass(frozen=True)
class TicketContext:
    """Everything a ticket service call needs besides the session. Cheap: build one per update."""

    catalogue: Catalogue
    i18n: I18n
    # The Quartiersmanagement's staff chat (failed deliveries, escalations, migrated groups).
    admin_chat_id: int | None = None
    # Partner groups and e-mails are written in this language (the organisations work in German).
    partner_language: str = "de"
    # Whether relayed answers name the staff member ("Aylin from Familienzentrum") or only the organisation.
    show_staff_names: bool = False
    # Partners' e-mail replies come back to the bot (MAIL_INBOUND_*) and reach the resident directly: the
    # server's `Settings.relays_email_replies`, which the content check judges by too. Required: a default
    # would decide for the bot whether e-mail-only partners can answer in the chat.
    email_replies_relayed: bool = field(kw_only=True)
    # An unsent request draft untouched this long is dropped (DRAFT_RETENTION_HOURS): the resident walked
    # away from it, so their next message is a question again, and an unsent draft is not kept for ever.
    draft_lifetime: timedelta = timedelta(hours=24)
    # A request's open conversation ends after this long without a message (CONVERSATION_QUIET_HOURS).
    conversation_quiet: timedelta = timedelta(hours=12)
    # A closed request can be reopened (by its partner, or offered to its resident) this long (REOPEN_DAYS).
    reopen_window: timedelta = timedelta(days=14)
    # The bot's clock (`Services.clock`): whether an offer or event is still on.
    clock: Callable[[], datetime] = field(default=utcnow)
    # The language a message (her text, her bot language) is written in where it differs from the bot
    # language: the search's `SearchEngine.written_in` (the card names both).
    written_in: Callable[[str, str], str | None] = field(default=_not_told)

    def partner_t(self) -> Translator:
        return self.i18n.translator(self.partner_language)

    def t(self, lang: str | None) -> Translator:
        return self.i18n.translator(lang)

    def partner_name(self, partner_id: str | None, lang: str | None = None) -> str:
        """The partner's name in `lang`, by default in the partner language; of a partner the content no
        longer has, a neutral phrase (its id means nothing to a resident)."""
        partner = self.catalogue.partners.get(partner_id or "")
        if partner is not None:
            return localized(partner.name, lang or self.partner_language)
        if not partner_id:
            return ""
        return self.t(lang or self.partner_language).gettext("(organisation no longer listed)")

    def partner(self, partner_id: str) -> Partner | None:
        return self.catalogue.partners.get(partner_id)


class Outcome(StrEnum):
    OK = "ok"
    DUPLICATE = "duplicate"  # the same update again (a retried webhook, a button pressed twice)
    ALREADY = "already"  # the request already is in the wanted state
    NOT_FOUND = "not_found"  # no such request for this resident / this message belongs to no request
    DELETED = "deleted"  # the request's resident deleted their data (/delete): the request is gone
    AMBIGUOUS = "ambiguous"  # the resident has several open requests: ask which one
    CLOSED = "closed"  # the request is closed or withdrawn
    WITHDRAWN = "withdrawn"  # a partner's button or message on a request its resident withdrew
    WRONG_CHAT = "wrong_chat"  # the chat is not the request's partner group
    MOVED = "moved"  # the chat was the partner's group, the content now names another one
    OUTDATED = "outdated"  # a button on a card its group holds a newer card of (posted with a hand-over)
    ANONYMOUS = "anonymous"  # an anonymous admin or a channel wrote: nobody to attribute the reply to
    EMPTY = "empty"
    RESIDENT_UNREACHABLE = "resident_unreachable"  # the resident blocked the bot
    RESIDENT_GONE = "resident_gone"  # the resident's Telegram account (or chat) no longer exists
    COMMAND = "command"  # a partner sent a bot command ("/requests") as a reply in a request's thread
    INVALID = "invalid"  # e.g. hand over to an unknown partner or to the same one


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    request: Request | None = None
    input_problem: InputProblem | None = None
    album: bool = False  # OK for one more file of an album whose first file went to the same request
    urgent_now: bool = False  # OK for her message whose danger words made the request urgent

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK
