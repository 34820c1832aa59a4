"""Screens of the first minute and of the resident's own settings (welcome, language, district, main menu,
help, privacy, /delete), and the answers to what the bot did not understand or got too much of."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.content.catalogue import Catalogue
from bot.content.models import District, PrivacyNotice, localized
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.languages import N_
from bot.render.callback import encode
from bot.render.keyboards import Button, Screen, ask_and_menu, ask_button, language_button
from bot.render.screens import Writer


def welcome(t: Translator, first_name: str | None) -> str:
    """The greeting and what the bot does (the language picker or the main menu follows). It names the
    Quartiersmanagement with what it is, in her words: the German word alone means nothing to a resident
    with little German, and this is where she first meets it (the partner's name on later screens says it
    too, as the content spells it)."""
    if first_name:
        greeting = t.html(
            "Hello {name}! I am the bot of the neighbourhood office (Quartiersmanagement).",
            name=t.isolate(first_name),
        )
    else:
        greeting = t.html("Hello! I am the bot of the neighbourhood office (Quartiersmanagement).")
    intro = t.html(
        "I help you find courses, counselling and help in your neighbourhood, and I pass your questions on "
        "to the right people."
    )
    return f"{greeting}\n{intro}"


def question_waits(t: Translator) -> str:
    """Under the welcome when her first message after /delete was a question: it is not forgotten."""
    return t.html("I will answer your question as soon as you have chosen.")


def file_waits(t: Translator) -> str:
    """Under the welcome when her first message after /delete was a photo, voice message or document."""
    return t.html("I have kept what you sent. Once you have chosen, I will ask who should get it.")


def link_gone(t: Translator) -> str:
    """Before the greeting, when a poster's link (`/start o_<offer>`) names an entry that is gone."""
    return "ℹ️ " + t.html(
        "This link leads to something that is no longer available. Perhaps you will find something similar "
        "in the menu."
    )


def phone_not_shared(t: Translator) -> str:
    """When a command or a tap on an older menu leaves the step that asks for the phone number (its keyboard
    goes with it)."""
    return t.html("Your phone number has not been shared.")


def help_screen(t: Translator, commands: Sequence[tuple[str, str]]) -> Screen:
    """/help: what the bot can do, in short sentences, and the commands of Telegram's menu."""
    lines = [
        "<b>" + t.html("How I can help") + "</b>",
        "• " + t.html("Tap a topic in the menu to see courses, counselling and help nearby."),
        "• " + t.html("Or write your question in your own words, in your language."),
        "• " + t.html("I can pass your question to a person at a partner organisation."),
        "",
    ]
    lines += [f"{t.directed('/' + name)} – {t.html(description)}" for name, description in commands]
    lines += ["", "🆘 " + t.html("In an emergency call 112 (ambulance, fire) or 110 (police).")]
    return "\n".join(lines), ask_and_menu(t)


def privacy_screen(t: Translator, notice: PrivacyNotice) -> Screen:
    w = Writer(t)
    return f"<b>{w.text(notice.title)}</b>\n\n{w.text(notice.text)}" + w.footer(), ask_and_menu(t)


def delete_question(t: Translator, open_requests: int = 0) -> Screen:
    """/delete asks once before anything is deleted; `open_requests`: how many of hers are open, which
    deleting ends (their partners are told, and no answer comes), said before she confirms."""
    question = t.html("Should I delete everything the bot has stored about you?")
    scope = t.html(
        "That is your language, your neighbourhood and your requests. Partners who already got a "
        "request from you keep what you sent them."
    )
    lines = [question, scope]
    if open_requests:
        lines.append(
            "⚠️ "
            + t.nhtml(
                "You have {count} open request. Deleting ends it: no answer will come to you.",
                "You have {count} open requests. Deleting ends them: no answer will come to you.",
                open_requests,
            )
        )
    keyboard = [
        [("🗑 " + t.gettext("Yes, delete my data"), encode("forget", "yes"))],
        [("✖️ " + t.gettext("No, keep it"), encode("menu"))],
    ]
    return "\n".join(lines), keyboard


def deleted(t: Translator) -> str:
    return t.html("Done. I have deleted your data. If you write to me again, I start afresh.")


def rows_of(buttons: Sequence[Button], width: int) -> list[list[Button]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def language_screen(
    t: Translator, languages: Iterable[str], lead: str | None = None, then: str = ""
) -> Screen:
    """Every language in its own name, the resident's first and ticked (after the welcome, at the very
    start); `then`: the poster's link whose entry follows the choice."""
    question = t.html("Which language should I write in?")
    ordered = sorted(languages, key=lambda lang: lang != t.lang)
    buttons = [
        (
            ("✓ " if lang == t.lang else "") + LANGUAGE_NAMES[lang],
            encode("lang", lang, *([then] if then else [])),
        )
        for lang in ordered
    ]
    return (f"{lead}\n\n{question}" if lead else question), rows_of(buttons, 2)


def language_chosen(t: Translator) -> str:
    """The toast after a tap on a language, in that language."""
    return t.gettext("I will write in {language}.").format(language=t.lang_name)


def district_screen(t: Translator, districts: Mapping[str, District], current: str | None = None) -> Screen:
    """Every district; the `current` one ticked (when the resident changes it with /district)."""
    question = t.html("Which neighbourhood do you live in? Then I can show you what is near you.")
    rows = []
    for district_id, district in districts.items():
        tick = "✓ " if district_id == current else ""
        rows.append([(tick + localized(district.name, t.lang), encode("district", district_id))])
    return question, [*rows, [(t.gettext("I don't know"), encode("district", "-"))]]


def main_menu_screen(
    t: Translator, catalogue: Catalogue, district: str | None, lead: str | None = None
) -> Screen:
    """The main menu: the topics of the resident's `district`, then the fixed entries: ask, the district (to
    change it, when the content has more than one), language, emergency (always there)."""
    question = t.html("What can I help you with? Choose a topic or just write your question.")
    topic_buttons = [
        (f"{topic.icon or ''} {localized(topic.title, t.lang)}".strip(), encode("topic", topic_id, 0))
        for topic_id, topic in catalogue.topics_for_district(district)
    ]
    rows = [*rows_of(topic_buttons, 2), [ask_button(t)]]
    if len(catalogue.districts) > 1:
        # A resident who does not know their district sees everything, and a way to choose one.
        if district is None:
            shown = t.gettext("Choose your neighbourhood")
        else:
            shown = localized(catalogue.districts[district].name, t.lang)
        rows.append([("🏘 " + shown, encode("district"))])
    rows.append([language_button(t), ("🆘 " + t.gettext("Emergency"), encode("sos"))])
    return (f"{lead}\n\n{question}" if lead else question), rows


# --- what the bot did not understand, and too much of it --------------------------------------------------


def out_of_date(t: Translator) -> str:
    """The toast on a button the bot no longer understands, or one pressed where it never appears."""
    return t.gettext("This button is out of date.")


SLOW_DOWN = N_("You are sending very many messages. Please wait a minute, then write again.")


def slow_down(t: Translator) -> str:
    """Sent once when a resident's messages go beyond the flood limit (the rest are dropped)."""
    return t.html(SLOW_DOWN)


def slow_down_toast(t: Translator) -> str:
    """The toast on every button tapped beyond the flood limit (plain text: a toast is no HTML)."""
    return t.gettext(SLOW_DOWN)


def apology(t: Translator) -> Screen:
    return t.html("Sorry, something went wrong on my side. Please try again in a moment."), ask_and_menu(t)


def unknown_command(t: Translator) -> str:
    """The lead above the main menu after a command the bot does not know."""
    return t.html("I don't know this command. Here is the menu, or type /help.")


def unsupported_message(t: Translator) -> Screen:
    text = t.html(
        "I can only read text here. Write your question in words, or tap a topic in the menu. "
        "If you want to send a photo or a letter to a person, start a request with “Ask a question”."
    )
    return text, ask_and_menu(t)
