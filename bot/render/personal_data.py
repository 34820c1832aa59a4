"""/mydata as the resident reads it: one message (split by the sender where it is long) and a JSON file.

The message is in the resident's language, with content names (partners, offers, topics) as the resident sees
them elsewhere; the file has the same data with stable English keys and the stored values, so it can be read
by a program or handed to someone who helps the resident.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import datetime
from html import escape
from typing import Any

from bot.content.catalogue import Catalogue
from bot.content.models import localized
from bot.feedback import MASKED_EMAIL, MASKED_NUMBER, MASKED_PHONE
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.languages import N_
from bot.render.requests import request_line
from bot.render.screens import entries, entry_label
from bot.residents import PersonalData, ThreadMessage
from bot.storage.models.requests import RequestStatus

KIND_ICONS = {"photo": "📷", "voice": "🎤", "document": "📎"}
# The marks a stored question has in place of contact details (`bot.feedback.mask_contact_details`; in German,
# as the staff read them in /stats), named in the resident's language in her /mydata message.
MASKS = {MASKED_PHONE: N_("phone number"), MASKED_EMAIL: N_("e-mail address"), MASKED_NUMBER: N_("number")}
MASK = re.compile("|".join(re.escape(mark) for mark in MASKS))


def _question_html(t: Translator, text: str) -> str:
    """A stored question as HTML, its masks in the resident's language ("[Telefon]" is "[телефон]")."""
    parts = MASK.split(text)
    marks = [f"[{t.html(MASKS[mark])}]" for mark in MASK.findall(text)]
    return "".join(escape(part) + (marks[i] if i < len(marks) else "") for i, part in enumerate(parts))


def _name(collection: Any, entry_id: str | None, t: Translator, field: str) -> str:
    """The content name of an entry in the resident's language, or its id if the content no longer has it."""
    entry = collection.get(entry_id or "")
    return localized(getattr(entry, field), t.lang) if entry is not None else (entry_id or "")


def _entry_title(catalogue: Catalogue, kind: str, entry_id: str, t: Translator) -> str:
    """What a vote was about, labelled as its button is (its id if the content no longer has it)."""
    return entry_label(t, catalogue, kind, entry_id) if entry_id in entries(catalogue, kind) else entry_id


def _thread_line(t: Translator, message: ThreadMessage, partner: str) -> str:
    when = t.format_datetime(message.created_at)
    if message.direction == "to_partner":
        head = t.html("You ({date}):", date=when)
    else:
        head = t.html("{partner} ({date}):", partner=t.isolate(partner), date=when)
    body = escape(message.text or "")
    if message.kind in KIND_ICONS:
        attachment = KIND_ICONS[message.kind] + (" " + escape(message.file_name) if message.file_name else "")
        body = f"{attachment} {body}".rstrip()
    return f"<i>{head}</i> {body}"


def personal_data_text(t: Translator, catalogue: Catalogue, data: PersonalData | None) -> str:
    """Everything stored about the resident as one (possibly long) Telegram HTML text."""
    title = "<b>" + t.html("What the bot has stored about you") + "</b>"
    if data is None:
        return title + "\n" + t.html("The bot has stored nothing about you.")
    not_chosen = t.gettext("not chosen")
    lines = [
        title,
        t.html("Your Telegram ID: {id}", id=t.isolate(str(data.telegram_id))),
        t.html("Language: {language}", language=LANGUAGE_NAMES.get(data.language, data.language)),
        t.html(
            "District: {district}",
            district=_name(catalogue.districts, data.district, t, "name") if data.district else not_chosen,
        ),
        t.html("First name: {name}", name=t.isolate(data.first_name or "—")),
        t.html("First contact: {date}", date=t.format_datetime(data.first_seen)),
        t.html("Last contact: {date}", date=t.format_datetime(data.last_seen)),
        "",
    ]
    if not data.requests:
        lines.append(t.html("You have not sent any requests."))
    else:
        lines.append("<b>" + t.html("Your requests:") + "</b>")
    for request in data.requests:
        partner = _name(catalogue.partners, request.partner_id, t, "name")
        lines.append("")
        status = RequestStatus(request.status)
        line = request_line(
            t, request.number, partner, request.created_at, status, shown=request.status_shown
        )
        lines.append(f"<b>{line}</b>")
        if request.offer_id:
            offer = _name(catalogue.offers, request.offer_id, t, "title")
            lines.append(t.html("Offer: {offer}", offer=offer))
        event = catalogue.events.get(request.event_id or "")
        if event is not None:
            when = t.format_datetime(event.starts, "full")
            lines.append(t.html("Event: {event}, {date}", event=localized(event.title, t.lang), date=when))
        if request.topic_id:
            topic = _name(catalogue.topics, request.topic_id, t, "title")
            lines.append(t.html("Topic: {topic}", topic=topic))
        if request.first_name:
            lines.append(t.html("First name: {name}", name=t.isolate(request.first_name)))
        if request.phone:
            lines.append(t.html("your phone number: {phone}", phone=t.isolate(request.phone)))
        for answer in request.intake.values():
            lines.append("• " + escape(answer))
        lines += [
            _thread_line(t, message, _name(catalogue.partners, message.partner_id, t, "name"))
            if message.partner_id and message.direction != "to_partner"
            else _thread_line(t, message, partner)
            for message in request.messages
        ]
    if data.draft is not None:
        draft = data.draft.data
        partner = _name(catalogue.partners, draft.get("partner_id"), t, "name")
        lines += [
            "",
            "<b>" + t.html("Your unsent request to {partner}:", partner=t.isolate(partner)) + "</b>",
        ]
        lines += ["• " + escape(str(answer)) for answer in (draft.get("intake") or {}).values()]
        if draft.get("text"):
            lines.append(escape(str(draft["text"])))
        for attachment in draft.get("attachments") or []:
            icon = KIND_ICONS.get(str(attachment.get("kind")), "📎")
            lines.append(f"{icon} {escape(str(attachment.get('file_name') or ''))}".rstrip())
        if draft.get("phone"):
            lines.append(t.html("your phone number: {phone}", phone=t.isolate(str(draft["phone"]))))
    if data.votes:
        lines += ["", "<b>" + t.html("Your ratings of answers:") + "</b>"]
        for vote in data.votes:
            entry = _entry_title(catalogue, vote.kind, vote.entry_id, t)
            when = t.format_datetime(vote.created_at)
            lines.append(f"{'👍' if vote.helpful else '👎'} {escape(entry)} ({when})")
    if data.questions:
        lines += ["", "<b>" + t.html("Your questions the bot could not answer:") + "</b>"]
        for question in data.questions:
            lines.append(f"• {_question_html(t, question.text)} ({t.format_datetime(question.created_at)})")
    # Under "which request?", "Reopen?", or sent while she chose her language after /delete (a row without
    # her words, as an earlier version kept for a "not passed on" notice until purged: only in the file).
    waiting = [kept for kept in data.waiting if kept.text or kept.attachment]
    if waiting:
        lines += ["", "<b>" + t.html("Your messages the bot keeps until you tap a button:") + "</b>"]
        for kept in waiting:
            attachment = kept.attachment or {}
            icon = KIND_ICONS.get(str(attachment.get("kind")), "📎") + " " if attachment else ""
            words = kept.text or str(attachment.get("file_name") or "")
            lines.append(f"• {icon}{escape(words)}".rstrip())
    lines += [
        "",
        t.html("The next message has the same data as a file. To delete everything, type /delete."),
    ]
    return "\n".join(lines)


def personal_data_json(data: PersonalData | None, exported_at: datetime) -> bytes:
    """The same data as a JSON file (UTF-8, readable indentation, times in ISO 8601)."""
    document: dict[str, Any] = {"exported_at": exported_at, "resident": None}
    if data is not None:
        resident = asdict(data)
        document["requests"] = resident.pop("requests")
        document["unsent_request"] = resident.pop("draft")
        document["votes"] = resident.pop("votes")
        document["unanswered_questions"] = resident.pop("questions")
        document["messages_waiting_for_a_tap"] = resident.pop("waiting")
        document["resident"] = resident
    return json.dumps(document, ensure_ascii=False, indent=2, default=datetime.isoformat).encode("utf-8")


def file_name(exported_at: datetime) -> str:
    return f"mydata-{exported_at:%Y-%m-%d}.json"


def file_caption(t: Translator) -> str:
    return t.html("Your data as a file (JSON)")
