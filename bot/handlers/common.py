"""Steps every update passes through (registered in negative groups), helpers for answering, and a message's
file as a request takes it (`attachment_of`: the resident's draft, her messages about a request, a partner's
reply)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import (
    CallbackQuery,
    Document,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    PhotoSize,
    Update,
    User,
    Voice,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.delivery.outbox import markup
from bot.handlers.context import Context
from bot.render.callback import Callback, decode, pattern
from bot.render.keyboards import Keyboard, back_of
from bot.render.split import split_html
from bot.render.start import out_of_date, slow_down, slow_down_toast
from bot.residents import Flooding
from bot.tickets.dialogue import Attachment, MessageKind

logger = logging.getLogger(__name__)

# The buttons of a request card in a partner's group (bot/tickets: take on, close, hand over), of its list
# of partners to hand over to (cancel: "hox"), and of the question under a message written there without
# "Reply" (pass it on to a request, or not: "pass", "drop").
PARTNER_BUTTON = pattern("req", first=("take", "close", "handover", "ho", "hox", "reopen", "pass", "drop"))


async def check_button_chat(update: Update, context: Context) -> None:
    """Group -15: stop a button pressed in a chat where it never appears.

    Telegram delivers a button press with the data the bot gave the button, but the update can be forged,
    and an old message can be forwarded: a resident's button pressed in a group (or without a message)
    would act for a person who is not a resident there, and a card's button in a private chat would show a
    request's state to whoever pressed it. Such presses are answered as out of date and go no further.
    """
    query = update.callback_query
    if query is None:
        return
    chat = update.effective_chat
    partner_button = PARTNER_BUTTON.match(query.data or "") is not None
    if chat is not None and (chat.type == chat.PRIVATE) != partner_button:
        return
    await answer_query(query, out_of_date(context.t))
    raise ApplicationHandlerStop


async def load_resident(update: Update, context: Context) -> None:
    """Group -20, before anything else: count the resident's update and drop it beyond the limit (telling
    them once to slow down, so the bot stays usable for all: `refuse`); else remember them (first/last seen,
    language) and cache their settings for this update.

    The files of one album count as one update: the resident sent them with one tap, Telegram puts at most
    10 in an album, and the bot answers an album with one screen. Counted one by one, a letter of a few
    albums used up the minute, and then even "Done" was refused. The album let through last is remembered
    in memory (after a restart its further files count again, which only errs on the safe side); the
    files of an album whose first was refused are counted, so they are refused too."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot or chat is None or chat.type != chat.PRIVATE or context.user_data is None:
        return
    services = context.services
    negotiated = services.i18n.negotiate(user.language_code)
    album = update.message.media_group_id if update.message is not None else None
    resident = await services.residents.arrive(
        user.id,
        language=negotiated,
        first_name=user.first_name,
        now=services.clock(),
        count=album is None or album != context.user_data.album,
    )
    if isinstance(resident, Flooding):
        message = update.effective_message
        if (
            resident.emergency_settings is None
            or message is None
            or not message.text
            or not services.engine.emergency_words(message.text, resident.language)
        ):
            await refuse(update, context, resident)
            raise ApplicationHandlerStop
        # Emergency words pass the limit and go the whole way: the numbers first, and the text still reaches
        # the partner she is writing with or her draft (someone in distress sends many short lines).
        resident = resident.emergency_settings
    context.user_data.album = album
    # Whatever this update does comes below the screen with "Did this help?": only this update may answer it.
    context.user_data.vote_open, context.user_data.vote_asked = context.user_data.vote_asked, None
    if update.message is not None:
        context.user_data.latest = update.message.message_id
    context.user_data.lang = resident.language
    context.user_data.district = resident.district
    context.user_data.language_confirmed = resident.language_confirmed
    context.user_data.drafting = resident.drafting
    context.user_data.has_draft = resident.has_draft
    context.user_data.conversing = resident.conversing
    context.user_data.answer_waits = resident.answer_waits
    # Her first minute after /delete runs while something of hers waits for it (a restart loses neither).
    step = "district" if resident.language_confirmed else "language"
    context.user_data.first_step = step if resident.first_minute else None


async def refuse(update: Update, context: Context, flooding: Flooding) -> None:
    """An update beyond the flood limit (and without emergency words, which pass it): nothing runs for it,
    but a tapped button's spinner stops with the slow-down toast, and the window's first refused text gets
    the slow-down notice."""
    t = context.services.i18n.translator(flooding.language)
    message = update.effective_message
    if update.callback_query is not None:
        await answer_query(update.callback_query, slow_down_toast(t))
    elif flooding.warn and message is not None:
        await context.bot.send_message(message.chat_id, slow_down(t))


async def show(
    update: Update,
    context: Context,
    text: str,
    keyboard: Keyboard | None = None,
    *,
    new_message: bool = False,
) -> None:
    """Answer with a screen: edit the tapped message in place (unless `new_message`), or send a new message.

    A screen longer than a Telegram message (a long draft with its answers, say) goes out in numbered
    parts; the first replaces the tapped message, the buttons come with the last part. Its ⬅️ Back is
    remembered for a resident who types "Back" instead of tapping it."""
    if context.user_data is not None:
        context.user_data.back = back_of(context.t, keyboard)
    reply_markup = markup(keyboard)
    parts = split_html(text)
    query = update.callback_query
    if not new_message and query is not None and getattr(query.message, "text", None) is not None:
        try:
            await query.edit_message_text(
                parts[0],
                parse_mode=ParseMode.HTML,
                reply_markup=reply_markup if len(parts) == 1 else None,
                disable_web_page_preview=True,
            )
            if context.user_data is not None and query.message is not None:
                context.user_data.screen = query.message.message_id
            parts = parts[1:]
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            # The message is too old to edit or was deleted: fall through and send a new one.
            logger.info("could not edit message, sending a new one: %s", exc)
    chat = update.effective_chat
    if chat is None:
        return
    for number, part in enumerate(parts, start=1):
        sent = await context.bot.send_message(
            chat.id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup if number == len(parts) else None,
            disable_web_page_preview=True,
        )
        if context.user_data is not None:
            context.user_data.screen = sent.message_id


def tapped_old_message(update: Update, context: Context) -> bool:
    """Whether the message a button was tapped on is no longer the newest in her chat: a newer screen was
    shown, or she wrote since (and the bot's answer, a screen or a confirmation, came below it). A screen
    shown in its place would change a message far up, out of her sight: it goes below instead (known in
    memory only: after a restart, in place)."""
    query, data = update.callback_query, context.user_data
    if query is None or query.message is None or data is None:
        return False
    newer = [id_ for id_ in (data.screen, data.latest) if id_ is not None]
    return any(id_ > query.message.message_id for id_ in newer)


def button_press(update: Update) -> tuple[CallbackQuery, User, Callback] | None:
    """The button press, its presser and its decoded data; None for an update without them."""
    query, user = update.callback_query, update.effective_user
    return (query, user, decode(query.data)) if query is not None and user is not None else None


async def answer_query(query: CallbackQuery | None, text: str | None = None, alert: bool = False) -> None:
    """Stop the button's spinner; a failed answer (query too old) is harmless."""
    if query is None:
        return
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        logger.debug("callback answer failed: %s", exc)


# What Telegram answers to an edit that has nothing to do: the same content again (a double tap), a message
# that is gone or too old. They are normal outcomes of buttons, not errors.
EDIT_NOTHING_TO_DO = ("not modified", "message to edit not found", "message can't be edited")


async def edit_buttons(
    message: MaybeInaccessibleMessage | None, keyboard: InlineKeyboardMarkup | None, text: str | None = None
) -> None:
    """Replace the buttons of the message a button was pressed on, and its text (HTML) if given; nothing to
    do is fine."""
    if not isinstance(message, Message):
        return
    try:
        if text is None:
            await message.edit_reply_markup(keyboard)
        else:
            await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        if not any(reason in str(exc).lower() for reason in EDIT_NOTHING_TO_DO):
            raise
        logger.debug("message not changed: %s", exc)


async def remove_card_buttons(context: Context, cards: Iterable[tuple[int, int, str | None]]) -> None:
    """The cards (chat id, message id, their text now: None keeps it) of a request the resident deleted lose
    their buttons, and say so as a withdrawn card does; the thread note (in the outbox) says it too. Best
    effort: a button left on a card answers what happened."""
    for chat_id, message_id, html in cards:
        try:
            if html is not None:
                try:
                    await context.bot.edit_message_text(
                        html, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=None
                    )
                    continue
                except BadRequest as exc:  # too long with the line, say: only the buttons go
                    logger.info("card %s in chat %s keeps its text: %s", message_id, chat_id, exc)
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except TelegramError as exc:
            logger.info("card %s in chat %s keeps its buttons: %s", message_id, chat_id, exc)


def attachment_of(message: Message) -> Attachment | None:
    """A photo, voice message or document as a request attachment (other media: unsupported)."""
    media: PhotoSize | Voice | Document
    name: str | None
    mime: str | None
    if message.photo:
        kind, media, name, mime = MessageKind.PHOTO, message.photo[-1], None, "image/jpeg"
    elif message.voice:
        kind, media, name, mime = MessageKind.VOICE, message.voice, None, message.voice.mime_type
    elif message.document:
        media = message.document
        kind, name, mime = MessageKind.DOCUMENT, media.file_name, media.mime_type
    else:
        return None
    chat_id, message_id, size = message.chat_id, message.message_id, media.file_size
    return Attachment(
        kind, media.file_id, chat_id, message_id, name, mime, size, message.caption, message.media_group_id
    )
