"""The one error handler, and the answers to everything the bot did not understand."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.delivery.outbox import markup
from bot.handlers.common import show
from bot.handlers.context import Context
from bot.handlers.navigation import show_main_menu
from bot.render import start as screens

logger = logging.getLogger(__name__)


def is_transient(error: object) -> bool:
    """The Bot API could not be reached or asked us to wait: nothing was wrong with the update."""
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


async def error_handler(update: object, context: Context) -> None:
    """Log with traceback, apologise to the resident in their language, tell the admin chat."""
    error = context.error
    # In PTB, BadRequest is a NetworkError too; only a real connection problem or flood control is harmless
    # here: the transport retried it, and the inbox processes the update again (bot.inbox.transient).
    # A BadRequest means our message was wrong: that must be reported.
    if is_transient(error):
        logger.warning("Bot API unavailable: %s", error)
        return
    logger.error("unhandled error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        text, keyboard = screens.apology(context.t)
        try:
            await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup(keyboard))
        except TelegramError:
            logger.warning("could not tell the resident about the error")
    admin_chat = context.services.settings.admin_chat_id
    if admin_chat is None or error is None:
        return
    trace = "".join(traceback.format_exception(None, error, error.__traceback__))
    # We send the summary and the traceback in two messages to stay below Telegram's length limit; the
    # update itself is never included (it holds residents' messages).
    try:
        await context.bot.send_message(
            admin_chat, f"⚠️ {html.escape(type(error).__name__)}: {html.escape(str(error))[:500]}"
        )
        await context.bot.send_message(
            admin_chat, f"<pre>{html.escape(trace[-3500:])}</pre>", parse_mode=ParseMode.HTML
        )
    except TelegramError:
        logger.warning("could not notify the admin chat")


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know: said so above the menu itself (the sentence says "here is the
    menu"; a lone Menu button made her tap again)."""
    await show_main_menu(update, context, lead=screens.unknown_command(context.t))


async def unsupported_message(update: Update, context: Context) -> None:
    """Stickers, GIFs, locations and media outside a request: explain what the bot can do."""
    await show(update, context, *screens.unsupported_message(context.t))
