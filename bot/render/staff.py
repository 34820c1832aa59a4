"""What the Quartiersmanagement's staff read in the admin chat: the result of /reload and /stats (in the
language of the staff member who asked), and the notices at start-up (German)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from bot.content.catalogue import Catalogue
from bot.content.problems import Problem
from bot.i18n import Translator
from bot.render.screens import entries, entry_label

MAX_PROBLEMS_SHOWN = 25
MAX_WARNINGS_SHOWN = 10
EXAMPLE = "example"
# A partner's answers cannot reach residents (`bot.content.references.unanswerable_partners`): named first.
UNREACHABLE = "answers_unreachable"
MESSAGE_LIMIT = 4000


def join_within_limit(lines: list[str], tail: Sequence[str] = ()) -> str:
    """Whole lines only, up to Telegram's length: cutting mid-line could break an HTML entity or tag.
    `tail`: lines that end the message whatever is cut before them."""
    kept: list[str] = []
    size = sum(len(line) + 1 for line in tail)
    for line in lines:
        size += len(line) + 1
        if size > MESSAGE_LIMIT:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join([*kept, *tail])


def reload_started(t: Translator) -> str:
    return t.html("Checking the content …")


def reload_report(t: Translator, warnings: Sequence[Problem], errors: Sequence[Problem]) -> str:
    """/reload: new content live with its warnings (the first ones named, the example data counted), or
    the errors and the old content kept."""
    if errors:
        return join_within_limit(
            [t.html("The content has errors. The old content stays live."), *bullets(t, errors)]
        )
    lines = [
        t.nhtml(
            "New content is live ({count} warning).", "New content is live ({count} warnings).", len(warnings)
        )
    ]
    named, counted = warning_lines(t, warnings)
    return join_within_limit(lines + named, tail=counted)


def bullets(t: Translator, errors: Sequence[Problem]) -> list[str]:
    """The first errors, one line each, and how many more there are."""
    lines = [f"• {escape(str(problem))}" for problem in errors[:MAX_PROBLEMS_SHOWN]]
    if len(errors) > MAX_PROBLEMS_SHOWN:
        more = len(errors) - MAX_PROBLEMS_SHOWN
        lines.append(t.nhtml("… and {count} more error", "… and {count} more errors", more))
    return lines


def warning_lines(t: Translator, warnings: Sequence[Problem]) -> tuple[list[str], list[str]]:
    """The warnings that need doing, the first ones named, the partners whose answers cannot reach
    residents before all others; the example data only counted (one warning per made-up entry, the same
    list every time), in a line of its own (the second list) that no cut for length may drop."""
    examples = sum(1 for problem in warnings if problem.code == EXAMPLE)
    others = [problem for problem in warnings if problem.code not in (EXAMPLE, UNREACHABLE)]
    lines = unreachable_lines(t, warnings)
    lines += [f"• {escape(str(problem))}" for problem in others[:MAX_WARNINGS_SHOWN]]
    if len(others) > MAX_WARNINGS_SHOWN:
        more = len(others) - MAX_WARNINGS_SHOWN
        lines.append(t.nhtml("… and {count} more warning", "… and {count} more warnings", more))
    counted = []
    if examples:
        counted.append(
            t.nhtml(
                "{count} of them: example data (example: true) – not for the public.",
                "{count} of them: example data (example: true) – not for the public.",
                examples,
            )
        )
    return lines, counted


def started_with_last_good(t: Translator, errors: Sequence[Problem]) -> str:
    """Start-up while the content folder has errors: the bot answers with the last content that was live."""
    lines = [
        t.html(
            "⚠️ The bot was restarted, but the content files have errors. Residents see the last content "
            "that was live. The new content goes live only when these errors are fixed (then /reload):"
        ),
        *bullets(t, errors),
    ]
    return join_within_limit(lines)


def unreachable_lines(t: Translator, warnings: Sequence[Problem]) -> list[str]:
    """The warning naming the partners whose answers cannot reach residents (one for all of them:
    `bot.content.references.unanswerable_partners`)."""
    return [f"• {escape(str(problem))}" for problem in warnings if problem.code == UNREACHABLE]


def answers_unreachable(t: Translator, warnings: Sequence[Problem]) -> str | None:
    """Start-up: the partners whose answers cannot reach residents (no inbound e-mail, and no Telegram
    group to pass them on from); None when there are none."""
    lines = unreachable_lines(t, warnings)
    if not lines:
        return None
    head = t.html(
        "⚠️ Residents do not get the answers of these partners in the chat – their requests go out by "
        "e-mail only and no answer can come back:"
    )
    return join_within_limit([head, *lines])


def example_data_live(t: Translator, count: int) -> str:
    """Start-up on Telegram with made-up entries in the content."""
    return t.nhtml(
        "⚠️ The bot runs on Telegram with example data: {count} entry is made up (example: true) – not for "
        "the public. Replace it with real data before residents use the bot (check --strict).",
        "⚠️ The bot runs on Telegram with example data: {count} entries are made up (example: true) – not "
        "for the public. Replace them with real data before residents use the bot (check --strict).",
        count,
    )


def stats_report(
    t: Translator, catalogue: Catalogue, report: Any, search: str, titles: Translator | None = None
) -> str:
    """/stats in the staff member's language `t`: 'did this help?' votes per entry (by its title in `titles`'
    language, German as staff know it from the content; by its id only when the content no longer has it),
    the latest unanswered questions, the search's state. A section with
    nothing in it says so (a heading alone read as if something had failed to load)."""
    lines = ["<b>" + t.html("Did this help? (👍 / 👎)") + "</b>"]
    for kind, entry_id, up, down in report.votes:
        if entry_id in entries(catalogue, kind):
            label = entry_label(titles or t, catalogue, kind, entry_id)
        else:
            label = f"{kind}:{entry_id}"
        lines.append(f"{escape(label)} – {up} / {down}")
    if not report.votes:
        lines.append("<i>" + t.html("No votes yet.") + "</i>")
    lines += ["", "<b>" + t.html("Questions without an answer") + "</b>"]
    lines += [f"• [{q.language}] {escape(q.text[:200])}" for q in report.unanswered]
    if not report.unanswered:
        lines.append("<i>" + t.html("No unanswered questions yet.") + "</i>")
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
