"""Where a button may be pressed: a resident's buttons in their private chat, a card's buttons in a group.

Telegram delivers a button press with the data the bot gave the button, but the update can be forged, and
an old message can be forwarded: a resident's button pressed in a group (or without a message) would act
for a person who is not a resident there, and a card's button in a private chat would show a request's
state to whoever pressed it. Such presses are answered as out of date and go no further.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import answer_query
from bot.handlers.context import Context
from bot.render import callback

# The buttons of a request card in a partner's group (bot/tickets: take on, close, hand over).
PARTNER_BUTTON = callback.pattern("req", first=("take", "close", "handover", "ho", "reopen"))


async def check_chat(update: Update, context: Context) -> None:
    """Group -15: stop a button pressed in a chat where it never appears."""
    query = update.callback_query
    if query is None:
        return
    chat = update.effective_chat
    partner_button = PARTNER_BUTTON.match(query.data or "") is not None
    if chat is not None and (chat.type == chat.PRIVATE) != partner_button:
        return
    await answer_query(query, context.t.gettext("This button is out of date."))
    raise ApplicationHandlerStop
