"""Where a partner's requests go: its Telegram group (or the group it migrated to) or its e-mail address."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import models
from bot.delivery.outbox import Destination
from bot.storage import requests as store
from bot.storage.models.outbox import Channel
from bot.storage.models.requests import ContactPreference, Request
from bot.tickets.deps import TicketContext


async def partner_destination(
    session: AsyncSession, ctx: TicketContext, partner_id: str
) -> Destination | None:
    """The partner's group (Telegram preferred), its e-mail, or None if it cannot receive requests."""
    partner = ctx.partner(partner_id)
    if partner is None:
        return None
    chat_id = partner.requests.telegram_chat_id
    if chat_id is not None:
        override = await store.partner_chat(session, partner_id)
        # The stored id wins only while the content still names the group that migrated; once staff
        # entered the new id (or another group), the content is the truth again.
        if override is not None and override.previous_chat_id == chat_id:
            chat_id = override.chat_id
        return Destination(Channel.TELEGRAM, str(chat_id), partner.requests.telegram_topic_id)
    if partner.requests.email:
        return Destination(Channel.EMAIL, partner.requests.email)
    return None


def answers_through(ctx: TicketContext, partner_id: str) -> str | None:
    """The catch-all (Quartiersmanagement) when partner `partner_id` cannot answer in the chat itself but
    the catch-all can: the partner gets requests by e-mail only and the bot receives no e-mail
    (MAIL_INBOUND_*), so a reply lands in the catch-all's mailbox, and the catch-all has a group. Then the
    catch-all's group gets each of its requests at once (`notify.enqueue_card`), as after an escalation.
    None: the partner answers itself (or nobody could do better)."""
    partner = ctx.partner(partner_id)
    catch_all_id = ctx.catalogue.catch_all_partner_id
    catch_all = ctx.partner(catch_all_id)
    if partner is None or catch_all is None or partner_id == catch_all_id or ctx.email_replies_relayed:
        return None
    if not partner.requests.email_only:
        return None
    return catch_all_id if catch_all.requests.telegram_chat_id is not None else None


def copied_at_once(ctx: TicketContext, partner_id: str, contact: ContactPreference) -> str | None:
    """Who else sees a request for `partner_id` the moment it is sent: the catch-all whose group gets a copy
    of its card at once to pass the e-mailed answer on (`answers_through`), unless she asked to be called
    (the partner calls her itself). One decision for the check screen that names everyone who will see the
    request (`intake.draft_view`), for the sending (`notify.enqueue_card`), and for the time she is promised
    (`intake._sent`), so that what she is shown before "Send" is what happens."""
    if contact is ContactPreference.PHONE:
        return None
    return answers_through(ctx, partner_id)


def no_chat_answer(ctx: TicketContext, partner_id: str) -> bool:
    """Whether nobody can bring an answer of `partner_id` into the resident's chat: it gets requests by
    e-mail only, the bot receives no e-mail (MAIL_INBOUND_*), and no catch-all group passes its replies on
    (`answers_through`; the catch-all itself without a group included). Only a call reaches her then, and
    staff are warned (`bot.content.references.unanswerable_partners`): the rule is `models.no_chat_answer`."""
    partner = ctx.partner(partner_id)
    if partner is None:
        return False
    catch_all = ctx.partner(ctx.catalogue.catch_all_partner_id)
    return models.no_chat_answer(partner, catch_all, email_replies_relayed=ctx.email_replies_relayed)


def passes_on_for(request: Request, by: str) -> str | None:
    """The partner whose answer `by` passes on when it answers `request` in the chat: the request's partner,
    when `by` is the catch-all that got the card at once to pass its answers on (`answers_through` when the
    request was routed, stored as `Request.passed_on_by`; never for an answer by phone, which that partner
    gives itself). None: `by` answers in its own name (its own request, or the catch-all acting on a request
    escalated to it, also when the content would copy it at once today)."""
    if by == request.partner_id or by != request.passed_on_by:
        return None
    return request.partner_id


def _response_hours(ctx: TicketContext, partner_id: str, via: str | None) -> int:
    """The time within which the resident is told to expect an answer from `partner_id`: its
    `response_hours`; when its answer comes through `via` (`answers_through`: the Quartiersmanagement
    passes it on, or answers itself), the longer of the partner's and `via`'s own: her answer comes in the
    chat only once `via` has acted, and `via` cannot pass on an answer before the partner has written it."""
    hours = [p.requests.response_hours for p in (ctx.partner(partner_id), ctx.partner(via or "")) if p]
    return max(hours, default=48)


def promised_hours(ctx: TicketContext, request: Request) -> int | None:
    """The time she was told to expect an answer within (`_response_hours`, counted from `routed_at`), or None
    where she was told none: an urgent request (not to wait if in danger), or one whose answer cannot reach
    her chat when she asked for none by phone (`no_chat_answer`). The one rule for what the acknowledgement
    says (`intake._sent`) and a hand-over notice (`notify.tell_resident`), for the time her partner is
    reminded of and for telling her when it passed (`bot.tickets.reminders`)."""
    if request.urgent:
        return None
    if request.contact is ContactPreference.CHAT and no_chat_answer(ctx, request.partner_id):
        return None
    return _response_hours(ctx, request.partner_id, copied_at_once(ctx, request.partner_id, request.contact))


async def routable_partner(
    session: AsyncSession, ctx: TicketContext, partner_id: str | None, district: str | None = None
) -> str:
    """`partner_id` if it exists and can receive requests, else the office of the resident's district
    (`District.office`), else the catch-all (Quartiersmanagement)."""
    home = ctx.catalogue.districts.get(district or "")
    for candidate in (partner_id, home.office if home else None):
        if candidate and await partner_destination(session, ctx, candidate) is not None:
            return candidate
    return ctx.catalogue.catch_all_partner_id


async def serving_partner(
    session: AsyncSession, ctx: TicketContext, partner_id: str | None, district: str | None
) -> str:
    """Who gets a request about a subject the content gives `partner_id` for (a topic's or an FAQ's
    partner, or none): `Catalogue.partner_for` the resident's district, while it can receive requests.
    A partner she chose herself (its page, its offer, its event) is `routable_partner`'s."""
    return await routable_partner(session, ctx, ctx.catalogue.partner_for(partner_id, district), district)


async def admin_destination(session: AsyncSession, ctx: TicketContext) -> Destination | None:
    """The admin chat, or the catch-all partner's destination when no admin chat is configured."""
    if ctx.admin_chat_id is not None:
        return Destination(Channel.TELEGRAM, str(ctx.admin_chat_id))
    return await partner_destination(session, ctx, ctx.catalogue.catch_all_partner_id)


def responsible_partners(ctx: TicketContext, request: Request) -> list[str]:
    """Who may act on and answer `request`: its partner, plus the catch-all once escalated."""
    return [request.partner_id] + (
        [ctx.catalogue.catch_all_partner_id] if request.escalated_at is not None else []
    )


async def partner_chats(session: AsyncSession, ctx: TicketContext, request: Request) -> dict[int, str]:
    """The groups of the `responsible_partners`: chat id → the partner whose group it is."""
    chats: dict[int, str] = {}
    for partner_id in responsible_partners(ctx, request):
        dest = await partner_destination(session, ctx, partner_id)
        if dest is not None and dest.chat_id is not None:
            chats.setdefault(dest.chat_id, partner_id)
    return chats


async def partner_of_chat(session: AsyncSession, ctx: TicketContext, request: Request, chat_id: int) -> str:
    """The partner whose group `chat_id` is, of those acting on the request (`partner_chats`; buttons and
    replies elsewhere are refused before): its own partner, or the catch-all in its copy of the escalated
    request."""
    return (await partner_chats(session, ctx, request)).get(chat_id, request.partner_id)


async def moved_from(session: AsyncSession, ctx: TicketContext, request: Request, chat_id: int) -> bool:
    """Whether `chat_id` is the request's partner's former group: it got the request's card since it was last
    routed, but the content now names another group (staff changed `telegram_chat_id`). Asked of a chat
    that no longer acts on the request; not of the catch-all's (its copy's "Back with …" says why)."""
    catch_all = await partner_destination(session, ctx, ctx.catalogue.catch_all_partner_id)
    if catch_all is not None and catch_all.chat_id == chat_id:
        return False
    return await store.card_since_routing(session, chat_id, request)
