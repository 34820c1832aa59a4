"""/mydata: what the bot has stored about the resident (DSGVO Art. 15), as a message and as a file."""

from __future__ import annotations

from telegram import Update

from bot.delivery.outbox import markup
from bot.handlers.common import show
from bot.handlers.context import Context
from bot.render import keyboards
from bot.render.personal_data import file_name, personal_data_json, personal_data_text


async def mydata(update: Update, context: Context) -> None:
    """/mydata: everything stored about the resident, readable (in parts if long), then as a JSON file."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    services = context.services
    data = await services.personal_data.collect(user.id)
    now = services.clock()
    await show(update, context, personal_data_text(context.t, services.content.catalogue, data))
    await context.bot.send_document(
        chat.id,
        document=personal_data_json(data, now),
        filename=file_name(now),
        caption=context.t.gettext("Your data as a file (JSON)"),
        reply_markup=markup(keyboards.back_to_menu(context.t)),
    )
