"""Reminders and escalation, driven by timestamps in the database (a JobQueue job polls every minute).

A request nobody took on within the partner's `response_hours` gets one reminder in the partner's thread;
after `escalation_hours` the catch-all partner (Quartiersmanagement) gets a copy of the card and the admin
chat a note (a partner that cannot answer in the chat has had its copy at the catch-all from the start:
then the catch-all's thread and the admin chat learn that it was not taken on); an urgent request (from
the emergency screen, or with danger words in her message: `Request.urgent`) is reminded of after
`URGENT_REMINDER_HOURS` and escalated after `URGENT_ESCALATION_HOURS` at the latest, not days. The
resident is told once that her request is now with the catch-all too, or that the catch-all, which had it
from the start, follows it up (she was promised an answer within the time that passed). Each step is
recorded on the request (`reminder_sent_at`, `escalated_at`, `overdue_at`, `late_notice_at`) with a
conditional update, so restarts, overlapping polls and two bot processes never send a step twice.

She learns it before the escalation too: once the time she was promised an answer within
(`routing.promised_hours`, the rule her acknowledgement said it by) is over and nobody took her request on,
she is told once that it has not been answered yet and that the Quartiersmanagement has been told and takes
care of it (the staff get the notice in the same transaction: what she reads is true; without an admin
chat not where the Quartiersmanagement's group just had the reminder in its thread), with her requests and
the menu below. Not where no time was promised (urgent: the escalation after hours tells her; no answer
can reach her chat), not when she asked for a call (the bot cannot see whether it came), not when the
escalation tells her in the same round or told her before, and only within `LATE_NOTICE_WINDOW` of that
time (no flood of late notices for requests long overdue). The escalation after it tells her nothing
again. It goes through the outbox like every message to her (a blocked resident gets none,
`notify.enqueue_resident`).

Her message with danger words that nobody answers (`_unanswered_danger`) is reminded of and escalated in the
same times also after the partner took the request on or answered it, counted from that message (or from
the hand-over or reopening that gave the request to its partner, if later). Each request's steps run in a
savepoint of their own: a failing one is logged and tried again at the next round, the others still go out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import ParamSpec

from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import partners as render
from bot.render.requests import hours_phrase, late_notice
from bot.storage import requests as store
from bot.storage.models.outbox import Channel
from bot.storage.models.requests import ContactPreference, Request, RequestStatus
from bot.tickets.deps import TicketContext
from bot.tickets.notify import (
    enqueue_card,
    enqueue_partner,
    enqueue_resident,
    note_in_thread,
    notify_admin,
    tell_resident,
)
from bot.tickets.routing import (
    admin_destination,
    no_chat_answer,
    partner_destination,
    promised_hours,
    responsible_partners,
)

logger = logging.getLogger(__name__)

# Someone who asked for a person from the emergency screen must not wait days until a second pair of eyes
# sees her request: within a working day's hours, when nobody took it on.
URGENT_ESCALATION_HOURS = 4
URGENT_REMINDER_HOURS = 2

# How long after her promised time passed she is still told that it did (`_tell_late`). A request whose time
# passed longer ago (open when the notice was deployed, a catch-all's request open for weeks, a bot that was
# down for days, a partner's `response_hours` shortened in the content) is not told late, all at once with a
# staff notice each: where the partner is escalated to the Quartiersmanagement its escalation tells her
# (`_escalate`, as before the notice existed). A day: a bot down for some hours still tells everyone on time.
LATE_NOTICE_WINDOW = timedelta(days=1)


P = ParamSpec("P")

_TAKEN_ON = (RequestStatus.TAKEN, RequestStatus.ANSWERED)


async def remind_and_escalate(session: AsyncSession, ctx: TicketContext, now: datetime) -> int:
    """Send due reminders and escalations; returns how many steps were taken."""
    steps = 0
    catch_all = ctx.catalogue.catch_all_partner_id
    shortest = min((p.requests.response_hours for p in ctx.catalogue.partners.values()), default=1)
    shortest = min(shortest, URGENT_REMINDER_HOURS)
    for request in await store.unanswered_requests(session, now - timedelta(hours=shortest)):
        steps += await _apart(session, request.id, _unanswered, session, ctx, request, catch_all, now)
    due = now - timedelta(hours=URGENT_REMINDER_HOURS)
    for found in await store.unanswered_danger(session, due, catch_all):
        steps += await _apart(
            session, found.request.id, _unanswered_danger, session, ctx, found, catch_all, now
        )
    return steps


async def _apart(
    session: AsyncSession,
    request_id: int,
    steps: Callable[P, Awaitable[int]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> int:
    """`steps(...)`, the due steps of one request, in a savepoint: if they fail (a bug, an outbox key
    enqueued before), they are undone and logged, and the round goes on with the other requests (one
    request's failure once made everyone's reminders fail every minute). The next round tries again."""
    try:
        async with session.begin_nested():
            return await steps(*args, **kwargs)
    except Exception:
        logger.exception("request %s: its reminder or escalation failed; tried again next round", request_id)
        return 0


async def _unanswered(
    session: AsyncSession, ctx: TicketContext, request: Request, catch_all: str, now: datetime
) -> int:
    """The due steps of an open request nobody took on."""
    steps = 0
    partner = ctx.partner(request.partner_id)
    if partner is None:
        return 0
    remind_after = partner.requests.response_hours
    escalation_hours = partner.requests.escalation_hours
    if request.urgent:
        remind_after = min(remind_after, URGENT_REMINDER_HOURS)
        escalation_hours = min(escalation_hours, URGENT_ESCALATION_HOURS)
    # The time she was told to expect an answer within (None: none was named), the one rule of
    # `routing.promised_hours`: the reminder says she waits that long, and her notice comes when it passed.
    promised = promised_hours(ctx, request)
    pt = ctx.partner_t()
    if (
        request.reminder_sent_at is None
        and request.routed_at + timedelta(hours=remind_after) <= now
        and await _answerable(session, ctx, request)
        and await store.mark_once(session, request, "reminder_sent_at", now)
    ):
        await _remind(session, ctx, request, hours_phrase(pt, promised or remind_after))
        steps += 1
    if (
        request.overdue_at is None
        and request.partner_id != catch_all
        and request.routed_at + timedelta(hours=escalation_hours) <= now
    ):
        if await _escalate(session, ctx, request, catch_all, escalation_hours, now):
            steps += 1
    if promised is not None and await _tell_late(session, ctx, request, catch_all, promised, now):
        steps += 1
    return steps


async def _tell_late(
    session: AsyncSession, ctx: TicketContext, request: Request, catch_all: str, promised: int, now: datetime
) -> bool:
    """The time she was promised an answer within (`promised` hours from `routed_at`,
    `routing.promised_hours`) is over and nobody took her request on: she is told once that it has not
    been answered yet and that the Quartiersmanagement was told and takes care of it, and the staff are
    told (admin chat, else the Quartiersmanagement's group), so that it is true. Only within
    `LATE_NOTICE_WINDOW` after that time; not when an escalation told her (this round or before:
    `overdue_at`), nor for a call she asked for, nor with nobody on the staff side to tell. True if this
    call told her."""
    due = request.routed_at + timedelta(hours=promised)
    if (
        due > now
        or now - due >= LATE_NOTICE_WINDOW
        or request.late_notice_at is not None
        or request.overdue_at is not None
        or request.contact is not ContactPreference.CHAT
        or await admin_destination(session, ctx) is None
        or not await store.mark_once(session, request, "late_notice_at", now)
    ):
        return False
    lang = request.language
    own = request.partner_id == catch_all
    html, keyboard = late_notice(
        ctx.t(lang),
        request.number,
        ctx.partner_name(request.partner_id, lang),
        None if own else ctx.partner_name(catch_all, lang),
    )
    key = f"req:{request.id}:late:{request.routed_at.timestamp()}"
    await enqueue_resident(session, request, html, dedupe_key=key, keyboard=keyboard)
    reminded_there = catch_all in responsible_partners(ctx, request) and request.reminder_sent_at is not None
    if ctx.admin_chat_id is not None or not reminded_there:
        # Without an admin chat the staff notice would go to the Quartiersmanagement's group, whose thread
        # already had the reminder (its own request, or one it had a copy of from the start): the same news
        # twice in its group, as `_escalate` avoids. What she reads stays true: the reminder told it.
        pt = ctx.partner_t()
        partner = ctx.partner_name(request.partner_id)
        html = render.notice(
            pt, "late", number=request.number, partner=partner, time=hours_phrase(pt, promised)
        )
        await notify_admin(session, ctx, html, request.id)
    logger.info("request %s: its resident was told that her promised answer time passed", request.id)
    return True


async def _unanswered_danger(
    session: AsyncSession, ctx: TicketContext, found: store.UnansweredDanger, catch_all: str, now: datetime
) -> int:
    """Her message with danger words (`store.unanswered_danger`: the earliest one each step is due for) has
    no answer from a partner, and the request was taken on: counted from it, or from when the request came
    to its partner if later (a hand-over or reopening gives the new partner the full time), its partner's
    group (and the catch-all's, if escalated) is reminded after `URGENT_REMINDER_HOURS`, and the catch-all
    gets the request after `URGENT_ESCALATION_HOURS`, unless it is the partner itself. Once each: a
    reminder since that message, `escalated_at`; the outbox keys name the routing and the message, so a
    reopening or hand-over never repeats a key."""
    request = found.request
    if ctx.partner(request.partner_id) is None:
        return 0
    steps = 0
    pt = ctx.partner_t()
    routed = request.routed_at.timestamp()
    first, written = found.reminder or (0, now)
    since = max(written, request.routed_at)
    if (
        found.reminder is not None
        and since + timedelta(hours=URGENT_REMINDER_HOURS) <= now
        and await store.transition(
            session,
            request,
            _TAKEN_ON,
            Request.reminder_sent_at.is_(None) | (Request.reminder_sent_at < since),
            reminder_sent_at=now,
        )
    ):
        html = render.danger_reminder(pt, request.number, URGENT_REMINDER_HOURS)
        await enqueue_partner(
            session, ctx, request, html, dedupe_key=f"req:{request.id}:danger-reminder:{routed}:{first}"
        )
        steps += 1
    if (
        found.escalation is not None
        and max(found.escalation[1], request.routed_at) + timedelta(hours=URGENT_ESCALATION_HOURS) <= now
        and request.escalated_at is None
        and request.partner_id != catch_all
        and await _escalate_danger(
            session, ctx, request, catch_all, f"req:{request.id}:danger-escalate:{routed}", now
        )
    ):
        steps += 1
    return steps


async def _escalate_danger(
    session: AsyncSession, ctx: TicketContext, request: Request, catch_all: str, key: str, now: datetime
) -> bool:
    """The catch-all gets the card with the conversation (her message with danger words in it), the
    partner's thread is told, and the admin chat if there is one (else the catch-all's group would read it
    twice), and she is told. True if this call escalated it."""
    dest = await partner_destination(session, ctx, catch_all)
    if dest is None or not await store.transition(
        session, request, _TAKEN_ON, Request.escalated_at.is_(None), escalated_at=now
    ):
        return False
    pt = ctx.partner_t()
    partner = ctx.partner_name(request.partner_id)
    note = render.danger_escalation_note(pt, partner, URGENT_ESCALATION_HOURS)
    await enqueue_card(session, ctx, request, catch_all, dest, note=note, key=key)
    told = render.danger_escalated(pt, request.number, URGENT_ESCALATION_HOURS, ctx.partner_name(catch_all))
    await enqueue_partner(session, ctx, request, told, dedupe_key=key, partner_id=request.partner_id)
    # She learns it as at an ordinary escalation (`_escalate`): her messages reach both now (`readers`).
    # Told that her last message had no answer, not her request: the partner may have answered before.
    if not no_chat_answer(ctx, catch_all):
        await tell_resident(
            session, ctx, request, "danger_escalated", by=catch_all, dedupe_key=f"{key}:resident"
        )
    if ctx.admin_chat_id is not None:
        time = hours_phrase(pt, URGENT_ESCALATION_HOURS)
        html = render.notice(pt, "danger_escalated", number=request.number, partner=partner, time=time)
        await notify_admin(session, ctx, html, request.id)
    logger.info(
        "request %s escalated to %s: her message with danger words had no answer", request.id, catch_all
    )
    return True


async def _answerable(session: AsyncSession, ctx: TicketContext, request: Request) -> bool:
    """Whether a reminder could lead to an answer: not where no answer can reach her chat (staff are warned
    of the setup) unless she left a number, at "Send" or written later as she was told (`/requests` ✏️):
    the partner can call her then. Not marked until then, so her later number still brings the reminder."""
    if request.contact is ContactPreference.PHONE or not no_chat_answer(ctx, request.partner_id):
        return True
    return await store.wrote_after_sending(session, request)


async def _remind(session: AsyncSession, ctx: TicketContext, request: Request, time: str) -> None:
    """The reminder in the request's thread at every partner acting on it. A partner reached by e-mail has
    no "Take on" button and may have answered where the bot cannot see it (without inbound mail its reply
    goes to the Quartiersmanagement's mailbox): it is told that no answer reached the resident yet, to be
    ignored if it did answer. An urgent request's resident was told no waiting time, only to call for help
    if in danger."""
    key = f"req:{request.id}:reminder:{request.routed_at.timestamp()}"
    for partner_id in responsible_partners(ctx, request):
        dest = await partner_destination(session, ctx, partner_id)
        by_email = dest is not None and dest.channel is Channel.EMAIL
        kind = ("urgent_email_reminder" if request.urgent else "email_reminder") if by_email else None
        kind = kind or ("urgent_reminder" if request.urgent else "reminder")
        if request.contact is ContactPreference.CHAT and no_chat_answer(ctx, partner_id):
            # No time was promised, no reply by e-mail reaches her (`_answerable`).
            kind = "urgent_call_reminder" if request.urgent else "call_reminder"
        await note_in_thread(
            session,
            ctx,
            request,
            kind,
            partner_id=partner_id,
            time=time,
            dedupe_key=key,  # suffixed with the partner for the catch-all's thread
        )


async def _escalate(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    catch_all: str,
    escalation_hours: int,
    now: datetime,
) -> bool:
    """Nobody took `request` on within its partner's escalation time: the catch-all gets a copy of the card
    (the partner's thread is told), and the admin chat a notice. A request of a partner that cannot answer
    in the chat had its copy at the catch-all from the start (`notify.enqueue_card`): its thread there is
    told that the partner has not taken it on, and the admin chat too. True if this call escalated it."""
    pt = ctx.partner_t()
    partner_name = ctx.partner_name(request.partner_id)
    time = hours_phrase(pt, escalation_hours)
    key = f"req:{request.id}:escalated:{request.routed_at.timestamp()}"
    if request.escalated_at is not None:
        if not await store.mark_once(session, request, "overdue_at", now):
            return False
        dest = await partner_destination(session, ctx, request.partner_id)
        by_email = dest is not None and dest.channel is Channel.EMAIL  # it has no "Take on"
        await note_in_thread(
            session,
            ctx,
            request,
            "email_overdue" if by_email else "overdue",
            partner_id=catch_all,
            time=time,
            partner=partner_name,
            dedupe_key=key,
        )
        # Her promised time passed too: the catch-all, which had it from the start to pass the answer on,
        # now follows it up (the note above asks it to); "now also with" it would not be true. Not when she
        # asked for a call: the partner calls her itself, and the bot cannot know whether it did.
        notice = "followed_up" if request.contact is ContactPreference.CHAT else None
    else:
        dest = await partner_destination(session, ctx, catch_all)
        if (
            dest is None
            or not await store.mark_once(session, request, "escalated_at", now)
            or not await store.mark_once(session, request, "overdue_at", now)
        ):
            return False
        await enqueue_card(
            session,
            ctx,
            request,
            catch_all,
            dest,
            note=render.escalation_note(pt, partner_name, escalation_hours),
            key=f"req:{request.id}:escalate:{request.routed_at.timestamp()}",
        )
        # The partner learns it too: someone else may now take on and answer its request.
        await note_in_thread(
            session,
            ctx,
            request,
            "escalated",
            partner_id=request.partner_id,
            time=time,
            partner=ctx.partner_name(catch_all),
            dedupe_key=key,
        )
        notice = "escalated"
    # She was promised an answer within a time that has now passed: she learns where her request is (her
    # messages reach both, `readers`), unless nobody there could answer her (no chat, no number).
    # Not when she was told at her promised time that the Quartiersmanagement knows and takes care of it
    # (`_tell_late`, same routing): that it now has the request, or follows it up, is the same news again.
    if (
        notice
        and request.late_notice_at is None
        and (request.contact is ContactPreference.PHONE or not no_chat_answer(ctx, catch_all))
    ):
        await tell_resident(session, ctx, request, notice, by=catch_all, dedupe_key=f"{key}:resident")
    if ctx.admin_chat_id is not None:
        # Without an admin chat the staff notice would go to the catch-all, which was just told (its card
        # or its thread's note): the same escalation twice in its group.
        html = render.notice(pt, "escalated", number=request.number, partner=partner_name, time=time)
        await notify_admin(session, ctx, html, request.id)
    logger.info("request %s escalated to %s", request.id, catch_all)
    return True
