"""Staff commands: /reload the content, /stats. Only in the admin chat or for admin user ids."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Message, Update

from bot.handlers.context import Context

logger = logging.getLogger(__name__)
MAX_PROBLEMS_SHOWN = 25


def join_within_limit(lines: list[str], limit: int = 4000) -> str:
    """Whole lines only, up to Telegram's length: cutting mid-line could break an HTML entity or tag."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > limit:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join(kept)


def is_admin(update: Update, context: Context) -> bool:
    settings = context.services.settings
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and settings.admin_chat_id is not None and chat.id == settings.admin_chat_id:
        return True
    return user is not None and user.id in settings.admin_ids


RELOAD_TASK = "staff-reload"


async def reload_content(update: Update, context: Context) -> None:
    """/reload: validate the content files and swap them in; on errors the old content stays live.

    The reload runs beside the residents' updates (and the staff chat's next ones): this handler only
    acknowledges; the result is posted when the reload is done.
    """
    message = update.effective_message
    if message is None or not is_admin(update, context):
        return
    t = context.services.i18n.translator("de")
    await message.reply_text(html.escape(t.gettext("Checking the content …")))
    task = asyncio.create_task(report_reload(update, message, context), name=RELOAD_TASK)
    _running.add(task)  # keep a reference until it is done
    task.add_done_callback(_running.discard)


_running: set[asyncio.Task[None]] = set()


async def report_reload(update: Update, message: Message, context: Context) -> None:
    """Reload the content and answer the staff's /reload with the result (errors go to the error handler)."""
    try:
        await _reload_and_answer(message, context)
    except Exception as exc:
        await context.application.process_error(update, exc)


async def _reload_and_answer(message: Message, context: Context) -> None:
    t = context.services.i18n.translator("de")
    result = await context.services.content.reload()
    if result.ok:
        count = len(result.warnings)
        text = t.ngettext(
            "New content is live ({count} warning).", "New content is live ({count} warnings).", count
        ).format(count=count)
        await message.reply_text(html.escape(text))
        return
    lines = [html.escape(t.gettext("The content has errors. The old content stays live."))]
    lines += [f"• {html.escape(str(problem))}" for problem in result.errors[:MAX_PROBLEMS_SHOWN]]
    if len(result.errors) > MAX_PROBLEMS_SHOWN:
        more = len(result.errors) - MAX_PROBLEMS_SHOWN
        lines.append(
            html.escape(
                t.ngettext("… and {count} more error", "… and {count} more errors", more).format(count=more)
            )
        )
    await message.reply_text(join_within_limit(lines))


async def stats(update: Update, context: Context) -> None:
    """/stats: 'did this help?' votes per entry and the latest unanswered questions (anonymous)."""
    message = update.effective_message
    if message is None or not is_admin(update, context):
        return
    t = context.services.i18n.translator("de")
    report = await context.services.feedback.report(entries=20, questions=15)
    lines = ["<b>" + html.escape(t.gettext("Did this help? (👍 / 👎)")) + "</b>"]
    for kind, entry_id, up, down in report.votes:
        lines.append(f"{html.escape(kind)}:{html.escape(entry_id)} – {up} / {down}")
    lines += ["", "<b>" + html.escape(t.gettext("Questions without an answer")) + "</b>"]
    lines += [f"• [{q.language}] {html.escape(q.text[:200])}" for q in report.unanswered]
    lines += ["", html.escape(search_status(context))]
    await message.reply_text(join_within_limit(lines))


def search_status(context: Context) -> str:
    """One line for staff: is the search meaning-based, still computing, or words only (and why)?"""
    services = context.services
    t = services.i18n.translator("de")
    embedder, engine = services.embedder, services.search
    if embedder is None or embedder.status == "off":
        return t.gettext("Search: words only (the search model is switched off).")
    if embedder.status == "failed":
        return t.gettext("Search: words only – the search model could not be loaded ({error}).").format(
            error=embedder.error or "?"
        )
    if engine is not None and engine.semantic_ready:
        return t.gettext("Search: by meaning and words (search model ready).")
    done, total = embedder.progress
    return t.gettext(
        "Search: words only for now – the search model is reading the content ({done} of {total})."
    ).format(done=done, total=total)
