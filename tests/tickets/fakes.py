"""Test doubles shared by tests/tickets and tests/delivery: content, translators, a recording Bot, a clock."""

from __future__ import annotations

import gettext
import random
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.content.catalogue import Catalogue
from bot.content.models import District, Event, Offer, Partner, Topic
from bot.i18n import Translator, babel_locale
from bot.storage.models import Resident
from bot.tickets.deps import TicketContext

PARTNER_CHAT = -1001
CATCH_ALL_CHAT = -1009
OTHER_CHAT = -1002
ADMIN_CHAT = -1777
RESIDENT = 5550001


@dataclass(frozen=True)
class FakeCatalogue:
    partners: Mapping[str, Partner]
    offers: Mapping[str, Offer]
    topics: Mapping[str, Topic]
    districts: Mapping[str, District]
    events: Mapping[str, Event] = field(default_factory=dict)

    @property
    def catch_all_partner_id(self) -> str:
        return next(pid for pid, partner in self.partners.items() if partner.catch_all)

    partner_for = Catalogue.partner_for  # the real rule, on these entries
    is_current = Catalogue.is_current


def catalogue(**routing_overrides: dict[str, Any]) -> FakeCatalogue:
    def partner(name: str, **requests: Any) -> Partner:
        return Partner.model_validate(
            {"name": {"de": name, "ar": name + " (ar)"}, "description": {"de": name}, "requests": requests}
        )

    partners = {
        "bildung": partner(
            "Bildungsträger", telegram_chat_id=PARTNER_CHAT, response_hours=24, escalation_hours=72
        ),
        "familie": partner("Familienzentrum", telegram_chat_id=OTHER_CHAT),
        "beratung": partner("Beratungsstelle", email="beratung@example.org"),
        "qm": Partner.model_validate(
            {
                "name": {"de": "Quartiersmanagement"},
                "description": {"de": "QM"},
                "requests": {"telegram_chat_id": CATCH_ALL_CHAT},
                "catch_all": True,
            }
        ),
    }
    for pid, routing in routing_overrides.items():
        partners[pid] = partners[pid].model_copy(
            update={"requests": partners[pid].requests.model_copy(update=routing)}
        )
    topics = {
        "kurse": Topic.model_validate(
            {
                "title": {"de": "Kurse", "ar": "دورات"},
                "order": 1,
                "default_partner": "bildung",
                "intake": [{"id": "kinder", "question": {"de": "Kinderbetreuung?", "ar": "رعاية الأطفال؟"}}],
            }
        )
    }
    offers = {
        "deutschkurs": Offer.model_validate(
            {
                "kind": "course",
                "topics": ["kurse"],
                "title": {"de": "Deutschkurs für Frauen"},
                "summary": {"de": "Kurs"},
                "partner": "bildung",
            }
        )
    }
    districts = {"fredenberg": District.model_validate({"name": {"de": "Fredenberg"}})}
    return FakeCatalogue(partners, offers, topics, districts)


class NullI18n:
    """Real Translator objects without catalogs: msgids come back as written (English)."""

    def translator(self, lang: str | None) -> Translator:
        lang = lang or "de"
        return Translator(lang, gettext.NullTranslations(), babel_locale(lang))


def ticket_context(**routing_overrides: dict[str, Any]) -> TicketContext:
    return TicketContext(
        catalogue=catalogue(**routing_overrides),
        i18n=NullI18n(),
        admin_chat_id=ADMIN_CHAT,
        email_replies_relayed=False,
    )


async def add_resident(
    session: Any, telegram_id: int = RESIDENT, language: str = "ar", name: str = "Amina"
) -> None:
    resident = await session.get(Resident, telegram_id)
    if resident is None:
        resident = Resident(telegram_id=telegram_id, language=language, first_name=name)
        session.add(resident)
    resident.district = "fredenberg"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Sent:
    method: str
    chat_id: int
    message_id: int
    kwargs: dict[str, Any]

    @property
    def raw_text(self) -> str:
        return str(self.kwargs.get("text") or self.kwargs.get("caption") or "")

    @property
    def text(self) -> str:
        """The text without bidi isolates (tested on their own), for readable assertions."""
        return self.raw_text.replace("\u2068", "").replace("\u2069", "")

    @property
    def reply_to(self) -> int | None:
        reply = self.kwargs.get("reply_parameters")
        return reply.message_id if reply is not None else None


@dataclass
class FakeBot:
    """Records what would reach Telegram; `fail` decides per call whether to raise instead.

    Message ids count up per chat like Telegram's. `fail(method, chat_id, kwargs)` returns an exception
    to raise, or None to deliver.
    """

    fail: Callable[[str, int, dict[str, Any]], BaseException | None] | None = None
    sent: list[Sent] = field(default_factory=list)
    calls: int = 0
    _next_id: dict[int, int] = field(default_factory=lambda: defaultdict(lambda: 100))

    def _deliver(self, method: str, chat_id: int, kwargs: dict[str, Any]) -> Sent:
        self.calls += 1
        if self.fail is not None and (exc := self.fail(method, chat_id, kwargs)) is not None:
            raise exc
        self._next_id[chat_id] += 1
        sent = Sent(method, chat_id, self._next_id[chat_id], kwargs)
        self.sent.append(sent)
        return sent

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        sent = self._deliver("sendMessage", chat_id, {"text": text, **kwargs})
        return SimpleNamespace(message_id=sent.message_id)

    async def copy_message(self, chat_id: int, from_chat_id: int, message_id: int, **kwargs: Any) -> Any:
        sent = self._deliver(
            "copyMessage", chat_id, {"from_chat_id": from_chat_id, "source_message_id": message_id, **kwargs}
        )
        return SimpleNamespace(message_id=sent.message_id)

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]


def flaky(
    rate: float, seed: int, errors: list[Callable[[], BaseException]]
) -> Callable[..., BaseException | None]:
    rng = random.Random(seed)

    def fail(method: str, chat_id: int, kwargs: dict[str, Any]) -> BaseException | None:
        if rng.random() < rate:
            return rng.choice(errors)()
        return None

    return fail


def retry_after(seconds: int) -> RetryAfter:
    """A 429 answer; PTB 22 warns about its int form even while building it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(seconds)
