"""/district and the 🏘 button of the main menu: change the neighbourhood chosen at the start."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import answer_query, show
from bot.handlers.context import Context
from bot.render import start as screens


async def district_command(update: Update, context: Context) -> None:
    """Show the district picker with the current district ticked; a tap is handled like at the start."""
    await answer_query(update.callback_query)
    t = context.t
    catalogue = context.services.content.catalogue
    current = context.user_data.district if context.user_data else None
    districts = [(district_id, district.name) for district_id, district in catalogue.districts.items()]
    await show(
        update, context, *screens.district_screen(t, districts, current or catalogue.default_district_id)
    )
