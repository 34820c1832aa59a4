"""The one keyboard model (rows of (label, callback data), no Telegram types) and the keyboards many screens
share: language and district pickers, the main menu, navigation. Handlers turn a keyboard into Telegram's
inline keyboard (`bot.delivery.outbox.markup`); the outbox stores it as JSON."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.content.models import District, pick
from bot.i18n import LANGUAGE_NAMES, Translator
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


def rows_of(buttons: Sequence[Button], width: int) -> list[list[Button]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def language_picker(languages: Iterable[str], current: str | None) -> Keyboard:
    """Every language in its own name; the current one first and ticked."""
    ordered = sorted(languages, key=lambda lang: lang != current)
    buttons = [
        (("✓ " if lang == current else "") + LANGUAGE_NAMES[lang], encode("lang", lang)) for lang in ordered
    ]
    return rows_of(buttons, 2)


def district_picker(t: Translator, districts: Mapping[str, District], current: str | None = None) -> Keyboard:
    """Every district; the `current` one ticked (when the resident changes it with /district)."""
    rows = [
        [
            (
                ("✓ " if district_id == current else "") + pick(district.name, t.lang)[0],
                encode("district", district_id),
            )
        ]
        for district_id, district in districts.items()
    ]
    return [*rows, [(t.gettext("I don't know"), encode("district", "-"))]]


def main_menu(
    t: Translator,
    topics: Iterable[tuple[str, str | None, Mapping[Any, str]]],
    district: Mapping[Any, str] | None = None,
) -> Keyboard:
    """Topics from the content, then the fixed entries: ask, the resident's district (to change it, when
    the content has more than one), language, emergency (always there)."""
    topic_buttons = [
        (f"{icon} {pick(title, t.lang)[0]}".strip(), encode("topic", topic_id, 0))
        for topic_id, icon, title in topics
    ]
    rows = rows_of(topic_buttons, 2)
    rows.append([("💬 " + t.gettext("Ask a question"), encode("ask"))])
    if district is not None:
        rows.append([("🏘 " + pick(district, t.lang)[0], encode("district"))])
    rows.append(
        [
            ("🌐 " + t.gettext("Language"), encode("language")),
            ("🆘 " + t.gettext("Emergency"), encode("sos")),
        ]
    )
    return rows


def back_to_menu(t: Translator) -> Keyboard:
    return [nav_row(t)]
