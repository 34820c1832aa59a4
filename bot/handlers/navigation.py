"""Ways back to the main menu that every area uses: the menu itself and the answer to an outdated button."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import answer_query, show
from bot.handlers.context import Context
from bot.render import start as screens
from bot.render.requests import with_parked_notice


async def show_main_menu(update: Update, context: Context, lead: str | None = None) -> None:
    """The main menu: topics of the resident's district plus ask, language and emergency."""
    t = context.t
    screen = screens.main_menu_screen(t, context.services.content.catalogue, context.district, lead)
    user = update.effective_user
    # An unfinished request waits: continue or discard it, first thing.
    has_draft = user is not None and context.user_data is not None and context.user_data.has_draft
    parked = await context.services.requests.parked_draft(user.id) if user and has_draft else None
    await show(update, context, *with_parked_notice(t, parked, screen))


async def stale_button(update: Update, context: Context) -> None:
    """A button whose data this bot no longer understands (old message, content changed)."""
    await answer_query(update.callback_query, screens.out_of_date(context.t))
    chat = update.effective_chat
    if chat is None or chat.type != chat.PRIVATE:
        # In a partner group the tapped message is a request card: never replace it with a menu.
        return
    await show_main_menu(update, context)
