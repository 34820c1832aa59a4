"""What the delivery worker asks the ticket domain when a message cannot be delivered."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import partners as render
from bot.storage import requests as store
from bot.storage.models.outbox import Audience, OutboxMessage
from bot.tickets.deps import TicketContext
from bot.tickets.notify import notify_admin
from bot.tickets.outcome import Outcome
from bot.tickets.partners import hand_over

logger = logging.getLogger(__name__)


class TicketDeliveryHooks:
    """Re-routes requests whose partner cannot be reached and tells the staff.

    `context` is called for every event so a content reload is picked up.
    """

    def __init__(self, context: Callable[[], TicketContext]) -> None:
        self._context = context

    async def undeliverable(
        self, session: AsyncSession, row: OutboxMessage, error: str, chat_unreachable: bool
    ) -> None:
        if row.audience is not Audience.PARTNER:
            # A resident who blocked the bot is marked by the worker; admin notices must not loop.
            return
        ctx = self._context()
        pt = ctx.partner_t()
        partner = ctx.partner_name(row.partner_id, ctx.partner_language)
        request = await store.get_request(session, row.request_id) if row.request_id else None
        rerouted_to = None
        catch_all = ctx.catch_all_id()
        if (
            request is not None
            and chat_unreachable
            and request.partner_id == row.partner_id
            and row.partner_id != catch_all
        ):
            result = await hand_over(
                session,
                ctx,
                request_id=request.id,
                to_partner=catch_all,
                chat_id=None,
                note=render.undeliverable_note(pt, partner),
            )
            if result.outcome is Outcome.OK:
                rerouted_to = ctx.partner_name(catch_all, ctx.partner_language)
        await notify_admin(
            session,
            ctx,
            render.admin_undeliverable(pt, partner, request.number if request else None, error, rerouted_to),
            row.request_id,
        )

    async def chat_migrated(
        self, session: AsyncSession, partner_id: str, old_chat_id: int, new_chat_id: int
    ) -> None:
        ctx = self._context()
        pt = ctx.partner_t()
        await notify_admin(
            session,
            ctx,
            render.admin_migrated(
                pt, ctx.partner_name(partner_id, ctx.partner_language), old_chat_id, new_chat_id
            ),
        )
