"""Ways back to the main menu that every area uses: the menu itself and the answer to an outdated button
(also to a button that names no request: `pressed_request`)."""

from __future__ import annotations

from telegram import CallbackQuery, Update, User

from bot.handlers.common import answer_query, button_press, show
from bot.handlers.context import Context
from bot.render import start as screens
from bot.render.callback import Callback
from bot.render.keyboards import Screen
from bot.render.requests import with_conversation_notice, with_parked_notice


async def show_main_menu(
    update: Update, context: Context, lead: str | None = None, *, new_message: bool = False
) -> None:
    """The main menu: topics of the resident's district plus ask, language and emergency; while a partner
    is in the conversation, that her messages still go there (⏹ End). `new_message`: below, not in place of
    the tapped message."""
    screen = screens.main_menu_screen(context.t, context.services.content.catalogue, context.district, lead)
    user = update.effective_user
    if user is not None and context.user_data is not None and context.user_data.conversing:
        conversations = await context.services.requests.conversations(user.id)
        quiet_hours = context.services.settings.conversation_quiet_hours
        screen = with_conversation_notice(context.t, conversations, screen, quiet_hours)
    await show_with_parked_draft(update, context, screen, new_message=new_message)


async def show_with_parked_draft(
    update: Update, context: Context, screen: Screen, *, new_message: bool = False
) -> None:
    """`screen` (the menu, /requests), the resident's unfinished request first: continue or discard it."""
    user = update.effective_user
    has_draft = user is not None and context.user_data is not None and context.user_data.has_draft
    parked = await context.services.requests.parked_draft(user.id) if user and has_draft else None
    await show(update, context, *with_parked_notice(context.t, parked, screen), new_message=new_message)


async def stale_button(update: Update, context: Context) -> None:
    """A button whose data this bot no longer understands (old message, content changed)."""
    await answer_query(update.callback_query, screens.out_of_date(context.t))
    chat = update.effective_chat
    if chat is None or chat.type != chat.PRIVATE:
        # In a partner group the tapped message is a request card: never replace it with a menu.
        return
    await show_main_menu(update, context)


async def pressed_request(
    update: Update, context: Context, index: int = 1
) -> tuple[CallbackQuery, User, Callback, int] | None:
    """The button press, its presser, its data and the request the data names (argument `index`); a press
    naming no request is stale."""
    if (press := button_press(update)) is None:
        return None
    try:
        request_id = int(press[2].arg(index))
    except ValueError:
        await stale_button(update, context)
        return None
    return *press, request_id
