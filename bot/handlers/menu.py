"""Browsing: topics, offers, events, partners, FAQ, map pins, emergency, deep links, 'did this help?'."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.delivery.outbox import markup
from bot.handlers.common import answer_query, button_press, edit_buttons, show
from bot.handlers.context import Context, VoteAsked
from bot.handlers.navigation import show_main_menu, stale_button
from bot.render import screens
from bot.render.callback import Callback, Origin, decode, parse_origin
from bot.render.keyboards import Button, Screen, language_button

logger = logging.getLogger(__name__)


def _exists(context: Context, kind: str, entry_id: str) -> bool:
    return entry_id in screens.entries(context.services.content.catalogue, kind)


async def show_entry(
    update: Update,
    context: Context,
    kind: str,
    entry_id: str,
    *,
    page: int = 0,
    came_from: Origin | None = None,
    feedback_buttons: bool = False,
    language_then: str | None = None,
    switch: Button | None = None,
    below: Callable[[Screen], Screen] | None = None,
) -> None:
    """`language_then` (the entry's deep-link payload): a poster's link opened by a resident who never chose
    a language, or an answer to a message written in another script than the bot's language; 🌐 below the
    entry lets her choose one, then shows the entry again. `switch`, in its place: “🌐 Türkçe devam et”, the
    language her question was read in (`questions.continue_in`). `below`: what the answer to her message
    gets added below it (“✍️ Add this to my request”)."""
    t = context.t
    catalogue = context.services.content.catalogue
    now = context.services.clock()
    plain = None  # the screen without "Did this help?", if it asks
    if not catalogue.is_current(kind, entry_id, now):
        # Over or not yet on (a poster's link, an old button): said plainly, without a sign-up.
        screen = screens.not_current_screen(t, catalogue, kind, entry_id)
    else:
        screen = screens.entry_screen(t, catalogue, kind, entry_id, now, context.district, page, came_from)
        if feedback_buttons:
            plain, screen = screen, screens.with_feedback(t, screen, kind, entry_id)
        if below is not None:  # "✍️ Add this to my request" (`conversation.offer_below_answer`)
            screen = below(screen)
    if switch is not None:
        screen = screen[0], [*screen[1], [switch]]
    elif language_then is not None:
        screen = screen[0], [*screen[1], [language_button(t, language_then)]]
    await show(update, context, *screen)
    data = context.user_data
    if plain is not None and plain is not screen and data is not None and data.screen is not None:
        data.vote_asked = VoteAsked(kind, entry_id, data.screen, now, plain[1])


async def open_entry(update: Update, context: Context, callback: Callback | None = None) -> None:
    """A topic (its offers, events and answers, paged), offer, event, partner or FAQ button (or `callback`,
    a Back button's data, for "Back" typed); its last argument, if any, is the screen it is on (where the
    entry's Back returns)."""
    callback = callback or decode(update.callback_query.data if update.callback_query else None)
    kind, entry_id = callback.namespace, callback.arg(0)
    if not _exists(context, kind, entry_id):
        await stale_button(update, context)
        return
    page = int(callback.arg(1)) if kind == "topic" and callback.arg(1).isdecimal() else 0
    came_from = parse_origin(callback.arg(2 if kind == "topic" else 1))
    await answer_query(update.callback_query)
    await show_entry(update, context, kind, entry_id, page=page, came_from=came_from)


async def go_back(update: Update, context: Context, callback: Callback | None = None) -> None:
    """⬅️ Back to a list of entries an entry was opened from: the search's “is it one of these?”, or the
    emergency numbers with the entries below them, rebuilt from the refs the button (or `callback`)
    carries."""
    callback = callback or decode(update.callback_query.data if update.callback_query else None)
    came_from = parse_origin(callback.arg(0))
    catalogue = context.services.content.catalogue
    hits = screens.resolve(catalogue, came_from.refs) if came_from else []
    if came_from is None or not hits or came_from.kind not in {"alternatives", "emergency"}:
        await stale_button(update, context)
        return
    await answer_query(update.callback_query)
    if came_from.kind == "alternatives":
        await show(update, context, *screens.alternatives_screen(context.t, catalogue, hits))
    else:
        # Entries below the numbers come only with a question ("Ask a person" carries it, marked urgent).
        await show(update, context, *screens.emergency_screen(context.t, catalogue, hits, origin="sos.q"))


async def back_typed(update: Update, context: Context) -> None:
    """ "Back" typed instead of tapped: what the ⬅️ Back of the latest screen did (the entries of a topic,
    answer or list are looked up again); the menu when that screen had none."""
    data = context.user_data.back if context.user_data is not None else None
    callback = decode(data) if data else None
    if callback is not None and callback.namespace == "back":
        await go_back(update, context, callback)
    elif callback is not None and callback.namespace in screens.ENTRY_KINDS:
        await open_entry(update, context, callback)
    else:
        await show_main_menu(update, context)


async def send_pin(update: Update, context: Context) -> None:
    """📍 Show on the map: a venue message with the place's pin and address."""
    callback = decode(update.callback_query.data if update.callback_query else None)
    place_id = callback.arg(1)
    catalogue = context.services.content.catalogue
    chat = update.effective_chat
    if place_id not in catalogue.places or chat is None:
        await stale_button(update, context)
        return
    await answer_query(update.callback_query)
    place = catalogue.places[place_id]
    await context.bot.send_venue(
        chat.id,
        latitude=place.latitude,
        longitude=place.longitude,
        title=screens.Writer(context.t).plain(place.name),
        address=place.address,
    )


async def emergency(
    update: Update, context: Context, hits: Sequence[tuple[str, str]] = (), origin: str = "sos"
) -> None:
    """🆘 and emergency words: the emergency numbers, at once (`hits`: entries that may be meant too)."""
    await answer_query(update.callback_query)
    screen = screens.emergency_screen(context.t, context.services.content.catalogue, hits, origin)
    # Always a new message: an emergency answer must not replace what the resident was reading.
    await show(update, context, *screen, new_message=True)


async def all_numbers(update: Update, context: Context) -> None:
    """🆘: the emergency numbers; `sos:q`, under the short list of them (`danger_words`), with "Ask a
    person" carrying her message as on the screen her danger words brought."""
    callback = decode(update.callback_query.data if update.callback_query else None)
    await emergency(update, context, origin="sos.q" if callback.arg(0) == "q" else "sos")


async def danger_words(
    update: Update, context: Context, text: str, hits: Sequence[tuple[str, str]] = ()
) -> None:
    """Danger words she wrote (`text`; `hits`: entries that may be meant too): the emergency numbers, at
    once. The full screen, or the short list of the same numbers while she was sent the full screen in her
    language minutes ago (`bot.sos`: a story told in short lines must not bury her conversation under
    screens)."""
    now = context.services.clock()
    shown = context.user_data.numbers_shown if context.user_data is not None else None
    # A tap asking for the answer to her message ("🔎 A new question") gets the full screen: she asked.
    if shown is not None and update.callback_query is None and not shown.full_due(context.lang, now):
        screen = screens.emergency_reminder(context.t, context.services.content.catalogue, hits)
        await show(update, context, *screen, new_message=True)
        return
    await emergency(update, context, hits, origin="sos.q")
    if shown is not None:
        shown.shown(context.lang, now)  # once sent: a screen Telegram refused comes in full again


async def typed_vote(update: Update, context: Context, *, helpful: bool) -> bool:
    """A lone yes or no ("ja", "evet", "نعم", "да", "tak", "no") typed right under "Did this help?": what 👍
    or 👎 does, with the same confirmation (the thanks as a message: a typed word has no pop-up). False if
    that question is not the latest the bot asked (`feedback.typed_vote`): the word is something else then."""
    data, user, message = context.user_data, update.effective_user, update.effective_message
    asked = data.vote_open if data is not None else None
    if asked is None or user is None or message is None or not _exists(context, asked.kind, asked.entry_id):
        return False
    feedback = context.services.feedback
    now = context.services.clock()
    if not await feedback.typed_vote(
        user.id, asked.kind, asked.entry_id, asked.message_id, asked.at, now, helpful
    ):
        return False
    if not helpful:
        await show(update, context, *screens.not_helpful_screen(context.t), new_message=True)
        return True
    await message.reply_text(screens.feedback_thanks(context.t))
    # The vote buttons go, as after the tap (a second vote would only change it); the navigation stays.
    try:
        await context.bot.edit_message_reply_markup(
            message.chat_id, asked.message_id, reply_markup=markup(asked.keyboard)
        )
    except BadRequest as exc:
        logger.info("vote buttons kept: %s", exc)
    return True


async def rate_answer(update: Update, context: Context) -> None:
    """👍 / 👎 under an answer: counted once per resident and entry; 👎 offers a person."""
    if (press := button_press(update)) is None:
        return
    query, user, callback = press
    vote, kind, entry_id = callback.arg(0), callback.arg(1), callback.arg(2)
    if vote not in {"up", "down"} or not _exists(context, kind, entry_id):
        await stale_button(update, context)
        return
    await context.services.feedback.vote(user.id, kind, entry_id, helpful=vote == "up")
    if vote == "up":
        await answer_query(query, screens.feedback_thanks(context.t))
        message = query.message
        if isinstance(message, Message) and message.reply_markup is not None:
            # Remove the vote buttons (a second tap would only change the vote); keep the navigation.
            rows = [
                row
                for row in message.reply_markup.inline_keyboard
                if not any(str(b.callback_data or "").startswith("fb:") for b in row)
            ]
            await edit_buttons(message, InlineKeyboardMarkup(rows))
        return
    await answer_query(query)
    await show(update, context, *screens.not_helpful_screen(context.t), new_message=True)
