"""Partner actions on a request card: take on, close, hand over to another partner (also the bot's own
re-routing when a partner cannot be reached), and what partners keep of a request whose resident deleted
their data. Each function works in the caller's transaction; `bot.tickets.desk` owns them (and
`bot.residents` the one of /delete). The bot's own repairs of a request whose partner the content changed
(removed, or given a new group) live here too, beside the hand-over they use: past the usual length."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import localized
from bot.delivery.outbox import Destination
from bot.render import partners as render
from bot.render.requests import handover_question, proposal_key
from bot.storage import requests as store
from bot.storage.models.base import utcnow
from bot.storage.models.outbox import Channel
from bot.storage.models.requests import ContactPreference, Request, RequestStatus
from bot.tickets.conversation import lapsed, open_for
from bot.tickets.deps import Outcome, Result, TicketContext
from bot.tickets.notify import (
    enqueue_card,
    enqueue_resident,
    note_in_thread,
    passes_on_copy,
    record_question,
    tell_resident,
)
from bot.tickets.routing import (
    copied_at_once,
    moved_from,
    partner_chats,
    partner_destination,
    partner_of_chat,
)

logger = logging.getLogger(__name__)


async def handover_choices(
    session: AsyncSession,
    ctx: TicketContext,
    request_id: int,
    chat_id: int,
    card_message_id: int | None = None,
) -> list[tuple[str, str]] | Outcome:
    """(partner id, name) of every partner the request can be handed over to (each that can receive
    requests, except its own and the one asking: the Quartiersmanagement in its copy of an escalated request
    was offered itself, and she was asked to let it go "to the Quartiersmanagement, who can help you
    better"), or why they are not shown: deleted, unknown, asked in another partner's chat (which learns
    nothing about the request), or closed."""
    request = await _actionable(session, ctx, request_id, chat_id, card_message_id, if_final=Outcome.CLOSED)
    if isinstance(request, Result):
        return request.outcome
    mine = {request.partner_id, await partner_of_chat(session, ctx, request, chat_id)}
    targets = [
        (pid, ctx.partner_name(pid))
        for pid, partner in ctx.catalogue.partners.items()
        if pid not in mine and partner.requests.has_destination
    ]
    return sorted(targets, key=lambda target: target[1].casefold())


async def _actionable(
    session: AsyncSession,
    ctx: TicketContext,
    request_id: int,
    chat_id: int,
    card_message_id: int | None,
    if_final: Outcome | None,
) -> Request | Result:
    """The request a button under message `card_message_id` in partner chat `chat_id` acts on, or the Result
    that refuses it: deleted by its resident, unknown, pressed in another partner's chat, withdrawn by its
    resident, or already final (`if_final`; None: a final request is what the button acts on)."""
    # Asked before the request's id is looked up: a later request may carry the same id (SQLite reuses the
    # highest id once it is deleted).
    if card_message_id is not None and await store.deleted_request_number(
        session, chat_id, message_id=card_message_id
    ):
        return Result(Outcome.DELETED)
    request = await session.get(Request, request_id)
    if request is None:
        # Its resident deleted their data (the chat had its card), or there never was one there.
        deleted = await store.deleted_request_number(session, chat_id, request_id=request_id)
        return Result(Outcome.DELETED if deleted else Outcome.NOT_FOUND)
    if chat_id not in await partner_chats(session, ctx, request):
        moved = await moved_from(session, ctx, request, chat_id)
        return Result(Outcome.MOVED if moved else Outcome.WRONG_CHAT, request)
    if request.status is RequestStatus.CANCELLED:
        return Result(Outcome.WITHDRAWN, request)
    if card_message_id is not None:
        # The group got a newer card of the request (a hand-over to a partner it answers for, or one
        # proposed before it could not choose itself): that one acts, the old one only says where it went.
        latest = (await store.request_cards(session, request.id)).get(chat_id)
        if latest is not None and latest > card_message_id:
            return Result(Outcome.OUTDATED, request)
    if if_final is not None and request.status.is_final:
        return Result(if_final, request)
    return request


async def resident_deleted(
    session: AsyncSession, ctx: TicketContext, resident_id: int
) -> list[tuple[int, int, str | None]]:
    """/delete, in its transaction before the resident's rows go: the partner chats remember which of their
    messages belonged to the resident's requests (a reply or a button there learns what happened), and
    every group holding a card of an open request is told, in reply to it (an e-mail partner in its thread).
    The open requests' cards (chat id, message id) in every group that had one, whose buttons have nothing
    left to do, with the text of those that could still act: as a withdrawn card's (no "how to answer", no
    hand-over waiting for her consent), saying she deleted it (`render.withdrawn_card`; staff look at cards,
    not at the notes below them). None: the text stays (unknown as sent, or a copy that says where the
    request went)."""
    await store.remember_deleted(session, resident_id)
    pt = ctx.partner_t()
    cards: list[tuple[int, int, str | None]] = []
    for request in await store.list_open_requests(session, resident_id):
        await note_in_thread(session, ctx, request, "deleted", gone=True)
        acting = set(await partner_chats(session, ctx, request))
        staff = request.taken_by if ctx.show_staff_names else None
        for chat_id, message_id in (await store.request_cards(session, request.id)).items():
            sent = await store.sent_card(session, chat_id, message_id) if chat_id in acting else None
            html = None
            if sent is not None:
                taken = request.taken_by is not None
                html = render.withdrawn_card(pt, sent[0], passes_on_copy(sent[1]), taken, staff, deleted=True)
            cards.append((chat_id, message_id, html))
    return cards


def _staff(ctx: TicketContext, request: Request, by: str, name: str | None) -> str:
    """A staff member named in the request's thread notes, with their organisation when it is not the
    request's partner (the Quartiersmanagement acting on an escalated request): the partner's group must not
    take "Maria" for one of its own."""
    name = name or "—"
    return name if by == request.partner_id else f"{name} ({ctx.partner_name(by)})"


async def take_on(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    request_id: int,
    chat_id: int,
    staff_name: str,
    card_message_id: int | None = None,
) -> Result:
    """A partner member pressed "Take on" in the partner group (under message `card_message_id`)."""
    request = await _actionable(session, ctx, request_id, chat_id, card_message_id, if_final=Outcome.CLOSED)
    if isinstance(request, Result):
        return request
    if request.taken_by is not None:
        return Result(Outcome.ALREADY, request)
    by = await partner_of_chat(session, ctx, request, chat_id)
    now = utcnow()
    # Taking on an already answered request keeps "answered"; the resident still learns who took it on.
    new_status = RequestStatus.TAKEN if request.status is RequestStatus.OPEN else request.status
    # Only if nobody took it on in the meantime: two presses at once (even by two people with the same
    # first name) let exactly one win.
    won = await store.transition(
        session,
        request,
        [request.status],
        Request.taken_by.is_(None),
        status=new_status,
        taken_by=staff_name[:64] or "—",
        updated_at=now,
    )
    if not won:
        return Result(Outcome.ALREADY, request)
    await note_in_thread(session, ctx, request, "taken", name=_staff(ctx, request, by, request.taken_by))
    await tell_resident(session, ctx, request, "taken", by=by)
    return Result(Outcome.OK, request)


async def close(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    request_id: int,
    chat_id: int,
    staff_name: str,
    card_message_id: int | None = None,
) -> Result:
    """A partner member pressed "Close" (under message `card_message_id`)."""
    request = await _actionable(session, ctx, request_id, chat_id, card_message_id, if_final=Outcome.ALREADY)
    if isinstance(request, Result):
        return request
    by = await partner_of_chat(session, ctx, request, chat_id)
    now = utcnow()
    if not await store.transition(
        session, request, store.OPEN_STATUSES, status=RequestStatus.CLOSED, updated_at=now
    ):
        return Result(Outcome.ALREADY, request)
    await note_in_thread(session, ctx, request, "closed", name=_staff(ctx, request, by, staff_name))
    # One notice per closing: a request reopened and closed again is told again (the transition above already
    # keeps a repeated press or a re-run update from telling twice).
    closing = f"req:{request.id}:closed:{now.timestamp()}"
    await tell_resident(session, ctx, request, "closed", by=by, dedupe_key=closing)
    return Result(Outcome.OK, request)


async def hand_over(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    request_id: int,
    to_partner: str,
    note: str | None = None,
    consented: bool = False,
) -> Result:
    """Give the request to another partner: new card there, the resident told. Never a button's doing: the
    resident agreed (`answer_hand_over`, which notes it in the old thread; `consented`), or the bot
    re-routes a request its partner cannot receive (`note`: why, on the new card)."""
    request = await session.get(Request, request_id)
    if request is None:
        return Result(Outcome.NOT_FOUND)
    if request.status.is_final:
        return Result(Outcome.CLOSED, request)
    if to_partner == request.partner_id:
        return Result(Outcome.ALREADY, request)
    dest = await partner_destination(session, ctx, to_partner)
    if dest is None:
        return Result(Outcome.INVALID, request)
    old_partner = request.partner_id
    now = utcnow()
    won = await store.transition(
        session,
        request,
        store.OPEN_STATUSES,
        partner_id=to_partner,
        handed_over_from=old_partner,
        status=RequestStatus.OPEN,
        taken_by=None,
        routed_at=now,
        updated_at=now,
        reminder_sent_at=None,
        escalated_at=None,
        overdue_at=None,
        late_notice_at=None,
        passed_on_by=None,
    )
    if not won:
        return Result(Outcome.CLOSED, request)
    await enqueue_card(
        session,
        ctx,
        request,
        to_partner,
        dest,
        note=note,
        consented=consented,
        handed_over=True,
        key=f"req:{request.id}:to:{to_partner}:{now.timestamp()}",
    )
    await tell_resident(session, ctx, request, "handed_over")  # `transition` made `to_partner` its partner
    logger.info("request %s handed over from %s to %s", request.id, old_partner, to_partner)
    return Result(Outcome.OK, request)


def _receives(ctx: TicketContext, partner_id: str) -> bool:
    """Whether the content lets partner `partner_id` receive requests (a group or an e-mail address)."""
    partner = ctx.partner(partner_id)
    return partner is not None and partner.requests.has_destination


def _receiving(ctx: TicketContext) -> set[str]:
    """The partners the content lets receive requests (`_receives`)."""
    return {pid for pid in ctx.catalogue.partners if _receives(ctx, pid)}


async def reroute_if_unlisted(session: AsyncSession, ctx: TicketContext, request: Request) -> bool:
    """An open request whose partner staff removed from the content (or whose `requests:` block they
    removed) goes to the catch-all partner, with a note why: the resident's messages, reminders and the
    escalation need someone to go to. True if it was re-routed."""
    catch_all = ctx.catalogue.catch_all_partner_id
    # Asked of every message she writes to a request: two look-ups, not the set of all receiving partners.
    if request.status.is_final or _receives(ctx, request.partner_id) or not _receives(ctx, catch_all):
        return False
    note = render.unlisted_note(ctx.partner_t(), request.partner_id)
    result = await hand_over(session, ctx, request_id=request.id, to_partner=catch_all, note=note)
    return result.ok


async def follow_content(session: AsyncSession, ctx: TicketContext) -> int:
    """What content that went live asks of the open requests: those whose partner no longer receives
    requests go to the catch-all (`reroute_unlisted`: they would never be reminded of nor escalated), and a
    partner's new group gets the cards of its open requests (`repost_moved_cards`: it would be reminded of
    requests it never saw); how many."""
    return await reroute_unlisted(session, ctx) + await repost_moved_cards(session, ctx)


async def reroute_unlisted(session: AsyncSession, ctx: TicketContext) -> int:
    """`reroute_if_unlisted` for every open request; how many were re-routed."""
    moved = 0
    for request in await store.open_requests_not_with(session, _receiving(ctx)):
        moved += await reroute_if_unlisted(session, ctx, request)
    return moved


async def repost_moved_cards(session: AsyncSession, ctx: TicketContext) -> int:
    """Open requests whose partner's group the content changed (staff entered a new `telegram_chat_id`):
    their card is posted in the new group, with a note why, once; how many were. (The old group is told
    where the request went when it acts on it: `routing.moved_from`.)"""
    destinations: dict[str, tuple[Destination | None, int | None]] = {}
    posted = 0
    for request, chats in (await store.open_request_card_chats(session)).values():
        pid = request.partner_id
        if pid not in destinations:
            override = await store.partner_chat(session, pid)
            migrated = override.previous_chat_id if override is not None else None
            destinations[pid] = (await partner_destination(session, ctx, pid), migrated)
        dest, migrated_from = destinations[pid]
        if dest is None or dest.channel is not Channel.TELEGRAM or dest.chat_id in chats:
            continue
        if migrated_from in chats:
            continue  # Telegram made the group a supergroup: its cards are there, replies map by number
        key = f"req:{request.id}:moved:{dest.chat_id}"
        if await store.outbox_key_exists(session, f"{key}:card"):
            continue  # posted, not yet delivered
        note = render.moved_note(ctx.partner_t(), ctx.partner_name(request.partner_id))
        await enqueue_card(session, ctx, request, request.partner_id, dest, note=note, key=key)
        logger.info("request %s: card posted again in the new group of %s", request.id, request.partner_id)
        posted += 1
    return posted


# --- hand-over with the resident's consent ----------


def handover_shares(ctx: TicketContext, request: Request) -> dict[str, str | None]:
    """What the new partner's card shows of her beyond her name, language and words, for the hand-over
    question (`handover_question`): her phone number when she asked to be called, her district (in her
    language), the partner her conversation so far was with (the request's own, also when the
    Quartiersmanagement proposes it from its copy of the escalated request), and who else sees it at once
    once handed over (`routing.copied_at_once`: `hand_over` copies the card to the Quartiersmanagement's
    group when the new partner answers by e-mail only)."""
    district = ctx.catalogue.districts.get(request.district or "")
    also = copied_at_once(ctx, request.handover_to, request.contact) if request.handover_to else None
    return {
        "also": ctx.partner_name(also, request.language) if also else None,
        "owner": ctx.partner_name(request.partner_id, request.language),
        "phone": request.phone if request.contact is ContactPreference.PHONE else None,
        "district": localized(district.name, request.language) if district else None,
    }


async def propose_hand_over(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    request_id: int,
    to_partner: str,
    chat_id: int,
    card_message_id: int | None = None,
) -> Result:
    """A partner pressed "Hand over" to `to_partner` (the choices answer the card `card_message_id`): nothing
    reaches the new partner yet. The resident is asked first (who proposes it, to whom, what they will see);
    the old thread gets a note. The proposer is the partner whose group `chat_id` is: the request's own, or
    the catch-all in its copy of the escalated request. A partner without any channel (no group, no e-mail)
    is refused (INVALID)."""
    request = await _actionable(session, ctx, request_id, chat_id, card_message_id, if_final=Outcome.CLOSED)
    if isinstance(request, Result):
        return request
    by = await partner_of_chat(session, ctx, request, chat_id)
    if to_partner in (request.partner_id, by) or request.handover_to == to_partner:
        return Result(Outcome.ALREADY, request)  # (to itself: a choice from before the rule above)
    if await partner_destination(session, ctx, to_partner) is None:
        return Result(Outcome.INVALID, request)
    request.handover_to = to_partner
    request.handover_by = by
    request.updated_at = utcnow()
    lang = request.language
    await note_in_thread(session, ctx, request, "handover_asked", partner=ctx.partner_name(to_partner))
    html, keyboard = handover_question(
        ctx.t(lang),
        request.number,
        ctx.partner_name(request.handover_by, lang),
        ctx.partner_name(to_partner, lang),
        request.id,
        **handover_shares(ctx, request),
        to=to_partner,
    )
    # A second tap finds `handover_to` set (ALREADY): no key needed against doubles; asking again after a
    # "no" is a new question.
    await enqueue_resident(session, request, html, keyboard=keyboard)
    record_question(session, request, html)
    return Result(Outcome.OK, request)


async def answer_hand_over(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    resident_id: int,
    request_id: int,
    agreed: bool,
    proposal: str = "",
) -> Result:
    """The resident answered the hand-over question. Yes: the request goes to the new partner (card
    there, resident told; the old partner and the one that proposed it learn of it in their threads). No: it
    stays; the partners acting on it are told. The notes name who proposed it."""
    request = await session.get(Request, request_id)
    if request is None or request.resident_id != resident_id:
        return Result(Outcome.NOT_FOUND)
    to_partner = request.handover_to
    if to_partner is None:
        return Result(Outcome.ALREADY, request)
    if proposal and proposal != proposal_key(to_partner):
        # A question that named another partner (the proposal was replaced since; review rv10 F4).
        return Result(Outcome.OUTDATED, request)
    if request.status.is_final:
        return Result(Outcome.CLOSED, request)
    old_partner = request.partner_id
    by = request.handover_by or old_partner  # set with `handover_to` (by migration 0014 for those before)
    request.handover_to = request.handover_by = None
    new_name, by_name = ctx.partner_name(to_partner), ctx.partner_name(by)
    if not agreed:
        owner = ctx.partner_name(old_partner)
        await note_in_thread(
            session, ctx, request, "handover_declined", partner=new_name, by=by_name, owner=owner
        )
        return Result(Outcome.OK, request)
    result = await hand_over(session, ctx, request_id=request.id, to_partner=to_partner, consented=True)
    if result.ok:
        # The new partner has its card; the old one and the proposer (the catch-all too) keep their threads.
        for told in dict.fromkeys((old_partner, by)):
            if told != to_partner:
                await note_in_thread(
                    session, ctx, request, "handover_agreed", partner_id=told, partner=new_name, by=by_name
                )
    return result


# --- reopening a closed request ----------


def reopenable(ctx: TicketContext, request: Request) -> bool:
    """A request the partner closed within `ctx.reopen_window` can be opened again (a withdrawn one is the
    resident's decision, and one deleted by /delete no longer exists)."""
    return request.status is RequestStatus.CLOSED and utcnow() - request.updated_at <= ctx.reopen_window


async def reopen(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    request_id: int,
    chat_id: int | None = None,
    resident_id: int | None = None,
    staff_name: str = "",
    card_message_id: int | None = None,
) -> Result:
    """Open a closed request again: by its partner (the button under card `card_message_id` in `chat_id`) or
    by its resident (`resident_id`). The other side is told. The resident's next messages go to it
    (conversation) when she reopened it to write; the partner's button comes without words, so her
    messages go on where they went (a draft she is writing keeps her answers) until the partner writes."""
    request: Request | Result | None
    if chat_id is not None:
        request = await _actionable(session, ctx, request_id, chat_id, card_message_id, if_final=None)
        if isinstance(request, Result):
            return request
    else:
        request = await session.get(Request, request_id)
        if request is None or request.resident_id != resident_id:
            return Result(Outcome.NOT_FOUND)
    if not request.status.is_final:
        return Result(Outcome.ALREADY, request)
    if not reopenable(ctx, request):
        return Result(Outcome.CLOSED, request)
    now = utcnow()
    # Only its partner's own reopening makes an escalated request its partner's alone again: it takes the
    # request back. The catch-all, in its copy, goes on acting on it; the resident's reopening leaves it
    # where it was handled (her message reaches the Quartiersmanagement, which may be the one that answered,
    # instead of only the partner that ignored it for days).
    by = await partner_of_chat(session, ctx, request, chat_id) if chat_id is not None else request.partner_id
    own = chat_id is not None and by == request.partner_id
    escalation = {"escalated_at": None, "overdue_at": None, "passed_on_by": None} if own else {}
    # A conversation that ran until the closing does not come back with the partner's reopening (a draft
    # she is writing keeps her answers, a question of hers goes to the bot): it is as if it went quiet, so a
    # text of hers the search cannot answer is asked about ("your answer to …?", `conversation.lapsed`):
    # her reply to the partner's last words must reach it (explore5 F13). "End" tapped stays ended.
    conversation = (
        {"conversation_at": lapsed(ctx) if request.conversation_at is not None else None}
        if chat_id is not None
        else {}
    )
    if not await store.transition(
        session,
        request,
        [RequestStatus.CLOSED],
        status=RequestStatus.ANSWERED,
        updated_at=now,
        routed_at=now,
        reminder_sent_at=None,
        **escalation,
        **conversation,
    ):
        return Result(Outcome.ALREADY, request)
    if chat_id is not None:
        await note_in_thread(session, ctx, request, "reopened", name=_staff(ctx, request, by, staff_name))
        await tell_resident(session, ctx, request, "reopened", by=by)
    else:
        await open_for(session, request)
        await note_in_thread(session, ctx, request, "reopened_by_resident")
    return Result(Outcome.OK, request)
