"""The first minute again after /delete: "if you write to me again, I start afresh". Telegram sends no
/start again, so her next message (a text, a photo, a voice message) gets the welcome and the language
picker, then the district, as /start gives a new resident; what she wrote or sent is kept meanwhile and
taken up once she has chosen (`bot.handlers.questions.after_first_minute`). What she writes or sends
before she has chosen is kept too, and she is shown the step she is at again, with the promise: a
district's name typed at the district step picks it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import answer_query, show
from bot.handlers.context import MAX_HELD, Context
from bot.i18n import Translator, bare
from bot.render import start as start_screens
from bot.residents import FIRST_MINUTE, Waiting
from bot.tickets.dialogue import Attachment

# A district's name typed at the district step: a short message (not a question that names it).
MAX_DISTRICT_WORDS = 5
MIN_NAME_WORD = 5


async def first_contact(update: Update, context: Context, item: str | Attachment | None) -> None:
    """The welcome and the language picker, as /start shows them a new resident; `item`, her question or
    file, is kept for the end of the first minute."""
    data = context.user_data
    if data is None:
        return
    data.afresh = False
    await release(update, context)
    user = update.effective_user
    t = context.t
    lead = start_screens.welcome(t, user.first_name if user else None)
    if item is not None:
        held = await hold(update, context, item)
        data.first_step = "language"
        lead += "\n\n" + waits(t, held)
    # Below everything (a tapped screen from before /delete may be far up), not in place of it.
    new_message = update.callback_query is not None
    screen = start_screens.language_screen(t, context.services.i18n.languages, lead)
    await show(update, context, *screen, new_message=new_message)


async def old_screen(update: Update, context: Context) -> None:
    """Group -2: a button on a screen from before /delete (an offer's "Sign me up", a menu) is out of date,
    and she gets the first minute her next message would get, not a silent new profile (explore xr4 F9:
    "Sign me up" went straight into the sign-up's questions, no welcome, no language or district)."""
    query, chat, data = update.callback_query, update.effective_chat, context.user_data
    if query is None or chat is None or chat.type != chat.PRIVATE or data is None or not data.afresh:
        return
    await answer_query(query, start_screens.out_of_date(context.t))
    await first_contact(update, context, None)
    raise ApplicationHandlerStop


def waits(t: Translator, held: list[Waiting]) -> str:
    """The promise under the step: her question is answered (what she sent is asked about) once she has
    chosen."""
    if any(kept.attachment is None for kept in held):
        return start_screens.question_waits(t)
    return start_screens.file_waits(t)


async def hold(update: Update, context: Context, item: str | Attachment) -> list[Waiting]:
    """Keep her question or file for the end of the first minute, in the database (a restart loses none;
    the latest `MAX_HELD`); everything held so far."""
    user, message = update.effective_user, update.effective_message
    if user is None:
        return []
    if isinstance(item, str):
        kept = Waiting(message.message_id if message is not None else 0, item)
    else:
        kept = Waiting(item.message_id, item.caption, item.to_json())
    residents = context.services.residents
    await residents.keep(user.id, FIRST_MINUTE, kept, limit=MAX_HELD)
    return await residents.waiting(user.id, FIRST_MINUTE)


async def release(update: Update, context: Context) -> list[str | Attachment]:
    """The first minute ends (she chose, or went elsewhere): what was held for it, oldest first, held no
    longer (nothing is asked of the database when no first minute runs)."""
    data, user = context.user_data, update.effective_user
    if data is None or user is None or data.first_step is None:
        return []
    data.first_step = None
    kept = await context.services.residents.take(user.id, FIRST_MINUTE)
    return [Attachment.from_json(k.attachment) if k.attachment else (k.text or "") for k in kept]


def typed_district(context: Context, text: str) -> str | None:
    """The district a short text names (in any language the content names it), if exactly one."""
    words = bare(text).split()
    if not words or len(words) > MAX_DISTRICT_WORDS:
        return None
    found = set()
    for district_id, district in context.services.content.catalogue.districts.items():
        names = {word for name in district.name.values() for word in bare(name).split()}
        if any(len(word) >= MIN_NAME_WORD and word in words for word in names):
            found.add(district_id)
    return found.pop() if len(found) == 1 else None


async def held_step(update: Update, context: Context, item: str | Attachment | None) -> bool:
    """A message while she chooses her language or district, with something kept: `item` (her question or
    file; None for a greeting or a number) is kept too, and the step is shown again with the promise.
    False when no such first minute runs."""
    data, user = context.user_data, update.effective_user
    if data is None or user is None or data.first_step is None:
        return False
    if item is not None:
        held = await hold(update, context, item)
    else:
        held = await context.services.residents.waiting(user.id, FIRST_MINUTE)
    t = context.t
    if data.first_step == "district":
        question, keyboard = start_screens.district_screen(t, context.services.content.catalogue.districts)
        await show(update, context, f"{waits(t, held)}\n\n{question}", keyboard)
    else:
        languages = context.services.i18n.languages
        await show(update, context, *start_screens.language_screen(t, languages, waits(t, held)))
    return True
