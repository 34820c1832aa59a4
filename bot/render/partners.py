"""What partners and staff see of requests: the card (Telegram and e-mail), notes in the request's thread,
refusals, and notices for the Quartiersmanagement. Written with the partner translator (German by default);
everything a resident or partner wrote, and all content, is escaped here. A little longer than most modules:
every text a partner group reads stays in one place, so its wording stays one voice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from bot.i18n import LANGUAGE_NAMES, Translator
from bot.languages import N_, language
from bot.render.callback import encode
from bot.render.keyboards import Keyboard, Screen
from bot.render.requests import hours_phrase, quote
from bot.render.screens import shorten
from bot.storage.models.requests import ContactPreference


@dataclass(frozen=True)
class CardView:
    """What a partner sees of a request (never the Telegram username or id)."""

    number: str
    first_name: str
    language: str
    contact: ContactPreference
    phone: str | None
    topic: str | None
    offer: str | None
    district: str | None
    event: str | None = None  # the event signed up for, and when it starts
    event_starts: datetime | None = None
    intake: Sequence[tuple[str, str]] = ()  # (question, answer)
    text: str | None = None
    attachments: int = 0
    # On a card posted after the request (a hand-over, an escalation, a re-routing): the conversation since,
    # oldest first, as (who wrote, what), with the partner it was with (`thread_with`); `thread_cut`: older
    # messages were left out.
    thread: Sequence[tuple[str, str]] = ()
    thread_with: str = ""
    thread_cut: bool = False
    handed_over_from: str | None = None
    # Set when the card goes to the catch-all because the partner did not react or cannot be reached.
    escalation_note: str | None = None
    # The language her message is written in, where it differs from `language` (her bot language): a code,
    # or the script where its letters do not tell the language ("arabic", "cyrillic": `Request.written_in`).
    written_in: str | None = None


# --- helpers ------------------------------------------------------------------------------------------


def language_label(t: Translator, code: str) -> str:
    """The resident's language named in the reader's language, plus its own name: "Arabisch (العربية)"."""
    own = LANGUAGE_NAMES.get(code, code)
    name = t.language_name(code)
    if name == own or (code in LANGUAGE_NAMES and language(code).other_name):
        return name  # German itself, or plain German by its catalog name
    return f"{name} ({own})"


# What the card says of a message in a script whose letters did not tell its language (`CardView.written_in`).
# The keys are bot.languages' scripts (`Script`).
_WRITTEN_IN_SCRIPT = {
    "arabic": N_("Language: {language} – writes in Arabic script (Arabic or Persian/Dari)"),
    "cyrillic": N_("Language: {language} – writes in Cyrillic script (Russian or Ukrainian)"),
}


def _language_line(t: Translator, card: CardView) -> str:
    """Her bot language, and the language her message is written in where that differs: the partner
    reads the one and may answer in the other ("Sprache: Türkisch (Türkçe) – schreibt auf Arabisch")."""
    label = language_label(t, card.language)
    written = card.written_in
    if written in _WRITTEN_IN_SCRIPT:
        return t.gettext(_WRITTEN_IN_SCRIPT[written]).format(language=label)
    if written and written != card.language:
        return t.gettext("Language: {language} – writes in {written}").format(
            language=label, written=t.language_name(written)
        )
    return t.gettext("Writes in: {language}").format(language=label)


# --- the partner card ---------------------------------------------------------------------------------


def _card_lines(t: Translator, card: CardView, *, no_chat: bool = False) -> list[tuple[str, str]]:
    """(style, plain text) lines shared by the Telegram card and both parts of the e-mail. `no_chat`: an
    e-mail whose reply nobody can bring into her chat (`partner_card_email`): only a call answers her."""
    lines: list[tuple[str, str]] = [("title", t.gettext("Request {number}").format(number=card.number))]
    if card.escalation_note:
        lines.append(("note", card.escalation_note))
    if card.handed_over_from:
        lines.append(("note", t.gettext("Handed over from {partner}.").format(partner=card.handed_over_from)))
    if card.topic:
        lines.append(("field", t.gettext("Topic: {topic}").format(topic=card.topic)))
    if card.offer:
        lines.append(("field", t.gettext("Offer: {offer}").format(offer=card.offer)))
    if card.event and card.event_starts:
        when = t.format_datetime(card.event_starts, "full")
        lines.append(("field", t.gettext("Event: {event}, {date}").format(event=card.event, date=when)))
    if card.district:
        lines.append(("field", t.gettext("District: {district}").format(district=card.district)))
    lines.append(("field", t.gettext("From: {name}").format(name=card.first_name or "—")))
    lines.append(("field", _language_line(t, card)))
    if card.contact is ContactPreference.PHONE and card.phone:
        lines.append(("field", t.gettext("Wants to be called: {phone}").format(phone=card.phone)))
    elif no_chat:
        lines.append(("field", t.gettext("Left no phone number: only a call can answer them.")))
    else:
        lines.append(("field", t.gettext("Wants the answer here in the chat.")))
    for question, answer in card.intake:
        lines.append(("question", question))
        lines.append(("answer", answer))
    if card.text:
        lines.append(("label", t.gettext("Message:")))
        lines.append(("quote", card.text))
    if card.attachments:
        follows = t.ngettext("{count} attachment follows.", "{count} attachments follow.", card.attachments)
        lines.append(("field", follows.format(count=card.attachments)))
    if card.thread:
        lines.append(
            ("label", t.gettext("The conversation with {partner} so far:").format(partner=card.thread_with))
        )
        if card.thread_cut:
            lines.append(("note", t.gettext("(earlier messages are not shown)")))
        for who, text in card.thread:
            lines.append(("field", f"{who}:"))
            lines.append(("quote", text))
    return lines


_HTML_STYLES = {"title": "📨 <b>{}</b>", "note": "<i>{}</i>", "question": "<i>{}</i>", "label": "<b>{}</b>"}


def _lines_html(lines: Sequence[tuple[str, str]]) -> str:
    return "\n".join(
        quote(text) if style in ("quote", "answer") else _HTML_STYLES.get(style, "{}").format(escape(text))
        for style, text in lines
    )


def _lines_plain(lines: Sequence[tuple[str, str]]) -> str:
    out: list[str] = []
    for style, text in lines:
        if style in ("quote", "answer"):
            out.extend("> " + line for line in text.splitlines() or [""])
        else:
            out.append(text)
    return "\n".join(out)


def partner_keyboard(t: Translator, request_id: int, *, taken: bool = False) -> Keyboard:
    """Take on (until someone has: `taken`), Hand over, and Close last, each in its own row. Close keeps its
    place in every state (and Reopen takes it on the closed card, `reopen_keyboard`): the button that moves
    up when "Take on" goes is "Hand over", which only lists partners (with Cancel), never Close, which
    tells the resident at once."""
    take = [] if taken else [[(t.gettext("Take on"), encode("req", "take", request_id))]]
    return [
        *take,
        [(t.gettext("Hand over to another partner"), encode("req", "handover", request_id))],
        [("🔒 " + t.gettext("Close"), encode("req", "close", request_id))],
    ]


def _taken(t: Translator, card_html: str, staff: str | None) -> str:
    """The card as sent, with who took it on below it (`staff`: only where cards may name staff, else just
    that it was)."""
    taken = t.html("Taken on by {name}", name=staff) if staff else t.html("Taken on")
    return f"{card_html}\n\n✅ <b>{taken}</b>"


def closed_card(t: Translator, card_html: str, taken: bool, staff: str | None, closed_by: str | None) -> str:
    """The card after Close: that it was taken on (`taken`, `staff` as in `_taken`), then that it is
    closed, by whom (`closed_by`: only where cards may name staff)."""
    html = _taken(t, card_html, staff) if taken else f"{card_html}\n"
    closed = t.html("Request closed by {name}", name=closed_by) if closed_by else t.html("Request closed")
    return f"{html}\n🔒 <b>{closed}</b>"


def open_card(t: Translator, card_html: str, taken: bool, staff: str | None) -> str:
    """The card of an open request (after take on, reopen, a hand-over's proposal or her answer to it): as
    sent, with who took it on below it if someone did (`taken`, `staff` as in `_taken`)."""
    return _taken(t, card_html, staff) if taken else card_html


# Why a copy of the card no longer offers buttons (`bot.tickets.desk.CardCopy.left`): its group no longer
# acts on the request, which is with {partner} now.
LEFT_LINES = {
    "back": ("↩️", N_("Back with {partner}.")),
    "handed_over": ("➡️", N_("Handed over to {partner}.")),
    # Its group got a new card of the request with the hand-over (the catch-all passes the answers on).
    "reposted": (
        "➡️",
        N_("Handed over to {partner}. From now on please use the new card below (replies and buttons)."),
    ),
}


def left_card(t: Translator, card_html: str, left: str, partner: str, taken: bool, staff: str | None) -> str:
    """A copy of the card (`card_html`, as sent) in a group that has just stopped acting on the request:
    that it was taken on (`taken`, `staff` as in `_taken`), then where the request is now."""
    icon, line = LEFT_LINES[left]
    html = _taken(t, card_html, staff) if taken else card_html
    return f"{html}\n\n{icon} <i>{t.html(line, partner=t.isolate(partner))}</i>"


def _answer_hint(t: Translator) -> str:
    """The end of a card as posted: how to answer. Staff who write into the group without "Reply" reach
    nobody (the bot does not even see it in privacy mode): it says how to reply, and that nothing else is
    passed on."""
    hint = t.html(
        "To answer: tap this card and choose “Reply” (on a phone: swipe it to the left). Only replies reach "
        "the resident; a message written in the group without “Reply” is not passed on."
    )
    return f"{_HINT_START}{hint}</b>"


_HINT_START = "\n\n↩️ <b>"


def partner_card(t: Translator, card: CardView, request_id: int) -> Screen:
    """The card posted in the partner's group, with Take on / Close / Hand over."""
    return _lines_html(_card_lines(t, card)) + _answer_hint(t), partner_keyboard(t, request_id)


def withdrawn_card(
    t: Translator, card_html: str, passes_on: bool, taken: bool, staff: str | None, *, deleted: bool = False
) -> str:
    """A card (`card_html`, as sent) of a request its resident withdrew: how to answer goes, and on the
    Quartiersmanagement's copy of an e-mail partner's request (`passes_on`) the request to pass that
    partner's answer on is struck through (it still says whose request it was); then that it was taken on
    (`taken`, `staff` as in `_taken`) and that it is withdrawn (`deleted`: that she deleted her data, and
    the request with it), where a closed card says it is closed. Both
    found by the card's layout, not its words: a card sent in an earlier wording (or another language)
    changes as well."""
    html = card_html
    hint = html.rfind(_HINT_START)
    if hint >= 0 and html.endswith("</b>"):
        html = html[:hint]  # how to answer: the card's last paragraph (`_answer_hint`)
    lines = html.split("\n")
    if passes_on and len(lines) > 1 and lines[1].startswith("<i>") and lines[1].endswith("</i>"):
        lines[1] = f"<i><s>{lines[1][3:-4]}</s></i>"  # the note, first below the title (`_card_lines`)
    html = "\n".join(lines)
    html = _taken(t, html, staff) if taken else f"{html}\n"
    withdrawn = t.html("Withdrawn by the resident – nothing left to do")
    if deleted:
        withdrawn = t.html("Deleted by the resident, with their data – nothing left to do")
    return f"{html}\n🗑 <b>{withdrawn}</b>"


def partner_card_email(
    t: Translator,
    card: CardView,
    partner_name: str,
    replies_relayed: bool,
    via: str | None = None,
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the card for a partner reached by e-mail.

    `replies_relayed`: the bot receives replies itself (inbound mail) and passes them to the resident.
    `via`: it does not; the organisation (the Quartiersmanagement) whose mailbox a reply reaches got the
    card in its group and passes the reply on.
    """
    subject = t.gettext("Request {number} from the Quartiersbot").format(number=card.number)
    by_phone = card.contact is ContactPreference.PHONE and bool(card.phone)
    lines = _card_lines(t, card, no_chat=not (by_phone or replies_relayed or via))
    greeting = t.gettext("Hello {partner},").format(partner=partner_name)
    intro = t.gettext("a resident sent you a request through the Quartiersbot.")
    if by_phone:
        footer = t.gettext("Please call the resident at the number above.")
    elif replies_relayed:
        # Only the partner's own addresses may answer (SECURITY.md, partner impersonation): a forwarded
        # card must not let whoever holds it write to the resident in the organisation's name.
        footer = t.gettext(
            "Please answer by replying to this e-mail, from the address it was sent to: your answer reaches "
            "the resident in their chat with the Quartiersbot. Replies from other addresses, also from "
            "colleagues it was forwarded to, are refused."
        )
    elif via:
        footer = t.gettext(
            "The resident can only be reached in their chat with the Quartiersbot, which does not receive "
            "e-mail. Please answer by replying to this e-mail: your reply goes to {via}, which passes it on "
            "to the resident. Please keep the request number in the subject."
        ).format(via=via)
    else:
        # Without inbound mail (MAIL_INBOUND_*) and without a group of the Quartiersmanagement (else `via`)
        # nobody can bring a reply into the chat (`bot.tickets.routing.no_chat_answer`), the
        # Quartiersmanagement's own e-mail included; the resident was told so and offered a call. A card
        # posted later (the escalation's) shows what she wrote since: her number, if she added it.
        footer = t.gettext(
            "The resident can only be reached in their chat with the Quartiersbot, which does not receive "
            "e-mail: a reply to this e-mail does not reach the resident, and nobody can pass it on. The "
            "resident was told so; if they add a phone number, it comes to you by e-mail."
        )
        if card.thread:
            footer = t.gettext(
                "The resident can only be reached in their chat with the Quartiersbot, which does not "
                "receive e-mail: a reply to this e-mail does not reach the resident, and nobody can pass it "
                "on. If they wrote a phone number in the conversation above, please call them; a number "
                "they add later comes to you by e-mail."
            )
    text = f"{greeting}\n{intro}\n\n{_lines_plain(lines)}\n\n{footer}\n"
    html = (
        f"<p>{escape(greeting)}<br>{escape(intro)}</p>\n"
        f"<div>{_lines_html(lines).replace(chr(10), '<br>' + chr(10))}</div>\n"
        f"<p>{escape(footer)}</p>\n"
    )
    return subject, text, html


# The answer over the chat to a card's button: what became of the action (`bot.tickets.deps.Outcome`).
ACTION_TOASTS = {
    "ok": N_("Done."),
    "invalid": N_("This organisation cannot receive requests (no group, no e-mail)."),
    "already": N_("That has already happened."),
    "closed": N_("This request is already closed."),
    "wrong_chat": N_("This request belongs to another organisation."),
    "moved": N_("This request is now handled in your organisation's new group."),
    "deleted": N_("The resident deleted their data: this request no longer exists."),
    "withdrawn": N_("The resident withdrew this request: there is nothing left to do."),
    "outdated": N_("This card is out of date: please use the newer card of this request in this group."),
}


def action_toast(t: Translator, action: str, outcome: str) -> str:
    """The toast on the card's button `action` (take, close, handover, ho, reopen) that led to `outcome`."""
    if action == "ho" and outcome == "ok":
        return t.gettext("The resident is asked first.")  # the hand-over waits for their yes
    if action == "take" and outcome == "ok":  # what happened, in the card's words ("Done." read as closed)
        return t.gettext("Taken on; the resident has been told.")
    if action == "reopen" and outcome == "ok":
        return t.gettext("Reopened; the resident has been told.")
    if action == "close" and outcome == "ok":
        # No confirmation before closing (every request ends with it): a mistaken tap is undone with the
        # button in the same place.
        return t.gettext("Closed; the resident has been told. By mistake? Tap “Reopen” under the card.")
    if outcome not in ACTION_TOASTS:
        return t.gettext("That did not work.")
    return t.gettext(ACTION_TOASTS[outcome])


def handover_choices(t: Translator, request_id: int, partners: Sequence[tuple[str, str]]) -> Screen:
    """The partners a request can be handed over to: (partner id, name) pairs."""
    rows = [[(name, encode("req", "ho", request_id, pid))] for pid, name in partners]
    rows.append([("✖️ " + t.gettext("Cancel"), encode("req", "hox", request_id))])
    return t.html("Hand over request to which partner?"), rows


def handover_pending(t: Translator, card_html: str, partner: str) -> str:
    """The card (as it stands) while the resident is asked whether it may go to `partner`: a colleague
    looking at it sees that nothing more is to be done before she answers."""
    line = t.html(
        "Hand-over to {partner} requested: waiting for the resident's consent. Until then the request "
        "stays here.",
        partner=t.isolate(partner),
    )
    return f"{card_html}\n\n⏳ <i>{line}</i>"


# --- a message in the group that is no reply -------------------------------------------------------------

# How many of the group's open requests the question under a message without "Reply" offers (newest first).
STRAY_CHOICES = 4
STRAY_SUBJECT_CHARS = 40


def _stray_subject(subject: str) -> str:
    """A request's subject as the question under a message without "Reply" shows it: at most
    `STRAY_SUBJECT_CHARS` characters (after a whole word), in its button and in what it says once passed on
    alike."""
    return shorten(subject, STRAY_SUBJECT_CHARS)


def stray_prompt(t: Translator, choices: Sequence[tuple[int, str, str]]) -> Screen:
    """The answer to a message written in a partner group without "Reply" while the group has open requests
    (`choices`: request id, number, subject; newest first): it was not passed on; a tap on a request passes
    it on, as if it had been a reply to its card."""
    text = t.html(
        "Not passed on: this message is no reply to a request card, so no resident receives it. If it is an "
        "answer, tap its request and it is passed on as if you had used “Reply”."
    )
    rows: list[list[tuple[str, str]]] = []
    for request_id, number, subject in choices[:STRAY_CHOICES]:
        label = t.gettext("Request {number}").format(number=number)
        if subject:
            label = f"{label} – {_stray_subject(subject)}"
        rows.append([(label, encode("req", "pass", request_id))])
    rows.append([("✖️ " + t.gettext("Do not pass on"), encode("req", "drop", 0))])
    return f"<i>{text}</i>", rows


def stray_passed(t: Translator, staff: str, name: str, number: str, subject: str) -> str:
    """The question under a message without "Reply" once `staff`'s tap passed the message on: to whom
    (the resident's first name, the request's number and subject, as on the card), for the group to see
    at a glance that it reached the right person (there is no undo: the resident has it)."""
    return "✅ " + t.html(
        "{staff} passed this message on to {name} (request {number}: {subject}).",
        staff=staff,
        name=name or "?",
        number=number,
        subject=_stray_subject(subject),
    )


def stray_not_author(t: Translator, author: str) -> str:
    """The toast when someone other than the author taps a request under a message without "Reply"."""
    return t.gettext("Only {author} can pass this message on: it goes to the resident in their name.").format(
        author=author
    )


def stray_album(t: Translator) -> str:
    """The note under an album written in a partner group without "Reply" (once per album): its files are
    not passed on, and cannot be from here (each file is a message of its own)."""
    text = t.html(
        "Not passed on: these files are no reply to a request card, so no resident receives them. To "
        "send them, send them again with “Reply” to the request's card."
    )
    return f"<i>{text}</i>"


# --- partner thread -----------------------------------------------------------------------------------


def resident_wrote(t: Translator, number: str, first_name: str, text: str | None) -> str:
    """The resident's message in the partner's group: her text, or the caption of her file (a photo or
    voice message without words is "from" her, not "writes:" followed by nothing)."""
    name = first_name or "—"
    if not text:
        return "<b>" + t.html("Request {number}: from {name}", number=number, name=name) + "</b>"
    head = t.html("Request {number}: {name} writes:", number=number, name=name)
    return f"<b>{head}</b>\n{quote(text)}"


def resident_thanked(t: Translator, number: str, first_name: str, text: str) -> str:
    """Her thank-you after the request was closed: what she wrote, and that it needs no answer (a reply in
    the thread is refused, the request being closed: `relay.resident_thanks`)."""
    note = t.html("Request {number} stays closed: no answer is needed.", number=number)
    return f"{resident_wrote(t, number, first_name, text)}\n<i>{note}</i>"


def resident_corrected(t: Translator, number: str, first_name: str, text: str | None) -> str:
    """The resident edited a message the partner received (her correction, as a partner's edit reaches
    her)."""
    head = t.html("Request {number}: {name} corrected a message:", number=number, name=first_name or "—")
    return f"<b>✏️ {head}</b>\n{quote(text or '')}"


# The notes in a request's thread, in italics. Each names the request ({number}) and, where the sentence says
# so, the staff member ({name}), the partner ({partner}) or the time the resident was told to wait ({time}).
THREAD_NOTES = {
    "taken": N_("{name} has taken on request {number}."),
    "closed": N_("{name} has closed request {number}."),
    "withdrawn": N_("The resident withdrew request {number}."),
    "danger": N_(
        "⚠️ This message contains words that point to danger (the bot showed the resident the emergency "
        "numbers). Request {number} is urgent now: please answer urgently."
    ),
    "deleted": N_(
        "The resident deleted their data, and request {number} with it: it no longer exists. Nothing written "
        "here reaches them any more."
    ),
    "reopened": N_("{name} reopened request {number}."),
    "reopened_by_resident": N_("The resident reopened request {number}."),
    "handover_asked": N_(
        "The resident is asked whether request {number} may go to {partner}. Nothing is passed on "
        "before they agree."
    ),
    "handover_unanswered": N_(
        "The resident has not yet answered whether request {number} may go to {partner} (a message does "
        "not count as an answer). They were asked again."
    ),
    "handover_agreed": N_(
        "The resident agreed: request {number} was handed over to {partner}, as {by} proposed."
    ),
    "handover_declined": N_(
        "The resident did not agree to hand request {number} over to {partner}, as {by} proposed. It stays "
        "with {owner}."
    ),
    "reminder": N_(
        "Reminder: nobody has taken on request {number} yet. The resident was told to expect an answer "
        "within {time}."
    ),
    # Urgent: sent from the emergency screen, or with danger words in it (the card says which), or danger
    # words in a later message (the note above it in the thread says so).
    "urgent_reminder": N_(
        "Reminder: nobody has taken on request {number} yet. It is urgent (see the card or the notes below "
        "it): please take it on and answer soon."
    ),
    # To a partner reached by e-mail: it has no "Take on" button, and the bot may not see its reply (without
    # inbound mail the reply goes to the Quartiersmanagement's mailbox).
    "email_reminder": N_(
        "Reminder: no answer to request {number} has reached the resident yet; they were told to expect "
        "one within {time}. Please answer as the first e-mail about it says. If you have already done so, "
        "please ignore this reminder."
    ),
    "urgent_email_reminder": N_(
        "Reminder: no answer to request {number} has reached the resident yet. It is urgent (see the "
        "e-mails about it): please answer soon, as the first one says. If you have already done so, please "
        "ignore this reminder."
    ),
    # To a partner whose answer nobody can bring into her chat (`routing.no_chat_answer`): she was promised
    # no time, and only a call reaches her, at a number she wrote after "Send" (else no reminder is due).
    "call_reminder": N_(
        "Reminder: request {number} has not been answered yet. An answer can reach the resident only by a "
        "call: if they wrote a phone number in this request's thread, please call them. If you have already "
        "done so, please ignore this reminder."
    ),
    "urgent_call_reminder": N_(
        "Reminder: request {number} has not been answered yet. It was sent from the emergency screen, and an "
        "answer can reach the resident only by a call: if they wrote a phone number in this request's "
        "thread, please call them soon. If you have already done so, please ignore this reminder."
    ),
    "escalated": N_(
        "Nobody has taken on request {number} within {time}: {partner} sees it now too and may take it on "
        "and answer it."
    ),
    # In the catch-all's thread of a request it had from the start (its partner answers only by e-mail).
    "email_overdue": N_(
        "No answer of {partner} to request {number} has reached the resident within {time}. Please ask "
        "them, or take it on and answer it yourselves."
    ),
    "overdue": N_(
        "{partner} has not taken on request {number} within {time}. Please ask them, or take it on and "
        "answer it yourselves."
    ),
}


def thread_note(t: Translator, kind: str, number: str, **values: str) -> str:
    """The note `kind` (a key of `THREAD_NOTES`) about request `number`."""
    return f"<i>{t.html(THREAD_NOTES[kind], number=number, **values)}</i>"


def reopen_keyboard(t: Translator, request_id: int) -> Keyboard:
    """A closed card keeps one button: open it again."""
    return [[("↩️ " + t.gettext("Reopen"), encode("req", "reopen", request_id))]]


def escalation_note(t: Translator, partner: str, hours: int) -> str:
    return t.gettext("Escalated: {partner} has not taken this request on within {time}.").format(
        partner=partner, time=hours_phrase(t, hours)
    )


def danger_reminder(t: Translator, number: str, hours: int) -> str:
    """To the partner's thread: her message with danger words has had no answer although the request was
    taken on (`bot.tickets.reminders`)."""
    text = t.html(
        "Reminder: the resident's message in request {number} with words that point to danger has had no "
        "answer for {time}. Please answer soon.",
        number=number,
        time=hours_phrase(t, hours),
    )
    return f"<i>{text}</i>"


def danger_escalated(t: Translator, number: str, hours: int, catch_all: str) -> str:
    """To the partner's thread: that message is escalated to the catch-all (`catch_all`, its name)."""
    text = t.html(
        "The resident's message in request {number} with words that point to danger has had no answer "
        "within {time}: {partner} sees the request now too and may answer it.",
        number=number,
        time=hours_phrase(t, hours),
        partner=catch_all,
    )
    return f"<i>{text}</i>"


def danger_escalation_note(t: Translator, partner: str, hours: int) -> str:
    """On the catch-all's card of a request escalated for her unanswered message with danger words."""
    return t.gettext(
        "Escalated: the resident's message with words that point to danger has had no answer from {partner} "
        "within {time}."
    ).format(partner=partner, time=hours_phrase(t, hours))


def answers_through_note(t: Translator, partner: str) -> str:
    """On the Quartiersmanagement's copy of a request for a partner that cannot answer in the chat: its
    replies reach the resident as that partner's answer, passed on by it (`routing.passes_on_for`)."""
    return t.gettext(
        "For you too: {partner} gets this request by e-mail and cannot answer in the chat; its reply by "
        "e-mail goes to your mailbox. Please pass it on with “Reply” to this card: the resident reads it as "
        "the answer of {partner}, passed on by you. If you answer yourself, say so in your reply."
    ).format(partner=partner)


def undeliverable_note(t: Translator, partner: str) -> str:
    return t.gettext("Passed on to you because it could not be delivered to {partner}.").format(
        partner=partner
    )


def moved_note(t: Translator, partner: str) -> str:
    return t.gettext("Posted here again: the requests of {partner} now go to this group.").format(
        partner=partner
    )


def unlisted_note(t: Translator, partner_id: str) -> str:
    return t.gettext(
        "Passed on to you because its organisation ({partner}) no longer receives requests: it was removed "
        "from the content, or its request address was."
    ).format(partner=partner_id)


# Why a partner's message was not passed on (the `Outcome` of `bot.tickets.relay.partner_reply`): each has
# its explanation in the group.
REFUSALS = {
    "closed": N_("Request {number} is closed. Your message was not passed on."),
    # ... closed recently: its card still offers "Reopen" (`reopen_keyboard`), which staff are pointed to.
    "closed_reopenable": N_(
        "Request {number} is closed. Your message was not passed on. To send it: tap “↩️ Reopen” on the "
        "request's card, then send your message again as a reply to the card."
    ),
    "withdrawn": N_("The resident withdrew request {number}. Your message was not passed on."),
    "deleted": N_(
        "The resident deleted their data: request {number} no longer exists. Your message was not passed on."
    ),
    "wrong_chat": N_("Request {number} is not handled in this group. Your message was not passed on."),
    "moved": N_(
        "Request {number} is now handled in your organisation's new group (its requests go there now). Your "
        "message was not passed on; please answer there."
    ),
    "anonymous": N_(
        "You are writing anonymously as the group, so your message was not passed on to request "
        "{number}. Please answer with your own account."
    ),
    "resident_unreachable": N_(
        "The resident of request {number} has blocked the bot; your message cannot reach them."
    ),
    # Her Telegram account was deleted (or the chat does not exist): not her choice to block the bot.
    "resident_gone": N_(
        "The resident of request {number} can no longer be reached: their Telegram account no longer exists. "
        "Your message cannot reach them."
    ),
    "command": N_(
        "Bot commands are not passed on to the resident of request {number}. To answer, write your message "
        "without “/” at the start."
    ),
}


def refusal_note(t: Translator, reason: str, number: str) -> str:
    return f"<i>{t.html(REFUSALS[reason], number=number)}</i>"


# --- for the staff, and about messages that did not arrive -------------------------------------------


# Why a message did not arrive, for the staff: what happened, in plain words, and what to do about it. Keyed
# by `bot.delivery.refusals.Refusal` (the delivery side reads the reason from Telegram's or the mail server's
# error; the error itself follows only as a technical detail).
UNDELIVERED_REASONS = {
    "bot_removed": N_(
        "The bot is no longer in the Telegram group of {partner}: someone removed it. Please add the bot to "
        "the group again."
    ),
    "no_rights": N_(
        "The bot may not write in the Telegram group of {partner}. Please allow it to send messages there "
        "(in the group's settings, or make it an admin)."
    ),
    "group_gone": N_(
        "The Telegram group of {partner} was not found: it was deleted, or its number in the content is "
        "wrong. Please check telegram_chat_id in {file}."
    ),
    "address_unknown": N_(
        "The e-mail address of {partner} does not exist. Please check the e-mail address in {file}."
    ),
    "mailbox_full": N_("The mailbox of {partner} is full. Please ask {partner} to make room in it."),
    "mail_refused": N_(
        "The mail server of {partner} refused the e-mail. Please check the e-mail address in "
        "{file}; if it is right, ask {partner} to accept e-mails from the bot."
    ),
    "mail_server": N_(
        "The bot could not send the e-mail: its own mail server could not be reached or refused it. Please "
        "tell whoever looks after the bot to check the mail server and the SMTP settings."
    ),
    "blocked": N_("The resident has blocked the bot."),
    "account_gone": N_(
        "The resident's Telegram account no longer exists (deleted, or the chat was not found)."
    ),
    "message_refused": N_(
        "Telegram refused this one message; the chat itself is fine. If this happens again, please tell "
        "whoever looks after the bot."
    ),
    "other": N_(
        "The reason is not clear (for example, Telegram could not be reached for hours). If this happens "
        "again, please tell whoever looks after the bot."
    ),
}
# What the staff can still do when nothing reaches a resident in the chat.
RESIDENT_LOST_HINT = N_(
    "Nothing reaches them in the chat now. If they left a phone number, you can call them."
)
# Where the content names each partner's group and e-mail address (a file name: the same in every language).
PARTNERS_FILE = "content/partners.yaml"
# How much of the error a notice shows as its technical detail.
DETAIL_CHARS = 200


def why_undelivered(t: Translator, reason: str, partner: str = "") -> list[str]:
    """Why a message did not arrive (`reason`, a key of `UNDELIVERED_REASONS`), in plain words with what to
    do: the lines of a staff notice below its first."""
    text = UNDELIVERED_REASONS.get(reason, UNDELIVERED_REASONS["other"])
    lines = [t.html(text, partner=partner, file=t.isolate(PARTNERS_FILE))]
    if reason in ("blocked", "account_gone"):
        lines.append(t.html(RESIDENT_LOST_HINT))
    return lines


def technical_detail(t: Translator, error: str) -> str:
    """A failed send's `error` as it came (Telegram's or the mail server's words), escaped and cut: the last
    line of a staff notice, for whoever looks after the bot."""
    detail = error if len(error) <= DETAIL_CHARS else error[: DETAIL_CHARS - 1] + "…"
    label = t.html("Technical detail:")
    return f"<i>{label}</i> <code>{escape(detail)}</code>"


def admin_undeliverable(
    t: Translator,
    partner: str,
    number: str | None,
    error: str,
    reason: str,
    rerouted_to: str | None = None,
    resident_told: bool = False,
) -> str:
    """The staff's notice that a message to `partner` (about request `number`) did not arrive: why (`reason`,
    a key of `UNDELIVERED_REASONS`) and what to do, where the request went instead, whether its resident was
    told, and the `error` as a technical detail at the end."""
    if number:
        head = t.html(
            "A message to {partner} about request {number} could not be delivered.",
            partner=partner,
            number=number,
        )
    else:
        head = t.html("A message to {partner} could not be delivered.", partner=partner)
    parts = [f"⚠️ {head}", *why_undelivered(t, reason, partner)]
    if number and rerouted_to:
        parts.append(
            t.html("Request {number} was passed on to {partner}.", number=number, partner=rerouted_to)
        )
    if resident_told:
        parts.append(t.html("The resident was told that their message was not passed on."))
    parts.append(technical_detail(t, error))
    return "\n".join(parts)


# Notices for the Quartiersmanagement's staff, for the partner whose answer did not reach the resident, and
# for the resident whose message (or request) did not reach the partner. Each warns (⚠️) unless `NOTICE_ICONS`
# says otherwise.
NOTICES = {
    "resident_undeliverable": N_("A message to the resident of request {number} could not be delivered."),
    "not_delivered_to_resident": N_(
        "Your message for request {number} could not be delivered to the resident. "
        "The Quartiersmanagement has been told."
    ),
    # A partner's answer dropped because its resident blocked the bot (or her account is gone) while it
    # waited for her: the words its next message is refused with (`REFUSALS`).
    "resident_unreachable": REFUSALS["resident_unreachable"],
    "resident_gone": REFUSALS["resident_gone"],
    "not_passed_on": N_(
        "Your message about request {number} could not be passed on. The Quartiersmanagement has been "
        "told and will take care of it."
    ),
    "migrated": N_(
        "The Telegram group of {partner} became a supergroup. The bot now sends to chat {new_id} "
        "instead of {old_id}. Please set telegram_chat_id: {new_id} in the content."
    ),
    "escalated": N_("Request {number} to {partner} has not been taken on within {time}; escalated."),
    # The time the resident was promised an answer within passed (`bot.tickets.reminders`): she was told
    # that the Quartiersmanagement takes care of it.
    "late": N_(
        "Request {number} to {partner} has had no answer within {time}, the time the resident was told to "
        "expect one. They were told that the Quartiersmanagement will take care of it."
    ),
    "danger_escalated": N_(
        "Request {number} to {partner}: the resident's message with words that point to danger has had no "
        "answer within {time}; escalated."
    ),
}
NOTICE_ICONS = {"migrated": "ℹ️", "escalated": "⏰", "danger_escalated": "⏰", "late": "⏰"}


def resident_undeliverable(t: Translator, number: str, error: str, reason: str) -> str:
    """The staff's notice that a message to the resident of request `number` did not arrive: why (`reason`, a
    key of `UNDELIVERED_REASONS`: she blocked the bot, her account is gone, Telegram refused the message) and
    what they can do, with Telegram's `error` as a technical detail at the end."""
    head = notice(t, "resident_undeliverable", number=number)
    return "\n".join([head, *why_undelivered(t, reason), technical_detail(t, error)])


def notice(t: Translator, kind: str, **values: str | int) -> str:
    """The notice `kind` (a key of `NOTICES`) with its icon."""
    return f"{NOTICE_ICONS.get(kind, '⚠️')} {t.html(NOTICES[kind], **values)}"


# How much of a lost answer its notice quotes (`answer_not_delivered`).
LOST_ANSWER_CHARS = 500


def answer_not_delivered(
    t: Translator, number: str, answer: str | None, kind: str = "not_delivered_to_resident"
) -> str:
    """A partner's e-mail answer could not reach the resident: the group's notice `kind` (a key of `NOTICES`:
    "resident_unreachable" when she blocked the bot, "resident_gone" when her account is gone), quoting the
    answer it means (the group's is a reply to it; an e-mail partner may have sent several)."""
    html = notice(t, kind, number=number)
    return f"{html}\n{quote(shorten(answer, LOST_ANSWER_CHARS))}" if answer else html
