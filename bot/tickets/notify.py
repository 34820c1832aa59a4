"""Notifications of the request lifecycle: the card for a partner, messages into the partner's thread, to
the resident and to the Quartiersmanagement. Each is an outbox row written in the caller's transaction;
the delivery worker sends it after the commit. A little longer than most modules: the card's content
(`card_view`, with the conversation so far on a card posted later) belongs beside the card it fills."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import localized
from bot.delivery import outbox
from bot.delivery.outbox import Copy, Destination
from bot.render import partners as render
from bot.render.keyboards import Keyboard
from bot.render.requests import (
    closed_notice,
    conversation_hint,
    draft_kept,
    handed_over_notice,
    reopened_notice,
    status_notice,
    together,
)
from bot.storage import requests as store
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.outbox import Audience, Channel
from bot.storage.models.requests import (
    QUESTION_AUTHOR,
    ContactPreference,
    Dialogue,
    Direction,
    LinkRole,
    MessageKind,
    Request,
    RequestMessage,
)
from bot.tickets.deps import TicketContext, intake_questions
from bot.tickets.routing import (
    admin_destination,
    answers_through,
    copied_at_once,
    no_chat_answer,
    partner_destination,
    promised_hours,
    responsible_partners,
)

logger = logging.getLogger(__name__)

# What a card posted later shows of the conversation since the request: its latest messages (both sides),
# each cut at THREAD_MESSAGE_CHARS, and no more than THREAD_CHARS in all (the card stays one or two
# Telegram messages; `bot.render.split` cuts what is longer).
THREAD_MESSAGES = 8
THREAD_MESSAGE_CHARS = 500
THREAD_CHARS = 2_000


def mail_id(request: Request, suffix: str | None = None) -> str:
    """The e-mail Message-ID of a request's card (`suffix`: of a later message in its thread)."""
    return f"request-{request.number}" + (f".{suffix}" if suffix else "")


def copy_of(message: RequestMessage) -> Copy:
    assert message.source_chat_id is not None and message.source_message_id is not None
    return Copy(
        message.source_chat_id,
        message.source_message_id,
        message.file_id,
        message.file_name,
        message.mime_type,
    )


def record_question(session: AsyncSession, request: Request, html: str) -> None:
    """The hand-over question she is asked joins the request's thread: the card after her yes shows what she
    wrote before it (`card_view`)."""
    session.add(
        RequestMessage(
            request_id=request.id,
            direction=Direction.TO_RESIDENT,
            kind=MessageKind.TEXT,
            text=outbox.html_to_text(html),
            author=QUESTION_AUTHOR,
        )
    )


async def card_view(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    note: str | None = None,
    *,
    consented: bool = False,
    handed_over: bool = False,
) -> tuple[render.CardView, list[RequestMessage]]:
    """The card's content in the partner language, and the attachments sent with the request. `consented`:
    the card of a hand-over she agreed to, whose question is the latest in the thread (`record_question`).
    `handed_over`: the new partner's card after a hand-over (or a re-routing), which shows her conversation
    with the old partner only – what the hand-over question told her goes along ("your conversation with
    <old partner>"), not what she exchanged with an organisation before it. Any other card posted later (the
    catch-all's copy of an escalated request, a card posted again in a partner's new group) shows the
    conversation with the request's partner and the catch-all, headed by the organisations that took part."""
    lang = ctx.partner_language
    catalogue = ctx.catalogue
    topic = catalogue.topics.get(request.topic_id or "")
    offer = catalogue.offers.get(request.offer_id or "")
    event = catalogue.events.get(request.event_id or "")
    district = catalogue.districts.get(request.district or "")
    asked = intake_questions(catalogue, request.offer_id, request.event_id, request.topic_id)
    questions = {q.id: localized(q.question, lang) for q in asked}
    thread = await store.request_messages(session, request.id)
    # A hand-over's card ends the conversation at the question: what she typed while it was open ("evet",
    # "tamam olur") was her reply to it, not news for the new partner, and would push out her answers to
    # the old partner's questions.
    until = max((m.id for m in thread if m.author == QUESTION_AUTHOR), default=None) if consented else None
    messages = [m for m in thread if m.direction is Direction.TO_PARTNER and (until is None or m.id < until)]
    # The card holds the request as sent; later messages were relayed into the thread on their own. A card
    # posted later (after a hand-over, an escalation, a re-routing) adds the conversation since, both sides:
    # its group never saw that thread, and her answers mean little without the questions they answer (a
    # hand-over's question told her that her messages go along).
    first = [m for m in messages if m.created_at <= request.created_at]
    old = request.handed_over_from if handed_over else None
    # Messages stored before their organisation was (migration 0015) have none: they stay, neutrally labelled.
    shown = {old} if old else {request.partner_id, catalogue.catch_all_partner_id}
    since = [
        m
        for m in thread
        if m.created_at > request.created_at
        and m.author != QUESTION_AUTHOR
        and (until is None or m.id < until)
        and (m.partner_id is None or m.partner_id in shown)
    ]
    # Named by who took part in it (oldest first), not by whom the card is for: the catch-all's copy after a
    # hand-over to an e-mail partner showed the catch-all's own messages as "with Jobcenter".
    took_part = dict.fromkeys(m.partner_id for m in since if m.partner_id is not None)
    with_partner = ", ".join(ctx.partner_name(pid, lang) for pid in took_part or [old or request.partner_id])
    conversation = _conversation(ctx, request, since)
    text = "\n\n".join(m.text for m in first if m.kind is MessageKind.TEXT and m.text) or None
    attachments = [m for m in first if m.kind is not MessageKind.TEXT]
    view = render.CardView(
        number=request.number,
        first_name=request.first_name,
        language=request.language,
        written_in=request.written_in,
        contact=request.contact,
        phone=request.phone,
        topic=localized(topic.title, lang) if topic else None,
        offer=localized(offer.title, lang) if offer else None,
        event=localized(event.title, lang) if event else None,
        event_starts=event.starts if event else None,
        district=localized(district.name, lang) if district else None,
        intake=[(questions.get(qid, qid), answer) for qid, answer in request.intake.items()],
        text=text,
        attachments=len(attachments),
        thread=conversation,
        thread_with=with_partner,
        thread_cut=len(conversation) < len(since),
        handed_over_from=ctx.partner_name(request.handed_over_from, lang)
        if request.handed_over_from
        else None,
        escalation_note=note,
    )
    return view, attachments


def _conversation(
    ctx: TicketContext, request: Request, messages: Sequence[RequestMessage]
) -> list[tuple[str, str]]:
    """(who wrote, what) of the latest `messages` of the thread that fit `THREAD_MESSAGES` and `THREAD_CHARS`,
    oldest first: her first name, or the organisation that wrote it – with the staff member's first name
    only when SHOW_STAFF_NAMES lets staff be named – (a file by 📎 and its caption)."""
    lang = ctx.partner_language
    shown: list[tuple[str, str]] = []
    total = 0
    for message in reversed(messages):
        text = message.text or ""
        if message.kind is not MessageKind.TEXT:
            text = f"📎 {text}".strip()
        if len(text) > THREAD_MESSAGE_CHARS:
            text = text[:THREAD_MESSAGE_CHARS].rstrip() + " …"
        total += len(text)
        if len(shown) == THREAD_MESSAGES or (shown and total > THREAD_CHARS):
            break
        if message.direction is Direction.TO_PARTNER:
            who = request.first_name or "—"
        else:
            if message.partner_id is not None:
                who = ctx.partner_name(message.partner_id, lang)
            else:
                who = ctx.partner_t().gettext("Organisation not recorded")
            if ctx.show_staff_names and message.author:
                who = f"{message.author} ({who})"
        shown.append((who, text))
    return shown[::-1]


async def enqueue_card(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    partner_id: str,
    dest: Destination,
    *,
    note: str | None = None,
    consented: bool = False,
    handed_over: bool = False,
    key: str,
) -> None:
    """The request card plus its attachments (copied) for `partner_id` at `dest` (`consented`,
    `handed_over`: see `card_view`). A partner that cannot answer in the chat (`answers_through`: e-mail
    only, and the bot receives no e-mail) is told that its reply goes to the Quartiersmanagement, whose
    group gets the card at once (`_copy_for`)."""
    t = ctx.partner_t()
    via = copied_at_once(ctx, partner_id, request.contact) if dest.channel is Channel.EMAIL else None
    view, attachments = await card_view(
        session, ctx, request, note, consented=consented, handed_over=handed_over
    )
    telegram = dest.channel is Channel.TELEGRAM
    if telegram:
        html, keyboard = render.partner_card(t, view, request.id)
        subject, text, mail_html = "", None, None
    else:
        keyboard = None
        subject, text, html = render.partner_card_email(
            t,
            view,
            ctx.partner_name(partner_id),
            ctx.email_replies_relayed,
            ctx.partner_name(via) if via else None,
        )
        mail_html = html
    await outbox.enqueue(
        session,
        dest,
        html,
        subject=subject,
        text=text,
        mail_html=mail_html,
        mail_id=mail_id(request, key.rsplit(":", 1)[-1]),
        mail_attachments=[copy_of(m) for m in attachments],
        reply_key=request.number,
        keyboard=keyboard,
        link_role=LinkRole.CARD,
        dedupe_key=f"{key}:card",
        request_id=request.id,
        partner_id=partner_id,
        audience=Audience.PARTNER,
    )
    if via is not None:
        await _copy_for(session, ctx, request, partner_id, via, key)
    if not telegram:
        return  # the e-mail carries the files as attachments; in a group each follows the card as a reply
    for message in attachments:
        await outbox.enqueue(
            session,
            dest,
            render.resident_wrote(t, request.number, request.first_name, message.text),
            copy=copy_of(message),
            reply_to_card=request.id,
            link_role=LinkRole.PARTNER,
            dedupe_key=f"{key}:att:{message.id}",
            request_id=request.id,
            partner_id=partner_id,
            audience=Audience.PARTNER,
        )


# The end of the key of the card `_copy_for` posts (before ":card"): how a card is known to be that copy.
PASSES_ON = ":via"


def passes_on_copy(dedupe_key: str) -> bool:
    """Whether the card sent with `dedupe_key` is the catch-all's copy asking it to pass an e-mail partner's
    answer on (`_copy_for`; its note is the first line below the title)."""
    return dedupe_key.endswith(f"{PASSES_ON}:card")


async def _copy_for(
    session: AsyncSession, ctx: TicketContext, request: Request, partner_id: str, via: str, key: str
) -> None:
    """The card of a request for `partner_id`, which cannot answer in the chat, at once in the group of
    `via` (the catch-all), as an escalation would put it there days later: the request counts as escalated
    (its resident's messages reach both, either may answer, take it on or close it), so its reply by e-mail
    to the catch-all's mailbox can be passed on without waiting, and no later escalation repeats it."""
    dest = await partner_destination(session, ctx, via)
    if dest is None or not await store.mark_once(
        session, request, "escalated_at", utcnow(), passed_on_by=via
    ):
        return
    note = render.answers_through_note(ctx.partner_t(), ctx.partner_name(partner_id))
    await enqueue_card(session, ctx, request, via, dest, note=note, key=f"{key}{PASSES_ON}")
    logger.info("request %s: card also to %s (%s cannot answer in the chat)", request.id, via, partner_id)


async def enqueue_partner(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    html: str,
    *,
    attachment: RequestMessage | None = None,
    dedupe_key: str | None = None,
    partner_id: str | None = None,
    gone: bool = False,
) -> None:
    """A message into the request's thread at every partner acting on it (`responsible_partners`: its
    partner, and the catch-all while it is escalated, which holds a copy of the card): a reply to the card in
    its group, or an e-mail. `partner_id`: into that partner's thread only (the old partner's, after a
    hand-over).

    `gone`: the request is deleted in this transaction (/delete). Then the message goes only where a card of
    it reached a partner: to every group that holds one (a reply to it, by its message id; an old partner's
    after a hand-over too) and by e-mail to a partner acting on it that received something of it, with no
    link to the request: nothing of the request is left when it is sent. A card still on its way is told
    when it arrives (`bot.tickets.hooks`)."""
    partner_ids = [partner_id] if partner_id else responsible_partners(ctx, request)
    for pid in partner_ids:
        dest = await partner_destination(session, ctx, pid)
        if dest is None:
            logger.warning("request %s: partner %s has no destination any more", request.id, pid)
            continue
        if gone and (
            dest.channel is Channel.TELEGRAM or not await store.reached_partner(session, request, pid)
        ):
            continue  # groups: below, by their cards
        linked = not gone
        # The partner's own thread keeps the caller's key; the catch-all's (or an old partner's) its own.
        key = dedupe_key if dedupe_key is None or pid == request.partner_id else f"{dedupe_key}:{pid}"
        await outbox.enqueue(
            session,
            dest,
            html,
            audience=Audience.PARTNER,
            subject=_thread_subject(ctx, request),
            mail_id=mail_id(request, uuid.uuid4().hex[:12]),
            in_reply_to=mail_id(request),
            reply_key=request.number if linked else None,
            copy=copy_of(attachment) if attachment is not None else None,
            reply_to_card=request.id if linked else None,
            request_id=request.id if linked else None,
            partner_id=pid,
            link_role=LinkRole.PARTNER if linked else None,
            dedupe_key=key,
        )
    if gone:
        for chat_id, card in (await store.request_cards(session, request.id)).items():
            await reply_in_group(session, chat_id, card, html, request_id=None)


def _thread_subject(ctx: TicketContext, request: Request) -> str:
    """The subject of an e-mail in a request's thread (a reply to its card)."""
    t = ctx.partner_t()
    return "Re: " + t.gettext("Request {number} from the Quartiersbot").format(number=request.number)


async def note_in_thread(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    kind: str,
    *,
    partner_id: str | None = None,
    dedupe_key: str | None = None,
    gone: bool = False,
    **values: str,
) -> None:
    """The note `kind` (`bot.render.partners.THREAD_NOTES`) in the request's thread at every partner acting
    on it (`partner_id`: only the old partner's, after a hand-over; `gone`: of a request deleted now, see
    `enqueue_partner`)."""
    html = render.thread_note(ctx.partner_t(), kind, request.number, **values)
    await enqueue_partner(
        session, ctx, request, html, partner_id=partner_id, dedupe_key=dedupe_key, gone=gone
    )


async def enqueue_resident(
    session: AsyncSession,
    request: Request,
    html: str,
    *,
    attachment: RequestMessage | None = None,
    dedupe_key: str | None = None,
    keyboard: Keyboard | None = None,
    carries: RequestMessage | None = None,
) -> None:
    """A message to the resident about `request`; replies to it map back to the request. `carries`: the
    thread's message it brings her (a partner's answer; `attachment` is one too), whose delivery tells
    whether she saw it."""
    resident = await session.get(Resident, request.resident_id)
    if resident is not None and resident.blocked:
        return
    carried = carries or attachment
    await outbox.enqueue(
        session,
        Destination(Channel.TELEGRAM, str(request.resident_id)),
        html,
        audience=Audience.RESIDENT,
        copy=copy_of(attachment) if attachment is not None else None,
        keyboard=keyboard,
        request_id=request.id,
        link_role=LinkRole.BOT,
        dedupe_key=dedupe_key,
        carries=carried.id if carried is not None else None,
    )


async def reply_in_group(
    session: AsyncSession,
    chat_id: int,
    message_id: int,
    html: str,
    *,
    request_id: int | None,
    dedupe_key: str | None = None,
) -> None:
    """A note in a partner group, replying to the message (`message_id`) it is about."""
    await outbox.enqueue(
        session,
        Destination(Channel.TELEGRAM, str(chat_id)),
        html,
        audience=Audience.PARTNER,
        reply_to_message_id=message_id,
        request_id=request_id,
        dedupe_key=dedupe_key,
    )


def readers(ctx: TicketContext, request: Request, lang: str | None = None) -> str:
    """Who reads what the resident writes about `request`, named in `lang` (hers by default): its partner,
    and the Quartiersmanagement too while the request is escalated (`responsible_partners`). Every line
    that tells her where her messages go names them alike: the hint below an answer, "Passed on to",
    the offer to reopen."""
    lang = lang or request.language
    names = [ctx.partner_name(pid, lang) for pid in responsible_partners(ctx, request)]
    return together(ctx.t(lang), names)


def conversation_notice(
    ctx: TicketContext, request: Request, parked: Dialogue | None
) -> tuple[str, Keyboard]:
    """The hint that the resident's next messages go to the request's `readers` (and ⏹ End), below what
    opened the conversation; if opening it parked the draft she was writing to someone else
    (`conversation.open_for`), also where that draft is and "Continue": her next line goes to the request,
    not into the draft."""
    lang = request.language
    quiet_hours = int(ctx.conversation_quiet.total_seconds() // 3600)
    hint, keyboard = conversation_hint(ctx.t(lang), readers(ctx, request), request.id, quiet_hours)
    if parked is None:
        return hint, keyboard
    to = ctx.partner_name(parked.data.get("partner_id"), lang)
    kept, resume = draft_kept(ctx.t(lang), to, parked.id)
    return f"{hint}\n{kept}", [*keyboard, *resume]


async def tell_resident(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    kind: str,
    *,
    by: str | None = None,
    dedupe_key: str | None = None,
) -> None:
    """The notice `kind` (`bot.render.requests.STATUS_NOTICES`) in the resident's language, naming the
    partner who did it (`by`, default the request's: the catch-all acts on an escalated request too)."""
    t = ctx.t(request.language)
    partner = ctx.partner_name(by or request.partner_id, request.language)
    html, keyboard = status_notice(t, kind, request.number, partner), None
    if kind == "closed":
        html, keyboard = closed_notice(t, request.number, partner, request.partner_id)
    elif kind == "reopened":  # how she writes to it again (✏️)
        html, keyboard = reopened_notice(t, request.number, partner, request.id)
    elif kind == "handed_over" and request.contact is not ContactPreference.PHONE:
        # To a partner that cannot answer in the chat: who brings its answer now, and when (as the
        # acknowledgement of a request sent to it directly says: the one rule, `promised_hours`).
        via = answers_through(ctx, request.partner_id)
        if via is not None or no_chat_answer(ctx, request.partner_id):
            html = handed_over_notice(
                t,
                request.number,
                partner,
                promised_hours(ctx, request),
                via=ctx.partner_name(via, request.language) if via else None,
                urgent=request.urgent,
            )
    await enqueue_resident(session, request, html, dedupe_key=dedupe_key, keyboard=keyboard)


async def notify_admin(
    session: AsyncSession, ctx: TicketContext, html: str, request_id: int | None = None
) -> None:
    """A note for the Quartiersmanagement's staff (admin chat, else the catch-all's group or e-mail)."""
    dest = await admin_destination(session, ctx)
    if dest is None:
        logger.error("no admin chat and no catch-all destination for an admin notice")
        return
    await outbox.enqueue(
        session,
        dest,
        html,
        audience=Audience.ADMIN,
        subject=outbox.html_to_text(html).splitlines()[0][:120],
        mail_id=uuid.uuid4().hex,
        request_id=request_id,
    )
