"""What the delivery worker asks the ticket domain when a message cannot be delivered."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.render import partners as render
from bot.storage import requests as store
from bot.storage.models.outbox import Audience, Channel, OutboxMessage
from bot.storage.models.requests import LinkRole
from bot.tickets.deps import TicketContext
from bot.tickets.notify import enqueue_resident, notify_admin
from bot.tickets.outcome import Outcome
from bot.tickets.partners import hand_over

logger = logging.getLogger(__name__)


# The outbox key of what a partner's message in their group caused ("pmsg:<chat>:<message>", see
# `bot.tickets.relay.partner_reply`).
PARTNER_MESSAGE_KEY = "pmsg:"


def _carries_residents_words(row: OutboxMessage) -> bool:
    """The request card, or a resident's message relayed to the partner (keyed "msg:<id>")."""
    return row.link_role == LinkRole.CARD.value or row.dedupe_key.startswith("msg:")


class TicketDeliveryHooks:
    """Re-routes requests whose partner cannot be reached and tells the staff.

    `context` is called for every event so a content reload is picked up.
    """

    def __init__(self, context: Callable[[], TicketContext]) -> None:
        self._context = context

    async def undeliverable(
        self, session: AsyncSession, row: OutboxMessage, error: str, chat_unreachable: bool
    ) -> None:
        """A message that will never arrive: whoever wrote it learns so in their language, the staff learn
        why (the true reason: a refused message is not blamed on the partner's settings)."""
        if row.audience is Audience.ADMIN:
            return  # admin notices must not loop
        ctx = self._context()
        pt = ctx.partner_t()
        request = await store.get_request(session, row.request_id) if row.request_id else None
        if row.audience is Audience.RESIDENT:
            # (A resident who blocked the bot is marked by the worker and not reported here.)
            if request is not None:
                await self._resident_missed(session, ctx, row, request.number, error)
            return
        partner = ctx.partner_name(row.partner_id, ctx.partner_language)
        if request is not None and not chat_unreachable and _carries_residents_words(row):
            t = ctx.t(request.language)
            await enqueue_resident(
                session, request, render.not_passed_on(t, request.number), dedupe_key=f"{row.dedupe_key}:lost"
            )
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
            render.admin_undeliverable(
                pt, partner, request.number if request else None, error, rerouted_to, chat_unreachable
            ),
            row.request_id,
        )

    async def _resident_missed(
        self, session: AsyncSession, ctx: TicketContext, row: OutboxMessage, number: str, error: str
    ) -> None:
        pt = ctx.partner_t()
        if row.dedupe_key.startswith(PARTNER_MESSAGE_KEY):
            # A partner's answer (keyed by the partner's message): they learn it in their group.
            _, chat_id, message_id = row.dedupe_key.split(":")[:3]
            await outbox.enqueue(
                session,
                channel=Channel.TELEGRAM,
                target=int(chat_id),
                audience=Audience.PARTNER,
                method=outbox.SEND_MESSAGE,
                payload=outbox.message_payload(
                    render.not_delivered_to_resident(pt, number), reply_to_message_id=int(message_id)
                ),
                request_id=row.request_id,
                dedupe_key=f"{row.dedupe_key}:lost",
            )
        await notify_admin(
            session, ctx, render.admin_resident_undeliverable(pt, number, error), row.request_id
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
