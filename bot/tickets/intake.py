"""Intake: a resident writes a request (the dialogue, kept in the database), sends it, lists and withdraws
their open requests. Each function works in the caller's transaction; `bot.tickets.desk` owns them.

Longer than most modules on purpose: the draft's whole life in the database (start, each input through
`bot.tickets.dialogue`, park, "Send" creating the request with its card and acknowledgement) is one
protocol over one table; split, each part would need the others' loading and saving.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import localized
from bot.i18n import Translator
from bot.render import requests as render
from bot.storage import requests as store
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.requests import (
    ContactPreference,
    Dialogue,
    DialogueStep,
    Direction,
    LinkRole,
    Request,
    RequestStatus,
)
from bot.tickets import conversation
from bot.tickets import dialogue as machine
from bot.tickets.deps import Outcome, Result, TicketContext, intake_questions
from bot.tickets.dialogue import GONE, Draft, Effect, Input
from bot.tickets.notify import enqueue_card, note_in_thread, tell_resident
from bot.tickets.relay import thread_message
from bot.tickets.routing import (
    copied_at_once,
    no_chat_answer,
    partner_destination,
    promised_hours,
    routable_partner,
    serving_partner,
)

if TYPE_CHECKING:
    from bot.content.catalogue import Catalogue

logger = logging.getLogger(__name__)


# Requests one resident may have open at once: enough for real needs, too few to flood the partners.
MAX_OPEN_REQUESTS = 5


@dataclass(frozen=True)
class DialogueReply:
    """What an input to the dialogue led to (with `problem` when a file was not added or "refused")."""

    effect: Effect
    view: render.DraftView | None = None
    problem: str | None = None  # why a file was not added (`InputProblem`)
    left_out: int = 0  # "too_many" (and QUIET): how many files of her album (or this one file) were left out
    number: str | None = None  # SENT: the request's number
    acknowledgement: str | None = None  # SENT: what she is told (`render.acknowledgement`)
    question: str | None = None  # QUESTION: the text the resident meant as a new question
    over: tuple[str, str] | None = None  # OVER: ("offer" or "event", its id)
    # OVER for one the content no longer has: its title as she saw it (every language), its partner.
    title: Mapping[str, str] | None = None
    partner_id: str | None = None


# --- the draft in the database ----------


def _questions(
    ctx: TicketContext, topic_id: str | None, offer_id: str | None = None, event_id: str | None = None
) -> tuple[str, ...]:
    return tuple(q.id for q in intake_questions(ctx.catalogue, offer_id, event_id, topic_id))


def _can_sign_up(catalogue: Catalogue, offer_id: str | None, event_id: str | None) -> bool:
    """Whether the offer or event takes sign-ups through the bot: then "Done" without a word signs up. On a
    walk-in offer she asks a person, and a question needs words."""
    entry = catalogue.events.get(event_id or "") or catalogue.offers.get(offer_id or "")
    return entry is not None and entry.takes_sign_ups


def signup_words(catalogue: Catalogue, draft: Draft, t: Translator) -> str:
    """What a sign-up without a word of hers says, in the language of `t`: the offer's or event's own
    words (its `signup_label`, the button she tapped: "Ich möchte Hilfe bestellen"), else that she would
    like to sign up."""
    entry = catalogue.events.get(draft.event_id or "") or catalogue.offers.get(draft.offer_id or "")
    if entry is not None and entry.signup_label:
        return localized(entry.signup_label, t.lang)
    if draft.event_id:
        return t.gettext("I would like to sign up for this event.")
    return t.gettext("I would like to sign up for this offer.")


def _save(row: Dialogue, draft: Draft) -> None:
    data = draft.to_json()
    if row.step != draft.step.value or row.data != data:
        # JSON columns do not notice in-place changes: a new dict is assigned.
        row.step, row.data, row.updated_at = draft.step.value, data, utcnow()


async def load(session: AsyncSession, ctx: TicketContext, resident_id: int) -> tuple[Dialogue, Draft] | None:
    """The resident's running dialogue. One untouched for longer than `ctx.draft_lifetime` is deleted here
    (the purge job deletes those nobody comes back to): nothing of it was sent."""
    row = await store.get_dialogue(session, resident_id)
    if row is None:
        return None
    if row.updated_at < utcnow() - ctx.draft_lifetime:
        await store.delete_dialogue(session, row)
        return None
    data = row.data
    offer_id, event_id = data.get("offer_id"), data.get("event_id")
    questions = _questions(ctx, data.get("topic_id"), offer_id, event_id)
    signs_up = _can_sign_up(ctx.catalogue, offer_id, event_id)
    return row, Draft.from_json(row.id, row.step, data, questions, can_sign_up=signs_up)


@dataclass(frozen=True, slots=True)
class FilesDraft:
    """Her draft that holds files, as “✍️ Add this to my request” under its question "who should get this?"
    sees it: `first`, her first file (each ✍️ of the draft names it), and `messages`, the message ids of all
    it holds: her files and the words she typed into it (`routing`: it still asks who should get them)."""

    first: int
    messages: tuple[int, ...]
    routing: bool


def _files_draft(draft: Draft) -> FilesDraft | None:
    if not draft.attachments:
        return None
    files = tuple(attachment.message_id for attachment in draft.attachments)
    typed = tuple(
        int(key[2:])
        for key, went, _ in draft.written
        if went == "text" and key[:2] == "m:" and key[2:].isdigit()
    )
    routing = draft.step is DialogueStep.ROUTE and draft.pending is None
    return FilesDraft(files[0], tuple(sorted({*files, *typed})), routing)


async def files_draft(session: AsyncSession, ctx: TicketContext, resident_id: int) -> FilesDraft | None:
    """Her draft, if it holds files (`FilesDraft`); None if she has none, or one without files."""
    loaded = await load(session, ctx, resident_id)
    return _files_draft(loaded[1]) if loaded is not None else None


async def drop_files_draft(
    session: AsyncSession, ctx: TicketContext, resident_id: int, message_ids: Collection[int]
) -> bool:
    """Her draft begun by files (`start_media`), still asking who should get them and holding only
    `message_ids` (her files, the words she typed into it): deleted, as they went to a request she sent
    ("✍️ Add this to my request" under its question). False (the draft stays) if there is none, or it holds
    more or went on."""
    loaded = await load(session, ctx, resident_id)
    drafted = _files_draft(loaded[1]) if loaded is not None else None
    if (
        loaded is None
        or drafted is None
        or not drafted.routing
        or not set(drafted.messages) <= set(message_ids)
    ):
        return False
    await store.delete_dialogue(session, loaded[0])
    return True


# "Ask a person" on the emergency screen: after 🆘, or after danger words (whose text starts the message).
EMERGENCY_ORIGINS = frozenset({"sos", "sos.q"})


def over(
    ctx: TicketContext, offer_id: str | None = None, event_id: str | None = None, **_: object
) -> DialogueReply | None:
    """OVER when the offer or event a request signs up for is over or not (yet) on (`Catalogue.is_current`,
    the menus' rule): no sign-up starts, and a draft started before its end is not sent after it. BEGUN
    when the event has begun and is still on (the run since 07:00, she taps "Sign me up" at 07:40 under a
    page shown earlier): a sign-up would reach the partner after the start, so none starts or is sent; she
    is told it is on now (and whether she can simply come)."""
    catalogue, now = ctx.catalogue, ctx.clock()
    # One the content no longer has is left out when a request starts (`start`) and refused at "Send"
    # (`submit`).
    if event_id and event_id in catalogue.events:
        if not catalogue.is_current("event", event_id, now):
            return DialogueReply(Effect.OVER, over=("event", event_id))
        event = catalogue.events[event_id]
        # A walk-in event's "Ask a person" is a request about it too (its page): asking stays open.
        if event.takes_sign_ups and event.starts <= now:
            return DialogueReply(Effect.BEGUN, over=("event", event_id))
    if offer_id and offer_id in catalogue.offers and not catalogue.is_current("offer", offer_id, now):
        return DialogueReply(Effect.OVER, over=("offer", offer_id))
    return None


def origin_of(catalogue: Catalogue, button: str, origin: str) -> dict[str, str | None] | None:
    """What a button starts a request about: "signup" an offer, "signup-e" an event (its partner and
    topic), "ask" with origin t.<topic>, p.<partner>, f.<faq> (its first partner, named for the subject:
    `serving_partner`), q or nothing (the catch-all; also sos and sos.q, see `EMERGENCY_ORIGINS`). None if
    the offer or event is gone."""
    if button == "signup":
        return {"offer_id": origin} if origin in catalogue.offers else None
    if button == "signup-e":
        event = catalogue.events.get(origin)
        if event is None:
            return None
        topic_id = event.topics[0] if event.topics else None
        return {"event_id": origin, "partner_id": event.partner, "topic_id": topic_id}
    kind, _, entry_id = origin.partition(".")
    if kind == "t" and entry_id in catalogue.topics:
        return {"topic_id": entry_id}
    if kind == "p" and entry_id in catalogue.partners:
        return {"partner_id": entry_id}
    faq = catalogue.faq.get(entry_id) if kind == "f" else None
    if faq is not None and faq.partners:
        return {"named_partner": faq.partners[0]}
    return {}


async def start(
    session: AsyncSession,
    ctx: TicketContext,
    resident_id: int,
    *,
    offer_id: str | None = None,
    topic_id: str | None = None,
    partner_id: str | None = None,
    event_id: str | None = None,
    named_partner: str | None = None,
    text: str | None = None,
    urgent: bool = False,
    keep: bool = False,
) -> DialogueReply:
    """Start (or restart) the dialogue; the partner is the one she chose (`partner_id`: its page, its
    event) or the offer's, else the one named for the subject (`named_partner`, else the topic's default
    partner) if it serves her district (`serving_partner`). A running dialogue is replaced; with `keep`
    only one she put nothing into: a draft holding her words, files or answers waits (parked) and the
    reply is UNFINISHED with its view, for her to continue or discard it (nothing she wrote is lost
    unasked). `text` starts the message (a question the search could not answer, so the resident need not
    type it again); `urgent`: from the emergency screen."""
    if keep and (loaded := await load(session, ctx, resident_id)) is not None and loaded[1].holds_input:
        row, draft = loaded
        parked = machine.advance(draft, machine.Park()).draft
        _save(row, parked)
        return DialogueReply(Effect.UNFINISHED, await draft_view(session, ctx, parked, resident_id))
    catalogue = ctx.catalogue
    offer = catalogue.offers.get(offer_id or "")
    if topic_id not in catalogue.topics and offer is not None and offer.topics:
        topic_id = offer.topics[0]
    topic = catalogue.topics.get(topic_id or "")
    # What the content no longer has is left out.
    offer_id = offer_id if offer else None
    topic_id = topic_id if topic else None
    event_id = event_id if event_id in catalogue.events else None
    entry = catalogue.events[event_id] if event_id else offer
    district = await _district(session, resident_id)
    if chosen := partner_id or (offer.partner if offer else None):
        partner = await routable_partner(session, ctx, chosen, district)
    else:
        named = named_partner or (topic.default_partner if topic else None)
        partner = await serving_partner(session, ctx, named, district)
    draft = machine.new_draft(
        secrets.token_urlsafe(9),
        partner,
        offer_id=offer_id,
        topic_id=topic_id,
        event_id=event_id,
        questions=_questions(ctx, topic_id, offer_id, event_id),
        can_sign_up=_can_sign_up(catalogue, offer_id, event_id),
        title=entry.title if entry else None,
    )
    draft = replace(draft, urgent=urgent)
    if text:
        draft = machine.add_text(draft, text)[0]
        draft = replace(draft, carried=draft.text)
    return await _begin(session, ctx, resident_id, draft)


async def ask_urgently(
    session: AsyncSession, ctx: TicketContext, resident_id: int, text: str | None = None
) -> DialogueReply:
    """“Ask a person” on the emergency screen (`EMERGENCY_ORIGINS`; `text`: the danger words it carries).
    A running draft goes on, marked urgent: danger words typed into it joined it already, and a new draft
    would replace her partner, text and answers unasked. So does a parked draft that holds the words: she
    typed them into it and only looked at an entry below the numbers since. Words it lacks (an edited
    message the draft never took is searched again, never taken as input) join it. Without such a draft
    (none, or a parked one she left before these words), a new request to the catch-all starts with the
    words, as `start` does."""
    loaded = await load(session, ctx, resident_id)
    if loaded is None or (loaded[1].parked and not (text and _holds(loaded[1], text))):
        return await start(session, ctx, resident_id, text=text, urgent=True)
    row, draft = loaded
    draft = replace(draft, urgent=True, parked=False)
    if text and not _holds(draft, text):
        draft = machine.add_text(draft, text)[0]
    _save(row, draft)
    return DialogueReply(Effect.SCREEN, await draft_view(session, ctx, draft, resident_id))


def _holds(draft: Draft, text: str) -> bool:
    """Whether `text` is in the draft already: in its message, or as an answer (stored as `_answer` keeps
    it)."""
    words = text.strip()
    return words in (draft.text or "") or words[: machine.MAX_ANSWER_CHARS] in draft.intake.values()


async def _begin(session: AsyncSession, ctx: TicketContext, resident_id: int, draft: Draft) -> DialogueReply:
    """Keep `draft` as the resident's dialogue; a running one is replaced."""
    old = await store.get_dialogue(session, resident_id)
    if old is not None:
        await store.delete_dialogue(session, old)
    session.add(Dialogue(id=draft.id, resident_id=resident_id, step=draft.step.value, data=draft.to_json()))
    await session.flush()
    return DialogueReply(Effect.SCREEN, await draft_view(session, ctx, draft, resident_id))


async def start_media(
    session: AsyncSession,
    ctx: TicketContext,
    resident_id: int,
    attachment: machine.Attachment,
    danger: bool = False,
) -> DialogueReply:
    """A photo, voice message or document outside a request starts a draft that asks who should get it
    (until then her district's office would). A file that cannot be passed on starts nothing. `danger`:
    danger words in its caption (`marks_urgent`) make the request urgent (`Draft.danger`)."""
    problem = machine.check_attachment(attachment)
    if problem is not None:
        return DialogueReply(Effect.REFUSED, problem=problem.value)
    partner_id = await serving_partner(session, ctx, None, await _district(session, resident_id))
    draft = replace(machine.new_media_draft(secrets.token_urlsafe(9), partner_id, attachment), danger=danger)
    return await _begin(session, ctx, resident_id, draft)


async def _district(session: AsyncSession, resident_id: int) -> str | None:
    resident = await session.get(Resident, resident_id)
    return resident.district if resident else None


async def _route(
    session: AsyncSession, ctx: TicketContext, resident_id: int, target: str
) -> machine.Route | None:
    """The resident's choice in ROUTE: a topic id, or "-" for her district's office (or the catch-all)."""
    district = await _district(session, resident_id)
    if target == "-":
        return machine.Route(await serving_partner(session, ctx, None, district))
    topic = ctx.catalogue.topics.get(target)
    if topic is None:
        return None
    partner_id = await serving_partner(session, ctx, topic.default_partner, district)
    return machine.Route(partner_id, target, _questions(ctx, target))


# --- one input ----------


async def advance(
    session: AsyncSession,
    ctx: TicketContext,
    resident_id: int,
    event: Input,
    *,
    dialogue_id: str | None = None,
    input_key: str | None = None,
    target: str | None = None,
    screen_id: int | None = None,
) -> DialogueReply:
    """Apply one input to the resident's dialogue (`dialogue_id`: the one the button belongs to;
    `target`: the topic chosen with "to"; `screen_id`: the message the button is under)."""
    if event == machine.Press("send") and dialogue_id is not None:
        return await submit(
            session, ctx, resident_id=resident_id, dialogue_id=dialogue_id, screen_id=screen_id
        )
    loaded = await load(session, ctx, resident_id)
    if loaded is None or (dialogue_id is not None and loaded[0].id != dialogue_id):
        return DialogueReply(Effect.GONE)
    row, draft = loaded
    if event == machine.Press("to"):
        route = await _route(session, ctx, resident_id, target or "")
        if route is None:
            return DialogueReply(Effect.STALE)
        event = route
    if isinstance(event, machine.Text) and event.match and _about(ctx.catalogue, draft, event.match):
        event = replace(event, match=None)
    transition = machine.advance(draft, event, input_key=input_key)
    if transition.effect is Effect.CANCEL:
        await store.delete_dialogue(session, row)
        return DialogueReply(Effect.CANCEL)
    _save(row, transition.draft)
    return DialogueReply(
        transition.effect,
        await draft_view(session, ctx, transition.draft, resident_id),
        transition.problem.value if transition.problem else None,
        question=transition.question,
        left_out=transition.left_out,
    )


def _about(catalogue: Catalogue, draft: Draft, match: tuple[str, str]) -> bool:
    """Whether the search's confident entry for a text typed in the dialogue is what the draft is about
    (`conversation.about`), its partner, or another of that partner's offers and events: her answer names
    them ("after school tuesdays" at the school's helper tandem matches the school, "shopping, phone help"
    the tandem's other offer). Such a text is her answer; only an entry elsewhere makes it a new question."""
    if conversation.about(catalogue, draft, match):
        return True
    kind, entry_id = match
    entry = catalogue.offers.get(draft.offer_id or "") or catalogue.events.get(draft.event_id or "")
    partners = {draft.partner_id} | ({entry.partner} if entry is not None and entry.partner else set())
    if kind == "partner":
        return entry_id in partners
    other = catalogue.offers.get(entry_id) if kind == "offer" else catalogue.events.get(entry_id)
    return kind in ("offer", "event") and other is not None and other.partner in partners


async def correct(
    session: AsyncSession,
    ctx: TicketContext,
    resident_id: int,
    input_key: str,
    text: str,
    *,
    danger: bool = False,
    caption_of: int | None = None,
) -> DialogueReply | None:
    """She edited her message `input_key` (to `text`): CORRECTED where the draft still holds it as she
    wrote it (`machine.correct`), UNCORRECTED where the draft took it but no longer holds it so; None when
    it was never an input of her draft (or she has none). `caption_of`: the message is her file with that
    id, `text` its new caption (`machine.correct_caption`). `danger`: the edited text has danger words,
    which make the request urgent once it holds them (`Draft.danger`)."""
    loaded = await load(session, ctx, resident_id)
    if loaded is None:
        return None
    row, draft = loaded
    if caption_of is not None:
        corrected, outcome = machine.correct_caption(draft, resident_id, caption_of, text, danger=danger)
    else:
        corrected, outcome = machine.correct(draft, input_key, text, danger=danger)
    if outcome is machine.Correction.UNKNOWN:
        return None
    _save(row, corrected)
    effect = Effect.CORRECTED if outcome is machine.Correction.CHANGED else Effect.UNCORRECTED
    return DialogueReply(effect, await draft_view(session, ctx, corrected, resident_id))


async def takes_language_name(session: AsyncSession, ctx: TicketContext, resident_id: int) -> bool:
    """Whether the resident's running draft waits for an answer that may be a language's name: an intake
    question that asks for a language (`asks_language` in the content)."""
    loaded = await load(session, ctx, resident_id)
    if loaded is None or loaded[1].parked or loaded[1].step is not DialogueStep.INTAKE:
        return False
    draft = loaded[1]
    asked = intake_questions(ctx.catalogue, draft.offer_id, draft.event_id, draft.topic_id)
    return any(q.id == draft.question and q.asks_language for q in asked)


async def park(session: AsyncSession, ctx: TicketContext, resident_id: int) -> Draft | None:
    """The resident navigated away: their running draft waits (parked) instead of taking the next text.
    The draft as parked; None if there is no draft to park."""
    loaded = await load(session, ctx, resident_id)
    if loaded is None or loaded[1].parked:
        return None
    row, draft = loaded
    parked = machine.advance(draft, machine.Park()).draft
    _save(row, parked)
    return parked


async def parked_draft(
    session: AsyncSession, ctx: TicketContext, resident_id: int
) -> render.DraftView | None:
    """The resident's parked draft, to offer "continue / discard" (None: none, or it is active)."""
    loaded = await load(session, ctx, resident_id)
    if loaded is None or not loaded[1].parked:
        return None
    return await draft_view(session, ctx, loaded[1], resident_id)


def message_text(
    catalogue: Catalogue, draft: Draft, t: Translator, *, for_partner: bool = False
) -> str | None:
    """The draft's message as the reader of `t` sees it: a sign-up says so in their language
    (`signup_words`), and so does a request from the emergency screen (on top, for the partner to see
    first), also one of files alone (a voice message from someone who cannot type): the mark needs no
    words of hers. One she typed danger words into (`Draft.danger`) tells the partner (`for_partner`), who
    may not read her language, that the bot found them: she sees her words as she wrote them."""
    text = draft.text.strip() if draft.text else ""
    if draft.title and not (draft.offer_id or draft.event_id):
        # A sign-up kept as a question once its offer or event was over (`_keep_as_question`): about what.
        about = t.gettext("About: {title}").format(title=localized(draft.title, t.lang))
        text = f"{about}\n{text}" if text else about
    if draft.signup:
        signup = signup_words(catalogue, draft, t)
        text = f"{signup}\n{text}" if text else signup
    if draft.urgent and not draft.is_empty:
        text = "⚠️ " + t.gettext("Sent from the emergency screen: please answer urgently.") + f"\n{text}"
    elif draft.danger and for_partner and not draft.is_empty:
        danger = t.gettext(
            "While writing this request the resident used words that point to danger (the bot showed them "
            "the emergency numbers): please answer urgently."
        )
        text = f"⚠️ {danger}\n{text}"
    return text or None


async def draft_view(
    session: AsyncSession, ctx: TicketContext, draft: Draft, resident_id: int
) -> render.DraftView:
    """The draft in its resident's language, for `bot.render.requests.dialogue_screen`."""
    resident = await session.get_one(Resident, resident_id)
    lang = resident.language
    catalogue = ctx.catalogue
    asked = intake_questions(catalogue, draft.offer_id, draft.event_id, draft.topic_id)
    questions = {q.id: localized(q.question, lang) for q in asked}
    offer = catalogue.offers.get(draft.offer_id or "")
    event = catalogue.events.get(draft.event_id or "")
    topic = catalogue.topics.get(draft.topic_id or "")
    district = catalogue.districts.get(resident.district or "")
    # One a reload removed keeps the title she saw (`Draft.title`): "Send" then tells her it is gone.
    offer_title = offer.title if offer else draft.title if draft.offer_id and not draft.event_id else None
    event_title = event.title if event else draft.title if draft.event_id else None
    # Named as "Send" routes it: a partner the content no longer has (or that takes no requests) is not
    # who gets it, the district's office or the Quartiersmanagement is.
    to = await routable_partner(session, ctx, draft.partner_id, resident.district) if draft.partner_id else ""
    # Who sees it at once besides: the same decision "Send" acts on (`routing.copied_at_once`).
    also = copied_at_once(ctx, to, draft.contact) if to else None
    return render.DraftView(
        dialogue_id=draft.id,
        step=draft.step,
        partner=ctx.partner_name(to, lang),
        question=questions.get(draft.question or ""),
        answer=draft.intake.get(draft.question or "") if draft.step is DialogueStep.INTAKE else None,
        offer=localized(offer_title, lang) if offer_title else None,
        event=localized(event_title, lang) if event_title else None,
        event_starts=event.starts if event else None,
        first_name=resident.first_name,
        language=lang,
        intake=[(questions[qid], draft.intake[qid]) for qid in questions if draft.intake.get(qid)],
        text=message_text(catalogue, draft, ctx.t(lang)),
        signup=signup_words(catalogue, draft, ctx.t(lang)) if draft.can_sign_up else None,
        attachments=len(draft.attachments),
        full=len(draft.attachments) >= machine.MAX_ATTACHMENTS,
        # Her carried question while the message is nothing else: shown to her, not acknowledged as new.
        carried=draft.carried
        if draft.carried and draft.text == draft.carried and not draft.attachments
        else None,
        phone=draft.phone if draft.contact is ContactPreference.PHONE else None,
        pending=draft.pending,
        calling=draft.waits_for_phone,
        parked=draft.parked,
        choices=_route_choices(catalogue, lang) if draft.step is DialogueStep.ROUTE else (),
        topic=localized(topic.title, lang) if topic else None,
        district=localized(district.name, lang) if district else None,
        no_chat_answer=bool(to) and no_chat_answer(ctx, to),
        also_sees=ctx.partner_name(also, lang) if also else None,
        urgent=draft.urgent or draft.danger,
    )


def _route_choices(catalogue: Catalogue, lang: str) -> list[tuple[str, str]]:
    """(topic id, label) for "who should get this?": every topic, in the content's order."""
    topics = sorted(catalogue.topics.items(), key=lambda item: item[1].order)
    return [
        (topic_id, f"{topic.icon or ''} {localized(topic.title, lang)}".strip()) for topic_id, topic in topics
    ]


# --- "Send" ----------


async def submit(
    session: AsyncSession,
    ctx: TicketContext,
    *,
    resident_id: int,
    dialogue_id: str,
    screen_id: int | None = None,
) -> DialogueReply:
    """The resident pressed "Send": create the request and enqueue its card; "sent" carries the
    acknowledgement, which the resident sees in place of the check screen (`_sent`): the message
    `screen_id`, whose replies therefore go to the request, as replies to the bot's other messages about it.

    Pressing "Send" again (or a retried update) is "sent" with the same number and acknowledgement, and
    creates nothing.
    "gone" when the dialogue is gone, "empty" without text or files, "too_many" when the resident has
    `MAX_OPEN_REQUESTS` open already (the draft stays for later), "over" when its offer or event is over
    meanwhile or a reload removed it, "begun" when its event has begun (`over`); then what she wrote waits
    as a question to the partner (`_keep_as_question`, its view in the reply).
    """
    existing = await store.get_request_by_dialogue(session, dialogue_id)
    if existing is not None and existing.resident_id == resident_id:
        return _sent(ctx, existing)
    loaded = await load(session, ctx, resident_id)
    if loaded is None or loaded[0].id != dialogue_id:
        return DialogueReply(Effect.GONE)
    row, draft = loaded
    if (removed := _removed(ctx.catalogue, draft)) is not None:
        # A reload took it out of the content while she wrote: a sign-up naming no offer would leave the
        # partner guessing which. She is told it is not listed (by the title she saw) and may ask a person:
        # with what she wrote, kept as a question (`_keep_as_question`).
        kept = await _keep_as_question(session, ctx, row, draft, resident_id)
        return DialogueReply(Effect.OVER, kept, over=removed, title=draft.title, partner_id=draft.partner_id)
    if (ended := over(ctx, draft.offer_id, draft.event_id)) is not None:
        # Nothing can be signed up for any more: she is told the offer or event is over (or has begun), and
        # what she wrote waits as a question to its partner.
        return replace(ended, view=await _keep_as_question(session, ctx, row, draft, resident_id))
    if draft.is_empty:
        return DialogueReply(Effect.EMPTY)
    if len(await store.list_open_requests(session, resident_id)) >= MAX_OPEN_REQUESTS:
        return DialogueReply(Effect.TOO_MANY)
    resident = await session.get_one(Resident, resident_id)
    partner_id = await routable_partner(session, ctx, draft.partner_id, resident.district)
    now = utcnow()
    try:
        async with session.begin_nested():
            request = Request(
                number=await store.new_request_number(session),
                resident_id=resident_id,
                partner_id=partner_id,
                offer_id=draft.offer_id,
                event_id=draft.event_id,
                topic_id=draft.topic_id,
                district=resident.district,
                language=resident.language,
                # Her own words only: the text sent also has the bot's lines in the partner language.
                written_in=ctx.written_in(draft.text, resident.language) if draft.text else None,
                status=RequestStatus.OPEN,
                urgent=draft.urgent or draft.danger,
                contact=draft.contact,
                phone=draft.phone if draft.contact is ContactPreference.PHONE else None,
                intake=dict(draft.intake),
                first_name=resident.first_name or "",
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
        return _sent(ctx, existing)
    # Same timestamp as the request: these messages make up the card (flushed together: one INSERT).
    messages = [
        thread_message(request, Direction.TO_PARTNER, text=None, attachment=attachment, created_at=now)
        for attachment in draft.attachments
    ]
    if text := message_text(ctx.catalogue, draft, ctx.partner_t(), for_partner=True):
        messages.insert(
            0, thread_message(request, Direction.TO_PARTNER, text=text, attachment=None, created_at=now)
        )
    if (draft.danger or draft.urgent) and messages:
        # Her danger words are in the card, or she wrote it from the emergency screen: unanswered once
        # someone took it on, it is reminded of (`store.unanswered_danger`) as a later message of hers with
        # such words would be.
        messages[0].danger = True
    session.add_all(messages)
    await store.delete_dialogue(session, row)
    for key, where, _text in draft.written:
        # Her messages that wrote it belong to the request now: an edit of one reaches the partner as a
        # correction (`relay.resident_correction`), a reply to one goes into its thread. Not one whose text
        # the request no longer holds (deleted, replaced: GONE) or that she kept out of it (a new question).
        if where in (GONE, "pending"):
            continue
        if key.startswith("m:") and key[2:].isdecimal():
            await store.add_thread_link(session, resident_id, int(key[2:]), request.id, LinkRole.RESIDENT)
    for attachment in draft.attachments:
        # Her files too: a caption she edits now reaches the partner as her correction, as a text's edit.
        if attachment.chat_id == resident_id:
            await store.add_thread_link(
                session, resident_id, attachment.message_id, request.id, LinkRole.RESIDENT
            )

    dest = await partner_destination(session, ctx, partner_id)
    assert dest is not None  # routable_partner checked it
    await enqueue_card(session, ctx, request, partner_id, dest, key=f"req:{request.id}:to:{partner_id}:0")
    if screen_id is not None:
        await store.add_thread_link(session, resident_id, screen_id, request.id, LinkRole.BOT)
    logger.info("request %s created for partner %s via %s", request.id, partner_id, dest.channel.value)
    return _sent(ctx, request)


async def _keep_as_question(
    session: AsyncSession, ctx: TicketContext, row: Dialogue, draft: Draft, resident_id: int
) -> render.DraftView | None:
    """ "Send" of a draft about an offer or event that is over, has begun or was removed: nothing she wrote
    is lost. Her text, files and answers wait (parked, at the step she was on) as a question to the same
    partner about no offer or event, its message saying what it is about (`Draft.title`, in each reader's
    language: `message_text`) and holding her answers (their questions in her language, as she read them,
    and in German for the partner; those of an offer the content no longer has are gone, the answer
    stays); the screen's "Continue as a question" (in place of "Ask a person", which starts afresh:
    `render.kept_as_question`) shows her its check screen. The view of that draft; None, and the draft
    deleted, when it held nothing of hers (a sign-up without a word)."""
    lang = (await session.get_one(Resident, resident_id)).language
    asked = {}
    for q in intake_questions(ctx.catalogue, draft.offer_id, draft.event_id, draft.topic_id):
        # As she read it, and for the partner, who reads German, in German too.
        hers, german = localized(q.question, lang), localized(q.question, "de")
        asked[q.id] = hers if hers == german else f"{hers} / {german}"
    answers = [f"{asked[qid]} {answer}" if qid in asked else answer for qid, answer in draft.intake.items()]
    body = draft.text.strip() if draft.text else ""
    text = "\n".join([*answers, *([body] if body else [])])
    # Her message now follows her answers: an edit of one of its messages still finds its place.
    moved = len(text) - len(body) - (len(draft.text or "") - len((draft.text or "").lstrip()))
    if not text and not draft.attachments:
        await store.delete_dialogue(session, row)
        return None
    entry = ctx.catalogue.events.get(draft.event_id or "") or ctx.catalogue.offers.get(draft.offer_id or "")
    # A new id: "Send" of the refused draft (tapped twice, or its update handled again) finds it gone and
    # cannot send the question she has not checked yet.
    question = machine.settle(
        replace(
            draft,
            id=secrets.token_urlsafe(9),
            offer_id=None,
            event_id=None,
            topic_id=None,
            questions=(),
            intake={},
            intake_index=0,
            text=text[: machine.MAX_TEXT_CHARS] or None,
            starts=machine.moved_starts(draft, moved),
            signup=False,
            can_sign_up=False,
            parked=True,
            pending=None,
            calling=False,
            title=draft.title or ({str(k): v for k, v in entry.title.items()} if entry else None),
        )
    )
    return (await _begin(session, ctx, resident_id, question)).view


def _removed(catalogue: Catalogue, draft: Draft) -> tuple[str, str] | None:
    """("offer" or "event", its id) when the draft is about one the content no longer has."""
    if draft.event_id and draft.event_id not in catalogue.events:
        return "event", draft.event_id
    if draft.offer_id and draft.offer_id not in catalogue.offers:
        return "offer", draft.offer_id
    return None


def _sent(ctx: TicketContext, request: Request) -> DialogueReply:
    """SENT with the acknowledgement the resident sees in place of the check screen: the one message that
    tells her the request went out (none follows through the outbox). It needs no outbox row to be sure
    to arrive: "Send" stays on her screen until this replaces it, the update is handled again after a
    crash (`bot.inbox`), and so is a "Send" she taps again; each finds the request and says the same."""
    by_phone = request.contact is ContactPreference.PHONE
    via = copied_at_once(ctx, request.partner_id, request.contact)
    acknowledgement = render.acknowledgement(
        ctx.t(request.language),
        request.number,
        ctx.partner_name(request.partner_id, request.language),
        promised_hours(ctx, request),
        by_phone=by_phone,
        urgent=request.urgent,
        via=ctx.partner_name(via, request.language) if via else None,
        no_chat_answer=no_chat_answer(ctx, request.partner_id),
    )
    return DialogueReply(Effect.SENT, number=request.number, acknowledgement=acknowledgement)


# --- the resident's open requests ----------


async def open_request_of(session: AsyncSession, resident_id: int, request_id: int) -> Request | None:
    """The resident's request `request_id` if it is theirs and still open, else None."""
    request = await session.get(Request, request_id)
    if request is None or request.resident_id != resident_id or request.status.is_final:
        return None
    return request


async def withdraw(session: AsyncSession, ctx: TicketContext, *, resident_id: int, request_id: int) -> Result:
    """The resident withdrew a request: the partner thread gets a note, the resident a confirmation."""
    request = await session.get(Request, request_id)
    if request is None or request.resident_id != resident_id:
        return Result(Outcome.NOT_FOUND)
    if request.status.is_final:
        return Result(Outcome.ALREADY, request)
    if not await store.transition(
        session, request, store.OPEN_STATUSES, status=RequestStatus.CANCELLED, updated_at=utcnow()
    ):
        return Result(Outcome.ALREADY, request)
    await note_in_thread(session, ctx, request, "withdrawn")
    await tell_resident(session, ctx, request, "withdrawn", dedupe_key=f"req:{request.id}:cancelled")
    return Result(Outcome.OK, request)
