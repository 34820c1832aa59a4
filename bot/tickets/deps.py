"""What the ticket services depend on from the rest of the bot: the live content, translations, settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, cast

from bot.content.models import District, Event, FaqEntry, IntakeQuestion, Offer, Partner, Topic, pick
from bot.i18n import Translator


class CatalogueLike(Protocol):
    """The part of `bot.content`'s Catalogue the ticket services read."""

    @property
    def partners(self) -> Mapping[str, Partner]: ...
    @property
    def offers(self) -> Mapping[str, Offer]: ...
    @property
    def topics(self) -> Mapping[str, Topic]: ...
    @property
    def districts(self) -> Mapping[str, District]: ...
    @property
    def events(self) -> Mapping[str, Event]: ...
    @property
    def faq(self) -> Mapping[str, FaqEntry]: ...


class TranslatorSource(Protocol):
    def translator(self, lang: str | None) -> Translator: ...


def localized(text: Mapping[Any, str] | None, lang: str) -> str:
    """A localized content text in `lang`, with the content's fallback (lang → de-simple → de)."""
    return pick(cast("Mapping[str, str] | None", text), lang)[0]


def intake_questions(
    catalogue: CatalogueLike, offer_id: str | None, event_id: str | None, topic_id: str | None
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


class RoutingError(Exception):
    """The content names no partner that can receive requests (not even a catch-all)."""


@dataclass(frozen=True)
class TicketContext:
    """Everything a ticket service call needs besides the session. Cheap: build one per update."""

    catalogue: CatalogueLike
    i18n: TranslatorSource
    # The Quartiersmanagement's staff chat (failed deliveries, escalations, migrated groups).
    admin_chat_id: int | None = None
    # Partner groups and e-mails are written in this language (the organisations work in German).
    partner_language: str = "de"
    # Whether relayed answers name the staff member ("Aylin from Familienzentrum") or only the organisation.
    show_staff_names: bool = False
    # Partners' e-mail replies come back to the bot (MAIL_INBOUND_*) and reach the resident directly.
    email_replies_relayed: bool = False
    # An unsent request draft untouched this long is dropped (DRAFT_RETENTION_HOURS): the resident walked
    # away from it, so their next message is a question again, and an unsent draft is not kept for ever.
    draft_lifetime: timedelta = timedelta(hours=24)
    # A request's open conversation ends after this long without a message (CONVERSATION_QUIET_HOURS).
    conversation_quiet: timedelta = timedelta(hours=12)
    # A closed request can be reopened (by its partner, or offered to its resident) this long (REOPEN_DAYS).
    reopen_window: timedelta = timedelta(days=14)

    def partner_t(self) -> Translator:
        return self.i18n.translator(self.partner_language)

    def t(self, lang: str | None) -> Translator:
        return self.i18n.translator(lang)

    def catch_all_id(self) -> str:
        for partner_id, partner in self.catalogue.partners.items():
            if partner.catch_all:
                return partner_id
        raise RoutingError("no catch-all partner in the content")

    def partner_name(self, partner_id: str | None, lang: str) -> str:
        partner = self.catalogue.partners.get(partner_id or "")
        return localized(partner.name, lang) if partner else (partner_id or "")

    def partner(self, partner_id: str) -> Partner | None:
        return self.catalogue.partners.get(partner_id)
