"""What the Quartiersmanagement's staff read in the admin chat: the result of /reload and /stats (German)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from bot.i18n import Translator

MAX_PROBLEMS_SHOWN = 25
MESSAGE_LIMIT = 4000


def join_within_limit(lines: list[str], limit: int = MESSAGE_LIMIT) -> str:
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


def reload_started(t: Translator) -> str:
    return t.html("Checking the content …")


def reload_report(t: Translator, warnings: int, errors: Sequence[object]) -> str:
    """/reload: new content live (with its warnings counted), or the errors and the old content kept."""
    if not errors:
        return t.nhtml(
            "New content is live ({count} warning).", "New content is live ({count} warnings).", warnings
        )
    lines = [t.html("The content has errors. The old content stays live.")]
    lines += [f"• {escape(str(problem))}" for problem in errors[:MAX_PROBLEMS_SHOWN]]
    if len(errors) > MAX_PROBLEMS_SHOWN:
        more = len(errors) - MAX_PROBLEMS_SHOWN
        lines.append(t.nhtml("… and {count} more error", "… and {count} more errors", more))
    return join_within_limit(lines)


def stats_report(t: Translator, report: Any, search: str) -> str:
    """/stats: 'did this help?' votes per entry, the latest unanswered questions, the search's state."""
    lines = ["<b>" + t.html("Did this help? (👍 / 👎)") + "</b>"]
    for kind, entry_id, up, down in report.votes:
        lines.append(f"{escape(kind)}:{escape(entry_id)} – {up} / {down}")
    lines += ["", "<b>" + t.html("Questions without an answer") + "</b>"]
    lines += [f"• [{q.language}] {escape(q.text[:200])}" for q in report.unanswered]
    lines += ["", search]
    return join_within_limit(lines)


def search_status(
    t: Translator, status: str, error: str | None, ready: bool, progress: tuple[int, int]
) -> str:
    """One line: is the search meaning-based, still computing, or words only (and why)?"""
    if status == "off":
        return t.html("Search: words only (the search model is switched off).")
    if status == "failed":
        return t.html(
            "Search: words only – the search model could not be loaded ({error}).", error=error or "?"
        )
    if ready:
        return t.html("Search: by meaning and words (search model ready).")
    done, total = progress
    return t.html(
        "Search: words only for now – the search model is reading the content ({done} of {total}).",
        done=done,
        total=total,
    )
