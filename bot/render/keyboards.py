"""The one keyboard model (rows of (label, callback data), no Telegram types) and the navigation row every
screen shares. Handlers turn a keyboard into Telegram's inline keyboard (`bot.delivery.outbox.markup`); the
outbox stores it as JSON."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import LANGUAGE_WORD, Translator
from bot.render.callback import encode

Button = tuple[str, str]
"""(label, callback data)."""
Keyboard = Sequence[Sequence[Button]]
"""Rows of buttons: the one keyboard model of every screen and of the outbox (JSON-friendly)."""
Screen = tuple[str, Keyboard]
"""HTML text and its keyboard."""


def nav_row(t: Translator, back: str | None = None) -> list[Button]:
    """⬅️ Back (when there is somewhere to go back to, `back` being its callback data) and 🏠 Menu."""
    return [
        *([("⬅️ " + t.gettext("Back"), back)] if back else []),
        ("🏠 " + t.gettext("Menu"), encode("menu")),
    ]


def back_to_menu(t: Translator) -> Keyboard:
    return [nav_row(t)]


def language_button(t: Translator) -> Button:
    """🌐 to the language picker: in the main menu, and where a resident may not read the bot's language."""
    return ("🌐 " + t.gettext(LANGUAGE_WORD), encode("language"))
