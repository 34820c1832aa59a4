"""Start, help, language and district: the first minute with the bot; and the resident's own data (/privacy,
/mydata, /delete)."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import ApplicationHandlerStop

from bot.commands import COMMANDS
from bot.delivery.outbox import markup
from bot.handlers import afresh
from bot.handlers.common import answer_query, button_press, remove_card_buttons, show, tapped_old_message
from bot.handlers.context import Context
from bot.handlers.conversation import settled
from bot.handlers.menu import show_entry
from bot.handlers.navigation import show_main_menu, stale_button
from bot.handlers.questions import after_first_minute, district_chosen
from bot.render import start as screens
from bot.render.callback import decode, parse_deep_link, parse_origin
from bot.render.keyboards import back_to_menu
from bot.render.personal_data import file_caption, file_name, personal_data_json, personal_data_text
from bot.render.screens import alternatives_screen, linked_entry, resolve, small_talk_of, small_talk_screen


async def start(update: Update, context: Context) -> None:
    """/start: greet; a new resident confirms their language first, a known one gets the menu."""
    # A poster's link (t.me/<bot>?start=o_<offer>) opens its entry, for a new resident with 🌐 to choose the
    # language (the entry follows the choice); one to an entry the content no longer has says so first,
    # then greets as usual (as does any other payload).
    payload = context.args[0] if context.args else ""
    entry = linked_entry(context.services.content.catalogue, payload)
    new = context.user_data is not None and not context.user_data.language_confirmed
    if context.user_data is not None:  # the first minute after /delete, too
        context.user_data.afresh = False
        await afresh.release(update, context)
    if entry is not None:
        await show_entry(update, context, *entry, language_then=payload if new else None)
        return
    user = update.effective_user
    t = context.t
    welcome = screens.welcome(t, user.first_name if user else None)
    if parse_deep_link(payload) is not None:
        welcome = f"{screens.link_gone(t)}\n\n{welcome}"
    if new:
        await show(update, context, *screens.language_screen(t, context.services.i18n.languages, welcome))
        return
    await show_main_menu(update, context, lead=welcome)


async def menu(update: Update, context: Context) -> None:
    """The 🏠 Menu button and /menu (under the bot's question about her message: it stays unsent)."""
    query = update.callback_query
    await afresh.release(update, context)  # she went on: the first minute's promise is over
    if query is not None:
        await settled(context, query.from_user.id, query.message)
    await answer_query(query)
    await show_main_menu(update, context)


async def help_command(update: Update, context: Context) -> None:
    await show(update, context, *screens.help_screen(context.t, COMMANDS))


async def language_command(update: Update, context: Context) -> None:
    """/language and the 🌐 button: show the picker (the 🌐 under a poster's entry carries its link)."""
    query = update.callback_query
    await answer_query(query)
    then = decode(query.data).arg(0) if query else ""
    await show(
        update, context, *screens.language_screen(context.t, context.services.i18n.languages, then=then)
    )


async def language_by_name(update: Update, context: Context) -> None:
    """Group -1: a message that only names a language ("العربية", "Türkçe", "Sprache", "dil") opens the
    language picker, for a resident who cannot read the language the bot writes in; also while she writes
    a request (the draft stays as it is, and her question comes again in the language she picks:
    `questions.draft_again`), unless its question asks for a language: then the name is her answer. Not
    while a partner is in the conversation: there it may be a message to the partner."""
    message = update.message
    data = context.user_data
    user = update.effective_user
    if message is None or not message.text or data is None or user is None or data.conversing:
        return
    if not context.services.i18n.asks_for_language(message.text):
        return
    if data.drafting and await context.services.requests.takes_language_name(user.id):
        return
    await language_command(update, context)
    raise ApplicationHandlerStop


async def choose_language(update: Update, context: Context) -> None:
    """A tap on a language: store it, then ask the district once, else show the menu. From a poster's link
    (`callback.arg(1)`) its entry comes first, in the chosen language, and the district question below it."""
    if (press := button_press(update)) is None or context.user_data is None:
        return
    query, user, callback = press
    lang = callback.arg(0)
    if lang not in context.services.i18n.languages:
        await stale_button(update, context)
        return
    old_picker = tapped_old_message(update, context)  # before a screen is shown
    await take_language(context, query, user.id, lang)
    t = context.t
    entry = linked_entry(context.services.content.catalogue, callback.arg(1))
    if entry is not None:
        await show_entry(update, context, *entry)  # the poster's entry she came for, first
    districts = context.services.content.catalogue.districts
    if context.user_data.district is None and len(districts) > 1:
        # Below the poster's entry (a message of its own) or an old picker far up, else in its place.
        if context.user_data.first_step is not None:
            context.user_data.first_step = "district"
        below = entry is not None or old_picker
        await show(update, context, *screens.district_screen(t, districts), new_message=below)
    elif entry is None:
        await after_first_minute(update, context)


async def take_language(context: Context, query: CallbackQuery, user_id: int, lang: str) -> None:
    """`lang` chosen by a tap (the picker, or “🌐 Continue in …”): stored as hers and confirmed, the bot
    writes it from now on, and the tap is answered in it."""
    assert context.user_data is not None
    await context.services.residents.choose_language(user_id, lang)
    context.user_data.lang = lang
    context.user_data.language_confirmed = True
    await answer_query(query, screens.language_chosen(context.t))


async def continue_in(update: Update, context: Context) -> None:
    """“🌐 Türkçe devam et” below an answer (or the choices) to a question read in that language
    (`questions.continue_in`): her language becomes it, stored as the picker stores it, and the same
    answer or choices (or the answer to her greeting: `screens.small_talk_target`) come again in it, in
    place of the screen she tapped. A tap on an older screen's button, after she switched already, is her
    choice too (she may have gone back in between); one whose entries the content no longer has is out of
    date (after /delete: `afresh.old_screen`)."""
    if (press := button_press(update)) is None or context.user_data is None:
        return
    query, user, callback = press
    lang, target = callback.arg(0), callback.arg(1)
    catalogue = context.services.content.catalogue
    entry = linked_entry(catalogue, target)
    small_talk = small_talk_of(target) if entry is None else None
    came_from = parse_origin(target) if entry is None and small_talk is None else None
    choices = came_from is not None and came_from.kind == "alternatives"
    hits = resolve(catalogue, came_from.refs) if came_from is not None and choices else []
    if lang not in context.services.i18n.languages or (entry is None and small_talk is None and not hits):
        await stale_button(update, context)
        return
    await take_language(context, query, user.id, lang)
    if entry is not None:
        await show_entry(update, context, *entry, feedback_buttons=True)
    elif small_talk is not None:  # "Merhaba": the greeting again, in Turkish
        await show(update, context, *small_talk_screen(context.t, small_talk))
    else:
        await show(update, context, *alternatives_screen(context.t, catalogue, hits))


async def district_command(update: Update, context: Context) -> None:
    """/district and the 🏘 button: the district picker with the current district ticked (none while the
    resident does not know theirs)."""
    await answer_query(update.callback_query)
    catalogue = context.services.content.catalogue
    await show(update, context, *screens.district_screen(context.t, catalogue.districts, context.district))


async def choose_district(update: Update, context: Context) -> None:
    """A tap on a district, or on "I don't know": then the district stays unknown and the screens show what
    is there for every district (and the language picker asks again next time)."""
    if (press := button_press(update)) is None or context.user_data is None:
        return
    query, _user, callback = press
    district = None if callback.arg(0) == "-" else callback.arg(0)
    if district is not None and district not in context.services.content.catalogue.districts:
        await stale_button(update, context)
        return
    await answer_query(query)
    await district_chosen(update, context, district)


async def privacy(update: Update, context: Context) -> None:
    """/privacy: the privacy notice from the content."""
    await show(
        update, context, *screens.privacy_screen(context.t, context.services.content.catalogue.privacy_notice)
    )


async def mydata(update: Update, context: Context) -> None:
    """/mydata: everything stored about the resident (DSGVO Art. 15), readable (in parts if long), then as a
    JSON file."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    services = context.services
    data = await services.residents.collect(user.id)
    now = services.clock()
    await show(update, context, personal_data_text(context.t, services.content.catalogue, data))
    await context.bot.send_document(
        chat.id,
        document=personal_data_json(data, now),
        filename=file_name(now),
        caption=file_caption(context.t),
        reply_markup=markup(back_to_menu(context.t)),
    )


async def delete_command(update: Update, context: Context) -> None:
    """/delete: ask once, then forget the resident (the privacy notice promises this); her open requests,
    which it ends, are counted in the question."""
    user = update.effective_user
    count = len(await context.services.requests.open_requests(user.id, context.lang)) if user else 0
    await show(update, context, *screens.delete_question(context.t, count))


async def confirm_delete(update: Update, context: Context) -> None:
    user = update.effective_user
    if user is None:
        return
    cards = await context.services.residents.forget(user.id)
    if context.user_data is not None:
        context.user_data.forget()
    await answer_query(update.callback_query)
    await show(update, context, screens.deleted(context.t))
    await remove_card_buttons(context, cards)
