"""Staff commands: /reload the content, /stats. Only in the admin chat or for admin user ids."""

from __future__ import annotations

import asyncio

from telegram import Message, Update

from bot.handlers.context import Context
from bot.handlers.errors import unknown_command
from bot.i18n import Translator
from bot.render import staff


async def refused(update: Update, context: Context) -> bool:
    """Whether a staff command comes from someone else than the admin chat or an admin: in a private chat it
    is a command the resident's bot does not know (she gets that answer, not silence); in other groups the
    bot stays quiet."""
    settings = context.services.settings
    chat, user = update.effective_chat, update.effective_user
    in_admin_chat = chat is not None and chat.id == settings.admin_chat_id
    if in_admin_chat or (user is not None and user.id in settings.admin_ids):
        return False
    if chat is not None and chat.type == chat.PRIVATE:
        await unknown_command(update, context)
    return True


def staff_translator(update: Update, context: Context) -> Translator:
    """The staff member's Telegram language for the answer to their command (every catalog has the staff
    strings); German when the phone reports none the bot has."""
    user = update.effective_user
    i18n = context.services.i18n
    return i18n.translator(i18n.negotiate(user.language_code if user else None))


RELOAD_TASK = "staff-reload"


async def reload_content(update: Update, context: Context) -> None:
    """/reload: validate the content files and swap them in; on errors the old content stays live.

    The reload runs beside the residents' updates (and the staff chat's next ones): this handler only
    acknowledges; the result is posted when the reload is done.
    """
    message = update.effective_message
    if message is None or await refused(update, context):
        return
    t = staff_translator(update, context)
    await message.reply_text(staff.reload_started(t))
    task = asyncio.create_task(report_reload(update, message, context), name=RELOAD_TASK)
    _running.add(task)  # keep a reference until it is done
    task.add_done_callback(_running.discard)


_running: set[asyncio.Task[None]] = set()


async def reloads_done() -> None:
    """Wait for the staff's reloads still running: the console's last step, so that a piped preview shows
    the result of its /reload instead of ending before it."""
    await asyncio.gather(*_running, return_exceptions=True)


async def report_reload(update: Update, message: Message, context: Context) -> None:
    """Reload the content and answer the staff's /reload with the result (errors go to the error handler)."""
    try:
        result = await context.services.content.reload()
        errors = [] if result.ok else result.errors
        t = staff_translator(update, context)
        await message.reply_text(staff.reload_report(t, result.warnings, errors))
    except Exception as exc:
        await context.application.process_error(update, exc)


async def stats(update: Update, context: Context) -> None:
    """/stats: 'did this help?' votes per entry and the latest unanswered questions (never who asked)."""
    message = update.effective_message
    if message is None or await refused(update, context):
        return
    t = staff_translator(update, context)
    report = await context.services.feedback.report(entries=20, questions=15)
    embedder, engine = context.services.embedder, context.services.search
    search = staff.search_status(
        t,
        "off" if embedder is None else embedder.status,
        embedder.error if embedder else None,
        engine is not None and engine.semantic_ready,
        embedder.progress if embedder else (0, 0),
    )
    catalogue, german = context.services.content.catalogue, context.services.i18n.translator("de")
    await message.reply_text(staff.stats_report(t, catalogue, report, search, titles=german))
