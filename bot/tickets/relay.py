"""Relay: messages between a resident and the partner handling their request, both ways, mapped by message
ids (never by reading text, except the request number in the bot's own message as a fallback). Each
function works in the caller's transaction; `bot.tickets.desk` owns them. Past the usual length because
both directions share the mapping (links, retired numbers, corrections as edits) and a message written
in a partner group without Reply is passed on by the same path as a Reply."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import partners as partner_render
from bot.render.requests import partner_answer
from bot.storage import requests as store
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.requests import (
    Direction,
    LinkRole,
    MessageKind,
    Request,
    RequestMessage,
    RequestStatus,
    RetiredNumber,
)
from bot.storage.models.resident import BlockedReason
from bot.tickets.conversation import open_for, subject
from bot.tickets.deps import Outcome, Result, TicketContext
from bot.tickets.dialogue import Attachment, InputProblem, check_attachment
from bot.tickets.notify import conversation_notice, enqueue_partner, enqueue_resident, reply_in_group
from bot.tickets.partners import reopenable, reroute_if_unlisted
from bot.tickets.routing import (
    moved_from,
    partner_chats,
    partner_destination,
    partner_of_chat,
    passes_on_for,
    responsible_partners,
)

# Telegram's bot for anonymous group admins: such messages carry no person.
GROUP_ANONYMOUS_BOT_ID = 1087968824
REQUEST_NUMBER = re.compile(r"(?<!\d)\d{6}(?!\d)")  # see store.new_request_number
# The outbox key of what a partner's message in their group caused ("pmsg:<chat>:<message>").
PARTNER_MESSAGE_KEY = "pmsg:"
# The outbox key of a partner's e-mail answer relayed to the resident ("mail:<digest of its Message-ID>").
MAIL_ANSWER_KEY = "mail:"


async def add_message(
    session: AsyncSession,
    request: Request,
    direction: Direction,
    *,
    text: str | None,
    attachment: Attachment | None,
    author: str | None = None,
    by: str | None = None,
    danger: bool = False,
    correction: bool = False,
    source: tuple[int, int] | None = None,
) -> RequestMessage:
    """One message of the request's thread, as stored (flushed: its id keys what it causes). `danger`: hers,
    with danger words that make a request urgent (`RequestMessage.danger`); `correction`: an edit of an
    earlier one (`RequestMessage.correction`); `source`: her message it is (`thread_message`)."""
    message = thread_message(
        request, direction, text=text, attachment=attachment, author=author, by=by, source=source
    )
    message.danger, message.correction = danger, correction
    session.add(message)
    await session.flush()
    return message


def thread_message(
    request: Request,
    direction: Direction,
    *,
    text: str | None,
    attachment: Attachment | None,
    author: str | None = None,
    by: str | None = None,
    created_at: datetime | None = None,
    source: tuple[int, int] | None = None,
) -> RequestMessage:
    """One message of the request's thread, not yet added to the session (`created_at`: now). Its
    organisation: `by`, the partner that wrote a partner's message; hers went to the request's partner.
    It names the message it is, (chat id, message id): a file's own, or `source` for a text of hers (a
    correction of it finds what was counted: `store.danger_counted`)."""
    chat_id, message_id = (
        (attachment.chat_id, attachment.message_id) if attachment else source or (None, None)
    )
    message = RequestMessage(
        request_id=request.id,
        direction=direction,
        kind=attachment.kind if attachment else MessageKind.TEXT,
        text=(attachment.caption if attachment else text) or None,
        file_id=attachment.file_id if attachment else None,
        file_name=attachment.file_name if attachment else None,
        mime_type=attachment.mime_type if attachment else None,
        file_size=attachment.file_size if attachment else None,
        source_chat_id=chat_id,
        source_message_id=message_id,
        media_group=attachment.media_group if attachment else None,
        author=author,
        partner_id=request.partner_id if direction is Direction.TO_PARTNER else by,
    )
    if created_at is not None:
        message.created_at = created_at
    return message


async def _to_resident(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    answer: RequestMessage,
    dedupe_key: str,
    by: str,
    staff: str | None = None,
    edited: bool = False,
) -> None:
    """A partner's answer (stored as `answer`) goes to the resident, naming the partner `by` that wrote it
    (the catch-all answers an escalated request too), or the partner whose answer `by` passes on
    (`passes_on_for`); the request is answered and waits for them: their
    next plain message answers it (the conversation opens; the hint names everyone who reads it)."""
    if request.status in (RequestStatus.OPEN, RequestStatus.TAKEN):
        await store.transition(
            session, request, [request.status], status=RequestStatus.ANSWERED, updated_at=utcnow()
        )
    lang = request.language
    t, partner = ctx.t(lang), ctx.partner_name(by, lang)
    if (source := passes_on_for(request, by)) is not None:
        # The catch-all passes on the answer of a partner that cannot answer in the chat: it is that
        # partner's answer, as her acknowledgement told her.
        source_name = ctx.partner_name(source, lang)
        html = partner_answer(t, request.number, source_name, None, answer.text, edited, via=partner)
    else:
        html = partner_answer(t, request.number, partner, staff, answer.text, edited)
    parked = await open_for(session, request)
    hint, keyboard = conversation_notice(ctx, request, parked)
    if answer.kind is not MessageKind.TEXT:
        # A copied file carries the answer as its caption (at most 1,024 characters): no hint, no button,
        # unless a draft was parked (then the hint follows on its own).
        await enqueue_resident(session, request, html, attachment=answer, dedupe_key=dedupe_key)
        if parked is not None:
            await enqueue_resident(session, request, hint, dedupe_key=f"{dedupe_key}:kept", keyboard=keyboard)
        return
    await enqueue_resident(
        session, request, f"{html}\n\n{hint}", dedupe_key=dedupe_key, keyboard=keyboard, carries=answer
    )


# --- resident → partner ----------


@dataclass(frozen=True)
class ResidentMessage:
    """A message of the resident in their chat with the bot (a text, or a file with its caption)."""

    resident_id: int
    message_id: int
    text: str | None = None
    attachment: Attachment | None = None
    danger: bool = False  # the search found danger words in it (and showed her the emergency numbers)


def _danger(ctx: TicketContext, request: Request, message: ResidentMessage) -> str:
    """Danger words in her message (`ResidentMessage.danger`) make an ordinary request urgent, once: its
    reminders and escalation come as for one from the emergency screen, and the partner, who may not read
    her language, is told below her words (the note this returns, else "")."""
    if not message.danger or request.urgent:
        return ""
    request.urgent = True
    return "\n" + partner_render.thread_note(ctx.partner_t(), "danger", request.number)


async def resident_reply(
    session: AsyncSession, ctx: TicketContext, message: ResidentMessage, request_id: int
) -> Result:
    """The resident wrote about request `request_id`: relay it into the partner's thread (as a reply to the
    card); danger words in it make the request urgent (`_danger`)."""
    resident_id, attachment = message.resident_id, message.attachment
    request = await session.get(Request, request_id)
    if request is None or request.resident_id != resident_id:
        return Result(Outcome.NOT_FOUND)
    if request.status.is_final:
        return Result(Outcome.CLOSED, request)
    if not (message.text and message.text.strip()) and attachment is None:
        return Result(Outcome.EMPTY, request)
    if attachment is not None and (problem := check_attachment(attachment)) is not None:
        return Result(Outcome.INVALID, request, problem)
    if await store.get_thread_link(session, resident_id, message.message_id) is not None:
        return Result(Outcome.DUPLICATE, request)
    # Its partner no longer receives requests (removed from the content): the catch-all gets it, and this
    # message, before she is told where it went.
    await reroute_if_unlisted(session, ctx, request)
    group = attachment.media_group if attachment else None
    album = group is not None and request.id in await store.album_requests(session, [request.id], group)
    stored = await add_message(
        session,
        request,
        Direction.TO_PARTNER,
        text=message.text,
        attachment=attachment,
        danger=message.danger,
        source=(resident_id, message.message_id),
    )
    await store.add_thread_link(session, resident_id, message.message_id, request.id, LinkRole.RESIDENT)
    request.updated_at = utcnow()
    pt = ctx.partner_t()
    html = partner_render.resident_wrote(pt, request.number, request.first_name, stored.text)
    if request.handover_to:
        # "ja" may read like consent: the partner learns that the hand-over still waits for her button.
        to = ctx.partner_name(request.handover_to)
        html += "\n" + partner_render.thread_note(pt, "handover_unanswered", request.number, partner=to)
    html += (urgent_now := _danger(ctx, request, message))
    await enqueue_partner(
        session,
        ctx,
        request,
        html,
        attachment=stored if attachment else None,
        dedupe_key=f"msg:{stored.id}",
    )
    return Result(Outcome.OK, request, album=album, urgent_now=bool(urgent_now))


async def resident_thanks(
    session: AsyncSession, ctx: TicketContext, message: ResidentMessage, request_id: int
) -> Result:
    """Her thank-you (a text that is nothing else, `bot.search.smalltalk`) about request `request_id`, which
    its partner closed: into the partner's thread as what she wrote, and the request stays closed (nothing
    to answer, no need to reopen it). OK once passed on (DUPLICATE: this message was before); CLOSED if it
    cannot be (withdrawn by her, the partner no longer receives requests), NOT_FOUND: none of hers."""
    request = await session.get(Request, request_id)
    if request is None or request.resident_id != message.resident_id or not (message.text or "").strip():
        return Result(Outcome.NOT_FOUND)
    if request.status is not RequestStatus.CLOSED or message.attachment is not None:
        return Result(Outcome.CLOSED, request)
    if await store.get_thread_link(session, message.resident_id, message.message_id) is not None:
        return Result(Outcome.DUPLICATE, request)
    if await partner_destination(session, ctx, request.partner_id) is None:
        return Result(Outcome.CLOSED, request)
    stored = await add_message(
        session,
        request,
        Direction.TO_PARTNER,
        text=message.text,
        attachment=None,
        source=(message.resident_id, message.message_id),
    )
    await store.add_thread_link(
        session, message.resident_id, message.message_id, request.id, LinkRole.RESIDENT
    )
    html = partner_render.resident_thanked(
        ctx.partner_t(), request.number, request.first_name, stored.text or ""
    )
    await enqueue_partner(session, ctx, request, html, dedupe_key=f"msg:{stored.id}")
    return Result(Outcome.OK, request)


async def resident_correction(
    session: AsyncSession, ctx: TicketContext, message: ResidentMessage, edit_date: int | None
) -> Result | None:
    """The resident edited a message of hers that reached a request (passed on in a conversation or as a
    reply, or written into the draft she sent): the corrected text goes into the partner's thread as her
    correction, as a partner's edit reaches her (`partner_reply`). None if the message belongs to no
    request (then it is something else). Each correction once: a replay changes nothing. Danger words in
    it make the request urgent (`_danger`) and count as her unanswered danger (`RequestMessage.danger`)
    only where the line had none counted yet (`store.danger_counted`): she was shown the numbers again
    all the same (the handler)."""
    resident_id = message.resident_id
    link = await store.get_thread_link(session, resident_id, message.message_id)
    if link is None:
        return None
    request = await session.get(Request, link.request_id)
    if request is None or request.resident_id != resident_id:
        return Result(Outcome.NOT_FOUND)
    if request.status.is_final:
        return Result(Outcome.CLOSED, request)
    text = (message.text or "").strip()
    if not text:
        return Result(Outcome.EMPTY, request)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    key = f"redit:{resident_id}:{message.message_id}:e{edit_date or 0}:{digest}"
    if await store.outbox_key_exists(session, key):
        return Result(Outcome.DUPLICATE, request)
    await reroute_if_unlisted(session, ctx, request)
    # Her danger words count once per line (task conv9 #3): a typo fixed in a message already counted is no
    # new unanswered danger (Petra's answer to it stays one); a correction that adds them is.
    if message.danger and await store.danger_counted(session, request, link):
        message = replace(message, danger=False)
    stored = await add_message(
        session,
        request,
        Direction.TO_PARTNER,
        text=text,
        attachment=None,
        danger=message.danger,
        correction=True,
        source=(resident_id, message.message_id),
    )
    request.updated_at = utcnow()
    html = partner_render.resident_corrected(ctx.partner_t(), request.number, request.first_name, stored.text)
    html += (urgent_now := _danger(ctx, request, message))
    await enqueue_partner(session, ctx, request, html, dedupe_key=key)
    return Result(Outcome.OK, request, urgent_now=bool(urgent_now))


# --- partner → resident ----------


async def _request_named_in(
    session: AsyncSession, ctx: TicketContext, chat_id: int, text: str
) -> Request | None:
    """The one request whose number the bot's message `text` carries and that partner chat `chat_id`
    handles; None if there is none or more than one. Only a fallback: message ids map threads."""
    found = {}
    for number in set(REQUEST_NUMBER.findall(text)):
        request = await store.get_request_by_number(session, number)
        if request is not None and chat_id in await partner_chats(session, ctx, request):
            found[request.id] = request
    return next(iter(found.values())) if len(found) == 1 else None


@dataclass(frozen=True)
class GroupMessage:
    """A message in a partner group that replies to another message (`reply_to_message_id`), or that staff
    chose a request for (`request_id`)."""

    chat_id: int
    message_id: int
    reply_to_message_id: int
    staff_name: str
    from_user_id: int | None = None
    sender_chat_id: int | None = None  # set when an anonymous admin or a channel wrote
    text: str | None = None
    attachment: Attachment | None = None
    edited: bool = False
    edit_date: int | None = None
    replied_bot_text: str | None = None  # the text of the replied-to message, if it is the bot's own
    # A message written without "Reply" that staff then chose a request for (`partner_render.stray_prompt`):
    # it goes to that request as if it replied to its card (`reply_to_message_id` is then its own id).
    request_id: int | None = None


def _unreachable(resident: Resident | None) -> Outcome | None:
    """Why nothing reaches `resident` any more, if she is `blocked`: she blocked the bot, or her Telegram
    account is gone (a deleted account is not her blocking the bot), as the delivery worker flagged her."""
    if resident is None or not resident.blocked:
        return None
    if resident.blocked_reason is BlockedReason.GONE:
        return Outcome.RESIDENT_GONE
    return Outcome.RESIDENT_UNREACHABLE


async def partner_reply(session: AsyncSession, ctx: TicketContext, message: GroupMessage) -> Result:
    """A message in a partner group that replies to a message of a request thread: relay it to the resident.

    The thread is found by the replied-to message's id. When that id is unknown and the replied-to message
    is the bot's own (`replied_bot_text`, its text or caption), the request number in it decides: a copy
    the bot sent again after a timeout, whose first copy arrived anyway, still leads to its request.
    Refused (with an explanation in the group): bot commands (a text starting with "/", COMMAND), anonymous
    admins / channel posts, groups that are not the request's partner, closed or withdrawn (WITHDRAWN)
    requests, requests whose resident deleted their data (DELETED).
    Not a reply to a thread message: NOT_FOUND, say nothing. A message staff chose a request for
    (`request_id`, written without "Reply") goes through the same checks as a reply to that request's card.
    Processing the same message (or the same edit) again changes nothing.
    """
    request: Request | None
    if message.request_id is not None:
        chosen = await _chosen_request(session, ctx, message, message.request_id)
        if isinstance(chosen, Result):
            return chosen
        request = chosen
    elif (
        link := await store.get_thread_link(session, message.chat_id, message.reply_to_message_id)
    ) is not None:
        request = await session.get(Request, link.request_id)
    elif number := await store.deleted_request_number(
        session, message.chat_id, message_id=message.reply_to_message_id
    ):
        # Before the number in its text: a message of a deleted request never leads to another request.
        return await _reply_to_deleted(session, ctx, message, number)
    elif message.replied_bot_text:
        request = await _request_named_in(session, ctx, message.chat_id, message.replied_bot_text)
        if request is not None:
            # That copy belongs to the thread now: the next reply to it maps by id.
            await store.add_thread_link(
                session, message.chat_id, message.reply_to_message_id, request.id, LinkRole.PARTNER
            )
    else:
        request = None
    if request is None:
        return Result(Outcome.NOT_FOUND)
    if not message.edited and (
        own := await store.get_thread_link(session, message.chat_id, message.message_id)
    ):
        # Passed on already (a colleague's tap came first): the request it went to, not the one tapped.
        went_to = await session.get(Request, own.request_id) if own.request_id != request.id else request
        return Result(Outcome.DUPLICATE, went_to or request)
    # What this message (or this edit of it) causes is keyed by it: a replay finds it and stops here.
    effect = f"{PARTNER_MESSAGE_KEY}{message.chat_id}:{message.message_id}"
    if message.edited:  # each correction once (two edits within a second differ in their text)
        digest = hashlib.sha256((message.text or "").encode()).hexdigest()[:8]
        effect += f":e{message.edit_date or 0}:{digest}"
    if await store.outbox_key_exists(session, effect, f"{effect}:refusal"):
        return Result(Outcome.DUPLICATE, request)
    # A refusal is explained in the group; its outcome names the explanation (`partner_render.REFUSALS`).
    refusal = None
    if message.attachment is None and (message.text or "").lstrip().startswith("/"):
        # Staff trying the bot's commands ("/requests", "/start") in the thread: never the organisation's
        # answer.
        refusal = Outcome.COMMAND
    elif message.sender_chat_id is not None or message.from_user_id == GROUP_ANONYMOUS_BOT_ID:
        refusal = Outcome.ANONYMOUS
    elif message.chat_id not in await partner_chats(session, ctx, request):
        moved = await moved_from(session, ctx, request, message.chat_id)
        refusal = Outcome.MOVED if moved else Outcome.WRONG_CHAT
    elif request.status is RequestStatus.CANCELLED:
        refusal = Outcome.WITHDRAWN
    elif request.status.is_final:
        refusal = Outcome.CLOSED
    elif not (message.text and message.text.strip()) and message.attachment is None:
        return Result(Outcome.EMPTY, request)
    else:
        refusal = _unreachable(await session.get(Resident, request.resident_id))
    if refusal is not None:
        why = refusal.value
        if refusal is Outcome.CLOSED and reopenable(ctx, request):
            why = "closed_reopenable"  # its card offers "Reopen": staff learn how to send the message
        await reply_in_group(
            session,
            message.chat_id,
            message.message_id,
            partner_render.refusal_note(ctx.partner_t(), why, request.number),
            request_id=request.id,
            dedupe_key=f"{effect}:refusal",
        )
        return Result(refusal, request)
    if (
        message.attachment is not None
        and (problem := check_attachment(message.attachment)) is InputProblem.UNSUPPORTED
    ):
        return Result(Outcome.INVALID, request, problem)

    by = await partner_of_chat(session, ctx, request, message.chat_id)
    relayed = await add_message(
        session,
        request,
        Direction.TO_RESIDENT,
        text=message.text,
        attachment=message.attachment,
        author=message.staff_name[:64] or None,
        by=by,
        correction=message.edited,  # a typo fixed in an older answer answers nothing she wrote since
    )
    if not message.edited:
        # The partner's own message joins the thread: a colleague may reply to it.
        await store.add_thread_link(
            session, message.chat_id, message.message_id, request.id, LinkRole.PARTNER
        )
    staff = message.staff_name if ctx.show_staff_names else None
    await _to_resident(session, ctx, request, relayed, effect, by, staff, message.edited)
    return Result(Outcome.OK, request)


async def _chosen_request(
    session: AsyncSession, ctx: TicketContext, message: GroupMessage, request_id: int
) -> Request | Result:
    """The request `request_id` staff chose under `message`, written without "Reply", checked as a
    reply to its card is: its resident deleted it (told in the group, as a reply to its card would be), or
    this chat never had its card (NOT_FOUND: the button is not from here). Closed, withdrawn and another
    partner's requests are refused by the caller, as for a reply."""
    if number := await store.deleted_request_number(session, message.chat_id, request_id=request_id):
        return await _reply_to_deleted(session, ctx, message, number)
    request = await session.get(Request, request_id)
    if request is None or message.chat_id not in await store.request_cards(session, request.id):
        return Result(Outcome.NOT_FOUND)
    return request


# A message without "Reply" shorter than this many words is not asked about (see `might_answer`).
ANSWER_MIN_WORDS = 3


def might_answer(text: str | None, has_file: bool) -> bool:
    """Whether a message written in a partner group without "Reply" may be an answer for a resident, so
    that the group is asked which request it is for. A file may be (a filled-in form, a flyer); a text of
    one or two words ("Guten Morgen", "Danke!", "ok", "Moin zusammen") is a greeting or an aside between
    colleagues in any language, and an answer to a resident that short would go out without the context it
    needs anyway. The rule counts words, not a list of greetings: it holds in every language staff write."""
    return has_file or len((text or "").split()) >= ANSWER_MIN_WORDS


async def stray_choices(
    session: AsyncSession, ctx: TicketContext, chat_id: int, limit: int
) -> list[tuple[int, str, str]]:
    """The open requests that partner chat `chat_id` may answer now, newest first, at most `limit`: (id,
    number, subject: `conversation.subject` in the partner language, the resident's first words where the
    request is about no offer, event or topic, as on the card). Offered under a message written there
    without "Reply"; none: the bot says nothing (chatter in a group without open requests)."""
    lang = ctx.partner_language
    choices = []
    # A few more than shown: a card copy in a group that no longer acts on its request is skipped.
    for request in await store.open_requests_with_card_in(session, chat_id, limit * 3):
        if chat_id not in await partner_chats(session, ctx, request):
            continue
        choices.append((request.id, request.number, await subject(session, ctx, request, lang)))
        if len(choices) == limit:
            break
    return choices


async def passed_to(session: AsyncSession, ctx: TicketContext, request: Request) -> tuple[str, str]:
    """Whom a message passed on without "Reply" went to, for the group to check: the resident's first
    name (as the card shows it) and the request's subject."""
    return request.first_name, await subject(session, ctx, request, ctx.partner_language)


async def _reply_to_deleted(
    session: AsyncSession, ctx: TicketContext, message: GroupMessage, number: str
) -> Result:
    """A reply in a partner group to a message of request `number`, whose resident deleted their data: the
    group is told (once per message, edits included)."""
    chat_id = message.chat_id
    told = f"{PARTNER_MESSAGE_KEY}{chat_id}:{message.message_id}:refusal"
    if await store.outbox_key_exists(session, told):
        return Result(Outcome.DUPLICATE)
    html = partner_render.refusal_note(ctx.partner_t(), Outcome.DELETED.value, number)
    await reply_in_group(session, chat_id, message.message_id, html, request_id=None, dedupe_key=told)
    return Result(Outcome.DELETED)


async def email_reply(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    number: str,
    from_address: str,
    text: str,
    mail_message_id: str,
) -> Result:
    """A partner answered a request card by e-mail (to the request's signed reply address): relay it.

    Only the addresses the partner's content names (its request e-mail and contact e-mail) may answer, and
    only they learn what became of a request that is gone: deleted by its resident (DELETED), or purged
    long after it was finished (NOT_FOUND, as a number the bot never had); a closed or withdrawn request
    refuses, and so does one whose resident blocked the bot (RESIDENT_UNREACHABLE: the answer could not
    reach her, and the mail bounces instead of being lost, as a reply in the group is told); the same
    e-mail delivered twice is relayed once.
    """

    def answering(partner_ids: list[str]) -> str | None:
        """The one of `partner_ids` that the sender's address belongs to."""
        for partner_id in partner_ids:
            partner = ctx.partner(partner_id)
            if partner is not None and from_address.lower() in {
                a.lower() for a in (partner.requests.email, partner.email) if a
            }:
                return partner_id
        return None

    request = await store.get_request_by_number(session, number)
    if request is None:
        gone = await session.get(RetiredNumber, number)
        if gone is None:
            return Result(Outcome.NOT_FOUND)
        # Its partner, or the catch-all it may have been escalated to.
        if answering([gone.partner_id, ctx.catalogue.catch_all_partner_id]) is None:
            return Result(Outcome.WRONG_CHAT)
        return Result(Outcome.DELETED if gone.deleted else Outcome.NOT_FOUND)
    by = answering(responsible_partners(ctx, request))
    if by is None:
        return Result(Outcome.WRONG_CHAT, request)
    if request.status is RequestStatus.CANCELLED:
        return Result(Outcome.WITHDRAWN, request)
    if request.status.is_final:
        return Result(Outcome.CLOSED, request)
    if not text.strip():
        return Result(Outcome.EMPTY, request)
    dedupe_key = MAIL_ANSWER_KEY + hashlib.sha256(mail_message_id.encode()).hexdigest()[:32]
    if await store.outbox_key_exists(session, dedupe_key):
        return Result(Outcome.DUPLICATE, request)
    if unreachable := _unreachable(await session.get(Resident, request.resident_id)):
        return Result(unreachable, request)
    message = await add_message(session, request, Direction.TO_RESIDENT, text=text, attachment=None, by=by)
    await _to_resident(session, ctx, request, message, dedupe_key, by)
    return Result(Outcome.OK, request)
