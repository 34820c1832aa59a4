"""The resident's messages about requests she has sent: a message while a partner talks with her
(`conversation_input`; several requests open: "which request?"), a reply to one of a request's messages
(`resident_followup`), her message under "is this your answer?" when she writes on (`write_on`), an edited
text or caption (`correction`: in her draft, or to the partner as her correction), “✍️ Add this to my
request” under the bot's answer (`offer_to_add`, `add_to_request`), /requests and its buttons (add,
withdraw), ⏹ End, reopening a closed request (tapped or typed), and her yes or no to a partner's proposal to
hand her request over (`handover_answer`).

Each handler turns the update into one call of the request desk (`context.services.requests`, which owns
the transaction and decides) and its answer into a screen of `bot.render.requests`; the cards in partner
groups that change with it (withdrawn, reopened, handed over) are rewritten by
`bot.handlers.partner_group.rewrite_card`.

Longer than most modules on purpose: every message and button of hers about a request she has sent
arrives here, and so do her answers to the questions the bot asks about them (which request? your answer?
reopen?); each handler is a few lines and decides nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ParseMode

from bot.delivery.outbox import markup
from bot.handlers.common import answer_query, attachment_of, edit_buttons, show
from bot.handlers.context import MAX_PROMPTS, MAX_REOPEN_OFFERS, RECENT_QUESTIONS, Context
from bot.handlers.navigation import pressed_request, show_with_parked_draft, stale_button
from bot.handlers.partner_group import delete_prompt, rewrite_card
from bot.handlers.typed_labels import named_button, typed_button
from bot.i18n import Translator
from bot.render import requests as render
from bot.render import screens
from bot.render.callback import decode
from bot.render.keyboards import Keyboard, Screen
from bot.residents import ADD, ANSWER, REOPEN, WHICH, Waiting
from bot.search.smalltalk import reopen_answer, small_talk
from bot.search.urgency import urgent_words
from bot.tickets.deps import Outcome
from bot.tickets.desk import Relayed
from bot.tickets.dialogue import Attachment, Effect
from bot.tickets.relay import ResidentMessage

# A confident answer to her message offers to add it to a request she sent this recently (while it is open):
# she is most likely waiting for its answer then ("Ich habe noch keine Antwort bekommen" finds the FAQ on
# waiting, "Geht auch Dienstag?" a wrong one); later, the answer's screen stays as short as it was.
ADD_UNDER_AN_ANSWER = timedelta(days=7)


def resident_message(user: User, message: Message, *, danger: bool = False) -> ResidentMessage:
    """The resident's message (about a sent request) as the request desk takes it (`danger`: the search
    found danger words in it)."""
    return ResidentMessage(
        user.id, message.message_id, message.text or message.caption, attachment_of(message), danger
    )


async def keep_asked(
    context: Context,
    user: User,
    message: Message,
    prompt: Message,
    waits_for: str,
    request_id: int | None,
    offered: tuple[int, ...] = (),
) -> None:
    """Her `message`, which the bot's question `prompt` replies to, waits for her tap in the database (a
    restart loses it not): `waits_for` `WHICH` (the requests it `offered`), `ANSWER` or `REOPEN`
    (`request_id`)."""
    attachment = attachment_of(message)
    kept = Waiting(
        message.message_id,
        message.text or message.caption,
        attachment.to_json() if attachment is not None else None,
        prompt.message_id,
        request_id,
        offered=offered,
    )
    limit = MAX_REOPEN_OFFERS if waits_for == REOPEN else MAX_PROMPTS
    await context.services.residents.keep(user.id, waits_for, kept, limit=limit)


def asked_prompt(context: Context, user: User, kept: Waiting) -> Message:
    """The bot's question about a message of hers kept in the database, replying to it, as
    `pass_on_replied` takes a tapped one (only their ids and her words are known: also after a restart)."""
    chat = Chat(user.id, Chat.PRIVATE)
    date = kept.created_at or datetime.now(UTC)
    text = None if kept.attachment else kept.text
    original = Message(kept.message_id, date, chat, from_user=user, text=text)
    prompt = Message(kept.prompt_id or 0, date, chat, reply_to_message=original)
    for message in (original, prompt):
        message.set_bot(context.bot)
    return prompt


async def settled(context: Context, user_id: int, prompt: MaybeInaccessibleMessage | None) -> None:
    """She answered the bot's question `prompt` about her message otherwise (a new question, the menu):
    the message waits no longer (nothing is asked of the database for a screen that replies to nothing)."""
    if isinstance(prompt, Message) and prompt.reply_to_message is not None:
        await context.services.residents.settled(user_id, prompt.message_id)


async def correction(update: Update, context: Context, *, danger: bool = False) -> bool:
    """She edited a text of hers, or a file's caption: in her draft it is corrected where the draft still
    holds it (else she is told how to correct it), and one that reached a request goes to its partner as
    her correction (`danger`: the search found danger words in it, which make the request urgent). False if
    the message went into neither (then a text is a question again)."""
    message = update.edited_message
    user = update.effective_user
    if message is None or user is None:
        return False
    file = message.text is None and attachment_of(message) is not None
    text = message.caption if file else message.text
    if text is None and not file:
        return False
    # A message of hers waiting for her tap goes on as she corrected it.
    await context.services.residents.corrected(user.id, message.message_id, text)
    desk, t = context.services.requests, context.t
    if context.user_data is not None and context.user_data.has_draft:
        caption_of = message.message_id if file else None
        reply = await desk.correct_draft(
            user.id, f"m:{message.message_id}", text or "", danger=danger, caption_of=caption_of
        )
        if reply is not None and reply.view is not None:
            changed = reply.effect is Effect.CORRECTED
            await show(update, context, *render.draft_corrected(t, reply.view, changed=changed))
            return True
    if not text:
        return file  # a caption taken away: no words to pass on
    edit_date = int(message.edit_date.timestamp()) if message.edit_date else None
    relayed = await desk.correct_sent(resident_message(user, message, danger=danger), edit_date)
    if relayed is None:
        return False
    if relayed.outcome is Outcome.OK and relayed.request_id is not None:
        conversing = context.user_data is not None and context.user_data.conversing
        text, keyboard = render.correction_passed_on(
            t, relayed.partner, relayed.request_id, conversation=conversing, urgent=relayed.urgent_now
        )
        await message.reply_text(text, reply_markup=markup(keyboard))
    elif (answer := render.reply_outcome(t, relayed.outcome.value, relayed.partner, None)) is not None:
        await message.reply_text(answer)
    return True


async def resident_followup(update: Update, context: Context, *, danger: bool = False) -> bool:
    """A reply to one of the bot's request messages goes into that request's thread (`danger`: the search
    found danger words in it)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return False
    relayed = await context.services.requests.follow_up(
        resident_message(user, message, danger=danger), message.reply_to_message.message_id
    )
    if relayed is None:
        return False
    await reply_relayed(message, context, relayed, conversation=False)
    return True


async def conversation_input(update: Update, context: Context, *, danger: bool = False) -> bool:
    """A plain message while a request waits for the resident goes to its thread (several: ask which;
    `danger`: the search found danger words in it, which the tapped answer finds again).
    Not the menu button's label typed ("Menü"): she asks for the menu she knows, which says where her next
    messages go; nor the End button's label ("Beenden"): it ends the conversation, as the tap does."""
    message = update.effective_message
    user = update.effective_user
    conversing = context.user_data is not None and context.user_data.conversing
    if message is None or user is None or not conversing:
        return False
    if message.text and named_button(context.services.i18n, context.lang, message.text) == "menu":
        return False
    if message.text and typed_button(context.services.i18n, context.lang, message.text, _end_label):
        # Only the End button's label ("Beenden", "bitir"): what the tap does, for her latest conversation
        # (one gone quiet too: the label is not her answer to the partner).
        request_id = await context.services.requests.conversation_to_end(user.id)
        return request_id is not None and await end_conversation(update, context, user.id, request_id)
    if await typed_hand_over(update, context):
        return True  # the hand-over question's label ("Ja, weitergeben"): her answer to it, as the tap is
    relayed = await context.services.requests.converse(resident_message(user, message, danger=danger))
    if relayed is None:
        return False
    t = context.t
    if relayed.outcome is Outcome.AMBIGUOUS:
        text, keyboard = render.which_request(t, relayed.choices, question=message.text is not None)
        # The question replies to the message: the tapped answer finds it there (nothing is held meanwhile),
        # and takes with it her earlier messages still waiting for such a tap (`conversation_button`).
        prompt = await message.reply_text(text, reply_markup=markup(keyboard), do_quote=True)
        offered = tuple(choice.id for choice in relayed.choices)
        await keep_asked(context, user, message, prompt, WHICH, None, offered)
        return True
    await reply_relayed(message, context, relayed)
    return True


async def write_on(update: Update, context: Context) -> None:
    """She writes on while the bot's question about an earlier message of hers waits for a tap (explore5 F4:
    most residents do not read it, and the message was lost). "Is this your answer to …?" was asked of a
    message that has a default: it goes to that partner now, with the usual confirmation, and the
    conversation is open again (so does what she writes now); only with her very next message, within
    minutes (a line from yesterday does not go on with a new question: then it waits no longer, and only her
    tap under the question passes it on). "Which request?" has none: the message waits for her tap on a
    request, which passes on every message still waiting whose question offered that request. An older
    line waits no longer either: she is told that it was not passed on (`told_not_passed_on`)."""
    user = update.effective_user
    data = context.user_data
    if user is None or data is None or not data.answer_waits:
        return
    data.answer_waits = False
    async with (passing := context.services.residents.answers(user.id, within=RECENT_QUESTIONS)) as answers:
        for kept in passing.left_out:  # older than those passed on: told first
            await told_not_passed_on(context, user, kept)
        for kept in answers:
            if kept.request_id is None:
                continue
            prompt = asked_prompt(context, user, kept)
            relayed = await pass_on_replied(prompt, context, user, kept.request_id, kept=kept)
            if relayed is not None and relayed.outcome is Outcome.OK:
                data.conversing = True


async def told_not_passed_on(context: Context, user: User, kept: Waiting) -> None:
    """Her line under "is this your answer?" from hours ago, which she wrote on from without a tap: it
    waits no longer, and she reads so below, replying to it, with "✍️ My answer" to pass it on after all;
    the question far up loses its buttons (one place to tap). She never loses it unaware."""
    if kept.request_id is None:
        return
    choice = await context.services.requests.request_choice(user.id, kept.request_id)
    if choice is None:
        return
    text, keyboard = render.answer_not_passed_on(context.t, choice)
    reply = ReplyParameters(kept.message_id, allow_sending_without_reply=True)
    await context.bot.send_message(user.id, text, reply_markup=markup(keyboard), reply_parameters=reply)
    await edit_buttons(asked_prompt(context, user, kept), None)


async def offer_as_answer(update: Update, context: Context, match: tuple[str, str] | None = None) -> bool:
    """A text that is no clear question (or whose clear answer, `match`, is what the request is about)
    while a partner's message waits for her answer, after the conversation went quiet (she answers the
    next morning): is it her answer to it, or a new question? Asked as in an open conversation
    (`which_request`), replying to her text: the tapped answer finds it there (nothing is held
    meanwhile). False if no partner's message waits."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return False
    choice = await context.services.requests.awaiting_answer(user.id, match)
    if choice is None:
        return False
    text, keyboard = render.which_request(context.t, [choice], question=True, lapsed=True)
    prompt = await message.reply_text(text, reply_markup=markup(keyboard), do_quote=True)
    await keep_asked(context, user, message, prompt, ANSWER, choice.id)  # her answer, if she writes on
    if context.user_data is not None:
        context.user_data.answer_waits = True
    return True


def _end_label(t: Translator) -> Keyboard:
    """The End button, for its label (the request it ends is found once a message names it)."""
    return render.end_keyboard(t, 0)


async def reply_relayed(
    message: Message, context: Context, relayed: Relayed, *, tapped: bool = False, conversation: bool = True
) -> None:
    """What became of a message for a request: passed on, or why not. In a `conversation` (not a reply to
    one of the request's messages) it goes on ("End") and a recently closed request can be reopened (small
    talk about a closed one gets its friendly answer: a thank-you needs no reopening). A further file of an
    album gets no answer of its own, unless the resident tapped for it. While the resident is asked to
    agree to a hand-over, the question follows again: her typed "yes" went to the partner as a message, and
    only its buttons answer it."""
    if relayed.album and not tapped:
        return  # the album's first file was confirmed
    await _confirm(message, context, relayed, conversation)
    await ask_hand_over_again(message, context, relayed)


async def ask_hand_over_again(message: Message, context: Context, relayed: Relayed) -> None:
    """The hand-over question of `relayed`'s request again (if one waits), with its buttons and how to
    answer it: only they answer it."""
    if relayed.handover_to is not None and relayed.request_id is not None:
        text, keyboard = render.handover_reminder(context.t, _hand_over_question(context.t, relayed))
        await message.reply_text(text, reply_markup=markup(keyboard))


def _hand_over_question(t: Translator, relayed: Relayed) -> Screen:
    """The hand-over question of `relayed`'s request (one waits for her answer)."""
    return render.handover_question(
        t,
        relayed.number,
        relayed.handover_by,
        relayed.handover_to or "",
        relayed.request_id or 0,
        **relayed.handover_shares,
        to=relayed.handover_partner,
    )


async def handover_typed(update: Update, context: Context) -> bool:
    """A typed yes, no or ok ("ja", "да", "evet", "نعم", "tak", "nein", "tamam") that no dialogue or
    conversation took, while a partner's proposal to hand her request over waits for her answer: the
    question again, with its buttons and how to answer it, not a search for the word. The word is not taken
    as her consent: it lets her first name, answers and conversation go to another organisation, and a word
    typed below later screens may answer something else; the tap answers exactly that question (as under a
    partner's message, `ask_hand_over_again`); a button's whole label ("Ja, weitergeben") is the tap
    (`typed_hand_over`). False if the text is no such answer or nothing waits."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return False
    if await typed_hand_over(update, context):
        return True
    if reopen_answer(message.text) not in ("yes", "no") and small_talk(message.text) != "ok":
        return False
    relayed = await context.services.requests.hand_over_asked(user.id)
    if relayed is None:
        return False
    await ask_hand_over_again(message, context, relayed)
    return True


async def _confirm(message: Message, context: Context, relayed: Relayed, conversation: bool) -> None:
    t = context.t
    closed = relayed.outcome is Outcome.CLOSED
    user, request_id = message.from_user, relayed.request_id
    kind = small_talk(message.text, closing=True) if closed and message.text else None
    reopenable = closed and conversation and relayed.reopenable and request_id is not None
    if reopenable and user is not None and request_id is not None:
        if await typed_reopen(message, context, user, request_id):
            return
    if kind == "thanks" and relayed.request_id is not None and message.from_user is not None:
        # Her thanks after the partner closed it were meant for the partner: they reach it (the request
        # stays closed). Where they cannot (the partner no longer receives requests), the friendly word below.
        mine = resident_message(message.from_user, message)
        thanked = await context.services.requests.pass_thanks(mine, relayed.request_id)
        if thanked.outcome in (Outcome.OK, Outcome.DUPLICATE):
            text, keyboard = render.thanks_passed_on(t, thanked.partner)
            await message.reply_text(text, reply_markup=markup(keyboard))
            return
    if kind is not None and kind != "person":
        # "danke", "ok", "tschüss" after the partner closed it: a friendly word back, no offer to reopen (a
        # wish to talk to a person is offered the reopening: the partner's people are the ones she knew).
        text, keyboard = screens.small_talk_screen(t, kind)
        await message.reply_text(text, reply_markup=markup(keyboard))
        return
    if conversation and relayed.request_id is not None:
        if relayed.outcome is Outcome.OK:
            text, keyboard = render.passed_on(
                t, relayed.partner, relayed.request_id, urgent=relayed.urgent_now
            )
            await message.reply_text(text, reply_markup=markup(keyboard))
            return
        if relayed.outcome is Outcome.CLOSED and relayed.reopenable:
            # The offer replies to the message: after "Reopen" it is passed on (nothing is held meanwhile).
            text, keyboard = render.reopen_offer(t, relayed.partner, relayed.request_id)
            offer = await message.reply_text(text, reply_markup=markup(keyboard), do_quote=True)
            if message.from_user is not None:
                await keep_asked(context, message.from_user, message, offer, REOPEN, relayed.request_id)
            return
    answer = render.reply_outcome(
        t, relayed.outcome.value, relayed.partner, relayed.problem, urgent=relayed.urgent_now
    )
    if answer is not None:
        await message.reply_text(answer)


async def conversation_button(update: Update, context: Context) -> None:
    """⏹ End (the conversation with a request), or the request a message is for (several were open)."""
    pressed = await pressed_request(update, context)
    if pressed is None:
        return
    query, user, callback, request_id = pressed
    if callback.arg(0) == "end":
        # Tapped under its refusal (the partner's message was on its way): the answer replaces that one, so
        # each tap leaves one screen with a live ⏹, not another.
        in_place = callback.arg(2) == render.REFUSED
        if not await end_conversation(update, context, user.id, request_id, in_place=in_place):
            await answer_query(query, render.toast(context.t, "unchanged"))
        return
    if callback.arg(0) == "un" or _older_notice(query.message):
        await pass_on_unsent(update, context, user, request_id)
        return
    if not isinstance(query.message, Message) or query.message.reply_to_message is None:
        await stale_button(update, context)
        return
    await answer_query(query)
    # With it, her earlier messages still waiting under "which request?" that offered this request, oldest
    # first (`write_on`), kept in the database: also after a restart. They wait no longer once passed on.
    tapped = query.message
    async with context.services.residents.tapped(user.id, tapped.message_id, request_id) as kept_messages:
        waiting: dict[int, tuple[Message, Waiting | None]] = {tapped.message_id: (tapped, None)}
        for kept in kept_messages:
            if kept.prompt_id == tapped.message_id:
                waiting[tapped.message_id] = (tapped, kept)  # as she last edited it
            elif kept.prompt_id is not None and kept.prompt_id not in waiting:
                waiting[kept.prompt_id] = (asked_prompt(context, user, kept), kept)
        for message_id in sorted(waiting):
            prompt, kept_message = waiting[message_id]
            await pass_on_replied(prompt, context, user, request_id, kept=kept_message)


def _older_notice(message: MaybeInaccessibleMessage | None) -> bool:
    """Whether a "conv:to" tap came from a notice that her line was not passed on, sent before its ✍️ had
    data of its own ("conv:un"): its ✍️ was its only button. A question (`render.which_request`) has
    🏠 Menu below its choices. Its tap too is passed on only in the order she wrote."""
    markup = message.reply_markup if isinstance(message, Message) else None
    return markup is not None and sum(len(row) for row in markup.inline_keyboard) == 1


async def end_conversation(
    update: Update, context: Context, user_id: int, request_id: int, *, in_place: bool = False
) -> bool:
    """⏹ End, tapped or typed: her messages no longer go to the request, and she reads where they go now;
    or, while the partner's message is on its way to her, that they still go there (`conversation.end`),
    as a new message, or `in_place` of the tapped one. False if its conversation was not open."""
    ending = await context.services.requests.end_conversation(user_id, request_id)
    if ending is None:
        return False
    await answer_query(update.callback_query)
    if ending.ended:
        screen = render.conversation_ended(context.t, ending.partner)
    else:
        screen = render.conversation_not_ended(context.t, ending.partner, request_id)
    await show(update, context, *screen, new_message=not in_place)
    return True


async def pass_on_replied(
    prompt: MaybeInaccessibleMessage | None,
    context: Context,
    user: User,
    request_id: int,
    *,
    now: str | None = None,
    kept: Waiting | None = None,
) -> Relayed | None:
    """The bot's question (`prompt`: which request? reopen?) replied to the resident's message: its buttons
    go (its text becomes `now`, what is true now, if given), and the message goes to the request now chosen
    or reopened (`kept`: her message as the database kept it, for a question rebuilt by `asked_prompt`).
    What became of it (None: nothing to pass on)."""
    await edit_buttons(prompt, None, now)
    original = prompt.reply_to_message if isinstance(prompt, Message) else None
    if original is None:
        return None
    theirs = resident_message(user, original)
    if kept is not None:
        attachment = Attachment.from_json(kept.attachment) if kept.attachment else None
        theirs = ResidentMessage(user.id, kept.message_id, kept.text, attachment)
    relayed = await context.services.requests.converse(waited(context, theirs), request_id)
    if relayed is not None:
        await reply_relayed(original, context, relayed, tapped=True)
    return relayed


def waited(context: Context, theirs: ResidentMessage) -> ResidentMessage:
    """Her message that waited for her tap (which request? reopen? not passed on?): its danger words are
    found again, as they were when it came (the numbers were shown then), and make the request urgent now."""
    if theirs.text and urgent_words(context.services.engine, theirs.text, context.lang):
        return replace(theirs, danger=True)
    return theirs


async def pass_on_unsent(update: Update, context: Context, user: User, request_id: int) -> None:
    """✍️ under the notice that her line was not passed on (`told_not_passed_on`): the line, as Telegram
    shows it (the notice replies to it), goes to the request now and the notice goes (the confirmation says
    what became of it). The desk refuses once a later line of hers reached the request first
    (`RequestDesk.pass_on_unsent`): the notice then says so, without ✍️, and asks her to send it again."""
    query = update.callback_query
    notice = query.message if query is not None else None
    original = notice.reply_to_message if isinstance(notice, Message) else None
    if original is None:
        await stale_button(update, context)
        return
    await answer_query(query)
    theirs = waited(context, resident_message(user, original))
    relayed = await context.services.requests.pass_on_unsent(theirs, request_id)
    if relayed is not None and relayed.outcome is Outcome.OUTDATED:
        await edit_buttons(notice, None, render.answer_came_after(context.t, relayed.partner, relayed.number))
        return
    if relayed is not None and relayed.outcome in (Outcome.OK, Outcome.DUPLICATE):
        await delete_prompt(context, notice)  # no longer true
    else:
        await edit_buttons(notice, None)
    if relayed is not None:
        await reply_relayed(original, context, relayed, tapped=True)


async def offer_to_add(update: Update, context: Context, screen: Screen, say: str = "hint") -> Screen:
    """`screen`, the bot's answer to her message that it could not answer (no confident answer, no
    emergency: "I don't know", "one of these?", "Hallo?", "ok", "too short"), with “✍️ Add this to my
    request to …” first while requests of hers are open (`render.with_add_to_request`, `say` there): her
    message is kept in the database for the tap (a restart loses it not), the button names only the request
    and her message."""
    kept = await _kept_to_add(update, context, render.MAX_ADD_CHOICES)
    if kept is None:
        return screen
    choices, message_id = kept
    return render.with_add_to_request(context.t, screen, choices, message_id, say)


async def offer_below_answer(update: Update, context: Context) -> Callable[[Screen], Screen] | None:
    """A confident answer to her message while a request she sent within `ADD_UNDER_AN_ANSWER` is open: one
    “✍️ Add this to my request” (her latest request) to put below it (`render.with_add_below`), her message
    kept as `offer_to_add` keeps it. Later, a confident answer is only an answer: the screen stays short."""
    since = context.services.clock() - ADD_UNDER_AN_ANSWER
    kept = await _kept_to_add(update, context, 1, since=since)
    if kept is None:
        return None
    (choice, *_), message_id = kept
    return lambda screen: render.with_add_below(context.t, screen, choice, message_id)


async def _kept_to_add(
    update: Update, context: Context, limit: int, since: datetime | None = None
) -> tuple[list[render.ConversationChoice], int] | None:
    """Her open requests (sent `since`, if given) her message may be added to, and her message (a text, or
    a file with its caption) kept for the tap; None if there are none."""
    message, user = update.message, update.effective_user
    attachment = attachment_of(message) if message is not None else None
    if message is None or user is None or not (message.text or attachment):
        return None
    choices = await context.services.requests.open_to_add(user.id, context.lang, limit, since=since)
    if not choices:
        return None
    offered = tuple(choice.id for choice in choices)
    file = attachment.to_json() if attachment is not None else None
    kept = Waiting(message.message_id, message.text or message.caption, file, offered=offered)
    await context.services.residents.keep(user.id, ADD, kept, limit=MAX_PROMPTS)
    return choices, message.message_id


async def show_files_question(
    update: Update, context: Context, view: render.DraftView, *, first: bool = False
) -> bool:
    """ "Who should get this?" (`view`: the draft her files began), with “✍️ Add this to my request” first
    while a request of hers is open: for her `first` file (`offer_to_add`), and again after each further
    file or words of hers in it (`offer_to_add_files`). True: it is shown."""
    screen = render.dialogue_screen(context.t, view)
    offer = offer_to_add if first else offer_to_add_files
    await show(update, context, *await offer(update, context, screen))
    return True


async def offer_to_add_files(update: Update, context: Context, screen: Screen) -> Screen:
    """`screen`, "who should get this?" again after a further file or words of hers in the draft her files
    began, whose first file waits for “✍️ Add this to my request” (`offer_to_add`): this message waits with
    it (`keep_in_files_draft`) and the ✍️ rows come again, naming that first file: one tap on any of them
    adds all the draft holds (`add_to_request`)."""
    user, message = update.effective_user, update.message
    if user is None or message is None or (kept := await keep_in_files_draft(context, user, message)) is None:
        return screen
    first, offered = kept
    choices = await context.services.requests.open_to_add(user.id, context.lang, render.MAX_ADD_CHOICES)
    choices = [choice for choice in choices if choice.id in offered]
    return render.with_add_to_request(context.t, screen, choices, first) if choices else screen


async def keep_in_files_draft(
    context: Context, user: User, message: Message
) -> tuple[int, tuple[int, ...]] | None:
    """A further file (of her album, or another) or her words in the draft her files began, whose first file
    waits for “✍️ Add this to my request” (`offer_to_add` under "who should get this?"): it waits with it,
    for the same requests, and the one tap adds them all (`add_to_request`). The first file's message id and
    those requests; None (nothing kept) if no first file of her draft waits."""
    drafted = await context.services.requests.files_draft(user.id)
    if drafted is None or not drafted.routing:
        return None
    residents = context.services.residents
    first = next(
        (kept for kept in await residents.waiting(user.id, ADD) if kept.message_id == drafted.first), None
    )
    if first is None or not first.offered:
        return None
    attachment = attachment_of(message)
    file = attachment.to_json() if attachment is not None else None
    kept = Waiting(message.message_id, message.text or message.caption, file, offered=first.offered)
    await residents.keep(user.id, ADD, kept, limit=MAX_PROMPTS)
    return first.message_id, first.offered


async def add_to_request(update: Update, context: Context) -> None:
    """✍️ Add this to my request to … (`offer_to_add`): her kept message goes into that request's thread,
    and she reads who sees it now (replying to it); the tapped screen loses these buttons and the sentence
    that asks her to tap one (`render.after_adding`). A file (offered under "who should get this?") goes
    with the further files of its album, and the draft they began goes: the confirmation takes the place of
    its question. Once the request was closed or withdrawn, nothing is added and “Ask a person” carries her
    message into a new request (files: their question "who should get this?" stays).
    A message no longer kept (added already, /delete) or a request it was not offered for: out of date."""
    pressed = await pressed_request(update, context)
    if pressed is None:
        return
    query, user, callback, request_id = pressed
    arg = callback.arg(2)
    message_id = int(arg) if arg.isascii() and arg.isdigit() and len(arg) < 16 else 0  # else: forged
    desk, t, data = context.services.requests, context.t, context.user_data
    drafted = await desk.files_draft(user.id)
    held = drafted.messages if drafted is not None and drafted.first == message_id else ()
    album = tuple(one for one in held if one != message_id)
    async with context.services.residents.adding(user.id, message_id, request_id, album=album) as kept:
        if not kept or (kept[0].attachment is not None and not held):  # her files cancelled, sent, …
            await stale_button(update, context)
            return
        files = kept[0].attachment is not None
        relayed: Relayed | None = None
        for one in kept:  # oldest first: an album in its order
            attachment = Attachment.from_json(one.attachment) if one.attachment else None
            theirs = waited(context, ResidentMessage(user.id, one.message_id, one.text, attachment))
            added = await desk.add_to_request(theirs, request_id)
            if relayed is None:  # the first file's outcome answers for the album
                relayed = added
            if added.outcome not in (Outcome.OK, Outcome.DUPLICATE):
                break
        assert relayed is not None
        text = kept[0].text or ""
        tapped = query.message
        if relayed.outcome in (Outcome.OK, Outcome.DUPLICATE):
            screen = render.added_to_request(t, relayed.partner, relayed.number)
            if not files:
                if data is not None:
                    data.carried_no_more(text)
                await context.services.feedback.went_to_a_request(user.id, text)
            elif await desk.drop_files_draft(user.id, [one.message_id for one in kept]):
                await answer_query(query)
                await edit_buttons(tapped, markup(screen[1]), screen[0])  # in place of "who should get this?"
                return
        elif relayed.outcome is Outcome.CLOSED and files:
            # Her files are still in the draft that asks who should get them: she chooses there.
            await answer_query(query)
            await _without_add_rows(t, tapped)
            reply = ReplyParameters(message_id, allow_sending_without_reply=True)
            notice = render.files_not_added_closed(t, relayed.partner, relayed.number)
            await context.bot.send_message(user.id, notice, parse_mode=ParseMode.HTML, reply_parameters=reply)
            return
        elif relayed.outcome is Outcome.CLOSED:
            screen = render.not_added_closed(t, relayed.partner, relayed.number)
            if data is not None:  # "Ask a person" carries it, as after any question the bot could not answer
                data.carried_no_more(text)
                data.asked(text, context.services.clock(), answered=False)
        else:
            await stale_button(update, context)
            return
        await answer_query(query)
        await _without_add_rows(t, tapped)
        reply = ReplyParameters(message_id, allow_sending_without_reply=True)
        await context.bot.send_message(
            user.id,
            screen[0],
            parse_mode=ParseMode.HTML,
            reply_markup=markup(screen[1]),
            reply_parameters=reply,
        )


async def _without_add_rows(t: Translator, tapped: MaybeInaccessibleMessage | None) -> None:
    """The screen whose “✍️ Add this to my request” was tapped, without these buttons and its sentence that
    asks her to tap one (the text as it stands on her screen)."""
    if isinstance(tapped, Message) and tapped.reply_markup is not None:
        rows = [
            row
            for row in tapped.reply_markup.inline_keyboard
            if not any(render.adds_to_request(button.callback_data) for button in row)
        ]
        shown = render.after_adding(t, tapped.text, tapped.text_html) if tapped.text else None
        await edit_buttons(tapped, InlineKeyboardMarkup(rows), shown)


async def requests_command(update: Update, context: Context, new_message: bool = False) -> None:
    """/requests: open requests with “add” and “withdraw”."""
    user = update.effective_user
    if user is None:
        return
    await answer_query(update.callback_query)
    requests = await context.services.requests.open_requests(user.id, context.lang)
    await show_with_parked_draft(
        update, context, render.open_requests(context.t, requests), new_message=new_message
    )


async def my_requests_button(update: Update, context: Context) -> None:
    """📋 My requests under a notice about a request: /requests below it (the notice stays readable)."""
    await requests_command(update, context, new_message=True)


async def resident_request_button(update: Update, context: Context) -> None:
    """✏️ Add to … (the next reply goes to that request) and 🗑 Withdraw … (asks first)."""
    chat = update.effective_chat
    pressed = await pressed_request(update, context)
    if chat is None or pressed is None:
        return
    query, user, callback, request_id = pressed
    t = context.t
    desk = context.services.requests
    if callback.arg(0) == "withdraw" and callback.arg(2) in ("yes", "no"):
        if callback.arg(2) == "yes":
            acted = await desk.withdraw(user.id, request_id)
            await answer_query(query, render.toast(t, "unchanged" if acted is None else "withdrawn"))
            if acted is not None:
                for card in acted.cards:
                    await rewrite_card(context, desk.partner_t(), "withdrawn", request_id, acted, card)
        await requests_command(update, context)
        return
    # Read, then talk to Telegram, then record: no network call while a transaction is open.
    number = await desk.open_request_number(user.id, request_id)
    if number is None:
        await answer_query(query, render.toast(t, "closed"))
        return
    await answer_query(query)
    if callback.arg(0) == "withdraw":
        await show(update, context, *render.withdraw_question(t, number, request_id))
        return
    text, keyboard = render.add_prompt(t, number, request_id)
    prompt = await context.bot.send_message(chat.id, text, reply_markup=markup(keyboard))
    # The prompt belongs to the request's thread: a reply to it maps back by message id, and the next plain
    # messages go there too (the conversation opens).
    await desk.link_prompt(user.id, prompt.message_id, request_id)


async def reopen_button(update: Update, context: Context) -> None:
    """“Reopen” under a message about a recently closed request: open it (if it is not open again already;
    its cards in the partner groups show it), then pass the message on, and with it every other message she
    wrote about it since, oldest first: she taps the newest offer, and her first answer must not stay
    behind."""
    pressed = await pressed_request(update, context, index=0)
    if pressed is None:
        return
    query, user, _callback, request_id = pressed
    if not await reopen(context, user, request_id, query):
        await answer_query(query, render.toast(context.t, "closed"))


async def reopen(context: Context, user: User, request_id: int, query: CallbackQuery | None = None) -> bool:
    """Reopen the request, tapped (`query`) or typed ("да, откройте" under the offer, `typed_reopen`), and
    pass on her messages under its offers. False if it cannot be reopened (nothing done)."""
    desk = context.services.requests
    acted = await desk.reopen(user.id, request_id)
    if acted.outcome is not Outcome.OK:
        return False
    await answer_query(query)
    for card in acted.cards:
        await rewrite_card(context, desk.partner_t(), "reopen", request_id, acted, card)
    # Every offer of this request's, kept in the database (also after a restart), and the tapped one; they
    # wait no longer once passed on.
    async with context.services.residents.reopening(user.id, request_id) as offers:
        waiting: dict[int, tuple[MaybeInaccessibleMessage, Waiting | None]] = {
            kept.prompt_id: (asked_prompt(context, user, kept), kept)
            for kept in offers
            if kept.prompt_id is not None
        }
        if query is not None and query.message is not None:
            waiting[query.message.message_id] = (query.message, None)
        reopened = render.reopened(context.t)
        for message_id in sorted(waiting):
            offer, kept = waiting[message_id]
            await pass_on_replied(offer, context, user, request_id, now=reopened, kept=kept)
    return True


async def typed_reopen(message: Message, context: Context, user: User, request_id: int) -> bool:
    """Her typed answer ("да, откройте", "evet", "ja bitte", "nein danke") while the "Reopen?" offer waits
    for her messages about request `request_id`: a yes is the tap on ↩️ Reopen (it was offered again, and
    after the tap the partner read "да, откройте" as her message); a plain yes ("Ja") may answer the
    partner's last question, so it is passed on after her waiting messages (their confirmation says so),
    unlike words that only ask to reopen. A no leaves the request closed and her messages with it (the
    offers lose their button). False if it is neither (thanks with a yes: `reopen_answer`), or no offer
    waits."""
    answer = message.text and reopen_answer(message.text)
    if not answer:
        return False
    residents = context.services.residents
    if not any(kept.request_id == request_id for kept in await residents.waiting(user.id, REOPEN)):
        return False
    if answer != "no":
        if not await reopen(context, user, request_id):
            return False
        if answer == "yes":
            relayed = await context.services.requests.converse(resident_message(user, message), request_id)
            # Passed on, it needs no second "Passed on to …" below the one of her message (explore xr6 F13).
            if relayed is not None and relayed.outcome is not Outcome.OK:
                await reply_relayed(message, context, relayed)
        return True
    async with residents.reopening(user.id, request_id) as offers:
        for kept in offers:
            await edit_buttons(asked_prompt(context, user, kept), None)
    text, keyboard = screens.small_talk_screen(context.t, "ok")
    await message.reply_text(text, reply_markup=markup(keyboard))
    return True


async def handover_answer(update: Update, context: Context) -> None:
    """The resident's yes or no to a partner's proposal to hand their request over."""
    pressed = await pressed_request(update, context)
    if pressed is None:
        return
    _query, user, callback, request_id = pressed
    await _answer_hand_over(update, context, user, request_id, callback.arg(0) == "yes", callback.arg(2))


def _any_hand_over_buttons(t: Translator) -> Keyboard:
    """The buttons of a hand-over question, whichever request it asks about (their labels are the same)."""
    return render.handover_question(t, "", "", "", 0)[1]


async def typed_hand_over(update: Update, context: Context) -> bool:
    """A button's label of the hand-over question typed ("Ja, weitergeben", "Evet, devredilsin") while it
    waits for her answer: what the tap does (residents who seldom read type what a button says). Not a bare
    yes or no ("ja", "нет": also the label "Nein"): such a word may answer something else and is not taken
    as her consent (`handover_typed` shows the question again). False if nothing waits or the text names no
    button of it."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return False
    if reopen_answer(message.text) is not None or small_talk(message.text) is not None:
        return False
    # Its labels name no request: a text that is none of them is not read against the database (this runs
    # for every message of an open conversation).
    if typed_button(context.services.i18n, context.lang, message.text, _any_hand_over_buttons) is None:
        return False
    relayed = await context.services.requests.hand_over_asked(user.id)
    if relayed is None or relayed.request_id is None:
        return False
    data = typed_button(
        context.services.i18n, context.lang, message.text, lambda t: _hand_over_question(t, relayed)[1]
    )
    if data is None:
        return False
    callback = decode(data)
    agreed = callback.arg(0) == "yes"
    await _answer_hand_over(update, context, user, relayed.request_id, agreed, callback.arg(2))
    return True


async def _answer_hand_over(
    update: Update, context: Context, user: User, request_id: int, agreed: bool, proposal: str
) -> None:
    """Her yes or no to the hand-over `proposal` of request `request_id`, tapped (the question loses its
    buttons) or its label typed (`typed_hand_over`: the answers come below)."""
    query, typed = update.callback_query, update.callback_query is None
    tapped = query.message if query is not None else None
    requests = context.services.requests
    partner, acted = await requests.answer_hand_over(user.id, request_id, agreed, proposal)
    if acted.outcome is Outcome.OUTDATED and isinstance(tapped, Message):
        # The proposal changed since this question: nothing happens, the question that holds now follows.
        await answer_query(query, render.toast(context.t, "unchanged"))
        await edit_buttons(tapped, None)
        if (relayed := await requests.hand_over_asked(user.id)) is not None:
            await ask_hand_over_again(tapped, context, relayed)
        return
    if acted.outcome is not Outcome.OK:
        if typed and update.effective_message is not None:
            await update.effective_message.reply_text(render.toast(context.t, "unchanged"))
        await answer_query(query, render.toast(context.t, "unchanged"))
        return
    await answer_query(query)
    await edit_buttons(tapped, None)
    pt = context.services.requests.partner_t()
    # After a yes the old partner's cards (the request is no longer theirs); after a no the cards that
    # showed the hand-over waiting for her.
    for card in acted.cards:
        await rewrite_card(context, pt, "ho", request_id, acted, card)
    if not agreed:
        await show(update, context, render.handover_kept(context.t, partner), new_message=True)
