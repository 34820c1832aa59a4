"""The typed PTB context every handler receives: the services, and the resident's cached settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

if TYPE_CHECKING:
    from telegram import Message

    from bot.i18n import Translator
    from bot.services import Services


class BotData:
    """`context.bot_data`: holds the services (PTB creates it without arguments)."""

    services: Services


@dataclass
class UserData:
    """`context.user_data`: a cache of the resident's row, refreshed at the start of every update."""

    lang: str = "de"
    district: str | None = None
    language_confirmed: bool = False
    # A running request draft takes the resident's texts; a parked one is offered with the menu; a
    # request's conversation may take them (`ResidentSettings`).
    drafting: bool = False
    has_draft: bool = False
    conversing: bool = False
    # The last question the search could not answer with certainty: "Ask a person" passes it on, so the
    # resident need not type it again (memory only; after a restart they are simply asked to write it).
    last_question: str | None = None
    # The callback data of the ⬅️ Back button on the latest screen shown: "zurück" typed does what it did
    # (memory only; None, or after a restart: the menu).
    back: str | None = None
    # The album (Telegram's media_group_id) of the latest update let through the flood limit: its further
    # files are not counted again (`bot.handlers.common.load_resident`; memory only, like the above).
    album: str | None = None
    # The "Reopen?" offers under her messages about a closed request (request id, the offer replying to the
    # message): one "Reopen" passes on every message still waiting (memory only; after a restart each
    # offer's button passes on its own message).
    reopen_offers: list[tuple[int, Message]] = field(default_factory=list)


class Context(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def lang(self) -> str:
        return self.user_data.lang if self.user_data is not None else self.services.settings.default_language

    @property
    def district(self) -> str | None:
        return self.user_data.district if self.user_data is not None else None

    @property
    def t(self) -> Translator:
        return self.services.i18n.translator(self.lang)


AppType = Application[ExtBot[None], Context, UserData, dict[Any, Any], BotData, Any]
