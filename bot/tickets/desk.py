"""The request desk: what handlers, the e-mail listener and the jobs ask of the request lifecycle.

Every method is one transaction (the functions of intake, relay and partners do the work inside it) and
returns plain values, never ORM objects; the delivery worker is woken after a commit that wrote to the
outbox. Nothing here knows Telegram.

Longer than most modules on purpose: it is the one door to the request lifecycle, one short method per
thing a resident, a partner group or a job does; split up, callers would have to know which part owns what.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.render.requests import ConversationChoice, DraftView, OpenRequest
from bot.storage import requests as store
from bot.storage.db import Database
from bot.storage.models import Resident
from bot.storage.models.requests import ContactPreference, LinkRole, Request
from bot.tickets import conversation, intake, partners, relay, reminders
from bot.tickets.deps import Outcome, Result, TicketContext
from bot.tickets.dialogue import Attach, Attachment, Effect, Press, SharedPhone, Text, Unsupported
from bot.tickets.intake import DialogueReply
from bot.tickets.notify import notify_admin, passes_on_copy, readers
from bot.tickets.relay import GroupMessage, ResidentMessage
from bot.tickets.routing import partner_chats

T = TypeVar("T")
P = ParamSpec("P")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ending:
    """ "End" tapped or typed: who reads the request (in her language), and whether the conversation ended
    (not while a message about the request is on its way to her: `conversation.end`)."""

    partner: str
    ended: bool


@dataclass(frozen=True)
class Relayed:
    """A resident's message about a sent request: the outcome and who reads it (`notify.readers`) in their
    language; `choices` when several conversations are open (AMBIGUOUS)."""

    outcome: Outcome
    partner: str = ""
    problem: str | None = None
    request_id: int | None = None
    choices: Sequence[ConversationChoice] = ()
    reopenable: bool = False  # CLOSED: the partner closed it recently, the resident may reopen it
    album: bool = False  # OK for a further file of an album: its first file was confirmed already
    urgent_now: bool = False  # OK for a message whose danger words made the request urgent: she is told
    number: str = ""  # the request's number (with `handover_to`)
    handover_to: str | None = None  # OK while the resident is asked to agree to a hand-over: to whom
    handover_partner: str = ""  # ... that partner's id
    handover_by: str = ""  # ... and which partner proposed it
    # ... and what the new partner would see of her beyond her words (`partners.handover_shares`)
    handover_shares: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CardCopy:
    """A card of the request in a partner group: where it is, whether that group may still act on the
    request (a copy at the Quartiersmanagement once the request is no longer escalated, or the old partner's
    after a hand-over, may not: its buttons could only fail), and after a take on its HTML as sent (None if
    unknown). A group that has just stopped acting on the request learns why on its copy (`left`: "back",
    the escalation ended and the request is its partner's alone again, or "handed_over"; `now_with`: the
    partner it is with now); then `html` is the card as sent too."""

    chat_id: int
    message_id: int
    acts: bool = True
    html: str | None = None
    left: str | None = None
    now_with: str = ""
    # The catch-all's copy asking it to pass an e-mail partner's answer on (`notify.passes_on_copy`): known
    # by how it was sent, not by its wording, which may have changed since (or its language).
    passes_on: bool = False
    # A card that has just stopped acting because of a hand-over keeps who had taken the request on (the
    # hand-over resets it for the new partner): its history stays on it.
    was_taken: bool = False
    was_staff: str | None = None


@dataclass(frozen=True)
class CardAction:
    """What a button on a request card did, and what the card should show now."""

    outcome: Outcome
    taken: bool = False  # someone has taken the request on: the card no longer offers "Take on"
    staff: str | None = None  # who took it on, where cards may name staff (SHOW_STAFF_NAMES)
    # After a take on, close or reopen: every card to show it, the pressed one first, then the request's
    # cards in the other groups that had one (an escalated request's copy at the catch-all).
    cards: Sequence[CardCopy] = ()
    closed_by: str | None = None  # who closed it (Close), where cards may name staff
    # The partner a proposed hand-over waits for the resident's consent to go to (the card says so).
    pending: str | None = None


async def _acting(session: AsyncSession, ctx: TicketContext, request_id: int) -> set[int]:
    """The groups that may act on request `request_id` now (before an action changes that)."""
    request = await session.get(Request, request_id)
    return set(await partner_chats(session, ctx, request)) if request is not None else set()


async def _copies(
    session: AsyncSession,
    ctx: TicketContext,
    request: Request,
    pressed: tuple[int, int] | None = None,
    *,
    acted: set[int] | None = None,
    left: str = "back",
) -> list[CardCopy]:
    """Every card of `request` in a partner group, the `pressed` one (chat id, message id) first; a group
    that was among those that `acted` before and acts no more is told why (`left`, see `CardCopy`)."""
    acting = await partner_chats(session, ctx, request)
    first = [pressed] if pressed is not None else []
    found = (await store.request_cards(session, request.id)).items()
    copies = []
    for chat, message in first + [c for c in found if c not in first]:
        copy = CardCopy(chat, message, chat in acting)
        if chat in (acted or ()) and chat not in acting:
            html = await store.sent_card_html(session, chat, message)
            copy = replace(copy, html=html, left=left, now_with=ctx.partner_name(request.partner_id))
        copies.append(copy)
    return copies


async def _with_html(session: AsyncSession, copies: Sequence[CardCopy]) -> list[CardCopy]:
    """`copies` with the HTML of each card that may act, as sent: rewritten after take, close, reopen."""
    found = []
    for copy in copies:
        sent = (
            await store.sent_card(session, copy.chat_id, copy.message_id)
            if copy.acts and not copy.html
            else None
        )
        found.append(replace(copy, html=sent[0], passes_on=passes_on_copy(sent[1])) if sent else copy)
    return found


async def _conversations(
    session: AsyncSession, ctx: TicketContext, resident_id: int
) -> list[ConversationChoice]:
    """The resident's open conversations, partners named in the resident's language."""
    lang = (await session.get_one(Resident, resident_id)).language
    return [
        ConversationChoice(
            r.id, r.number, readers(ctx, r, lang), await conversation.subject(session, ctx, r, lang)
        )
        for r in await conversation.open_conversations(session, ctx, resident_id)
    ]


def _pending(ctx: TicketContext, request: Request | None) -> str | None:
    """The partner an open request's proposed hand-over waits to go to (named on its cards), if any."""
    if request is None or request.handover_to is None or request.status.is_final:
        return None
    return ctx.partner_name(request.handover_to)


def _relayed(ctx: TicketContext, result: Result) -> Relayed:
    request = result.request
    if request is None:
        return Relayed(result.outcome)
    return Relayed(
        result.outcome,
        readers(ctx, request),
        result.input_problem.value if result.input_problem else None,
        request.id,
        reopenable=partners.reopenable(ctx, request),
        album=result.album,
        urgent_now=result.urgent_now,
        number=request.number,
        handover_to=ctx.partner_name(request.handover_to, request.language)
        if result.ok and request.handover_to
        else None,
        handover_partner=request.handover_to or "" if result.ok else "",
        handover_by=ctx.partner_name(request.handover_by, request.language),
        handover_shares=partners.handover_shares(ctx, request) if request.handover_to else {},
    )


class RequestDesk:
    def __init__(
        self,
        database: Database,
        context: Callable[[], TicketContext],
        transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]] | None = None,
    ) -> None:
        # `context` is called per use, so a content reload is picked up at once. `transaction`: a write
        # transaction (`Services.transaction` wakes the delivery worker after it).
        self._database = database
        self._context = context
        self._transaction = transaction or database.transaction
        # How often content went live (`follow_content`), and how many of those the reminder job has
        # followed once more: a request being sent while the content went live may commit after its scan.
        self._went_live = 1  # a new process: its content is followed at the job's first round too
        self._followed = 0

    def partner_t(self) -> Translator:
        """The translator for partner groups (the organisations work in German)."""
        return self._context().partner_t()

    async def _write(
        self,
        action: Callable[Concatenate[AsyncSession, TicketContext, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`action(session, ctx, ...)` in one transaction."""
        async with self._transaction() as session:
            return await action(session, self._context(), *args, **kwargs)

    # --- the resident's dialogue ---------------------------------------------------------------------------

    async def start_from(
        self, resident_id: int, button: str, origin: str, question: str | None = None
    ) -> DialogueReply | None:
        """A button that starts a request (see `intake.origin_of`); None if it names something the content
        no longer has. After a question nobody answered ("ask:q"), danger words ("ask:sos.q") or an answer
        ("ask:f.<id>"), `question` starts the message. From the emergency screen a running draft goes on
        instead, marked urgent (`intake.ask_urgently`). OVER for a sign-up whose offer or event is over (a
        button of a page shown while it was on), BEGUN for an event that has begun: nothing starts
        (`intake.over`). UNFINISHED while she has a draft she put something into: it waits (parked), and
        nothing starts before she continues or discards it."""
        ctx = self._context()
        chosen = intake.origin_of(ctx.catalogue, button, origin)
        if chosen is None:
            return None
        if (ended := intake.over(ctx, **chosen)) is not None:
            return ended
        if not (button == "ask" and (origin in ("q", "sos.q") or origin.startswith("f."))):
            question = None
        if button == "ask" and origin in intake.EMERGENCY_ORIGINS:
            return await self._write(intake.ask_urgently, resident_id, question)
        # A draft she wrote in is not replaced unasked: UNFINISHED, she continues or discards it.
        return await self._write(intake.start, resident_id, text=question, urgent=False, keep=True, **chosen)

    async def write(
        self, resident_id: int, event: Text | Attach | Unsupported, input_key: str, *, drafting: bool
    ) -> DialogueReply | None:
        """Text or a file while a dialogue runs; None when there is none or it is parked (then the text is
        something else). "ask_new": the text may be a new question; the resident is asked. `drafting`:
        the resident had a running draft when the update arrived (`ResidentSettings.drafting`)."""
        # A file also resumes a parked draft; a text goes to a running one only. Without one, most texts
        # (questions) are answered without a transaction here.
        if not isinstance(event, Attach) and not drafting:
            return None
        reply = await self._write(intake.advance, resident_id, event, input_key=input_key)
        return None if reply.effect in (Effect.GONE, Effect.PARKED) else reply

    async def correct_draft(
        self,
        resident_id: int,
        input_key: str,
        text: str,
        *,
        danger: bool = False,
        caption_of: int | None = None,
    ) -> DialogueReply | None:
        """She edited her message `input_key` to `text` (`caption_of`: the caption of her file with that
        id): corrected in her draft where it holds it (`intake.correct`; `danger`: the search found danger
        words in it); None when her draft never took that message."""
        return await self._write(
            intake.correct, resident_id, input_key, text, danger=danger, caption_of=caption_of
        )

    async def takes_language_name(self, resident_id: int) -> bool:
        """Whether the running draft's question asks for a language: a language's name typed is its answer
        (elsewhere it opens the language picker)."""
        async with self._database.sessions() as session:
            return await intake.takes_language_name(session, self._context(), resident_id)

    async def park(self, resident_id: int) -> bool:
        """The resident navigated away (/start, a command, a menu tap) from their running draft: it waits
        for "Continue". True if it waited for the phone number after "📞 Call me": Telegram's "share my
        number" keyboard is showing. (Handlers call it only for a resident who was drafting: most
        navigation is answered without taking the write lock.)"""
        draft = await self._write(intake.park, resident_id)
        return draft is not None and draft.waits_for_phone

    async def parked_draft(self, resident_id: int) -> DraftView | None:
        """The resident's parked draft ("You have an unfinished request: continue / discard"), if any."""
        async with self._database.sessions() as session:
            return await intake.parked_draft(session, self._context(), resident_id)

    async def running_draft(self, resident_id: int) -> DraftView | None:
        """The resident's running (not parked) draft as her screen shows it, for a button's label she types
        instead of tapping it."""
        ctx = self._context()
        async with self._database.sessions() as session:
            loaded = await intake.load(session, ctx, resident_id)
            if loaded is None or loaded[1].parked:
                return None
            return await intake.draft_view(session, ctx, loaded[1], resident_id)

    async def press(
        self,
        resident_id: int,
        dialogue_id: str,
        action: str,
        input_key: str,
        target: str | None = None,
        screen_id: int | None = None,
    ) -> DialogueReply:
        """A button of the dialogue `dialogue_id`: skip, done, chat, phone, change, cancel, send, ...;
        `target`: the topic chosen with "to" ("-": the Quartiersmanagement); `screen_id`: the message the
        button is under (see `intake.submit`)."""
        return await self._write(
            intake.advance,
            resident_id,
            Press(action),
            dialogue_id=dialogue_id,
            input_key=input_key,
            target=target,
            screen_id=screen_id,
        )

    async def start_media(
        self, resident_id: int, attachment: Attachment, danger: bool = False
    ) -> DialogueReply:
        """A photo, voice message or document outside a request: a draft that asks who should get it
        (`danger`: danger words in its caption that make it urgent). "refused" (with `problem`) when the
        file cannot be passed on."""
        return await self._write(intake.start_media, resident_id, attachment, danger)

    async def share_phone(self, resident_id: int, number: str) -> DialogueReply:
        """The resident shared their own phone number (Telegram's contact button)."""
        return await self._write(intake.advance, resident_id, SharedPhone(number))

    # --- the resident's sent requests -------------------------------------------------------------------

    async def follow_up(self, message: ResidentMessage, reply_to_message_id: int) -> Relayed | None:
        """A reply to one of the bot's request messages goes into that request's thread; None if the
        message replied to belongs to no request."""
        ctx = self._context()
        async with self._transaction() as session:
            link = await store.get_thread_link(session, message.resident_id, reply_to_message_id)
            if link is None:
                return None
            result = await relay.resident_reply(session, ctx, message, link.request_id)
        return _relayed(ctx, result)

    async def correct_sent(self, message: ResidentMessage, edit_date: int | None) -> Relayed | None:
        """She edited a message that reached a request: its correction goes to the partner
        (`relay.resident_correction`); None if the message belongs to no request."""
        ctx = self._context()
        async with self._transaction() as session:
            result = await relay.resident_correction(session, ctx, message, edit_date)
        return None if result is None else _relayed(ctx, result)

    async def converse(self, message: ResidentMessage, request_id: int | None = None) -> Relayed | None:
        """A plain message while a request waits for the resident: into its thread (`request_id`: the one
        the resident chose, whose conversation opens again if it went quiet meanwhile). None when no
        conversation is open (then the message is something else). AMBIGUOUS (her choices): several are
        open. With one open, every message goes on, questions too: she is talking with a person, who must
        not miss "Was kostet das?" while she is asked whether she meant the bot (explore5 F4)."""
        ctx, resident_id = self._context(), message.resident_id
        async with self._transaction() as session:
            if request_id is not None:
                await conversation.resume(session, resident_id, request_id)
            album = message.attachment.media_group if message.attachment else None
            chosen = await conversation.choose(session, ctx, resident_id, request_id, album)
            if chosen is None:
                return None
            if chosen.outcome is Outcome.AMBIGUOUS:
                return Relayed(Outcome.AMBIGUOUS, choices=await _conversations(session, ctx, resident_id))
            if chosen.request is None or not chosen.ok:
                return _relayed(ctx, chosen)
            result = await relay.resident_reply(session, ctx, message, chosen.request.id)
            if result.ok:
                conversation.touch(chosen.request)
        return _relayed(ctx, result)

    async def pass_on_unsent(self, message: ResidentMessage, request_id: int) -> Relayed | None:
        """Her line told "not passed on" to request `request_id` (she wrote on from it hours later), its ✍️
        tapped: into the thread as `converse` puts it, only in the order she wrote. OUTDATED (nothing passed
        on) once a later line of hers reached the thread: this one would now stand after it, and only
        sending it again keeps her order. Stateless: her words are not kept for it, the notice may be tapped
        any time later."""
        ctx = self._context()
        async with self._database.sessions() as session:
            request = await session.get(Request, request_id)
            if request is None or request.resident_id != message.resident_id:
                return _relayed(ctx, Result(Outcome.NOT_FOUND))
            if await store.later_line_in_thread(session, request, message.message_id):
                return _relayed(ctx, Result(Outcome.OUTDATED, request))
        return await self.converse(message, request_id)

    async def pass_thanks(self, message: ResidentMessage, request_id: int) -> Relayed:
        """Her thank-you about request `request_id`, which its partner closed: to the partner, the request
        staying closed (`relay.resident_thanks`)."""
        ctx = self._context()
        async with self._transaction() as session:
            return _relayed(ctx, await relay.resident_thanks(session, ctx, message, request_id))

    async def awaiting_answer(
        self, resident_id: int, match: tuple[str, str] | None = None
    ) -> ConversationChoice | None:
        """The request whose partner's message she may be answering after its conversation went quiet
        (`conversation.awaiting_answer`), its readers named in her language; None if there is none. With
        `match`, the search's confident entry for her text, only if that entry is what the request is about
        ("Meine Kinder sind 3 und 5" matches the childcare FAQ of the café she asked about): an answer
        about the request, not a new question."""
        ctx = self._context()
        async with self._database.sessions() as session:
            request = await conversation.awaiting_answer(session, ctx, resident_id)
            if request is None:
                return None
            if match is not None and not conversation.about(ctx.catalogue, request, match):
                return None  # a clear question about something else
            return ConversationChoice(request.id, request.number, readers(ctx, request))

    async def open_to_add(
        self, resident_id: int, lang: str, limit: int, *, since: datetime | None = None
    ) -> list[ConversationChoice]:
        """Her open requests (sent, not closed or withdrawn) that a question the bot could not answer may be
        added to, the most recent first, at most `limit` (only those sent `since`, if given): each with its
        partner named in `lang` (who gets it), and what it is about where two go to the same partner (to
        tell them apart)."""
        ctx = self._context()
        async with self._database.sessions() as session:
            requests = list(reversed(await store.list_open_requests(session, resident_id)))
            requests = [r for r in requests if since is None or r.routed_at >= since][:limit]
            names = [ctx.partner_name(r.partner_id, lang) for r in requests]
            return [
                ConversationChoice(
                    r.id,
                    r.number,
                    name,
                    await conversation.subject(session, ctx, r, lang) if names.count(name) > 1 else "",
                )
                for r, name in zip(requests, names, strict=True)
            ]

    async def add_to_request(self, message: ResidentMessage, request_id: int) -> Relayed:
        """Her message, kept under the bot's answer that could not answer it, added to her open request
        `request_id` with her tap: into its thread as a reply to the card, as "✏️ Add to …" and her
        conversation put it (`relay.resident_reply`: once, however often she taps), but the conversation
        does not open: she added this one message, her next question is the bot's again. CLOSED once the
        request was closed or withdrawn meanwhile, NOT_FOUND if it is not hers (gone with /delete)."""
        ctx = self._context()
        async with self._transaction() as session:
            return _relayed(ctx, await relay.resident_reply(session, ctx, message, request_id))

    async def files_draft(self, resident_id: int) -> intake.FilesDraft | None:
        """Her draft, if it holds files: its first file and all it holds (`intake.files_draft`)."""
        async with self._database.sessions() as session:
            return await intake.files_draft(session, self._context(), resident_id)

    async def drop_files_draft(self, resident_id: int, message_ids: Collection[int]) -> bool:
        """Her files (`message_ids`) added to a request she sent: the draft they began, which still asks who
        should get them, goes (`intake.drop_files_draft`); False if it stays."""
        return await self._write(intake.drop_files_draft, resident_id, message_ids)

    async def hand_over_asked(self, resident_id: int) -> Relayed | None:
        """Her open request whose partner's proposal to hand it over waits for her yes or no (the latest
        sent, if several), with what its question shows (`handover_to`, `handover_by`, `handover_shares`);
        None if none waits."""
        ctx = self._context()
        async with self._database.sessions() as session:
            asked = [r for r in await store.list_open_requests(session, resident_id) if r.handover_to]
            return _relayed(ctx, Result(Outcome.OK, asked[-1])) if asked else None

    async def request_choice(self, resident_id: int, request_id: int) -> ConversationChoice | None:
        """Her request `request_id` (open or not) as "is this your answer?" names it; None if not hers."""
        ctx = self._context()
        async with self._database.sessions() as session:
            request = await session.get(Request, request_id)
            if request is None or request.resident_id != resident_id:
                return None
            return ConversationChoice(request.id, request.number, readers(ctx, request))

    async def conversations(self, resident_id: int) -> Sequence[ConversationChoice]:
        """The requests whose conversation is open, most recent first."""
        async with self._database.sessions() as session:
            return await _conversations(session, self._context(), resident_id)

    async def conversation_to_end(self, resident_id: int) -> int | None:
        """The request whose conversation the End button's label, typed, ends: her latest open one, else one
        gone quiet whose partner's message waits for her answer (`conversation.awaiting_answer`: the label is
        not her answer to it). None if there is neither."""
        ctx = self._context()
        async with self._database.sessions() as session:
            if requests := await conversation.open_conversations(session, ctx, resident_id):
                return requests[0].id
            request = await conversation.awaiting_answer(session, ctx, resident_id)
            return request.id if request is not None else None

    async def reopen(self, resident_id: int, request_id: int) -> CardAction:
        """The resident reopens a request the partner closed recently (their message follows); its cards
        offer Close / Hand over again (an escalated request's copy at the Quartiersmanagement too: only its
        partner's own reopening ends the escalation). OK too when it is open again already (an earlier
        "Reopen", or its partner reopened it): it takes the message, and its cards show that already."""
        ctx = self._context()
        async with self._transaction() as session:
            acted = await _acting(session, ctx, request_id)
            result = await partners.reopen(session, ctx, request_id=request_id, resident_id=resident_id)
            request = result.request
            if result.outcome is Outcome.ALREADY and request is not None and not request.status.is_final:
                await conversation.open_for(session, request)
                return CardAction(Outcome.OK)
            if not result.ok or request is None:
                return CardAction(result.outcome)
            cards = await _with_html(session, await _copies(session, ctx, request, acted=acted))
        staff = request.taken_by if ctx.show_staff_names else None
        return CardAction(result.outcome, request.taken_by is not None, staff, cards)

    async def end_conversation(self, resident_id: int, request_id: int) -> Ending | None:
        """ "End": the resident's messages no longer go to the request, unless a message about it is on its
        way to her (`conversation.end`); None if no conversation was open."""
        ctx = self._context()
        async with self._transaction() as session:
            found = await conversation.end(session, resident_id, request_id)
            return Ending(readers(ctx, found[0]), found[1]) if found else None

    async def open_requests(self, resident_id: int, lang: str) -> list[OpenRequest]:
        """/requests: the resident's open requests, partners named in `lang`."""
        ctx = self._context()
        async with self._database.sessions() as session:
            requests = await store.list_open_requests(session, resident_id)
            catch_all = ctx.catalogue.catch_all_partner_id
            shown = await store.answered_status(session, requests)

            def escalated(r: Request) -> bool:
                return (
                    r.escalated_at is not None
                    and r.partner_id != catch_all
                    and r.contact is ContactPreference.CHAT
                )

            return [
                OpenRequest(
                    r.id,
                    r.number,
                    ctx.partner_name(r.partner_id, lang),
                    r.created_at,
                    r.status,
                    # Overdue at its partner, and the catch-all has it too (`reminders`); not for a call,
                    # which the partner may have made (the bot cannot know, and told her nothing either).
                    followed_up_by=ctx.partner_name(catch_all, lang)
                    if r.overdue_at is not None and escalated(r)
                    else None,
                    # Escalated (nobody took it on in time, or her message with danger words had no
                    # answer): she was told that the catch-all has it too, and her messages reach both.
                    also_with=ctx.partner_name(catch_all, lang)
                    if escalated(r) and r.passed_on_by is None
                    else None,
                    status_shown=shown.get(r.id),
                )
                for r in requests
            ]

    async def withdraw(self, resident_id: int, request_id: int) -> CardAction | None:
        """The resident withdrew a request: its cards in partner groups, whose buttons have nothing left to
        do, those that may act with their HTML as sent (they say it is withdrawn, as a closed card says it is
        closed); None if there was nothing to withdraw."""
        ctx = self._context()
        async with self._transaction() as session:
            result = await intake.withdraw(session, ctx, resident_id=resident_id, request_id=request_id)
            request = result.request
            if not result.ok or request is None:
                return None
            cards = await _with_html(session, await _copies(session, ctx, request))
        staff = request.taken_by if ctx.show_staff_names else None
        return CardAction(result.outcome, request.taken_by is not None, staff, cards)

    async def open_request_number(self, resident_id: int, request_id: int) -> str | None:
        """The number of the resident's request `request_id` while it is open, else None."""
        async with self._database.sessions() as session:
            request = await intake.open_request_of(session, resident_id, request_id)
            return request.number if request else None

    async def link_prompt(self, resident_id: int, message_id: int, request_id: int) -> None:
        """The bot's message `message_id` asks for an addition to `request_id`: a reply to it goes there,
        and so do the resident's next plain messages (the conversation opens)."""
        async with self._transaction() as session:
            await store.add_thread_link(session, resident_id, message_id, request_id, LinkRole.BOT)
            request = await intake.open_request_of(session, resident_id, request_id)
            if request is not None:
                await conversation.open_for(session, request)

    # --- partners --------------------------------------------------------------------------------------

    async def act(
        self,
        action: str,
        request_id: int,
        *,
        chat_id: int,
        staff_name: str,
        to_partner: str = "",
        card_message_id: int | None = None,
    ) -> CardAction:
        """A button on a request card (message `card_message_id`): "take", "reopen", "close", or "ho" (hand
        over to `to_partner`)."""
        ctx = self._context()
        act = {"take": partners.take_on, "reopen": partners.reopen, "close": partners.close}.get(action)
        async with self._transaction() as session:
            acted = await _acting(session, ctx, request_id)
            if act is not None:
                result = await act(
                    session,
                    ctx,
                    request_id=request_id,
                    chat_id=chat_id,
                    staff_name=staff_name,
                    card_message_id=card_message_id,
                )
            else:
                # Nothing reaches the new partner before the resident agrees (`answer_hand_over`).
                result = await partners.propose_hand_over(
                    session,
                    ctx,
                    request_id=request_id,
                    to_partner=to_partner,
                    chat_id=chat_id,
                    card_message_id=card_message_id,
                )
            request = result.request
            cards = []
            pressed = (chat_id, card_message_id) if card_message_id is not None else None
            if result.ok and request is not None:
                # A group stops acting on the request only when its partner reopens it: the escalation ends.
                # Each card that may act says what became of the request (below the card as sent); after a
                # hand-over's proposal, that it waits for the resident.
                cards = await _with_html(session, await _copies(session, ctx, request, pressed, acted=acted))
            taken_by = request.taken_by if request is not None else None
            pending = _pending(ctx, request)
        staff = taken_by if ctx.show_staff_names else None
        closed_by = staff_name if action == "close" and result.ok and ctx.show_staff_names else None
        return CardAction(result.outcome, taken_by is not None, staff, cards, closed_by, pending)

    async def answer_hand_over(
        self, resident_id: int, request_id: int, agreed: bool, proposal: str = ""
    ) -> tuple[str, CardAction]:
        """The resident's yes or no to a proposed hand-over: the (current) partner's name, and the outcome
        with the cards to rewrite: after a yes those in groups that may no longer act on the request (the
        old partner's), whose buttons could only fail, and those that acted before and still do (their
        "hand-over waits" line goes); after a no those that may, which no longer wait for her."""
        ctx = self._context()
        async with self._transaction() as session:
            acted = await _acting(session, ctx, request_id)
            before = await session.get(Request, request_id)
            taken_by = before.taken_by if before is not None else None
            result = await partners.answer_hand_over(
                session, ctx, resident_id=resident_id, request_id=request_id, agreed=agreed, proposal=proposal
            )
            request = result.request
            if request is None:
                return "", CardAction(result.outcome)
            copies = await _copies(session, ctx, request, acted=acted, left="handed_over")
            if not agreed and result.ok:
                copies = await _with_html(session, [copy for copy in copies if copy.acts])
            elif result.ok:
                # A group that gets a new card of the request now (the catch-all, when the request went to
                # itself or to a partner it answers for) acts on that one: its old card says where the
                # request went and sends staff to the new card, without buttons (explore xr4 F4: two live
                # cards, the old one's "Take on" told her the Quartiersmanagement took on the request she
                # had just agreed to give to the Jobcenter). Cards that stopped acting keep who took it on.
                reposted = await store.cards_on_the_way(session, request.id)
                staff = taken_by if ctx.show_staff_names else None
                retired = [
                    replace(
                        copy,
                        acts=False,
                        html=await store.sent_card_html(session, copy.chat_id, copy.message_id),
                        left="reposted",
                        now_with=ctx.partner_name(request.partner_id),
                    )
                    for copy in copies
                    # Only a group that acted until now: a card whose group had stopped acting before (the
                    # partner it comes back to) keeps saying where it went then.
                    if copy.acts and copy.chat_id in reposted and copy.chat_id in acted
                ]
                # A card that showed the hand-over waiting and still acts loses that line too.
                copies = [
                    replace(copy, was_taken=taken_by is not None, was_staff=staff)
                    if copy.chat_id in acted
                    else copy
                    for copy in [*(copy for copy in copies if not copy.acts), *retired]
                ] + await _with_html(
                    session,
                    [
                        copy
                        for copy in copies
                        if copy.acts and copy.chat_id in acted and copy.chat_id not in reposted
                    ],
                )
            else:
                copies = [copy for copy in copies if not copy.acts]
        staff = request.taken_by if ctx.show_staff_names else None
        acted_on = CardAction(result.outcome, request.taken_by is not None, staff, copies)
        return ctx.partner_name(request.partner_id, request.language), acted_on

    async def handover_choices(
        self, request_id: int, *, chat_id: int, card_message_id: int | None = None
    ) -> Sequence[tuple[str, str]] | Outcome:
        """(partner id, name) the request can be handed over to, asked under card `card_message_id` in
        partner chat `chat_id`; else why not (deleted, not found, another partner's chat, closed)."""
        async with self._database.sessions() as session:
            return await partners.handover_choices(
                session, self._context(), request_id, chat_id, card_message_id
            )

    async def partner_reply(self, message: GroupMessage) -> Outcome:
        """A message in a partner group replying to a request's thread (see `relay.partner_reply`)."""
        return (await self._write(relay.partner_reply, message)).outcome

    async def stray_choices(self, chat_id: int, limit: int) -> list[tuple[int, str, str]]:
        """The open requests partner chat `chat_id` may answer (see `relay.stray_choices`)."""
        async with self._database.sessions() as session:
            return await relay.stray_choices(session, self._context(), chat_id, limit)

    async def pass_on_stray(self, message: GroupMessage) -> tuple[Outcome, str, str, str]:
        """A message written without "Reply" that staff chose request `message.request_id` for: relayed as a
        reply to its card would be (`relay.partner_reply`). The outcome, and the number, the resident's
        first name and the subject of the request it went to (the group sees whom it reached)."""
        result = await self._write(relay.partner_reply, message)
        if result.request is None:
            return result.outcome, "", "", ""
        async with self._database.sessions() as session:
            name, subject = await relay.passed_to(session, self._context(), result.request)
        return result.outcome, result.request.number, name, subject

    async def email_reply(self, number: str, sender: str, text: str, message_id: str) -> Outcome:
        """A partner's e-mail reply to request `number` (already authenticated by its signed address)."""
        result = await self._write(
            relay.email_reply, number=number, from_address=sender, text=text, mail_message_id=message_id
        )
        return result.outcome

    async def tell_staff(self, notices: Sequence[str]) -> None:
        """Notes for the staff (`notify.notify_admin`: the staff chat, else the catch-all's group or e-mail),
        e.g. about the content the bot started with."""

        async def write(session: AsyncSession, ctx: TicketContext) -> None:
            for html in notices:
                await notify_admin(session, ctx, html)

        if notices:
            await self._write(write)

    async def follow_content(self) -> int:
        """What new content asks of the open requests (`partners.follow_content`): run at every start and
        after every /reload that took content live; how many requests it moved. The reminder job's next
        round runs it once more: a resident's "Send" written with the old content may commit just after
        this scan. A failure is logged, and the job's round tries again until it succeeds (nothing is
        lost: the content is live already)."""
        self._went_live += 1
        return await self._follow() or 0

    async def _follow(self) -> int | None:
        try:
            async with self._database.sessions() as session:
                if not await store.any_open_request(session):
                    return 0  # read only: a start or reload takes no write lock for nothing
            return await self._write(partners.follow_content)
        except Exception:
            logger.exception("open requests not yet updated to the live content; the reminder job retries")
            return None

    async def remind_and_escalate(self, now: datetime) -> int:
        """Due reminders in partner groups and escalations to the catch-all; how many steps were taken.
        (First `follow_content` once more, if content went live since the last round: counted before the
        scan, so content going live during it is followed at the next round.)"""
        went_live = self._went_live
        if self._followed < went_live and await self._follow() is not None:
            self._followed = went_live
        return await self._write(reminders.remind_and_escalate, now)
