"""What the delivery worker asks the ticket domain when a message cannot be delivered, or when a request's
card arrives after the request went."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.refusals import Refusal, chat_gone, refusal
from bot.render import partners as render
from bot.storage import requests as store
from bot.storage.models.outbox import CARRIES, Audience, OutboxMessage
from bot.storage.models.requests import LinkRole, Request, RequestMessage
from bot.tickets.deps import Outcome, TicketContext
from bot.tickets.notify import enqueue_partner, enqueue_resident, notify_admin, reply_in_group
from bot.tickets.partners import hand_over
from bot.tickets.relay import MAIL_ANSWER_KEY, PARTNER_MESSAGE_KEY


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
        request = await session.get(Request, row.request_id) if row.request_id else None
        if row.audience is Audience.RESIDENT:
            # (A resident who blocked the bot: `resident_unreachable`.)
            if request is None:
                return
            answer = row.payload.get(CARRIES) is not None  # the hint below an answer carries none
            if answer and row.dedupe_key.startswith(PARTNER_MESSAGE_KEY):
                # A partner's answer in its group (keyed by the partner's message): it learns so there.
                _, chat_id, message_id = row.dedupe_key.split(":")[:3]
                html = render.notice(pt, "not_delivered_to_resident", number=request.number)
                await reply_in_group(
                    session,
                    int(chat_id),
                    int(message_id),
                    html,
                    request_id=request.id,
                    dedupe_key=f"{row.dedupe_key}:lost",
                )
            elif answer and row.dedupe_key.startswith(MAIL_ANSWER_KEY):
                await self._tell_mail_sender(session, ctx, request, row)
            why = refusal(error, row.audience)
            html = render.resident_undeliverable(pt, request.number, error, why.value)
            await notify_admin(session, ctx, html, request.id)
            return
        partner = ctx.partner_name(row.partner_id)
        # The card, or a resident's message relayed to the partner (keyed "msg:<id>"), carries the
        # resident's words: they learn that these were not passed on.
        residents_words = row.link_role == LinkRole.CARD.value or row.dedupe_key.startswith("msg:")
        resident_told = request is not None and not chat_unreachable and residents_words
        if request is not None and resident_told:
            html = render.notice(ctx.t(request.language), "not_passed_on", number=request.number)
            await enqueue_resident(session, request, html, dedupe_key=f"{row.dedupe_key}:lost")
        rerouted_to = None
        catch_all = ctx.catalogue.catch_all_partner_id
        if (
            request is not None
            and chat_unreachable
            and request.partner_id == row.partner_id
            and row.partner_id != catch_all
        ):
            note = render.undeliverable_note(pt, partner)
            result = await hand_over(session, ctx, request_id=request.id, to_partner=catch_all, note=note)
            if result.outcome is Outcome.OK:
                rerouted_to = ctx.partner_name(catch_all)
        await notify_admin(
            session,
            ctx,
            render.admin_undeliverable(
                pt,
                partner,
                request.number if request else None,
                error,
                refusal(error, row.audience).value,
                rerouted_to,
                resident_told,
            ),
            row.request_id,
        )

    async def resident_unreachable(
        self, session: AsyncSession, rows: Sequence[OutboxMessage], error: str
    ) -> None:
        """The resident blocked the bot (or her account is gone): `rows`, everything that waited for her, are
        dropped and nothing can reach her any more. Each partner's answer among them is told to the partner
        that wrote it, with that reason (the words its next message would be refused with), once per
        message it wrote: its group in reply to it, an e-mail partner by e-mail quoting it. The staff learn
        it once per request that lost an answer. The bot's own messages to her (a status notice, the hint
        below an answer) tell nobody."""
        ctx = self._context()
        pt = ctx.partner_t()
        # Blocked, or her account gone: each is told as it is (a deleted account is not her blocking the bot).
        why = "resident_gone" if chat_gone(error) else "resident_unreachable"
        told: set[str] = set()
        staff_told: set[int] = set()
        for row in rows:
            key = row.dedupe_key
            answer = row.payload.get(CARRIES) is not None  # the hint below an answer carries none
            if not answer or not key.startswith((PARTNER_MESSAGE_KEY, MAIL_ANSWER_KEY)):
                continue
            request = await session.get(Request, row.request_id) if row.request_id else None
            if request is None:
                continue
            if key.startswith(PARTNER_MESSAGE_KEY):
                # The group's message (a correction of it too: the same message) is told once, in reply.
                prefix, chat_id, message_id = key.split(":")[:3]
                lost = f"{prefix}:{chat_id}:{message_id}:lost"
                if lost not in told and not await store.outbox_key_exists(session, lost):
                    html = render.notice(pt, why, number=request.number)
                    await reply_in_group(
                        session, int(chat_id), int(message_id), html, request_id=request.id, dedupe_key=lost
                    )
                told.add(lost)
            else:
                await self._tell_mail_sender(session, ctx, request, row, why)
            if request.id not in staff_told:
                staff_told.add(request.id)
                reason = Refusal.ACCOUNT_GONE if why == "resident_gone" else Refusal.BLOCKED
                html = render.resident_undeliverable(pt, request.number, error, reason.value)
                await notify_admin(session, ctx, html, request.id)

    async def _tell_mail_sender(
        self,
        session: AsyncSession,
        ctx: TicketContext,
        request: Request,
        row: OutboxMessage,
        kind: str = "not_delivered_to_resident",
    ) -> None:
        """A partner's e-mail answer (`relay.email_reply`) that will never reach the resident: the partner
        that wrote it – the message the row carries names it, whoever acts on the request now (after a
        hand-over, an escalation) – learns so as its group would, in the request's thread (an e-mail in
        reply to the card), quoting the answer it means, once (`kind`: why, a key of `render.NOTICES`)."""
        carried = row.payload.get(CARRIES)
        answer = await session.get(RequestMessage, int(carried)) if carried is not None else None
        if answer is None or answer.partner_id is None:
            return  # whose it was is unknown: only the staff are told
        html = render.answer_not_delivered(ctx.partner_t(), request.number, answer.text, kind)
        await enqueue_partner(
            session, ctx, request, html, partner_id=answer.partner_id, dedupe_key=f"{row.dedupe_key}:lost"
        )

    async def card_of_gone_request(
        self, session: AsyncSession, row: OutboxMessage, message_ids: list[int]
    ) -> None:
        """A request card arrived after its request went. Its resident deleted their data (the card was on
        its way, see `store.DELETED_CARD`): its group remembers it like the request's other messages (a reply
        or a button there learns what happened) and, if it had none of them before, is told in reply to it.
        (A withdrawn request's card: the withdrawal's note follows it in its thread.)"""
        deleted = row.payload.get(store.DELETED_CARD)
        if deleted is None:
            return
        request_id, number = deleted
        chat_id = int(row.target)
        if await store.remember_deleted_card(session, chat_id, message_ids, request_id, number):
            html = render.thread_note(self._context().partner_t(), "deleted", number)
            await reply_in_group(
                session,
                chat_id,
                message_ids[-1],
                html,
                request_id=None,
                dedupe_key=f"{row.dedupe_key}:deleted",
            )

    async def chat_migrated(
        self, session: AsyncSession, partner_id: str, old_chat_id: int, new_chat_id: int
    ) -> None:
        ctx = self._context()
        partner = ctx.partner_name(partner_id)
        html = render.notice(
            ctx.partner_t(), "migrated", partner=partner, old_id=old_chat_id, new_id=new_chat_id
        )
        await notify_admin(session, ctx, html)
