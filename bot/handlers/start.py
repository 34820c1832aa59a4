"""Start, help, language and district: the first minute with the bot."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.commands import COMMANDS
from bot.handlers.common import answer_query, show
from bot.handlers.context import Context
from bot.handlers.menu import open_deep_link
from bot.handlers.navigation import show_main_menu
from bot.render import keyboards
from bot.render.callback import decode, encode
from bot.render.screens import Writer


async def start(update: Update, context: Context) -> None:
    """/start: greet; a new resident confirms their language first, a known one gets the menu."""
    payload = context.args[0] if context.args else None
    if payload:
        if await open_deep_link(update, context, payload):
            return
    user = update.effective_user
    t = context.t
    name = html.escape(user.first_name) if user and user.first_name else ""
    greeting = (
        t.gettext("Hello {name}! I am the neighbourhood bot of the Quartiersmanagement.").format(
            name=t.isolate(name)
        )
        if name
        else t.gettext("Hello! I am the neighbourhood bot of the Quartiersmanagement.")
    )
    intro = t.gettext(
        "I help you find courses, counselling and help in your neighbourhood, and I pass your questions on "
        "to the right people."
    )
    if context.user_data is not None and not context.user_data.language_confirmed:
        text = f"{greeting}\n{intro}\n\n" + t.gettext("Which language should I write in?")
        await show(update, context, text, keyboards.language_picker(context.services.i18n.languages, t.lang))
        return
    await show_main_menu(update, context, lead=f"{greeting}\n{intro}")


async def menu(update: Update, context: Context) -> None:
    """The 🏠 Menu button and /menu."""
    await answer_query(update.callback_query)
    await show_main_menu(update, context)


async def help_command(update: Update, context: Context) -> None:
    """/help: what the bot can do, in short sentences."""
    t = context.t
    lines = [
        "<b>" + html.escape(t.gettext("How I can help")) + "</b>",
        "• " + html.escape(t.gettext("Tap a topic in the menu to see courses, counselling and help nearby.")),
        "• " + html.escape(t.gettext("Or write your question in your own words, in your language.")),
        "• " + html.escape(t.gettext("I can pass your question to a person at a partner organisation.")),
        "",
    ]
    # The same list Telegram shows in its command menu.
    lines += [f"/{name} – {html.escape(t.gettext(description))}" for name, description in COMMANDS]
    lines += [
        "",
        "🆘 " + html.escape(t.gettext("In an emergency call 112 (ambulance, fire) or 110 (police).")),
    ]
    text = "\n".join(lines)
    await show(update, context, text, keyboards.back_to_menu(t))


async def language_command(update: Update, context: Context) -> None:
    """/language and the 🌐 button: show the picker."""
    await answer_query(update.callback_query)
    t = context.t
    await show(
        update,
        context,
        t.gettext("Which language should I write in?"),
        keyboards.language_picker(context.services.i18n.languages, t.lang),
    )


async def choose_language(update: Update, context: Context) -> None:
    """A tap on a language: store it, then ask the district once, else show the menu."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or context.user_data is None:
        return
    lang = decode(query.data).arg(0)
    if lang not in context.services.i18n.languages:
        await answer_query(query, context.t.gettext("This button is out of date."))
        await show_main_menu(update, context)
        return
    await context.services.residents.choose_language(user.id, lang)
    context.user_data.lang = lang
    context.user_data.language_confirmed = True
    t = context.t
    await answer_query(query, t.gettext("I will write in {language}.").format(language=t.lang_name))
    catalogue = context.services.content.catalogue
    if context.user_data.district is None and len(catalogue.districts) > 1:
        districts = [(d_id, d.name) for d_id, d in catalogue.districts.items()]
        await show(
            update,
            context,
            t.gettext("Which neighbourhood do you live in? Then I can show you what is near you."),
            keyboards.district_picker(t, districts),
        )
        return
    await show_main_menu(update, context)


async def choose_district(update: Update, context: Context) -> None:
    """A tap on a district (or "I don't know", which means the default district)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or context.user_data is None:
        return
    catalogue = context.services.content.catalogue
    district = decode(query.data).arg(0)
    if district == "-":
        district = catalogue.default_district_id
    if district not in catalogue.districts:
        await answer_query(query, context.t.gettext("This button is out of date."))
        await show_main_menu(update, context)
        return
    await context.services.residents.choose_district(user.id, district)
    context.user_data.district = district
    await answer_query(query)
    await show_main_menu(update, context)


async def privacy(update: Update, context: Context) -> None:
    """/privacy: the privacy notice from the content."""
    await answer_query(update.callback_query)
    notice = context.services.content.catalogue.privacy_notice
    w = Writer(context.t)
    text = f"<b>{w.text(notice.title)}</b>\n\n{w.text(notice.text)}" + w.footer()
    await show(update, context, text, keyboards.back_to_menu(context.t))


async def delete_command(update: Update, context: Context) -> None:
    """/delete: ask once, then forget the resident (the privacy notice promises this)."""
    t = context.t
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🗑 " + t.gettext("Yes, delete my data"), callback_data=encode("forget", "yes")
                )
            ],
            [InlineKeyboardButton("✖️ " + t.gettext("No, keep it"), callback_data=encode("menu"))],
        ]
    )
    text = "\n".join(
        [
            html.escape(t.gettext("Should I delete everything the bot has stored about you?")),
            html.escape(
                t.gettext(
                    "That is your language, your neighbourhood and your requests. Partners who already got a "
                    "request from you keep what you sent them."
                )
            ),
        ]
    )
    await show(update, context, text, keyboard)


async def confirm_delete(update: Update, context: Context) -> None:
    """The resident confirmed /delete."""
    user = update.effective_user
    if user is None:
        return
    t = context.t
    await context.services.residents.forget(user.id)
    # Forget what memory holds too (e.g. the last question); language answers this last message only.
    if context.user_data is not None:
        context.user_data.last_question = None
        context.user_data.first_name = None
        context.user_data.district = None
    await answer_query(update.callback_query)
    await show(
        update,
        context,
        html.escape(t.gettext("Done. I have deleted your data. If you write to me again, I start afresh.")),
        None,
    )
