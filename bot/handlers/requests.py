"""Requests to partners: the resident's dialogue (consent first), /requests, and the partner group side.

The rules live in `bot.tickets`; these handlers read the update, call one service inside one
transaction, and render. Everything that leaves for a partner or a later status message goes through the
outbox; the delivery worker sends it.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode

from bot.content.models import pick
from bot.context import Context
from bot.handlers.common import answer_query, show
from bot.handlers.errors import stale_button, unsupported_message
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.render.callback import decode, encode
from bot.render.keyboards import back_to_menu
from bot.tickets import dialogue as dialogues
from bot.tickets import render as ticket_render
from bot.tickets import service
from bot.tickets.dialogue import (
    Attachment,
    AttachmentProblem,
    ContactPreference,
    Dialogue,
    DialogueStep,
    Draft,
    MessageKind,
)

logger = logging.getLogger(__name__)
PREVIEW_CHARS = 600


def inline(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """The tickets package's PTB-free keyboards as Telegram markup."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def wake_delivery(context: Context) -> None:
    worker = context.services.delivery
    if worker is not None:
        worker.wake()


def attachment_of(message: Message) -> Attachment | None:
    """A photo, voice message or document as a request attachment (other media: unsupported)."""
    chat_id, message_id, caption = message.chat_id, message.message_id, message.caption
    if message.photo:
        photo = message.photo[-1]
        return Attachment(
            MessageKind.PHOTO,
            photo.file_id,
            chat_id,
            message_id,
            None,
            "image/jpeg",
            photo.file_size,
            caption,
        )
    if message.voice:
        voice = message.voice
        return Attachment(
            MessageKind.VOICE,
            voice.file_id,
            chat_id,
            message_id,
            None,
            voice.mime_type,
            voice.file_size,
            caption,
        )
    if message.document:
        doc = message.document
        return Attachment(
            MessageKind.DOCUMENT,
            doc.file_id,
            chat_id,
            message_id,
            doc.file_name,
            doc.mime_type,
            doc.file_size,
            caption,
        )
    return None


def attachment_problem_text(t: Translator, problem: AttachmentProblem) -> str:
    if problem is AttachmentProblem.TOO_LARGE:
        return t.gettext("This file is too big (more than 20 MB). Please send a photo of the page instead.")
    if problem is AttachmentProblem.TOO_MANY:
        return t.gettext("That is enough attachments for one request. Please tap “Done”.")
    return t.gettext("I can pass on photos, voice messages and documents (PDF), but not this kind of file.")


# --- the resident's dialogue -------------------------------------------------------------------------------


async def start_request(update: Update, context: Context) -> None:
    """“I'm interested”, “Ask a person”, a failed search or a topic: start the dialogue."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    callback = decode(query.data)
    catalogue = context.services.content.catalogue
    offer_id = topic_id = partner_id = None
    if callback.namespace == "signup":
        offer_id = callback.arg(0)
        if offer_id not in catalogue.offers:
            await stale_button(update, context)
            return
    elif callback.namespace == "signup-e":
        event = catalogue.events.get(callback.arg(0))
        if event is None:
            await stale_button(update, context)
            return
        partner_id = event.partner
        topic_id = event.topics[0] if event.topics else None
    else:  # ask:<origin>: t.<topic>, p.<partner>, f.<faq>, q (a question nobody answered)
        kind, _, entry_id = callback.arg(0).partition(".")
        if kind == "t" and entry_id in catalogue.topics:
            topic_id = entry_id
        elif kind == "p" and entry_id in catalogue.partners:
            partner_id = entry_id
        elif kind == "f" and entry_id in catalogue.faq and catalogue.faq[entry_id].partners:
            partner_id = catalogue.faq[entry_id].partners[0]
    # "Ask a person" after a question the bot could not answer: the question starts the message, so the
    # resident need not type it again (shown on the consent screen like anything else they wrote).
    question = None
    if callback.namespace == "ask" and context.user_data is not None:
        question, context.user_data.last_question = context.user_data.last_question, None
    await answer_query(query)
    async with context.services.database.transaction() as session:
        dialogue = await dialogues.start_dialogue(
            session,
            context.services.ticket_context(),
            user.id,
            offer_id=offer_id,
            topic_id=topic_id,
            partner_id=partner_id,
        )
        if question and (callback.arg(0) == "q" or callback.arg(0).startswith("f.")):
            dialogues.add_text(dialogue, question)
        text, keyboard = step_screen(context, dialogue)
    await show(update, context, text, keyboard)


def step_screen(context: Context, dialogue: Dialogue) -> tuple[str, InlineKeyboardMarkup]:
    """The screen of the dialogue's current step, in the resident's language."""
    t = context.t
    ctx = context.services.ticket_context()
    draft = Draft.of(dialogue)
    partner = html.escape(ctx.partner_name(draft.partner_id, t.lang))
    cancel = InlineKeyboardButton(
        "✖️ " + t.gettext("Cancel"), callback_data=encode("dlg", "cancel", dialogue.id)
    )
    step = DialogueStep(dialogue.step)
    if step is DialogueStep.INTAKE:
        question = dialogues.next_intake_question(ctx, dialogue)
        if question is not None:
            text = "❓ " + html.escape(pick(question.question, t.lang)[0])
            skip = InlineKeyboardButton(
                "⏭ " + t.gettext("Skip"), callback_data=encode("dlg", "skip", dialogue.id)
            )
            return text, InlineKeyboardMarkup([[skip], [cancel]])
        dialogues.set_step(dialogue, DialogueStep.MESSAGE)
        step = DialogueStep.MESSAGE
    if step is DialogueStep.MESSAGE:
        lines = [
            html.escape(t.gettext("Write your message to {partner}.")).format(partner=t.isolate(partner)),
            html.escape(t.gettext("You can also send a photo of a letter, a voice message or a document.")),
        ]
        if draft.text or draft.attachments:
            lines.append(html.escape(t.gettext("Got it. You can add more, or tap “Done”.")))
        elif draft.offer_id:
            lines.append(html.escape(t.gettext("Or just tap “Done” to sign up.")))
        done = InlineKeyboardButton(
            "✅ " + t.gettext("Done"), callback_data=encode("dlg", "done", dialogue.id)
        )
        return "\n".join(lines), InlineKeyboardMarkup([[done], [cancel]])
    if step is DialogueStep.CONTACT:
        text = html.escape(t.gettext("How should {partner} answer you?")).format(partner=t.isolate(partner))
        chat = InlineKeyboardButton(
            "💬 " + t.gettext("Here in this chat"), callback_data=encode("dlg", "chat", dialogue.id)
        )
        phone = InlineKeyboardButton(
            "📞 " + t.gettext("Call me"), callback_data=encode("dlg", "phone", dialogue.id)
        )
        return text, InlineKeyboardMarkup([[chat], [phone], [cancel]])
    return consent_screen(context, dialogue, draft, partner)


def consent_screen(
    context: Context, dialogue: Dialogue, draft: Draft, partner: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Exactly what will be sent, to whom; nothing leaves before “Send”."""
    t = context.t
    catalogue = context.services.content.catalogue
    user = context.user_data
    lines = [
        "<b>" + html.escape(t.gettext("Please check before sending")) + "</b>",
        # `partner` is escaped already: escape the sentence, then insert it.
        html.escape(t.gettext("This goes to: {partner}")).format(partner=t.isolate(partner)),
        "",
        html.escape(t.gettext("They will see:")),
    ]
    first_name = (update_first_name(context) or "").strip()
    if first_name:
        lines.append(
            "• " + html.escape(t.gettext("your first name: {name}").format(name=t.isolate(first_name)))
        )
    lines.append(
        "• "
        + html.escape(
            t.gettext("your language: {language}").format(
                language=LANGUAGE_NAMES.get(user.lang if user else "de", "Deutsch")
            )
        )
    )
    if draft.offer_id and draft.offer_id in catalogue.offers:
        lines.append(
            "• "
            + html.escape(
                t.gettext("the offer: {offer}").format(
                    offer=pick(catalogue.offers[draft.offer_id].title, t.lang)[0]
                )
            )
        )
    topic = catalogue.topics.get(draft.topic_id or "")
    if topic is not None:
        for question in topic.intake:
            answer = draft.intake.get(question.id)
            if answer:
                lines.append(
                    "• " + html.escape(pick(question.question, t.lang)[0]) + " " + html.escape(answer)
                )
    if draft.text:
        preview = draft.text if len(draft.text) <= PREVIEW_CHARS else draft.text[:PREVIEW_CHARS] + " …"
        lines.append("• " + html.escape(t.gettext("your message:")) + "\n<i>" + html.escape(preview) + "</i>")
    if draft.attachments:
        count = len(draft.attachments)
        lines.append(
            "• "
            + html.escape(t.ngettext("{count} attachment", "{count} attachments", count).format(count=count))
        )
    if draft.contact is ContactPreference.PHONE and draft.phone:
        lines.append(
            "• " + html.escape(t.gettext("your phone number: {phone}").format(phone=t.isolate(draft.phone)))
        )
    else:
        lines.append("• " + html.escape(t.gettext("that you want the answer here in this chat")))
    lines += ["", html.escape(t.gettext("They will not see your Telegram name, username or account."))]
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "✅ " + t.gettext("Send"), callback_data=encode("dlg", "send", dialogue.id)
                )
            ],
            [
                InlineKeyboardButton(
                    "✏️ " + t.gettext("Change"), callback_data=encode("dlg", "change", dialogue.id)
                ),
                InlineKeyboardButton(
                    "✖️ " + t.gettext("Cancel"), callback_data=encode("dlg", "cancel", dialogue.id)
                ),
            ],
        ]
    )
    return "\n".join(lines), keyboard


def update_first_name(context: Context) -> str | None:
    return context.user_data.first_name if context.user_data else None


async def dialogue_button(update: Update, context: Context) -> None:
    """Skip / Done / chat / phone / Send / Change / Cancel inside the dialogue.

    The state changes in one transaction; what to show is decided there and sent only after the commit.
    """
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    callback = decode(query.data)
    t = context.t
    ctx = context.services.ticket_context()
    screen = None
    async with context.services.database.transaction() as session:
        outcome = await service.dialogue_action(
            session,
            ctx,
            resident_id=user.id,
            action=callback.arg(0),
            dialogue_id=callback.arg(1),
            input_key=f"q:{query.id}",
        )
        if outcome.dialogue is not None:
            screen = step_screen(context, outcome.dialogue)
    if outcome.kind == "gone":
        await answer_query(query, t.gettext("This request was already sent or cancelled."))
        return
    if outcome.kind == "empty":
        await answer_query(query, t.gettext("Please write a few words first."), alert=True)
        return
    if outcome.kind == "stale":
        await stale_button(update, context)
        return
    await answer_query(query)
    if outcome.kind == "phone":
        await ask_for_phone(update, context)
    elif outcome.kind == "sent":
        wake_delivery(context)
        sent = html.escape(t.gettext("Sent. Your request number is {number}.")).format(
            number=t.isolate(outcome.number or "")
        )
        await show(update, context, "✅ " + sent, back_to_menu(t))
    elif outcome.kind == "cancelled":
        await show(update, context, html.escape(t.gettext("Cancelled. Nothing was sent.")), back_to_menu(t))
    elif screen is not None:
        await show(update, context, *screen)


async def ask_for_phone(update: Update, context: Context) -> None:
    """Telegram's own “share my phone number” button: the number is only shared on this tap."""
    chat = update.effective_chat
    if chat is None:
        return
    t = context.t
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📞 " + t.gettext("Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await context.bot.send_message(
        chat.id,
        html.escape(
            t.gettext("Tap the button below to share your phone number. Only then will it be shared.")
        ),
        reply_markup=keyboard,
    )


async def on_contact(update: Update, context: Context) -> None:
    """The resident shared their own phone number."""
    message = update.effective_message
    user = update.effective_user
    if message is None or message.contact is None or user is None:
        return
    t = context.t
    if message.contact.user_id not in (None, user.id):
        await message.reply_text(html.escape(t.gettext("Please share your own phone number.")))
        return
    async with context.services.database.transaction() as session:
        dialogue = await dialogues.get_dialogue(session, context.services.ticket_context(), user.id)
        if dialogue is None:
            screen = None
        else:
            dialogues.set_contact(dialogue, ContactPreference.PHONE, message.contact.phone_number)
            screen = step_screen(context, dialogue)
    await message.reply_text(html.escape(t.gettext("Thank you.")), reply_markup=ReplyKeyboardRemove())
    if screen is None:
        await show(
            update,
            context,
            html.escape(t.gettext("This request was already sent or cancelled.")),
            back_to_menu(t),
        )
        return
    await show(update, context, *screen)


async def dialogue_input(update: Update, context: Context) -> bool:
    """Text or an attachment while a dialogue runs; False if there is no dialogue (then it's a question)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    t = context.t
    ctx = context.services.ticket_context()
    notice = None
    async with context.services.database.transaction() as session:
        dialogue = await dialogues.get_dialogue(session, ctx, user.id)
        if dialogue is None:
            return False
        step = DialogueStep(dialogue.step)
        attachment = attachment_of(message)
        if not dialogues.first_time(dialogue, f"m:{message.message_id}"):
            pass  # the same message again (processed before a restart): show the screen, add nothing
        elif message.text is not None and step is DialogueStep.INTAKE:
            dialogues.answer_intake(ctx, dialogue, message.text[:500])
        elif attachment is not None:
            problem = dialogues.add_attachment(dialogue, attachment)
            if problem is not None:
                notice = attachment_problem_text(t, problem)
            elif step is not DialogueStep.CONFIRM:
                dialogues.set_step(dialogue, DialogueStep.MESSAGE)
        elif message.text is not None:
            dialogues.add_text(dialogue, message.text)
            if step is DialogueStep.INTAKE or step is DialogueStep.CONTACT:
                dialogues.set_step(dialogue, DialogueStep.MESSAGE)
        else:
            notice = attachment_problem_text(t, AttachmentProblem.UNSUPPORTED)
        screen = step_screen(context, dialogue)
    if notice:
        await message.reply_text(html.escape(notice))
    await context.bot.send_message(
        message.chat_id, screen[0], parse_mode=ParseMode.HTML, reply_markup=screen[1]
    )
    return True


# --- the resident after sending -------------------------------------------------------------------------


async def resident_followup(update: Update, context: Context) -> bool:
    """A reply to one of the bot's request messages goes into that request's thread."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return False
    t = context.t
    async with context.services.database.transaction() as session:
        if not await service.is_request_thread(session, user.id, message.reply_to_message.message_id):
            return False
        result = await service.resident_reply(
            session,
            context.services.ticket_context(),
            resident_id=user.id,
            message_id=message.message_id,
            reply_to_message_id=message.reply_to_message.message_id,
            text=message.text or message.caption,
            attachment=attachment_of(message),
        )
    await reply_outcome(update, context, t, result)
    return True


async def reply_outcome(update: Update, context: Context, t: Translator, result: service.Result) -> None:
    message = update.effective_message
    if message is None:
        return
    outcome = result.outcome
    if outcome is service.Outcome.OK:
        wake_delivery(context)
        text = t.gettext("Passed on to {partner}.").format(
            partner=context.services.ticket_context().partner_name(
                result.request.partner_id if result.request else None, t.lang
            )
        )
    elif outcome is service.Outcome.CLOSED:
        text = t.gettext("This request is closed. Start a new one with “Ask a question” in the menu.")
    elif outcome is service.Outcome.INVALID and result.attachment_problem is not None:
        text = attachment_problem_text(t, result.attachment_problem)
    elif outcome is service.Outcome.EMPTY:
        text = t.gettext("Please write a few words first.")
    elif outcome is service.Outcome.DUPLICATE:
        return
    else:
        text = t.gettext("I could not find this request. /requests shows your open requests.")
    await message.reply_text(html.escape(text))


async def requests_command(update: Update, context: Context) -> None:
    """/requests: open requests with “add” and “withdraw”."""
    user = update.effective_user
    if user is None:
        return
    await answer_query(update.callback_query)
    async with context.services.database.sessions() as session:
        text, rows = await service.open_requests_view(
            session, context.services.ticket_context(), user.id, context.lang
        )
    keyboard = inline([*rows, [("🏠 " + context.t.gettext("Menu"), encode("menu"))]])
    await show(update, context, text, keyboard)


async def resident_request_button(update: Update, context: Context) -> None:
    """✏️ Add to … (the next reply goes to that request) and ✖️ Withdraw …"""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    callback = decode(query.data)
    try:
        request_id = int(callback.arg(1))
    except ValueError:
        await stale_button(update, context)
        return
    t = context.t
    ctx = context.services.ticket_context()
    if callback.arg(0) == "withdraw":
        async with context.services.database.transaction() as session:
            result = await service.cancel_request(session, ctx, resident_id=user.id, request_id=request_id)
        await answer_query(query, t.gettext("Withdrawn.") if result.ok else t.gettext("Nothing to change."))
        wake_delivery(context)
        await requests_command(update, context)
        return
    # Read, then talk to Telegram, then record: no network call while a transaction is open.
    async with context.services.database.sessions() as session:
        request = await service.open_request_of(session, user.id, request_id)
    if request is None:
        await answer_query(
            query, t.gettext("This request is closed. Start a new one with “Ask a question” in the menu.")
        )
        return
    await answer_query(query)
    prompt = await context.bot.send_message(
        chat.id,
        html.escape(
            t.gettext(
                "Write what you want to add to request {number} and send it as a reply to this message."
            )
        ).format(number=t.isolate(request.number)),
    )
    async with context.services.database.transaction() as session:
        # The prompt belongs to the request's thread: the resident's reply to it maps back by message id.
        await service.link_resident_prompt(session, user.id, prompt.message_id, request.id)


async def resident_media(update: Update, context: Context) -> None:
    """Photo, voice or document in the private chat: part of a dialogue or a reply, else explain."""
    if await dialogue_input(update, context):
        return
    if await resident_followup(update, context):
        return
    await unsupported_message(update, context)


# --- the partner group --------------------------------------------------------------------------------------


async def partner_button(update: Update, context: Context) -> None:
    """Take on / Close / Hand over on a request card in a partner group."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return
    callback = decode(query.data)
    action = callback.arg(0)
    try:
        request_id = int(callback.arg(1))
    except ValueError:
        await stale_button(update, context)
        return
    ctx = context.services.ticket_context()
    pt = ctx.partner_t()
    staff = user.first_name or "?"
    result: service.Result | None = None
    choices: ticket_render.Rendered | None = None
    unknown = False
    async with context.services.database.transaction() as session:
        if action == "take":
            result = await service.take_on(
                session, ctx, request_id=request_id, chat_id=chat.id, staff_name=staff
            )
        elif action == "close":
            result = await service.close(
                session, ctx, request_id=request_id, chat_id=chat.id, staff_name=staff
            )
        elif action == "ho" and callback.arg(2):
            result = await service.hand_over(
                session, ctx, request_id=request_id, to_partner=callback.arg(2), chat_id=chat.id
            )
        elif action == "handover":
            targets = await service.handover_choices(session, ctx, request_id)
            choices = None if targets is None else ticket_render.handover_choices(pt, request_id, targets)
        else:
            unknown = True
    if unknown:
        await stale_button(update, context)
        return
    if result is None:  # "Hand over": show the choices (after the transaction, never inside it)
        if choices is None:
            await answer_query(query, pt.gettext("This request is already closed."))
            return
        await answer_query(query)
        await context.bot.send_message(
            chat.id,
            choices[0],
            reply_markup=inline(choices[1]),
            reply_to_message_id=query.message.message_id if query.message else None,
        )
        return
    wake_delivery(context)
    if action == "close" and result.outcome is service.Outcome.OK and isinstance(query.message, Message):
        # A closed card needs no buttons any more; a stale tap would only get "already closed".
        await query.message.edit_reply_markup(None)
    toasts = {
        service.Outcome.OK: pt.gettext("Done."),
        service.Outcome.ALREADY: pt.gettext("That has already happened."),
        service.Outcome.CLOSED: pt.gettext("This request is already closed."),
        service.Outcome.WRONG_CHAT: pt.gettext("This request belongs to another organisation."),
    }
    await answer_query(query, toasts.get(result.outcome, pt.gettext("That did not work.")))


async def partner_message(update: Update, context: Context) -> None:
    """A reply in a partner group to a request's thread: relayed to the resident (edits as corrections)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return
    user = update.effective_user
    replied = message.reply_to_message
    replied_from_bot = replied.from_user is not None and replied.from_user.id == context.bot.id
    async with context.services.database.transaction() as session:
        await service.partner_reply(
            session,
            context.services.ticket_context(),
            chat_id=chat.id,
            message_id=message.message_id,
            reply_to_message_id=message.reply_to_message.message_id,
            staff_name=(user.first_name if user else "") or "",
            from_user_id=user.id if user else None,
            sender_chat_id=message.sender_chat.id if message.sender_chat else None,
            text=message.text or message.caption,
            attachment=attachment_of(message),
            edited=update.edited_message is not None,
            edit_date=int(message.edit_date.timestamp()) if message.edit_date else None,
            replied_bot_text=(replied.text or replied.caption) if replied_from_bot else None,
        )
    wake_delivery(context)
