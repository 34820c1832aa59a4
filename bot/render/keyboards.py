"""The one keyboard model (rows of (label, callback data), no Telegram types) and the navigation row every
screen shares. Handlers turn a keyboard into Telegram's inline keyboard (`bot.delivery.outbox.markup`); the
outbox stores it as JSON."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Literal

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGE_WORD, I18n, Translator
from bot.languages import N_
from bot.render.callback import encode

Button = tuple[str, str]
"""(label, callback data)."""
Keyboard = Sequence[Sequence[Button]]
"""Rows of buttons: the one keyboard model of every screen and of the outbox (JSON-friendly)."""
Screen = tuple[str, Keyboard]
"""HTML text and its keyboard."""


BACK = N_("Back")
MENU = N_("Menu")
MAIN_MENU = N_("main menu")
"""/start's description in Telegram's command list: a resident may type it for the menu too."""


Way = Literal["back", "previous", "forward"]
ARROWS: dict[Way, tuple[str, str]] = {"back": ("⬅️", "➡️"), "previous": ("◀️", "▶️"), "forward": ("▶️", "◀️")}
"""Left to right, right to left: in Arabic and Farsi forward points left, back and previous point right."""


def arrow(t: Translator, way: Way) -> str:
    """⬅️ Back, ◀️ the previous page, ▶️ the next one or Continue, as the resident reads (mirrored for
    right-to-left languages)."""
    return ARROWS[way][t.rtl]


def in_reading_order(t: Translator, row: Sequence[Button]) -> list[Button]:
    """A row of buttons from where the resident starts reading: Telegram's apps lay out a row left to right
    in every language, so an Arabic or Farsi row is given right to left."""
    return list(reversed(row)) if t.rtl else list(row)


def back_label(t: Translator) -> str:
    return arrow(t, "back") + " " + t.gettext(BACK)


def nav_row(t: Translator, back: str | None = None) -> list[Button]:
    """⬅️ Back (when there is somewhere to go back to, `back` being its callback data) and 🏠 Menu."""
    return in_reading_order(
        t, [*([(back_label(t), back)] if back else []), ("🏠 " + t.gettext(MENU), encode("menu"))]
    )


def back_of(t: Translator, keyboard: Keyboard | None) -> str | None:
    """The callback data of the ⬅️ Back button of `keyboard` (`nav_row`), if it has one."""
    label = back_label(t)
    return next((data for row in keyboard or () for text, data in row if text == label), None)


Spellings = Callable[[str], Collection[str]]
"""The forms a short text may be typed in, as compared with a button's label: at least its `bare` form;
bot/handlers/typed_labels.py supplies them with the search's foldings (no "ł" on a German phone, Russian
in Latin letters), which this module may not import."""


def named_button(i18n: I18n, lang: str, text: str, spellings: Spellings) -> Literal["menu", "back"] | None:
    """The navigation button a message only names: residents who seldom read type what a button says
    ("Menü", "geri", "القائمة", "🏠 Menu"). Its label counts in the resident's language `lang` and in
    German (the language around them), compared in their `spellings` ("menue", "nazad"); a sentence
    containing it does not."""
    typed = set(spellings(text))

    def named(*labels: str) -> bool:
        readers = _readers(i18n, lang)
        return any(typed.intersection(spellings(t.gettext(label))) for t in readers for label in labels)

    if named(MENU, MAIN_MENU):
        return "menu"
    return "back" if named(BACK) else None


def typed_button(
    i18n: I18n,
    lang: str,
    text: str,
    keyboard: Callable[[Translator], Keyboard],
    spellings: Spellings,
) -> str | None:
    """The callback data of the button of one screen that a message only names, as `named_button` finds
    the navigation's: "Überspringen", "iptal", "✅ Fertig". `keyboard` draws the screen's buttons in a
    language; a label counts in the resident's and in German, compared in their `spellings`."""
    typed = set(spellings(text))
    labelled = (button for t in _readers(i18n, lang) for row in keyboard(t) for button in row)
    return next((data for label, data in labelled if typed.intersection(spellings(label))), None)


def _readers(i18n: I18n, lang: str) -> tuple[Translator, Translator]:
    """The languages a typed label counts in: the resident's, and German (the language around them)."""
    return i18n.translator(lang), i18n.translator(DEFAULT_LANGUAGE)


def back_to_menu(t: Translator) -> Keyboard:
    return [nav_row(t)]


def ask_button(t: Translator) -> Button:
    """🙋 Ask a question: a request to a person about anything (the main menu's), for screens that
    answer nothing themselves (help, small talk, an apology)."""
    return ("🙋 " + t.gettext("Ask a question"), encode("ask"))


def ask_and_menu(t: Translator) -> Keyboard:
    """The way to a person, then 🏠 Menu: every screen has both (a way back is the menu here)."""
    return [[ask_button(t)], nav_row(t)]


def continue_in_button(t: Translator, data: str) -> Button:
    """🌐 Go on in the language of `t`, in its own words ("🌐 Türkçe devam et"), whatever language the bot
    writes in now: under an answer to a question read in that language (`data`: the `switch` button's)."""
    # Translators: a button: "go on in <your language>", in your language's own words (Turkish:
    # "Türkçe devam et"). Shown to someone whose bot writes another language but who wrote in yours.
    return ("🌐 " + t.gettext("Continue in this language"), data)


def language_button(t: Translator, then: str = "") -> Button:
    """🌐 to the language picker: in the main menu, and where a resident may not read the bot's language
    (`then`: the poster's link whose entry follows the choice)."""
    return ("🌐 " + t.gettext(LANGUAGE_WORD), encode("language", *([then] if then else [])))
