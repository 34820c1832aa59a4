"""The resident's request draft, before it is sent: how it starts ("I'm interested", "Ask a person", a
topic, a failed search, a file), its buttons and their labels typed, what she writes into it, the phone
number she shares, and parking it when she goes elsewhere (/start, a command, a menu button). A photo,
voice message or document in the private chat arrives here first (`resident_media`): into her draft, else
to a request she sent, else it starts a draft ("Who should I send this to?"); so do its caption edited, a
sticker or a video. Her messages about a request already sent: `bot.handlers.conversation`; the partner
group's side: `bot.handlers.partner_group`.

Each handler turns the update into one call of the request desk (`context.services.requests`, which owns
the transaction and decides) and its answer into a screen of `bot.render.requests`.
"""

from __future__ import annotations

import logging
from collections import deque

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update, User
from telegram.error import BadRequest

from bot.delivery.outbox import markup
from bot.handlers import afresh, conversation
from bot.handlers.common import answer_query, attachment_of, button_press, show
from bot.handlers.context import STRAY_ALBUMS_KEPT, Context
from bot.handlers.conversation import conversation_input, correction, resident_followup, write_on
from bot.handlers.errors import unsupported_message
from bot.handlers.menu import danger_words
from bot.handlers.navigation import stale_button
from bot.handlers.typed_labels import named_button, typed_button
from bot.i18n import bare
from bot.render import requests as render
from bot.render import screens
from bot.render.callback import decode
from bot.render.keyboards import back_to_menu
from bot.render.start import phone_not_shared
from bot.search.urgency import marks_urgent
from bot.tickets import intake
from bot.tickets.dialogue import MAX_ATTACHMENTS, Attach, Attachment, Effect, Text, Unsupported
from bot.tickets.intake import DialogueReply

logger = logging.getLogger(__name__)

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
    message, user = update.effective_message, update.effective_user
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
    message, user = update.effective_message, update.effective_user
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
        await conversation.keep_in_files_draft(context, user, message)  # ... maybe with ✍️ for its first file
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
    if reply.view.choices and not reply.problem:  # "who should get this?": her files' ✍️ again, with this
        return await conversation.show_files_question(update, context, reply.view)
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


async def media_request(update: Update, context: Context, *, danger: bool = False) -> bool:
    """A photo, voice message or document outside any request: “Who should I send this to?”, with ✍️ first
    to add it to a request of hers that is open (page 2 of her letter: `conversation.offer_to_add`). `danger`:
    danger words in its caption make the request urgent (`marks_urgent`)."""
    message, user = update.effective_message, update.effective_user
    attachment = attachment_of(message) if message is not None else None
    if message is None or user is None or attachment is None:
        return False
    reply = await context.services.requests.start_media(user.id, attachment, danger)
    if reply.view is None:
        await message.reply_text(render.input_problem(context.t, reply.problem or "unsupported"))
        return True
    return await conversation.show_files_question(update, context, reply.view, first=True)


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
