"""Request services: each call changes the state and writes the outbox rows in the caller's transaction.

Handlers open the transaction (`async with database.transaction() as session:`), call one function and
render the result; the delivery worker sends what was enqueued once the transaction committed. Nothing here
imports `telegram`, and nothing here sends.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import unescape
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.storage import requests as store
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.outbox import Audience, Channel, OutboxMessage
from bot.storage.models.requests import (
    ContactPreference,
    Dialogue,
    Direction,
    LinkRole,
    MessageKind,
    Request,
    RequestMessage,
    RequestStatus,
)
from bot.tickets import render
from bot.tickets.context import TicketContext, localized
from bot.tickets.dialogue import (
    Attachment,
    AttachmentProblem,
    DialogueStep,
    Draft,
    add_text,
    answer_intake,
    cancel_dialogue,
    check_attachment,
    first_time,
    get_dialogue,
    set_contact,
    set_step,
)
from bot.tickets.routing import Destination, admin_destination, partner_destination, routable_partner

logger = logging.getLogger(__name__)

OPEN_STATUSES = store.OPEN_STATUSES
# Telegram's bot for anonymous group admins: such messages carry no person.
GROUP_ANONYMOUS_BOT_ID = 1087968824


class Outcome(StrEnum):
    OK = "ok"
    DUPLICATE = "duplicate"  # the same update again (a retried webhook, a button pressed twice)
    ALREADY = "already"  # the request already is in the wanted state
    NOT_FOUND = "not_found"  # no such request for this resident / this message belongs to no request
    AMBIGUOUS = "ambiguous"  # the resident has several open requests: ask which one
    CLOSED = "closed"  # the request is closed or withdrawn
    WRONG_CHAT = "wrong_chat"  # the chat is not the request's partner group
    ANONYMOUS = "anonymous"  # an anonymous admin or a channel wrote: nobody to attribute the reply to
    EMPTY = "empty"
    RESIDENT_UNREACHABLE = "resident_unreachable"  # the resident blocked the bot
    INVALID = "invalid"  # e.g. hand over to an unknown partner or to the same one


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    request: Request | None = None
    attachment_problem: AttachmentProblem | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


class SubmitError(Exception):
    """The draft cannot be sent: `reason` is "expired" (no such dialogue) or "empty"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SubmitResult:
    request: Request
    duplicate: bool  # True when "Send" was pressed again: nothing new was created or enqueued


# --- building blocks ------------------------------------------------------------------------------------


def _html_to_text(html: str) -> str:
    """Plain text of HTML this module produced (for e-mails); only our own markup, never user HTML."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def _mail_key(request: Request, suffix: str | None = None) -> str:
    return f"request-{request.number}" + (f".{suffix}" if suffix else "")


async def _card_view(
    session: AsyncSession, ctx: TicketContext, request: Request, note: str | None = None
) -> tuple[render.CardView, list[RequestMessage]]:
    lang = ctx.partner_language
    catalogue = ctx.catalogue
    topic = catalogue.topics.get(request.topic_id or "")
    offer = catalogue.offers.get(request.offer_id or "")
    district = catalogue.districts.get(request.district or "")
    questions = {q.id: localized(q.question, lang) for q in topic.intake} if topic else {}
    messages = [
        m for m in await store.request_messages(session, request.id) if m.direction is Direction.TO_PARTNER
    ]
    # The card holds the request as sent; later additions were relayed into the thread on their own.
    first = [m for m in messages if m.created_at <= request.created_at]
    text = "\n\n".join(m.text for m in first if m.kind is MessageKind.TEXT and m.text) or None
    attachments = [m for m in first if m.kind is not MessageKind.TEXT]
    view = render.CardView(
        number=request.number,
        first_name=request.first_name,
        language=request.language,
        contact=request.contact,
        phone=request.phone,
        topic=localized(topic.title, lang) if topic else None,
        offer=localized(offer.title, lang) if offer else None,
        district=localized(district.name, lang) if district else None,
        intake=[(questions.get(qid, qid), answer) for qid, answer in request.intake.items()],
        text=text,
        attachments=len(attachments),
        handed_over_from=ctx.partner_name(request.handed_over_from, lang)
        if request.handed_over_from
        else None,
        escalation_note=note,
    )
    return view, attachments


def _attachment_json(message: RequestMessage) -> dict[str, str | None]:
    return {"file_id": message.file_id, "file_name": message.file_name, "mime_type": message.mime_type}


async def enqueue_card(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    partner_id: str,
    dest: Destination,
    *,
    note: str | None = None,
    key: str,
) -> None:
    """The request card plus its attachments (copied) for `partner_id` at `dest`."""
    t = ctx.partner_t()
    view, attachments = await _card_view(session, ctx, request, note)
    if dest.channel is Channel.TELEGRAM:
        html, keyboard = render.partner_card(t, view, request.id)
        await outbox.enqueue(
            session,
            channel=dest.channel,
            target=dest.target,
            method=outbox.SEND_MESSAGE,
            payload=outbox.message_payload(html, keyboard=keyboard, thread_id=dest.thread_id),
            link_role=LinkRole.CARD,
            dedupe_key=f"{key}:card",
            request_id=request.id,
            partner_id=partner_id,
            audience=Audience.PARTNER,
        )
        for message in attachments:
            assert message.source_chat_id is not None and message.source_message_id is not None
            caption = render.resident_wrote(t, request.number, request.first_name, message.text)
            await outbox.enqueue(
                session,
                channel=dest.channel,
                target=dest.target,
                method=outbox.COPY_MESSAGE,
                payload=outbox.copy_payload(
                    message.source_chat_id,
                    message.source_message_id,
                    caption=caption,
                    reply_to_card=request.id,
                    thread_id=dest.thread_id,
                ),
                link_role=LinkRole.PARTNER,
                dedupe_key=f"{key}:att:{message.id}",
                request_id=request.id,
                partner_id=partner_id,
                audience=Audience.PARTNER,
            )
        return
    subject, text, html = render.partner_card_email(
        t, view, ctx.partner_name(partner_id, ctx.partner_language), ctx.email_replies_relayed
    )
    await outbox.enqueue(
        session,
        channel=dest.channel,
        target=dest.target,
        method=outbox.EMAIL,
        payload=outbox.email_payload(
            subject=subject,
            text=text,
            html=html,
            message_id=_mail_key(request, key.rsplit(":", 1)[-1]),
            attachments=[_attachment_json(m) for m in attachments],
            reply_key=request.number,
        ),
        dedupe_key=f"{key}:card",
        request_id=request.id,
        partner_id=partner_id,
        audience=Audience.PARTNER,
    )


async def enqueue_partner(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    html: str,
    *,
    attachment: RequestMessage | None = None,
    reply_to_message_id: int | None = None,
    dedupe_key: str | None = None,
    partner_id: str | None = None,
) -> OutboxMessage | None:
    """A message into the current partner's thread (a reply to the card), or an e-mail to the partner."""
    partner_id = partner_id or request.partner_id
    dest = await partner_destination(session, ctx, partner_id)
    if dest is None:
        logger.warning("request %s: partner %s has no destination any more", request.id, partner_id)
        return None
    reply_to_card = None if reply_to_message_id else request.id
    method = outbox.SEND_MESSAGE
    link_role: LinkRole | None = LinkRole.PARTNER
    if dest.channel is Channel.TELEGRAM and attachment is not None:
        assert attachment.source_chat_id is not None and attachment.source_message_id is not None
        method = outbox.COPY_MESSAGE
        payload = outbox.copy_payload(
            attachment.source_chat_id,
            attachment.source_message_id,
            caption=html,
            reply_to_message_id=reply_to_message_id,
            reply_to_card=reply_to_card,
            thread_id=dest.thread_id,
        )
    elif dest.channel is Channel.TELEGRAM:
        payload = outbox.message_payload(
            html,
            reply_to_message_id=reply_to_message_id,
            reply_to_card=reply_to_card,
            thread_id=dest.thread_id,
        )
    else:
        t = ctx.partner_t()
        method, link_role = outbox.EMAIL, None
        payload = outbox.email_payload(
            subject="Re: "
            + t.gettext("Request {number} from the Quartiersbot").format(number=request.number),
            text=_html_to_text(html),
            html=f"<p>{html.replace(chr(10), '<br>')}</p>",
            message_id=_mail_key(request, uuid.uuid4().hex[:12]),
            in_reply_to=_mail_key(request),
            attachments=[_attachment_json(attachment)] if attachment is not None else [],
            reply_key=request.number,
        )
    return await outbox.enqueue(
        session,
        channel=dest.channel,
        target=dest.target,
        audience=Audience.PARTNER,
        method=method,
        payload=payload,
        request_id=request.id,
        partner_id=partner_id,
        link_role=link_role,
        dedupe_key=dedupe_key,
    )


async def enqueue_resident(
    session: AsyncSession,
    request: Request,
    html: str,
    *,
    attachment: RequestMessage | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """A message to the resident about `request`; replies to it map back to the request."""
    resident = await session.get(Resident, request.resident_id)
    if resident is not None and resident.blocked:
        return None
    if attachment is not None:
        assert attachment.source_chat_id is not None and attachment.source_message_id is not None
        method = outbox.COPY_MESSAGE
        payload = outbox.copy_payload(attachment.source_chat_id, attachment.source_message_id, caption=html)
    else:
        method, payload = outbox.SEND_MESSAGE, outbox.message_payload(html)
    return await outbox.enqueue(
        session,
        channel=Channel.TELEGRAM,
        target=request.resident_id,
        audience=Audience.RESIDENT,
        method=method,
        payload=payload,
        request_id=request.id,
        link_role=LinkRole.RESIDENT,
        dedupe_key=dedupe_key,
    )


async def notify_admin(
    session: AsyncSession, ctx: TicketContext, html: str, request_id: int | None = None
) -> None:
    """A note for the Quartiersmanagement's staff (admin chat, else the catch-all's group or e-mail)."""
    dest = await admin_destination(session, ctx)
    if dest is None:
        logger.error("no admin chat and no catch-all destination for an admin notice")
        return
    if dest.channel is Channel.TELEGRAM:
        await outbox.enqueue(
            session,
            channel=dest.channel,
            target=dest.target,
            audience=Audience.ADMIN,
            method=outbox.SEND_MESSAGE,
            payload=outbox.message_payload(html),
            request_id=request_id,
        )
        return
    text = _html_to_text(html)
    await outbox.enqueue(
        session,
        channel=dest.channel,
        target=dest.target,
        audience=Audience.ADMIN,
        method=outbox.EMAIL,
        payload=outbox.email_payload(
            subject=text.splitlines()[0][:120], text=text, html=f"<p>{html}</p>", message_id=uuid.uuid4().hex
        ),
        request_id=request_id,
    )


async def _add_message(
    session: AsyncSession,
    request: Request,
    direction: Direction,
    *,
    text: str | None,
    attachment: Attachment | None,
    author: str | None = None,
) -> RequestMessage:
    message = RequestMessage(
        request_id=request.id,
        direction=direction,
        kind=attachment.kind if attachment else MessageKind.TEXT,
        text=(attachment.caption if attachment else text) or None,
        file_id=attachment.file_id if attachment else None,
        file_name=attachment.file_name if attachment else None,
        mime_type=attachment.mime_type if attachment else None,
        file_size=attachment.file_size if attachment else None,
        source_chat_id=attachment.chat_id if attachment else None,
        source_message_id=attachment.message_id if attachment else None,
        author=author,
    )
    session.add(message)
    await session.flush()
    return message


REQUEST_NUMBER = re.compile(r"(?<!\d)\d{6}(?!\d)")  # see store.new_request_number


async def _request_named_in(
    session: AsyncSession, ctx: TicketContext, chat_id: int, text: str
) -> Request | None:
    """The one request whose number the bot's message `text` carries and that partner chat `chat_id`
    handles; None if there is none or more than one. Only a fallback: message ids map threads."""
    found = {}
    for number in set(REQUEST_NUMBER.findall(text)):
        request = await store.get_request_by_number(session, number)
        if request is not None and chat_id in await _partner_chat_ids(session, ctx, request):
            found[request.id] = request
    return next(iter(found.values())) if len(found) == 1 else None


async def _partner_chat_ids(session: AsyncSession, ctx: TicketContext, request: Request) -> set[int]:
    """Groups allowed to act on `request`: the current partner's, plus the catch-all's once escalated."""
    partners = [request.partner_id]
    if request.escalated_at is not None:
        partners.append(ctx.catch_all_id())
    chats = set()
    for partner_id in partners:
        dest = await partner_destination(session, ctx, partner_id)
        if dest is not None and dest.chat_id is not None:
            chats.add(dest.chat_id)
    return chats


# --- submit ---------------------------------------------------------------------------------------------


async def submit(
    session: AsyncSession, ctx: TicketContext, *, resident_id: int, dialogue_id: str
) -> SubmitResult:
    """The resident pressed "Send": create the request, enqueue the card and the acknowledgement.

    Pressing "Send" again (or a retried update) returns the same request with `duplicate=True`.
    Raises SubmitError("expired") when the dialogue is gone, SubmitError("empty") without text or files.
    """
    existing = await store.get_request_by_dialogue(session, dialogue_id)
    if existing is not None and existing.resident_id == resident_id:
        return SubmitResult(existing, duplicate=True)
    dialogue = await get_dialogue(session, ctx, resident_id)
    if dialogue is None or dialogue.id != dialogue_id:
        raise SubmitError("expired")
    draft = Draft.of(dialogue)
    if draft.is_empty:
        raise SubmitError("empty")
    resident = await session.get(Resident, resident_id)
    partner_id = await routable_partner(session, ctx, draft.partner_id)
    now = utcnow()
    try:
        async with session.begin_nested():
            request = Request(
                number=await store.new_request_number(session),
                resident_id=resident_id,
                partner_id=partner_id,
                offer_id=draft.offer_id,
                topic_id=draft.topic_id,
                district=resident.district if resident else None,
                language=resident.language if resident else ctx.partner_language,
                status=RequestStatus.OPEN,
                contact=draft.contact,
                phone=draft.phone if draft.contact is ContactPreference.PHONE else None,
                intake=draft.intake,
                first_name=(resident.first_name if resident else None) or "",
                dialogue_id=dialogue_id,
                created_at=now,
                updated_at=now,
                routed_at=now,
            )
            session.add(request)
            await session.flush()
    except IntegrityError:
        # Another "Send" of the same dialogue committed first.
        existing = await store.get_request_by_dialogue(session, dialogue_id)
        if existing is None:
            raise
        return SubmitResult(existing, duplicate=True)
    if draft.text and draft.text.strip():
        await _add_message(session, request, Direction.TO_PARTNER, text=draft.text.strip(), attachment=None)
    for attachment in draft.attachments:
        await _add_message(session, request, Direction.TO_PARTNER, text=None, attachment=attachment)
    # Same timestamp as the request: these messages make up the card.
    for message in await store.request_messages(session, request.id):
        message.created_at = now
    await store.delete_dialogue(session, dialogue)

    dest = await partner_destination(session, ctx, partner_id)
    assert dest is not None  # routable_partner checked it
    await enqueue_card(session, ctx, request, partner_id, dest, key=f"req:{request.id}:to:{partner_id}:0")
    t = ctx.t(request.language)
    partner = ctx.partner(partner_id)
    hours = partner.requests.response_hours if partner else 48
    await enqueue_resident(
        session,
        request,
        render.acknowledgement(
            t,
            request.number,
            ctx.partner_name(partner_id, request.language),
            hours,
            by_phone=request.contact is ContactPreference.PHONE,
        ),
        dedupe_key=f"req:{request.id}:ack",
    )
    logger.info("request %s created for partner %s via %s", request.id, partner_id, dest.channel.value)
    return SubmitResult(request, duplicate=False)


# --- partner actions ------------------------------------------------------------------------------------


DialogueOutcomeKind = Literal["gone", "empty", "stale", "phone", "sent", "cancelled", "screen"]


@dataclass(frozen=True)
class DialogueOutcome:
    """What one button of the request dialogue led to.

    "gone": the dialogue was sent or cancelled meanwhile; "empty": nothing written yet; "stale": an unknown
    button; "phone": ask for the phone number; "sent": the request `number` exists now; "cancelled";
    "screen": show the dialogue's next step (`dialogue`, valid inside the transaction).
    """

    kind: DialogueOutcomeKind
    number: str | None = None
    dialogue: Dialogue | None = None


async def dialogue_action(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    resident_id: int,
    action: str,
    dialogue_id: str,
    input_key: str | None = None,
) -> DialogueOutcome:
    """Skip / Done / chat / phone / Send / Change / Cancel inside the resident's dialogue.

    `input_key` names the tap: the same tap processed again shows the screen without a second step.
    """
    if action == "send":
        try:
            result = await submit(session, ctx, resident_id=resident_id, dialogue_id=dialogue_id)
        except SubmitError as exc:
            return DialogueOutcome("empty" if exc.reason == "empty" else "gone")
        return DialogueOutcome("sent", number=result.request.number)
    dialogue = await get_dialogue(session, ctx, resident_id)
    if dialogue is None or dialogue.id != dialogue_id:
        return DialogueOutcome("gone")
    if action == "cancel":
        await cancel_dialogue(session, resident_id)
        return DialogueOutcome("cancelled")
    if action == "phone":
        return DialogueOutcome("phone")
    if input_key is not None and not first_time(dialogue, input_key):
        return DialogueOutcome("screen", dialogue=dialogue)
    if action == "skip":
        answer_intake(ctx, dialogue, None)
    elif action == "done":
        draft = Draft.of(dialogue)
        if draft.is_empty and not draft.offer_id:
            return DialogueOutcome("empty")
        if draft.is_empty:
            # Signing up needs no words; the card says which offer, the partner sees this sentence.
            add_text(dialogue, ctx.partner_t().gettext("I would like to sign up for this offer."))
        set_step(dialogue, DialogueStep.CONTACT)
    elif action == "chat":
        set_contact(dialogue, ContactPreference.CHAT)
    elif action == "change":
        set_step(dialogue, DialogueStep.MESSAGE)
    else:
        return DialogueOutcome("stale")
    return DialogueOutcome("screen", dialogue=dialogue)


async def is_request_thread(session: AsyncSession, resident_id: int, message_id: int) -> bool:
    """Whether the resident's message `message_id` belongs to one of their requests' threads."""
    return await store.get_thread_link(session, resident_id, message_id) is not None


async def open_request_of(session: AsyncSession, resident_id: int, request_id: int) -> Request | None:
    """The resident's request `request_id` if it is theirs and still open, else None."""
    request = await store.get_request(session, request_id)
    if request is None or request.resident_id != resident_id or request.status.is_final:
        return None
    return request


async def link_resident_prompt(
    session: AsyncSession, resident_id: int, message_id: int, request_id: int
) -> None:
    """The bot's message `message_id` to the resident belongs to request `request_id`: a reply to it
    goes there."""
    await store.add_thread_link(session, resident_id, message_id, request_id, LinkRole.RESIDENT)


async def handover_choices(
    session: AsyncSession, ctx: TicketContext, request_id: int
) -> list[tuple[str, str]] | None:
    """Partners the request can be handed over to; None if the request is gone or closed."""
    request = await store.get_request(session, request_id)
    if request is None or request.status.is_final:
        return None
    return handover_targets(ctx, request)


async def _actionable(
    session: AsyncSession,
    ctx: TicketContext,
    request_id: int,
    chat_id: int | None,
    if_final: Outcome,
    *,
    system: bool = False,
) -> Request | Result:
    """The request a button in partner chat `chat_id` acts on, or the Result that refuses it: unknown,
    pressed in another partner's chat, or already final (`if_final`). Only `system=True` (the bot itself
    re-routes) skips the chat check; a missing chat is refused otherwise."""
    request = await store.get_request(session, request_id)
    if request is None:
        return Result(Outcome.NOT_FOUND)
    if not system and (chat_id is None or chat_id not in await _partner_chat_ids(session, ctx, request)):
        return Result(Outcome.WRONG_CHAT, request)
    if request.status.is_final:
        return Result(if_final, request)
    return request


async def _tell_resident(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    status: RequestStatus,
    dedupe_key: str | None = None,
) -> None:
    """The status change, in the resident's language, naming the organisation."""
    t = ctx.t(request.language)
    partner = ctx.partner_name(request.partner_id, request.language)
    html = render.status_message(t, status, request.number, partner)
    await enqueue_resident(session, request, html, dedupe_key=dedupe_key)


async def take_on(
    session: AsyncSession, ctx: TicketContext, *, request_id: int, chat_id: int, staff_name: str
) -> Result:
    """A partner member pressed "Take on" in the partner group."""
    request = await _actionable(session, ctx, request_id, chat_id, if_final=Outcome.CLOSED)
    if isinstance(request, Result):
        return request
    if request.taken_by is not None:
        return Result(Outcome.ALREADY, request)
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
    pt = ctx.partner_t()
    await enqueue_partner(
        session, ctx, request, render.taken_note(pt, request.number, request.taken_by or "")
    )
    await _tell_resident(session, ctx, request, RequestStatus.TAKEN)
    return Result(Outcome.OK, request)


async def close(
    session: AsyncSession, ctx: TicketContext, *, request_id: int, chat_id: int, staff_name: str
) -> Result:
    """A partner member pressed "Close"."""
    request = await _actionable(session, ctx, request_id, chat_id, if_final=Outcome.ALREADY)
    if isinstance(request, Result):
        return request
    if not await store.transition(
        session, request, OPEN_STATUSES, status=RequestStatus.CLOSED, updated_at=utcnow()
    ):
        return Result(Outcome.ALREADY, request)
    pt = ctx.partner_t()
    await enqueue_partner(session, ctx, request, render.closed_note(pt, request.number, staff_name or "—"))
    await _tell_resident(session, ctx, request, RequestStatus.CLOSED, dedupe_key=f"req:{request.id}:closed")
    return Result(Outcome.OK, request)


def handover_targets(ctx: TicketContext, request: Request) -> list[tuple[str, str]]:
    """(partner id, name) of every partner that can receive requests, except the current one."""
    lang = ctx.partner_language
    return sorted(
        (
            (pid, localized(p.name, lang))
            for pid, p in ctx.catalogue.partners.items()
            if pid != request.partner_id and p.requests.has_destination
        ),
        key=lambda item: item[1].casefold(),
    )


async def hand_over(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    request_id: int,
    to_partner: str,
    chat_id: int | None,
    note: str | None = None,
) -> Result:
    """Give the request to another partner: new card there, a note in the old thread, the resident told.

    `chat_id` is the group the button was pressed in; None when the system re-routes (undeliverable).
    """
    system = chat_id is None  # the bot re-routes an undeliverable request
    request = await _actionable(session, ctx, request_id, chat_id, if_final=Outcome.CLOSED, system=system)
    if isinstance(request, Result):
        return request
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
        OPEN_STATUSES,
        partner_id=to_partner,
        handed_over_from=old_partner,
        status=RequestStatus.OPEN,
        taken_by=None,
        routed_at=now,
        updated_at=now,
        reminder_sent_at=None,
        escalated_at=None,
    )
    if not won:
        return Result(Outcome.CLOSED, request)
    pt = ctx.partner_t()
    if chat_id is not None:
        await enqueue_partner(
            session,
            ctx,
            request,
            render.handed_over_note(pt, request.number, ctx.partner_name(to_partner, ctx.partner_language)),
            partner_id=old_partner,
        )
    await enqueue_card(
        session,
        ctx,
        request,
        to_partner,
        dest,
        note=note,
        key=f"req:{request.id}:to:{to_partner}:{now.timestamp()}",
    )
    t = ctx.t(request.language)
    await enqueue_resident(
        session,
        request,
        render.handed_over_message(t, request.number, ctx.partner_name(to_partner, request.language)),
    )
    logger.info("request %s handed over from %s to %s", request.id, old_partner, to_partner)
    return Result(Outcome.OK, request)


async def partner_reply(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    chat_id: int,
    message_id: int,
    reply_to_message_id: int,
    staff_name: str,
    from_user_id: int | None = None,
    sender_chat_id: int | None = None,
    text: str | None = None,
    attachment: Attachment | None = None,
    edited: bool = False,
    edit_date: int | None = None,
    replied_bot_text: str | None = None,
) -> Result:
    """A message in a partner group that replies to a message of a request thread: relay it to the resident.

    The thread is found by the replied-to message's id. When that id is unknown and the replied-to message
    is the bot's own (`replied_bot_text`, its text or caption), the request number in it decides: a copy
    the bot sent again after a timeout, whose first copy arrived anyway, still leads to its request.
    Refused (with an explanation in the group): anonymous admins / channel posts, groups that are not the
    request's partner, closed or withdrawn requests. Not a reply to a thread message: NOT_FOUND, say nothing.
    Processing the same message (or the same edit) again changes nothing.
    """
    link = await store.get_thread_link(session, chat_id, reply_to_message_id)
    if link is not None:
        request = await store.get_request(session, link.request_id)
    elif replied_bot_text:
        request = await _request_named_in(session, ctx, chat_id, replied_bot_text)
        if request is not None:
            # That copy belongs to the thread now: the next reply to it maps by id.
            await store.add_thread_link(session, chat_id, reply_to_message_id, request.id, LinkRole.PARTNER)
    else:
        request = None
    if request is None:
        return Result(Outcome.NOT_FOUND)
    if not edited and await store.get_thread_link(session, chat_id, message_id) is not None:
        return Result(Outcome.DUPLICATE, request)
    # What this message (or this edit of it) causes is keyed by it: a replay finds it and stops here.
    effect = f"pmsg:{chat_id}:{message_id}"
    if edited:  # each correction once (two edits within a second differ in their text)
        digest = hashlib.sha256((text or "").encode()).hexdigest()[:8]
        effect += f":e{edit_date or 0}:{digest}"
    if await store.outbox_key_exists(session, effect) or await store.outbox_key_exists(
        session, f"{effect}:refusal"
    ):
        return Result(Outcome.DUPLICATE, request)
    pt = ctx.partner_t()
    refusal: str | None = None
    outcome = Outcome.OK
    if sender_chat_id is not None or from_user_id == GROUP_ANONYMOUS_BOT_ID:
        refusal, outcome = render.Refusal.ANONYMOUS, Outcome.ANONYMOUS
    elif chat_id not in await _partner_chat_ids(session, ctx, request):
        refusal, outcome = render.Refusal.WRONG_CHAT, Outcome.WRONG_CHAT
    elif request.status.is_final:
        refusal, outcome = render.Refusal.CLOSED, Outcome.CLOSED
    elif not (text and text.strip()) and attachment is None:
        return Result(Outcome.EMPTY, request)
    else:
        resident = await session.get(Resident, request.resident_id)
        if resident is not None and resident.blocked:
            refusal, outcome = render.Refusal.RESIDENT_UNREACHABLE, Outcome.RESIDENT_UNREACHABLE
    if refusal is not None:
        await outbox.enqueue(
            session,
            channel=Channel.TELEGRAM,
            target=chat_id,
            audience=Audience.PARTNER,
            method=outbox.SEND_MESSAGE,
            payload=outbox.message_payload(
                render.refusal_note(pt, refusal, request.number), reply_to_message_id=message_id
            ),
            request_id=request.id,
            dedupe_key=f"{effect}:refusal",
        )
        return Result(outcome, request)
    if attachment is not None and (problem := check_attachment(attachment)) is AttachmentProblem.UNSUPPORTED:
        return Result(Outcome.INVALID, request, problem)

    message = await _add_message(
        session,
        request,
        Direction.TO_RESIDENT,
        text=text,
        attachment=attachment,
        author=staff_name[:64] or None,
    )
    if not edited:
        # The partner's own message joins the thread: a colleague may reply to it.
        await store.add_thread_link(session, chat_id, message_id, request.id, LinkRole.PARTNER)
    if request.status in (RequestStatus.OPEN, RequestStatus.TAKEN):
        await store.transition(
            session, request, [request.status], status=RequestStatus.ANSWERED, updated_at=utcnow()
        )
    t = ctx.t(request.language)
    html = render.partner_answer(
        t,
        request.number,
        ctx.partner_name(request.partner_id, request.language),
        staff_name if ctx.show_staff_names else None,
        message.text,
        edited,
    )
    await enqueue_resident(
        session, request, html, attachment=message if attachment else None, dedupe_key=effect
    )
    return Result(Outcome.OK, request)


# --- resident actions -----------------------------------------------------------------------------------


async def list_open(session: AsyncSession, resident_id: int) -> Sequence[Request]:
    """The resident's requests that are not closed or withdrawn, oldest first."""
    return await store.list_open_requests(session, resident_id)


async def open_requests_view(
    session: AsyncSession, ctx: TicketContext, resident_id: int, lang: str
) -> render.Rendered:
    """/requests, rendered: the open requests with "add" and "withdraw" buttons."""
    requests = await list_open(session, resident_id)
    return render.open_requests(ctx.t(lang), [(r, ctx.partner_name(r.partner_id, lang)) for r in requests])


async def resident_reply(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    resident_id: int,
    message_id: int,
    reply_to_message_id: int | None = None,
    request_id: int | None = None,
    text: str | None = None,
    attachment: Attachment | None = None,
) -> Result:
    """The resident wrote about a request: relay it into the partner's thread (as a reply to the card).

    Which request: `request_id` (from "Add to …"), else the message replied to, else the only open request.
    """
    request: Request | None = None
    if request_id is not None:
        request = await store.get_request(session, request_id)
    elif reply_to_message_id is not None:
        link = await store.get_thread_link(session, resident_id, reply_to_message_id)
        request = await store.get_request(session, link.request_id) if link else None
    if request is None and request_id is None:
        # Not a reply to a request message (or to an unrelated one): the only open request, if there is one.
        open_requests = await list_open(session, resident_id)
        if len(open_requests) > 1:
            return Result(Outcome.AMBIGUOUS)
        if len(open_requests) == 1:
            request = open_requests[0]
    if request is None or request.resident_id != resident_id:
        return Result(Outcome.NOT_FOUND)
    if request.status.is_final:
        return Result(Outcome.CLOSED, request)
    if not (text and text.strip()) and attachment is None:
        return Result(Outcome.EMPTY, request)
    if attachment is not None and (problem := check_attachment(attachment)) is not None:
        return Result(Outcome.INVALID, request, problem)
    if await store.get_thread_link(session, resident_id, message_id) is not None:
        return Result(Outcome.DUPLICATE, request)
    message = await _add_message(session, request, Direction.TO_PARTNER, text=text, attachment=attachment)
    await store.add_thread_link(session, resident_id, message_id, request.id, LinkRole.RESIDENT)
    request.updated_at = utcnow()
    pt = ctx.partner_t()
    html = render.resident_wrote(pt, request.number, request.first_name, message.text)
    await enqueue_partner(
        session,
        ctx,
        request,
        html,
        attachment=message if attachment else None,
        dedupe_key=f"msg:{message.id}",
    )
    return Result(Outcome.OK, request)


async def add_message(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    resident_id: int,
    request_id: int,
    message_id: int,
    text: str | None = None,
    attachment: Attachment | None = None,
) -> Result:
    """The resident chose "Add to …" in /requests and wrote something."""
    return await resident_reply(
        session,
        ctx,
        resident_id=resident_id,
        message_id=message_id,
        request_id=request_id,
        text=text,
        attachment=attachment,
    )


async def cancel_request(
    session: AsyncSession, ctx: TicketContext, *, resident_id: int, request_id: int
) -> Result:
    """The resident withdrew a request: the partner thread gets a note, the resident a confirmation."""
    request = await store.get_request(session, request_id)
    if request is None or request.resident_id != resident_id:
        return Result(Outcome.NOT_FOUND)
    if request.status.is_final:
        return Result(Outcome.ALREADY, request)
    if not await store.transition(
        session, request, OPEN_STATUSES, status=RequestStatus.CANCELLED, updated_at=utcnow()
    ):
        return Result(Outcome.ALREADY, request)
    await enqueue_partner(session, ctx, request, render.withdrawn_note(ctx.partner_t(), request.number))
    await _tell_resident(
        session, ctx, request, RequestStatus.CANCELLED, dedupe_key=f"req:{request.id}:cancelled"
    )
    return Result(Outcome.OK, request)


# --- partners answering by e-mail -----------------------------------------------------------------------


async def partner_email_reply(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    number: str,
    from_address: str,
    text: str,
    mail_message_id: str,
) -> Result:
    """A partner answered a request card by e-mail (to the request's signed reply address): relay it.

    Only the addresses the partner's content names (its request e-mail and contact e-mail) may answer;
    a closed request refuses; the same e-mail delivered twice is relayed once.
    """
    request = await store.get_request_by_number(session, number)
    if request is None:
        return Result(Outcome.NOT_FOUND)
    allowed = set()
    partners = [request.partner_id] + ([ctx.catch_all_id()] if request.escalated_at is not None else [])
    for partner_id in partners:
        partner = ctx.partner(partner_id)
        if partner is not None:
            allowed |= {a.lower() for a in (partner.requests.email, partner.email) if a}
    if from_address.lower() not in allowed:
        return Result(Outcome.WRONG_CHAT, request)
    if request.status.is_final:
        return Result(Outcome.CLOSED, request)
    if not text.strip():
        return Result(Outcome.EMPTY, request)
    dedupe_key = "mail:" + hashlib.sha256(mail_message_id.encode()).hexdigest()[:32]
    if await store.outbox_key_exists(session, dedupe_key):
        return Result(Outcome.DUPLICATE, request)
    message = await _add_message(session, request, Direction.TO_RESIDENT, text=text, attachment=None)
    if request.status in (RequestStatus.OPEN, RequestStatus.TAKEN):
        await store.transition(
            session, request, [request.status], status=RequestStatus.ANSWERED, updated_at=utcnow()
        )
    t = ctx.t(request.language)
    html = render.partner_answer(
        t, request.number, ctx.partner_name(request.partner_id, request.language), None, message.text, False
    )
    await enqueue_resident(session, request, html, dedupe_key=dedupe_key)
    return Result(Outcome.OK, request)
