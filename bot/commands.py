"""The bot's command list and descriptions, registered in every supported language at start-up."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.error import TelegramError

from bot.i18n import CHANGE_LANGUAGE, DEFAULT_LANGUAGE, I18n
from bot.languages import N_, language
from bot.render.keyboards import MAIN_MENU

logger = logging.getLogger(__name__)

COMMANDS = (
    ("start", MAIN_MENU),
    ("language", CHANGE_LANGUAGE),
    ("district", N_("change your neighbourhood")),
    ("requests", N_("your requests")),
    ("help", N_("how the bot works")),
    ("privacy", N_("what happens with your data")),
    ("mydata", N_("see what the bot has stored about you")),
    ("delete", N_("delete my data")),
)
DESCRIPTION = N_(
    "The neighbourhood help desk of the Ost- und Westsiedlung and Fredenberg in Salzgitter. "
    "Ask about courses, counselling, help in everyday life and meeting places – in your language. "
    "I pass your question on to the right people."
)
SHORT_DESCRIPTION = N_("Courses, counselling and help in your neighbourhood – in your language.")


async def register_commands(bot: Any, i18n: I18n) -> None:
    """setMyCommands / setMyDescription / setMyShortDescription for each language (German as default)."""
    for lang in (None, *i18n.languages):
        if lang is not None and not language(lang).telegram_code:
            continue  # Telegram knows no such language code; plain German residents see German.
        t = i18n.translator(lang or DEFAULT_LANGUAGE)
        commands = [BotCommand(name, t.gettext(description)) for name, description in COMMANDS]
        try:
            await bot.set_my_commands(commands, language_code=lang)
            await bot.set_my_description(t.gettext(DESCRIPTION), language_code=lang)
            await bot.set_my_short_description(t.gettext(SHORT_DESCRIPTION), language_code=lang)
        except TelegramError as exc:
            # Not fatal: the bot works without its command menu; it is set again on the next start.
            logger.warning("could not register commands for %s: %s", lang or "default", exc)
