"""Keyboards shared by many screens: language picker, district picker, main menu, navigation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content.models import pick
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.render.callback import encode

Button = tuple[str, str]
"""(label, callback data)."""
Keyboard = Sequence[Sequence[Button]]
"""Rows of buttons: the one keyboard model of every screen and of the outbox (JSON-friendly)."""
Screen = tuple[str, Keyboard]
"""HTML text and its keyboard."""


def menu_button(t: Translator) -> list[Button]:
    return [("🏠 " + t.gettext("Menu"), encode("menu"))]


def rows_of(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def language_picker(languages: Iterable[str], current: str | None) -> InlineKeyboardMarkup:
    """Every language in its own name; the current one first and ticked."""
    ordered = sorted(languages, key=lambda lang: lang != current)
    buttons = [
        InlineKeyboardButton(
            ("✓ " if lang == current else "") + LANGUAGE_NAMES[lang], callback_data=encode("lang", lang)
        )
        for lang in ordered
    ]
    return InlineKeyboardMarkup(rows_of(buttons, 2))


def district_picker(
    t: Translator, districts: Iterable[tuple[str, Mapping[Any, str]]], current: str | None = None
) -> InlineKeyboardMarkup:
    """Every district; the `current` one ticked (when the resident changes it with /district)."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if district_id == current else "") + pick(name, t.lang)[0],
            callback_data=encode("district", district_id),
        )
        for district_id, name in districts
    ]
    rows = [[b] for b in buttons]
    rows.append([InlineKeyboardButton(t.gettext("I don't know"), callback_data=encode("district", "-"))])
    return InlineKeyboardMarkup(rows)


def main_menu(
    t: Translator,
    topics: Iterable[tuple[str, str | None, Mapping[Any, str]]],
    district: Mapping[Any, str] | None = None,
) -> InlineKeyboardMarkup:
    """Topics from the content, then the fixed entries: ask, the resident's district (to change it, when
    the content has more than one), language, emergency (always there)."""
    topic_buttons = [
        InlineKeyboardButton(
            f"{icon} {pick(title, t.lang)[0]}".strip(), callback_data=encode("topic", topic_id, 0)
        )
        for topic_id, icon, title in topics
    ]
    rows = rows_of(topic_buttons, 2)
    rows.append([InlineKeyboardButton("💬 " + t.gettext("Ask a question"), callback_data=encode("ask"))])
    if district is not None:
        rows.append(
            [InlineKeyboardButton("🏘 " + pick(district, t.lang)[0], callback_data=encode("district"))]
        )
    rows.append(
        [
            InlineKeyboardButton("🌐 " + t.gettext("Language"), callback_data=encode("language")),
            InlineKeyboardButton("🆘 " + t.gettext("Emergency"), callback_data=encode("sos")),
        ]
    )
    return InlineKeyboardMarkup(rows)


def back_to_menu(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("🏠 " + t.gettext("Menu"), callback_data=encode("menu"))]]
    )
