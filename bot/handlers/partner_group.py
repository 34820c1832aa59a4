"""Everything that arrives from a partner group: the buttons on a request card (take on, close, reopen,
hand over and the partner to hand it to), a reply to a request's thread (relayed to the resident; its edit
as a correction), a message written there without "Reply" (`partner_stray`: asked which request it is for)
and the tap that passes it on, and the card rewritten after the request changed (`rewrite_card`: also after
the resident withdrew, reopened or answered a hand-over, `bot.handlers.conversation`).

Each handler turns the update into one call of the request desk (`context.services.requests`, which owns
the transaction and decides) and its answer into a message of `bot.render.partners`.
"""

from __future__ import annotations

import logging
from collections import deque

from telegram import CallbackQuery, MaybeInaccessibleMessage, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.delivery.outbox import markup
from bot.handlers.common import answer_query, attachment_of, edit_buttons
from bot.handlers.context import STRAY_ALBUMS_KEPT, Context
from bot.handlers.navigation import pressed_request, stale_button
from bot.i18n import Translator
from bot.render import partners as partner_render
from bot.render.keyboards import Keyboard
from bot.tickets.deps import Outcome
from bot.tickets.desk import CardAction, CardCopy
from bot.tickets.relay import GroupMessage, might_answer

logger = logging.getLogger(__name__)


async def partner_button(update: Update, context: Context) -> None:
    """Take on / Close / Hand over on a request card in a partner group."""
    chat = update.effective_chat
    if chat is None or (pressed := await pressed_request(update, context)) is None:
        return
    query, user, callback, request_id = pressed
    action = callback.arg(0)
    # The pattern (`bot.handlers.common.PARTNER_BUTTON`) admits only the card's actions.
    if action == "ho" and not callback.arg(2):
        await stale_button(update, context)
        return
    desk = context.services.requests
    pt = desk.partner_t()
    if action in ("hox", "drop"):  # Cancel under the partner list, "Do not pass on" under a stray message
        await answer_query(query)
        await delete_prompt(context, query.message)
        return
    if action == "pass":
        await pass_on_stray(update, context, query, request_id)
        return
    card = pressed_card(query, action)
    if action == "handover":
        # The choices only in the request's partner chat: elsewhere they would tell whether it is open.
        targets = await desk.handover_choices(request_id, chat_id=chat.id, card_message_id=card)
        if isinstance(targets, Outcome):
            await answered_action(query, pt, action, targets)
            return
        await answer_query(query)
        text, keyboard = partner_render.handover_choices(pt, request_id, targets)
        await context.bot.send_message(chat.id, text, reply_markup=markup(keyboard), reply_to_message_id=card)
        return
    acted = await desk.act(
        action,
        request_id,
        chat_id=chat.id,
        staff_name=user.first_name or "?",
        to_partner=callback.arg(2),
        card_message_id=card,
    )
    for copy in acted.cards:
        await rewrite_card(context, pt, action, request_id, acted, copy)
    await answered_action(query, pt, action, acted.outcome)
    if action == "ho" and acted.outcome is Outcome.OK:
        await delete_prompt(context, query.message)  # the card now says that the hand-over waits


def pressed_card(query: CallbackQuery, action: str) -> int | None:
    """The card a partner button acts from: its own message, or for a hand-over target ("ho") the card the
    choices answer (they are posted as a reply to it)."""
    message = query.message
    if message is None:
        return None
    # An old card may come as an InaccessibleMessage: no content, but still its id (what matters for a card
    # of a deleted request).
    if action == "ho" and isinstance(message, Message) and message.reply_to_message is not None:
        return message.reply_to_message.message_id
    return message.message_id


async def rewrite_card(
    context: Context, pt: Translator, action: str, request_id: int, acted: CardAction, card: CardCopy
) -> None:
    """A card of the request (the pressed one or a copy in another group) after `action`: withdrawn by its
    resident ("withdrawn"), it says so, no longer how to answer, and loses its buttons; closed, it says so
    (by whom, where cards name staff) and keeps one button, reopen (within REOPEN_DAYS; later the tap says
    so); reopened, it is as before the closing; taken on, it says who took it on and offers no "Take on";
    in a group that may no longer act on the request, it keeps no button, and one that has just stopped
    acting on it learns why. Where its text cannot be rebuilt (unknown, or too long with the line) only the
    buttons change. A hand-over waiting for the resident's consent is named below (`acted.pending`), and
    goes when she has answered. Best effort: a button left on a copy answers what became of the request."""
    chat_id, message_id = card.chat_id, card.message_id
    keyboard: Keyboard | None
    if not card.acts or action == "withdrawn":
        keyboard = None
    elif action == "close":
        keyboard = partner_render.reopen_keyboard(pt, request_id)
    else:
        keyboard = partner_render.partner_keyboard(pt, request_id, taken=acted.taken)
    text = None
    if card.html is not None and card.left is not None:
        taken, staff = card.was_taken or acted.taken, card.was_staff or acted.staff
        text = partner_render.left_card(pt, card.html, card.left, card.now_with, taken, staff)
    elif card.html is not None and action == "close":
        text = partner_render.closed_card(pt, card.html, acted.taken, acted.staff, acted.closed_by)
    elif card.html is not None and action == "withdrawn":
        text = partner_render.withdrawn_card(pt, card.html, card.passes_on, acted.taken, acted.staff)
    elif card.html is not None and action in ("take", "reopen", "ho"):
        text = partner_render.open_card(pt, card.html, acted.taken, acted.staff)
        if acted.pending is not None:
            text = partner_render.handover_pending(pt, text, acted.pending)
    try:
        if text is not None:
            try:
                await context.bot.edit_message_text(
                    text, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup(keyboard)
                )
                return
            except BadRequest as exc:
                logger.info("card of request %s not rewritten: %s", request_id, exc)
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup(keyboard))
    except TelegramError as exc:
        logger.info("card %s in chat %s keeps its buttons: %s", message_id, chat_id, exc)


async def answered_action(query: CallbackQuery, pt: Translator, action: str, outcome: Outcome) -> None:
    """The toast on a card's button; a request its resident deleted or withdrew, and a card its group holds
    a newer one of, also lose the card's buttons."""
    if outcome in (Outcome.DELETED, Outcome.WITHDRAWN, Outcome.OUTDATED):
        await edit_buttons(query.message, None)
    await answer_query(query, partner_render.action_toast(pt, action, outcome))


async def partner_message(update: Update, context: Context) -> None:
    """A reply in a partner group to a request's thread: relayed to the resident (edits as corrections). In
    a forum topic every message "replies" to the topic's first message: one that replies to nothing else
    is a message without "Reply" (`partner_stray`)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return
    if message.reply_to_message.forum_topic_created is not None:
        if update.edited_message is not None:
            await partner_unreplied_edit(update, context)
        else:
            await partner_stray(update, context)
        return
    replied = message.reply_to_message
    replied_from_bot = replied.from_user is not None and replied.from_user.id == context.bot.id
    outcome = await context.services.requests.partner_reply(
        _group_message(
            update,
            chat.id,
            message,
            replied.message_id,
            replied_bot_text=(replied.text or replied.caption) if replied_from_bot else None,
        )
    )
    if outcome is Outcome.NOT_FOUND and replied_from_bot and update.edited_message is None:
        # A reply to a message of the bot that belongs to no request (its "not passed on" question, a
        # notice) reaches nobody either: asked about like a message without "Reply", never lost silently.
        await partner_stray(update, context)


def _group_message(
    update: Update, chat_id: int, message: Message, reply_to: int, replied_bot_text: str | None = None
) -> GroupMessage:
    """A message in a partner group, as the relay reads it, taken as a reply to message `reply_to`."""
    user = update.effective_user
    return GroupMessage(
        chat_id=chat_id,
        message_id=message.message_id,
        reply_to_message_id=reply_to,
        staff_name=(user.first_name if user else "") or "",
        from_user_id=user.id if user else None,
        sender_chat_id=message.sender_chat.id if message.sender_chat else None,
        text=message.text or message.caption,
        attachment=attachment_of(message),
        edited=update.edited_message is not None,
        edit_date=int(message.edit_date.timestamp()) if message.edit_date else None,
        replied_bot_text=replied_bot_text,
    )


async def partner_unreplied_edit(update: Update, context: Context) -> None:
    """An edit of a message written in a partner group without "Reply": once staff passed it on to a request
    (`pass_on_stray`) it belongs to that request's thread, and its correction reaches the resident as a
    Reply's does (the relay finds the thread by the message's own id). One never passed on: nothing."""
    message = update.edited_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    await context.services.requests.partner_reply(
        _group_message(update, chat.id, message, message.message_id)
    )


async def partner_stray(update: Update, context: Context) -> None:
    """A message in a partner group that replies to no message of a request (the bot sees it only as an
    admin or with privacy mode off): it reaches nobody. While the group has open requests the bot says so
    under it, offering the newest of them and "Do not pass on"; a tap passes it on (`pass_on_stray`). The
    question replies to the message: the tap finds it there, nothing is held in memory. Chatter in a group
    without open requests, bot commands, edits, messages of anonymous admins, channels or bots, and a text
    too short to be an answer (`relay.might_answer`: "Guten Morgen") get no answer. An album (one message
    per file) gets one note that its files were not passed on and how to send them: a tap could pass on
    only the one file it sits under."""
    message = update.message
    chat = update.effective_chat
    user = update.effective_user
    if message is None or chat is None or user is None or user.is_bot or message.sender_chat is not None:
        return
    if (message.text or "").lstrip().startswith("/"):
        return
    has_file = attachment_of(message) is not None
    if message.media_group_id is None and not might_answer(message.text or message.caption, has_file):
        return
    desk = context.services.requests
    choices = await desk.stray_choices(chat.id, partner_render.STRAY_CHOICES)
    if not choices:
        return
    if message.media_group_id is not None:
        # Once per album (its files arrive as messages of their own, one after the other): a few recent
        # albums are remembered in memory; a restart in the middle of one at worst repeats the note.
        told = (context.chat_data if context.chat_data is not None else {}).setdefault(
            "stray_albums", deque(maxlen=STRAY_ALBUMS_KEPT)
        )
        if message.media_group_id in told:
            return
        told.append(message.media_group_id)
        await message.reply_text(partner_render.stray_album(desk.partner_t()), do_quote=True)
        return
    text, keyboard = partner_render.stray_prompt(desk.partner_t(), choices)
    await message.reply_text(text, reply_markup=markup(keyboard), do_quote=True)


async def pass_on_stray(update: Update, context: Context, query: CallbackQuery, request_id: int) -> None:
    """A request tapped under a message written without "Reply": the message (the one the question replies
    to) goes to it as a reply to its card would, in its author's name, so only its author's tap counts; the
    question then says to whom it went. A refusal is explained in the group as for a reply, and the
    question stays for another choice."""
    prompt = query.message
    original = prompt.reply_to_message if isinstance(prompt, Message) else None
    chat = update.effective_chat
    if original is None or chat is None:
        await stale_button(update, context)
        return
    author = original.from_user
    desk = context.services.requests
    pt = desk.partner_t()
    if author is not None and author.id != query.from_user.id:
        # It goes out in its author's name: a colleague must not send someone's internal remark.
        await answer_query(query, partner_render.stray_not_author(pt, author.first_name))
        return
    outcome, number, name, subject = await desk.pass_on_stray(
        GroupMessage(
            chat_id=chat.id,
            message_id=original.message_id,
            reply_to_message_id=original.message_id,
            staff_name=(author.first_name if author else "") or "",
            from_user_id=author.id if author else None,
            sender_chat_id=original.sender_chat.id if original.sender_chat else None,
            text=original.text or original.caption,
            attachment=attachment_of(original),
            request_id=request_id,
        )
    )
    if outcome in (Outcome.OK, Outcome.DUPLICATE):
        await answer_query(query)
        staff = (author.first_name if author else "") or "?"
        await edit_buttons(prompt, None, partner_render.stray_passed(pt, staff, name, number, subject))
        return
    await answer_query(query, partner_render.action_toast(pt, "pass", outcome.value))


async def delete_prompt(context: Context, message: MaybeInaccessibleMessage | None) -> None:
    """A question of the bot in a partner group that is answered with "no" goes away; where Telegram
    refuses (older than two days) it keeps its text without buttons."""
    if message is None:
        return
    try:
        await context.bot.delete_message(message.chat.id, message.message_id)
    except TelegramError as exc:
        logger.info("message %s in chat %s not deleted: %s", message.message_id, message.chat.id, exc)
        await edit_buttons(message, None)
