"""Requests to partners: the resident's dialogue, /requests, and the partner group's side.

Each handler turns the update into one call of the request desk (`context.services.requests`, which owns
the transaction and decides) and its answer into a screen of `bot.render.requests` / `bot.render.partners`.

Longer than most modules on purpose: every message and button of the request journey, the resident's
and the partner group's, arrives here; each handler is a few lines and decides nothing.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import (
    CallbackQuery,
    Chat,
    Document,
    InlineKeyboardMarkup,
    KeyboardButton,
    MaybeInaccessibleMessage,
    Message,
    PhotoSize,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
    User,
    Voice,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.delivery.outbox import markup
from bot.handlers import afresh
from bot.handlers.common import (
    answer_query,
    button_press,
    edit_buttons,
    show,
)
from bot.handlers.context import MAX_PROMPTS, MAX_REOPEN_OFFERS, RECENT_QUESTIONS, Context
from bot.handlers.errors import unsupported_message
from bot.handlers.menu import danger_words
from bot.handlers.navigation import show_with_parked_draft, stale_button
from bot.handlers.typed_labels import named_button, typed_button
from bot.i18n import Translator, bare
from bot.render import partners as partner_render
from bot.render import requests as render
from bot.render import screens
from bot.render.callback import Callback, decode
from bot.render.keyboards import Keyboard, Screen, back_to_menu
from bot.render.start import phone_not_shared
from bot.residents import ADD, ANSWER, REOPEN, WHICH, Waiting
from bot.search.smalltalk import reopen_answer, small_talk
from bot.search.urgency import marks_urgent, urgent_words
from bot.tickets import intake
from bot.tickets.deps import Outcome
from bot.tickets.desk import CardAction, CardCopy, Relayed
from bot.tickets.dialogue import MAX_ATTACHMENTS, Attach, Attachment, Effect, MessageKind, Text, Unsupported
from bot.tickets.intake import DialogueReply
from bot.tickets.relay import GroupMessage, ResidentMessage, might_answer

logger = logging.getLogger(__name__)

# How many albums written without "Reply" in a partner group are remembered, so each gets one note.
STRAY_ALBUMS_KEPT = 64
# A confident answer to her message offers to add it to a request she sent this recently (while it is open):
# she is most likely waiting for its answer then ("Ich habe noch keine Antwort bekommen" finds the FAQ on
# waiting, "Geht auch Dienstag?" a wrong one); later, the answer's screen stays as short as it was.
ADD_UNDER_AN_ANSWER = timedelta(days=7)


def attachment_of(message: Message) -> Attachment | None:
    """A photo, voice message or document as a request attachment (other media: unsupported)."""
    media: PhotoSize | Voice | Document
    name: str | None
    mime: str | None
    if message.photo:
        kind, media, name, mime = MessageKind.PHOTO, message.photo[-1], None, "image/jpeg"
    elif message.voice:
        kind, media, name, mime = MessageKind.VOICE, message.voice, None, message.voice.mime_type
    elif message.document:
        media = message.document
        kind, name, mime = MessageKind.DOCUMENT, media.file_name, media.mime_type
    else:
        return None
    chat_id, message_id, size = message.chat_id, message.message_id, media.file_size
    return Attachment(
        kind, media.file_id, chat_id, message_id, name, mime, size, message.caption, message.media_group_id
    )


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


# --- the resident's dialogue -------------------------------------------------------------------------------

# Buttons that belong to a request dialogue (or start one, replacing any draft): they do not park it.
DIALOGUE_NAMESPACES = frozenset({"dlg", "signup", "signup-e", "ask", "fb"})
# Nor does a language or district picked (a language's name typed while she writes opens the picker: her
# question comes again in the language she chose, `questions.draft_again`); the pickers' buttons do.
PICKED = ("lang:", "district:")


def drafting(context: Context) -> bool:
    """Whether the resident had a running draft when this update arrived (read with their row)."""
    return context.user_data is not None and context.user_data.drafting


async def park_on_navigation(update: Update, context: Context) -> None:
    """/start, any command or a menu button parks a running draft: it never swallows the next question.
    Leaving the step that asks for the phone number takes Telegram's "📞 Share my phone number" keyboard
    away, saying the number was not shared; it would stay under every screen."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != chat.PRIVATE or not drafting(context):
        return
    message, query = update.message, update.callback_query
    command = message is not None and (message.text or "").startswith("/")
    data = (query.data or "") if query is not None else ""
    menu_button = (
        query is not None and data.split(":", 1)[0] not in DIALOGUE_NAMESPACES and not data.startswith(PICKED)
    )
    if command or menu_button:
        await park(context, user, chat.id)


async def park(context: Context, user: User, chat_id: int) -> None:
    """Park the resident's running draft (it waits for "Continue"); see `park_on_navigation`."""
    if await context.services.requests.park(user.id):
        await context.bot.send_message(
            chat_id, phone_not_shared(context.t), reply_markup=ReplyKeyboardRemove()
        )


async def start_request(update: Update, context: Context) -> None:
    """“I'm interested”, “Ask a person”, a failed search or a topic: start the dialogue."""
    if (press := button_press(update)) is None:
        return
    _, user, callback = press
    await _start(update, context, user, callback.namespace, callback.arg(0))


async def ask_person_typed(update: Update, context: Context) -> None:
    """“I want to talk to a person”, typed: what “🙋 Ask a person” under an answer does (her questions of
    the last minutes start the message)."""
    if (user := update.effective_user) is not None:
        await _start(update, context, user, "ask", "q")


async def _start(update: Update, context: Context, user: User, namespace: str, origin: str) -> None:
    # "Ask a person" after questions the bot could not answer: they start the message, so the resident need
    # not type them again (shown on the consent screen like anything else they wrote): a letter she pasted
    # with "what do I do with this letter?" after it. From the emergency screen only the danger words (her
    # draft may hold them already).
    asked = context.user_data.asked_lately(context.services.clock()) if context.user_data else []
    if origin in intake.EMERGENCY_ORIGINS:
        asked = asked[-1:]
    question = "\n\n".join(asked) or None
    reply = await context.services.requests.start_from(user.id, namespace, origin, question)
    if reply is not None and reply.effect is Effect.UNFINISHED and reply.view is not None:
        # Her unfinished draft first (continue or discard), below the screen she tapped on.
        await answer_query(update.callback_query)
        typed = update.callback_query is None
        screen = render.unfinished_screen(context.t, reply.view, typed=typed)
        await show(update, context, *screen, new_message=True)
        return
    if reply is not None and reply.effect in (Effect.OVER, Effect.BEGUN):
        await answer_query(update.callback_query)
        await show_dialogue(update, context, reply)
        return
    if reply is None or reply.view is None:
        await stale_button(update, context)
        return
    if namespace == "ask" and context.user_data is not None:
        context.user_data.questions = []
    await answer_query(update.callback_query)
    await show(update, context, *render.dialogue_screen(context.t, reply.view))


async def dialogue_button(update: Update, context: Context) -> None:
    """Skip / Done / chat / phone / Send / Change / Cancel inside the dialogue."""
    if (press := button_press(update)) is None:
        return
    query, user, callback = press
    screen_id = query.message.message_id if query.message else None
    reply = await context.services.requests.press(
        user.id, callback.arg(1), callback.arg(0), f"q:{query.id}", callback.arg(2) or None, screen_id
    )
    # "Continue" below a partner's answer (`render.draft_kept`) leaves the answer as it is.
    await show_pressed(update, context, reply, new_message=callback.arg(2) == render.BELOW)


async def show_pressed(
    update: Update, context: Context, reply: DialogueReply, *, new_message: bool = False
) -> None:
    """What a dialogue's button did, tapped or its label typed (`typed_press`)."""
    query = update.callback_query
    if reply.effect in (Effect.GONE, Effect.EMPTY, Effect.TOO_MANY):
        # Nothing happened; what the resident must do first (write, wait) stays until they tap it away.
        toast = render.toast(context.t, reply.effect, count=intake.MAX_OPEN_REQUESTS)
        if query is None and update.effective_message is not None:
            await update.effective_message.reply_text(toast)
        await answer_query(query, toast, alert=reply.effect is not Effect.GONE)
    elif reply.effect is Effect.STALE:
        await stale_button(update, context)
    else:
        await answer_query(query)
        await show_dialogue(update, context, reply, new_message=new_message)


async def show_dialogue(
    update: Update, context: Context, reply: DialogueReply, *, new_message: bool = False
) -> None:
    """The dialogue's answer: its next screen, the phone button, or the end (sent, cancelled, gone); as a
    new message with `new_message`, else in place of the tapped message."""
    t = context.t
    chat = update.effective_chat
    if reply.effect is Effect.ASK_PHONE and chat is not None:
        # The screen (type the number, or change / cancel), then Telegram's share button below it.
        if reply.view is not None:
            await show(update, context, *render.dialogue_screen(t, reply.view), new_message=new_message)
        text, label = render.share_phone_prompt(t)
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(label, request_contact=True)]], resize_keyboard=True, one_time_keyboard=True
        )
        await context.bot.send_message(chat.id, text, reply_markup=keyboard)
        return
    if reply.effect is Effect.SENT:
        screen = reply.acknowledgement or "", back_to_menu(t)
    elif reply.effect is Effect.CANCEL:
        screen = render.cancelled_screen(t)
    elif reply.effect is Effect.ASK_NEW and reply.view is not None:
        screen = render.ask_new_screen(t, reply.view)
    elif reply.effect is Effect.OVER and reply.over is not None:
        # The sign-up button of a page shown while it was on, or "Send" after its end: it is over.
        catalogue = context.services.content.catalogue
        screen = screens.not_current_screen(t, catalogue, *reply.over, reply.title, reply.partner_id)
    elif reply.effect is Effect.BEGUN and reply.over is not None:
        # "Sign me up" (or "Send") once the event has begun: it is on now, whether she can simply come.
        screen = render.begun_screen(t, context.services.content.catalogue, reply.over[1])
    elif reply.view is not None:
        screen = render.dialogue_screen(t, reply.view)
    else:
        screen = render.gone_screen(t)
    if reply.effect in (Effect.OVER, Effect.BEGUN) and reply.view is not None:
        screen = render.kept_as_question(t, reply.view, screen)  # what she wrote waits: "Continue"
    await show(update, context, *screen, new_message=new_message)


async def on_contact(update: Update, context: Context) -> None:
    """The resident shared their own phone number."""
    message = update.effective_message
    user = update.effective_user
    if message is None or message.contact is None or user is None:
        return
    if message.contact.user_id not in (None, user.id):
        await message.reply_text(render.phone_shared(context.t, own=False))
        return
    reply = await context.services.requests.share_phone(user.id, message.contact.phone_number)
    await message.reply_text(render.phone_shared(context.t, own=True), reply_markup=ReplyKeyboardRemove())
    await show_dialogue(update, context, reply)


async def dialogue_input(
    update: Update, context: Context, *, match: tuple[str, str] | None = None, danger: bool = False
) -> bool:
    """Text or an attachment while a dialogue runs; False if there is no active dialogue (then it's a
    question). `match`: the entry (kind, id) the search would answer the text with (it may be a new
    question, not an answer); `danger`: the search found danger words in it (the request will be urgent).
    A button's label typed acts as the button (`typed_press`); the menu's parks the draft and is False (the
    menu follows, offering the draft)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    if message.text is not None and drafting(context):
        if named_button(context.services.i18n, context.lang, message.text) == "menu":
            # The menu she knows, and in it her draft to continue (navigation never feeds a draft).
            await park(context, user, message.chat_id)
            return False
        if await typed_press(update, context, user, message.message_id, message.text):
            return True
    attachment = attachment_of(message)
    event: Text | Attach | Unsupported
    if attachment is not None:
        event = Attach(attachment, danger)
    elif message.text is not None:
        event = Text(message.text, match, danger)
    else:
        event = Unsupported()
    reply = await context.services.requests.write(
        user.id, event, f"m:{message.message_id}", drafting=drafting(context)
    )
    if reply is None or reply.view is None:
        return False
    if reply.effect is Effect.QUIET:  # another photo of the same album: the screen is already there
        if reply.left_out:  # ... and the notice that files were left out: it counts this one too
            await left_out_notice(context, message, reply.left_out)
        return True
    if reply.effect is Effect.PHONE:  # typed instead of shared: thanks, and the share button goes
        await message.reply_text(render.phone_shared(context.t, own=True), reply_markup=ReplyKeyboardRemove())
    if reply.effect is Effect.ASK_NEW:
        await show(update, context, *render.ask_new_screen(context.t, reply.view))
        return True
    if reply.problem == "too_many":
        await left_out_notice(context, message, reply.left_out)
    elif reply.problem:
        await message.reply_text(render.input_problem(context.t, reply.problem))
    await show_dialogue(update, context, reply)
    return True


async def left_out_notice(context: Context, message: Message, count: int) -> None:
    """How many files (of her album, or this one file) did not fit, and what she can do: one notice per
    album, edited as its further files are left out too. The latest albums' notices are remembered in
    memory; a restart in the middle of an album at worst sends a second notice."""
    text = render.files_left_out(context.t, count, MAX_ATTACHMENTS)
    group = message.media_group_id
    notices = (context.chat_data if context.chat_data is not None else {}).setdefault(
        "left_out_notices", deque(maxlen=STRAY_ALBUMS_KEPT)
    )
    notice = next((sent for album, sent in notices if album == group), None) if group else None
    if notice is not None:
        try:
            await context.bot.edit_message_text(text, message.chat_id, notice)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            logger.info("notice %s not edited, sending a new one: %s", notice, exc)
    sent = await message.reply_text(text)
    if group:
        notices.append((group, sent.message_id))


async def typed_press(update: Update, context: Context, user: User, message_id: int, text: str) -> bool:
    """A message that only names a button of the dialogue screen she sees ("Überspringen", "iptal",
    "Fertig") acts as that button: residents who seldom read type what it says. Not at a question that
    names the word itself: there it is her answer."""
    view = await context.services.requests.running_draft(user.id)
    if view is None:
        return False
    screen = render.ask_new_screen if view.pending else render.dialogue_screen
    data = typed_button(context.services.i18n, context.lang, text, lambda t: screen(t, view)[1])
    if data is None or f" {bare(text)} " in f" {bare(view.question or '')} ":
        return False
    callback = decode(data)
    reply = await context.services.requests.press(
        user.id, callback.arg(1), callback.arg(0), f"m:{message_id}", callback.arg(2) or None
    )
    await show_pressed(update, context, reply)
    return True


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


# --- the resident after sending -------------------------------------------------------------------------


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
        question = render.handover_question(
            context.t,
            relayed.number,
            relayed.handover_by,
            relayed.handover_to,
            relayed.request_id,
            **relayed.handover_shares,
            to=relayed.handover_partner,
        )
        text, keyboard = render.handover_reminder(context.t, question)
        await message.reply_text(text, reply_markup=markup(keyboard))


async def handover_typed(update: Update, context: Context) -> bool:
    """A typed yes, no or ok ("ja", "да", "evet", "نعم", "tak", "nein", "tamam") that no dialogue or
    conversation took, while a partner's proposal to hand her request over waits for her answer: the
    question again, with its buttons and how to answer it, not a search for the word. The word is not taken
    as her consent: it lets her first name, answers and conversation go to another organisation, and a word
    typed below later screens may answer something else; the tap answers exactly that question (as under a
    partner's message, `ask_hand_over_again`). False if the text is no such answer or nothing waits."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return False
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


async def pressed_request(
    update: Update, context: Context, index: int = 1
) -> tuple[CallbackQuery, User, Callback, int] | None:
    """The button press, its presser, its data and the request the data names (argument `index`); a press
    naming no request is stale."""
    if (press := button_press(update)) is None:
        return None
    try:
        request_id = int(press[2].arg(index))
    except ValueError:
        await stale_button(update, context)
        return None
    return *press, request_id


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
    """Her open requests (sent `since`, if given) her message may be added to, and her message kept for
    the tap; None if there are none."""
    message, user = update.message, update.effective_user
    if message is None or user is None or not message.text:
        return None
    choices = await context.services.requests.open_to_add(user.id, context.lang, limit, since=since)
    if not choices:
        return None
    kept = Waiting(message.message_id, message.text, offered=tuple(choice.id for choice in choices))
    await context.services.residents.keep(user.id, ADD, kept, limit=MAX_PROMPTS)
    return choices, message.message_id


async def add_to_request(update: Update, context: Context) -> None:
    """✍️ Add this to my request to … (`offer_to_add`): her kept message goes into that request's thread,
    and she reads who sees it now (replying to it); the tapped screen loses these buttons and the sentence
    that asks her to tap one (`render.after_adding`). Once the request
    was closed or withdrawn, nothing is added and “Ask a person” carries her message into a new request.
    A message no longer kept (added already, /delete) or a request it was not offered for: out of date."""
    pressed = await pressed_request(update, context)
    if pressed is None:
        return
    query, user, callback, request_id = pressed
    arg = callback.arg(2)
    message_id = int(arg) if arg.isascii() and arg.isdigit() and len(arg) < 16 else 0  # else: forged
    async with context.services.residents.adding(user.id, message_id, request_id) as kept:
        if not kept:
            await stale_button(update, context)
            return
        theirs = waited(context, ResidentMessage(user.id, message_id, kept[0].text))
        relayed = await context.services.requests.add_to_request(theirs, request_id)
        t, data, text = context.t, context.user_data, kept[0].text or ""
        if relayed.outcome in (Outcome.OK, Outcome.DUPLICATE):
            screen = render.added_to_request(t, relayed.partner, relayed.number)
            if data is not None:
                data.carried_no_more(text)
            await context.services.feedback.went_to_a_request(user.id, text)
        elif relayed.outcome is Outcome.CLOSED:
            screen = render.not_added_closed(t, relayed.partner, relayed.number)
            if data is not None:  # "Ask a person" carries it, as after any question the bot could not answer
                data.carried_no_more(text)
                data.asked(text, context.services.clock(), answered=False)
        else:
            await stale_button(update, context)
            return
        await answer_query(query)
        tapped = query.message
        if isinstance(tapped, Message) and tapped.reply_markup is not None:
            rows = [
                row
                for row in tapped.reply_markup.inline_keyboard
                if not any(render.adds_to_request(button.callback_data) for button in row)
            ]
            # Its sentence "Tap ✍️ …" goes with the button (the text as it stands on her screen).
            shown = render.after_adding(t, tapped.text, tapped.text_html) if tapped.text else None
            await edit_buttons(tapped, InlineKeyboardMarkup(rows), shown)
        reply = ReplyParameters(message_id, allow_sending_without_reply=True)
        await context.bot.send_message(
            user.id,
            screen[0],
            parse_mode=ParseMode.HTML,
            reply_markup=markup(screen[1]),
            reply_parameters=reply,
        )


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


async def media_request(update: Update, context: Context, *, danger: bool = False) -> bool:
    """A photo, voice message or document outside any request: “Who should I send this to?” (`danger`:
    danger words in its caption make the request urgent: `marks_urgent`)."""
    message = update.effective_message
    user = update.effective_user
    attachment = attachment_of(message) if message is not None else None
    if message is None or user is None or attachment is None:
        return False
    reply = await context.services.requests.start_media(user.id, attachment, danger)
    if reply.view is None:
        await message.reply_text(render.input_problem(context.t, reply.problem or "unsupported"))
        return True
    await show(update, context, *render.dialogue_screen(context.t, reply.view))
    return True


async def media_kept(
    update: Update, context: Context, files: list[Attachment], *, new_message: bool = False
) -> None:
    """Her files kept through the first minute after /delete (`bot.handlers.afresh`): “Who should I send
    this to?”, as for a file sent at any time, now in her language."""
    user = update.effective_user
    if user is None or not files:
        return
    desk = context.services.requests
    reply = await desk.start_media(user.id, files[0])
    if reply.view is None:
        problem = render.input_problem(context.t, reply.problem or "unsupported")
        await show(update, context, problem, new_message=new_message)
        return
    for file in files[1:]:  # the rest of an album
        more = await desk.write(user.id, Attach(file), f"m:{file.message_id}", drafting=True)
        if more is not None and more.view is not None and more.effect is not Effect.QUIET:
            reply = more
    await show_dialogue(update, context, reply, new_message=new_message)


async def resident_media(update: Update, context: Context) -> None:
    """Photo, voice or document in the private chat: part of a dialogue, a reply or a conversation, else
    explain. Her first message after /delete (or one while she chooses her language) gets the first minute,
    the file kept (`bot.handlers.afresh`)."""
    attachment = attachment_of(update.effective_message) if update.effective_message else None
    data = context.user_data
    if attachment is not None and data is not None and await afresh.held_step(update, context, attachment):
        return
    if attachment is not None and data is not None and data.afresh:
        await afresh.first_contact(update, context, attachment)
        return
    await write_on(update, context)
    danger = await caption_danger(update, context)
    for taken_by in (dialogue_input, resident_followup, conversation_input, media_request):
        if await taken_by(update, context, danger=danger):
            return
    await unsupported_message(update, context)


async def caption_edited(update: Update, context: Context) -> None:
    """She edited the caption of a photo or document of hers: it goes where an edited text goes
    (`correction`): the file waiting for her tap, or in her draft, goes on with the caption as she
    corrected it; one passed on reaches the partner as her correction. Danger words in it are read as in
    an edited text (the numbers first, the request urgent)."""
    await correction(update, context, danger=await caption_danger(update, context))


async def caption_danger(update: Update, context: Context) -> bool:
    """Danger words in a photo's caption, read as in a text (many write one line under a photo of a
    letter): the emergency numbers first, "Ask a person" carrying the caption. True for danger words that
    make the file's draft or request urgent, as for such a text (`marks_urgent`)."""
    message = update.effective_message
    caption = message.caption if message is not None else None
    if not caption:
        return False
    services = context.services
    result = await services.answer_question(caption, context.lang, context.district)
    if not result.emergency:
        return False
    if context.user_data is not None:
        context.user_data.asked(caption, services.clock(), answered=False)
    await danger_words(update, context, caption)
    return marks_urgent(services.engine, result.emergency_match)


async def resident_unsupported(update: Update, context: Context) -> None:
    """A sticker, GIF, video or location in the private chat. In a running draft the dialogue says it cannot
    take it (its screen again); in an open conversation, that it was not passed on (photos, voice messages
    and documents are), the conversation going on (⏹ End); else what the bot can do (`unsupported_message`,
    which points to "Ask a question": no second request is begun beside the one she is in)."""
    user = update.effective_user
    message = update.effective_message
    if drafting(context) and await dialogue_input(update, context):
        return
    if user is not None and message is not None and context.user_data is not None:
        if context.user_data.conversing:
            choices = await context.services.requests.conversations(user.id)
            if choices:
                request_id = choices[0].id if len(choices) == 1 else None
                text, keyboard = render.not_passed_on(context.t, request_id)
                await message.reply_text(text, reply_markup=markup(keyboard))
                return
    await unsupported_message(update, context)


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
    query, user, callback, request_id = pressed
    agreed = callback.arg(0) == "yes"
    requests = context.services.requests
    partner, acted = await requests.answer_hand_over(user.id, request_id, agreed, callback.arg(2))
    if acted.outcome is Outcome.OUTDATED and isinstance(query.message, Message):
        # The proposal changed since this question: nothing happens, the question that holds now follows.
        await answer_query(query, render.toast(context.t, "unchanged"))
        await edit_buttons(query.message, None)
        if (relayed := await requests.hand_over_asked(user.id)) is not None:
            await ask_hand_over_again(query.message, context, relayed)
        return
    if acted.outcome is not Outcome.OK:
        await answer_query(query, render.toast(context.t, "unchanged"))
        return
    await answer_query(query)
    await edit_buttons(query.message, None)
    pt = context.services.requests.partner_t()
    # After a yes the old partner's cards (the request is no longer theirs); after a no the cards that
    # showed the hand-over waiting for her.
    for card in acted.cards:
        await rewrite_card(context, pt, "ho", request_id, acted, card)
    if not agreed:
        await show(update, context, render.handover_kept(context.t, partner), new_message=True)


# --- the partner group --------------------------------------------------------------------------------------


async def partner_button(update: Update, context: Context) -> None:
    """Take on / Close / Hand over on a request card in a partner group."""
    chat = update.effective_chat
    if chat is None or (pressed := await pressed_request(update, context)) is None:
        return
    query, user, callback, request_id = pressed
    action = callback.arg(0)
    # The pattern (`bot.handlers.common.PARTNER_BUTTON`) admits only the card's actions.
    if action == "ho" and not callback.arg(2):
        await stale_button(update, context)
        return
    desk = context.services.requests
    pt = desk.partner_t()
    if action in ("hox", "drop"):  # Cancel under the partner list, "Do not pass on" under a stray message
        await answer_query(query)
        await delete_prompt(context, query.message)
        return
    if action == "pass":
        await pass_on_stray(update, context, query, request_id)
        return
    card = pressed_card(query, action)
    if action == "handover":
        # The choices only in the request's partner chat: elsewhere they would tell whether it is open.
        targets = await desk.handover_choices(request_id, chat_id=chat.id, card_message_id=card)
        if isinstance(targets, Outcome):
            await answered_action(query, pt, action, targets)
            return
        await answer_query(query)
        text, keyboard = partner_render.handover_choices(pt, request_id, targets)
        await context.bot.send_message(chat.id, text, reply_markup=markup(keyboard), reply_to_message_id=card)
        return
    acted = await desk.act(
        action,
        request_id,
        chat_id=chat.id,
        staff_name=user.first_name or "?",
        to_partner=callback.arg(2),
        card_message_id=card,
    )
    for copy in acted.cards:
        await rewrite_card(context, pt, action, request_id, acted, copy)
    await answered_action(query, pt, action, acted.outcome)
    if action == "ho" and acted.outcome is Outcome.OK:
        await delete_prompt(context, query.message)  # the card now says that the hand-over waits


def pressed_card(query: CallbackQuery, action: str) -> int | None:
    """The card a partner button acts from: its own message, or for a hand-over target ("ho") the card the
    choices answer (they are posted as a reply to it)."""
    message = query.message
    if message is None:
        return None
    # An old card may come as an InaccessibleMessage: no content, but still its id (what matters for a card
    # of a deleted request).
    if action == "ho" and isinstance(message, Message) and message.reply_to_message is not None:
        return message.reply_to_message.message_id
    return message.message_id


async def rewrite_card(
    context: Context, pt: Translator, action: str, request_id: int, acted: CardAction, card: CardCopy
) -> None:
    """A card of the request (the pressed one or a copy in another group) after `action`: withdrawn by its
    resident ("withdrawn"), it says so, no longer how to answer, and loses its buttons; closed, it says so
    (by whom, where cards name staff) and keeps one button, reopen (within REOPEN_DAYS; later the tap says
    so); reopened, it is as before the closing; taken on, it says who took it on and offers no "Take on";
    in a group that may no longer act on the request, it keeps no button, and one that has just stopped
    acting on it learns why. Where its text cannot be rebuilt (unknown, or too long with the line) only the
    buttons change. A hand-over waiting for the resident's consent is named below (`acted.pending`), and
    goes when she has answered. Best effort: a button left on a copy answers what became of the request."""
    chat_id, message_id = card.chat_id, card.message_id
    keyboard: Keyboard | None
    if not card.acts or action == "withdrawn":
        keyboard = None
    elif action == "close":
        keyboard = partner_render.reopen_keyboard(pt, request_id)
    else:
        keyboard = partner_render.partner_keyboard(pt, request_id, taken=acted.taken)
    text = None
    if card.html is not None and card.left is not None:
        taken, staff = card.was_taken or acted.taken, card.was_staff or acted.staff
        text = partner_render.left_card(pt, card.html, card.left, card.now_with, taken, staff)
    elif card.html is not None and action == "close":
        text = partner_render.closed_card(pt, card.html, acted.taken, acted.staff, acted.closed_by)
    elif card.html is not None and action == "withdrawn":
        text = partner_render.withdrawn_card(pt, card.html, card.passes_on, acted.taken, acted.staff)
    elif card.html is not None and action in ("take", "reopen", "ho"):
        text = partner_render.open_card(pt, card.html, acted.taken, acted.staff)
        if acted.pending is not None:
            text = partner_render.handover_pending(pt, text, acted.pending)
    try:
        if text is not None:
            try:
                await context.bot.edit_message_text(
                    text, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup(keyboard)
                )
                return
            except BadRequest as exc:
                logger.info("card of request %s not rewritten: %s", request_id, exc)
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup(keyboard))
    except TelegramError as exc:
        logger.info("card %s in chat %s keeps its buttons: %s", message_id, chat_id, exc)


async def answered_action(query: CallbackQuery, pt: Translator, action: str, outcome: Outcome) -> None:
    """The toast on a card's button; a request its resident deleted or withdrew, and a card its group holds
    a newer one of, also lose the card's buttons."""
    if outcome in (Outcome.DELETED, Outcome.WITHDRAWN, Outcome.OUTDATED):
        await edit_buttons(query.message, None)
    await answer_query(query, partner_render.action_toast(pt, action, outcome))


async def partner_message(update: Update, context: Context) -> None:
    """A reply in a partner group to a request's thread: relayed to the resident (edits as corrections). In
    a forum topic every message "replies" to the topic's first message: one that replies to nothing else
    is a message without "Reply" (`partner_stray`)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return
    if message.reply_to_message.forum_topic_created is not None:
        if update.edited_message is not None:
            await partner_unreplied_edit(update, context)
        else:
            await partner_stray(update, context)
        return
    replied = message.reply_to_message
    replied_from_bot = replied.from_user is not None and replied.from_user.id == context.bot.id
    outcome = await context.services.requests.partner_reply(
        _group_message(
            update,
            chat.id,
            message,
            replied.message_id,
            replied_bot_text=(replied.text or replied.caption) if replied_from_bot else None,
        )
    )
    if outcome is Outcome.NOT_FOUND and replied_from_bot and update.edited_message is None:
        # A reply to a message of the bot that belongs to no request (its "not passed on" question, a
        # notice) reaches nobody either: asked about like a message without "Reply", never lost silently.
        await partner_stray(update, context)


def _group_message(
    update: Update, chat_id: int, message: Message, reply_to: int, replied_bot_text: str | None = None
) -> GroupMessage:
    """A message in a partner group, as the relay reads it, taken as a reply to message `reply_to`."""
    user = update.effective_user
    return GroupMessage(
        chat_id=chat_id,
        message_id=message.message_id,
        reply_to_message_id=reply_to,
        staff_name=(user.first_name if user else "") or "",
        from_user_id=user.id if user else None,
        sender_chat_id=message.sender_chat.id if message.sender_chat else None,
        text=message.text or message.caption,
        attachment=attachment_of(message),
        edited=update.edited_message is not None,
        edit_date=int(message.edit_date.timestamp()) if message.edit_date else None,
        replied_bot_text=replied_bot_text,
    )


async def partner_unreplied_edit(update: Update, context: Context) -> None:
    """An edit of a message written in a partner group without "Reply": once staff passed it on to a request
    (`pass_on_stray`) it belongs to that request's thread, and its correction reaches the resident as a
    Reply's does (the relay finds the thread by the message's own id). One never passed on: nothing."""
    message = update.edited_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    await context.services.requests.partner_reply(
        _group_message(update, chat.id, message, message.message_id)
    )


async def partner_stray(update: Update, context: Context) -> None:
    """A message in a partner group that replies to no message of a request (the bot sees it only as an
    admin or with privacy mode off): it reaches nobody. While the group has open requests the bot says so
    under it, offering the newest of them and "Do not pass on"; a tap passes it on (`pass_on_stray`). The
    question replies to the message: the tap finds it there, nothing is held in memory. Chatter in a group
    without open requests, bot commands, edits, messages of anonymous admins, channels or bots, and a text
    too short to be an answer (`relay.might_answer`: "Guten Morgen") get no answer. An album (one message
    per file) gets one note that its files were not passed on and how to send them: a tap could pass on
    only the one file it sits under."""
    message = update.message
    chat = update.effective_chat
    user = update.effective_user
    if message is None or chat is None or user is None or user.is_bot or message.sender_chat is not None:
        return
    if (message.text or "").lstrip().startswith("/"):
        return
    has_file = attachment_of(message) is not None
    if message.media_group_id is None and not might_answer(message.text or message.caption, has_file):
        return
    desk = context.services.requests
    choices = await desk.stray_choices(chat.id, partner_render.STRAY_CHOICES)
    if not choices:
        return
    if message.media_group_id is not None:
        # Once per album (its files arrive as messages of their own, one after the other): a few recent
        # albums are remembered in memory; a restart in the middle of one at worst repeats the note.
        told = (context.chat_data if context.chat_data is not None else {}).setdefault(
            "stray_albums", deque(maxlen=STRAY_ALBUMS_KEPT)
        )
        if message.media_group_id in told:
            return
        told.append(message.media_group_id)
        await message.reply_text(partner_render.stray_album(desk.partner_t()), do_quote=True)
        return
    text, keyboard = partner_render.stray_prompt(desk.partner_t(), choices)
    await message.reply_text(text, reply_markup=markup(keyboard), do_quote=True)


async def pass_on_stray(update: Update, context: Context, query: CallbackQuery, request_id: int) -> None:
    """A request tapped under a message written without "Reply": the message (the one the question replies
    to) goes to it as a reply to its card would, in its author's name, so only its author's tap counts; the
    question then says to whom it went. A refusal is explained in the group as for a reply, and the
    question stays for another choice."""
    prompt = query.message
    original = prompt.reply_to_message if isinstance(prompt, Message) else None
    chat = update.effective_chat
    if original is None or chat is None:
        await stale_button(update, context)
        return
    author = original.from_user
    desk = context.services.requests
    pt = desk.partner_t()
    if author is not None and author.id != query.from_user.id:
        # It goes out in its author's name: a colleague must not send someone's internal remark.
        await answer_query(query, partner_render.stray_not_author(pt, author.first_name))
        return
    outcome, number, name, subject = await desk.pass_on_stray(
        GroupMessage(
            chat_id=chat.id,
            message_id=original.message_id,
            reply_to_message_id=original.message_id,
            staff_name=(author.first_name if author else "") or "",
            from_user_id=author.id if author else None,
            sender_chat_id=original.sender_chat.id if original.sender_chat else None,
            text=original.text or original.caption,
            attachment=attachment_of(original),
            request_id=request_id,
        )
    )
    if outcome in (Outcome.OK, Outcome.DUPLICATE):
        await answer_query(query)
        staff = (author.first_name if author else "") or "?"
        await edit_buttons(prompt, None, partner_render.stray_passed(pt, staff, name, number, subject))
        return
    await answer_query(query, partner_render.action_toast(pt, "pass", outcome.value))


async def delete_prompt(context: Context, message: MaybeInaccessibleMessage | None) -> None:
    """A question of the bot in a partner group that is answered with "no" goes away; where Telegram
    refuses (older than two days) it keeps its text without buttons."""
    if message is None:
        return
    try:
        await context.bot.delete_message(message.chat.id, message.message_id)
    except TelegramError as exc:
        logger.info("message %s in chat %s not deleted: %s", message.message_id, message.chat.id, exc)
        await edit_buttons(message, None)
