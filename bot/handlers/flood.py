"""A resident who sends very many messages is slowed down (one notice), so the bot stays usable for all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ApplicationHandlerStop

if TYPE_CHECKING:
    from bot.handlers.context import Context


async def guard(update: Update, context: Context) -> None:
    """Group -20: drop a resident's updates beyond the limit, telling them once to slow down."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != chat.PRIVATE:
        return
    allowed, warn = await context.services.flood.allow(user.id, context.services.clock())
    if allowed:
        return
    if warn:
        # The cached language of the previous update (this one's refresh has not run: we are first).
        t = context.t
        await context.bot.send_message(
            chat.id, t.html("You are sending very many messages. Please wait a minute, then write again.")
        )
    raise ApplicationHandlerStop
