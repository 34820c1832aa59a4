"""What a resident sees of their requests: the dialogue's screens, the acknowledgement, status changes,
partners' answers and /requests. Every function returns HTML (and a keyboard where there are buttons).

Longer than most modules on purpose: every text a resident reads about a request, from the first question
to the last status, is here, so its wording and buttons stay consistent; split by moment, the parts would
share the dialogue's and the conversation's buttons across modules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape, unescape
from typing import TYPE_CHECKING

from bot.i18n import LANGUAGE_NAMES, Translator
from bot.languages import N_
from bot.render.callback import decode, encode
from bot.render.keyboards import Button, Keyboard, Screen, arrow, back_to_menu, nav_row
from bot.render.screens import Writer, person_and_menu, shorten
from bot.storage.models.requests import AnswerShown, DialogueStep, RequestStatus

if TYPE_CHECKING:
    from bot.content.catalogue import Catalogue

PREVIEW_CHARS = 600  # how much of her message the check screen shows (the whole is sent)


def hours_phrase(t: Translator, hours: int) -> str:
    if hours >= 48 and hours % 24 == 0:
        days = hours // 24
        return t.ngettext("{count} day", "{count} days", days).format(count=days)
    return t.ngettext("{count} hour", "{count} hours", hours).format(count=hours)


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """`text`, or, if longer than `limit`, its start cut after the last whole word that fits, then " …"; a
    first "word" longer than `limit` (a pasted link, a run of letters) is cut where the limit falls."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace():  # the limit falls inside a word: that word goes
        space = max(cut.rfind(c) for c in (" ", "\n", "\t", "\u00a0"))
        if space > 0 and cut[:space].strip():
            cut = cut[:space]
    return cut.rstrip() + " …"


def quote(text: str) -> str:
    return f"<blockquote>{escape(text)}</blockquote>"


# --- the dialogue ----------


@dataclass(frozen=True)
class DraftView:
    """A draft as its resident sees it: content and partner names already in their language."""

    dialogue_id: str
    step: DialogueStep
    partner: str
    question: str | None  # INTAKE: the question to answer
    offer: str | None  # the offer signed up for
    first_name: str | None
    language: str
    intake: Sequence[tuple[str, str]]  # (question, answer)
    text: str | None
    attachments: int
    phone: str | None  # set when the partner is to call
    pending: str | None = None  # a text held until the resident says whether it is their answer
    calling: bool = False  # CONTACT after "📞 Call me": waiting for the phone number
    choices: Sequence[tuple[str, str]] = ()  # ROUTE: (topic id, label) to choose who gets the files
    event: str | None = None  # the event signed up for, and when it starts
    event_starts: datetime | None = None
    # What "Done" without a word sends on an offer or event that takes sign-ups (None: "Done" needs words).
    signup: str | None = None
    topic: str | None = None  # the request's topic and her district: the card names both
    district: str | None = None
    # The partner's answer cannot reach the chat (`bot.tickets.routing.no_chat_answer`): only a call can.
    no_chat_answer: bool = False
    parked: bool = False  # she left it (navigation): it waits for "Continue"
    answer: str | None = None  # INTAKE: her answer to `question` so far (she changes her answers)
    urgent: bool = False  # the request will be marked urgent (emergency screen, or her danger words)
    full: bool = False  # it holds as many files as a request takes: no more fit
    carried: str | None = None  # her question carried over into it, while the message is nothing else
    # Who else sees it the moment it is sent (`bot.tickets.routing.copied_at_once`): the Quartiersmanagement,
    # which passes on the answer of a partner that cannot answer in the chat. The check screen names it.
    also_sees: str | None = None


def dialogue_button(view: DraftView, label: str, action: str, *args: str) -> Button:
    return (label, encode("dlg", action, view.dialogue_id, *args))


def cancel_button(t: Translator, view: DraftView) -> Button:
    return dialogue_button(view, "✖️ " + t.gettext("Cancel"), "cancel")


def change_or_cancel(t: Translator, view: DraftView) -> list[Button]:
    return [dialogue_button(view, "✏️ " + t.gettext("Change"), "change"), cancel_button(t, view)]


def dialogue_screen(t: Translator, view: DraftView) -> Screen:
    cancel = [cancel_button(t, view)]
    chat = [dialogue_button(view, "💬 " + t.gettext("Here in this chat"), "chat")]
    if view.no_chat_answer:  # nothing can answer in the chat: "chat" only sends without a number
        chat = [dialogue_button(view, "➡️ " + t.gettext("Send without a phone number"), "chat")]
    partner = t.isolate(view.partner)
    if view.step is DialogueStep.ROUTE:
        # A file came without a request: who should get it? (Nothing is sent before the consent screen.)
        lines = [
            "📎 " + t.html("Who should I send this to?"),
            t.html(
                "Choose a topic, or {partner}, who will pass it on. You can still add a few words.",
                partner=partner,
            ),
        ]
        rows = [[dialogue_button(view, label, "to", topic)] for topic, label in view.choices]
        return "\n".join(lines), [*rows, [dialogue_button(view, "🏢 " + view.partner, "to", "-")], cancel]
    if view.step is DialogueStep.INTAKE and view.question is not None:
        skip = "⏭ " + t.gettext("Skip")
        lines = ["❓ " + escape(view.question)]
        if view.answer:
            # "Change my answers": her answer stays unless she writes a new one.
            lines.append(t.html("Your answer so far:") + f" <i>{escape(view.answer)}</i>")
            lines.append(t.html("Write a new answer, or tap “{skip}” to keep it.", skip=skip))
        return "\n".join(lines), [[dialogue_button(view, skip, "skip")], cancel]
    if view.step in (DialogueStep.INTAKE, DialogueStep.MESSAGE):
        lines = [
            t.html("Write your message to {partner}.", partner=partner),
            t.html("You can also send a photo of a letter, a voice message or a document."),
        ]
        if view.carried:
            # Her words from before (a question, then "Ask a person"; or what she wrote on the emergency
            # screen): shown as her message so far (as a sign-up's words), not acknowledged as new.
            begins = t.html("Your message begins with what you wrote:")
            lines.append(f"{begins} <i>{escape(view.carried)}</i>")
            lines.append(t.html("You can add more, or tap “Done”."))
        elif view.full:
            lines.append(t.html("No more files fit into this request. You can still write, or tap “Done”."))
        elif view.text or view.attachments:
            lines.append(t.html("Got it. You can add more, or tap “Done”."))
        elif view.signup:
            # Her words when she has none: the offer's own ("I would like to order help") or signing up.
            done = t.html("Or just tap “Done”. Then your message is:")
            lines.append(f"{done} <i>{escape(view.signup)}</i>")
        rows = [[dialogue_button(view, "✅ " + t.gettext("Done"), "done")]]
        if view.text:  # after "✏️ Change" too: a text with a mistake is written anew, not only added to
            rows.append([dialogue_button(view, "🗑 " + t.gettext("Delete the text"), "retype")])
        if view.intake:  # her answers to the questions, which the check screen lists, can be changed too
            rows.append([dialogue_button(view, "✏️ " + t.gettext("Change my answers"), "answers")])
        return "\n".join(lines), [*rows, cancel]
    if view.step is DialogueStep.CONTACT and view.calling:
        # Telegram's share button is on the keyboard below (`share_phone_prompt`); typing works too.
        example = t.isolate("0151 2345678")
        return "📞 " + t.html(
            "Type your phone number here (for example {example}), or share it with the button below.",
            example=example,
        ), [chat, change_or_cancel(t, view)]
    if view.step is DialogueStep.CONTACT and view.no_chat_answer:
        # Nobody can bring an answer into the chat (the partner gets requests by e-mail only): a call is the
        # one way an answer reaches her, so the screen says so instead of offering the chat.
        return t.html(
            "{partner} gets requests by e-mail only and cannot answer you here in this chat. To get an "
            "answer, tap “Call me” and leave your phone number.",
            partner=partner,
        ), [
            [dialogue_button(view, "📞 " + t.gettext("Call me"), "phone")],
            chat,
            cancel,
        ]
    if view.step is DialogueStep.CONTACT:
        return t.html("How should {partner} answer you?", partner=partner), [
            chat,
            [dialogue_button(view, "📞 " + t.gettext("Call me"), "phone")],
            cancel,
        ]
    return consent_screen(t, view)


def ask_new_screen(t: Translator, view: DraftView) -> Screen:
    """A text that looks like a new question arrived while the draft waits for the answer to the bot's
    question. It names what she signs up for or asks about, not the partner: "your answer to <school>"
    read as if she were writing to the school, while she answers the bot."""
    subject = view.offer or view.event or view.topic
    lines = [
        t.html(
            "Is this your answer to the question about “{subject}”, or a new question?",
            subject=t.isolate(subject),
        )
        if subject
        else t.html("Is this your answer to my question, or a new question?")
    ]
    if view.pending:
        lines.append(quote(preview(view.pending)))
    return "\n".join(lines), [
        [dialogue_button(view, "✍️ " + t.gettext("My answer"), "mine")],
        [dialogue_button(view, "🔎 " + t.gettext("A new question"), "new")],
    ]


def begun_screen(t: Translator, catalogue: Catalogue, event_id: str) -> Screen:
    """A sign-up for an event that has begun (a button of a page shown before, or "Send" after its start):
    no sign-up any more, said plainly, with when it is on; at a walk-in event she can simply come. A person
    (the event's organisation) and the menu below."""
    event = catalogue.events[event_id]
    w = Writer(t)
    ends = event.ends or event.starts
    # Its times today; an event of several days names the days too.
    when = t.format_time if ends.date() == event.starts.date() else t.format_when
    times = {"start": when(event.starts), "end": when(ends)}
    if "walk_in" in event.signup:
        note = t.html(
            "It began at {start} and is on until {end}. Signing up is no longer needed – just come.", **times
        )
    else:
        note = t.html(
            "It began at {start} and is on until {end}. Signing up is no longer possible – ask a person if "
            "you have a question.",
            **times,
        )
    origin = f"p.{event.partner}" if event.partner in catalogue.partners else "q"
    return f"<b>{w.text(event.title)}</b>\n\n{note}" + w.footer(), person_and_menu(t, origin)


def kept_as_question(t: Translator, view: DraftView, screen: Screen) -> Screen:
    """The screen telling her that "Send" cannot sign her up (over, begun, no longer listed), when what she
    wrote was kept as a question to the partner (`bot.tickets.intake`): said so, and its "Ask a person"
    (which would start afresh) becomes "Continue as a question", the check screen of what she wrote."""
    text, keyboard = screen
    note = "📝 " + t.html(
        "What you wrote is kept: you can send it to {partner} as a question. You will see it before anything "
        "is sent.",
        partner=t.isolate(view.partner),
    )
    go_on = dialogue_button(view, "📝 " + t.gettext("Continue as a question"), "resume")
    rows = [[b for b in row if not b[1].startswith("ask:")] for row in keyboard]
    return f"{text}\n\n{note}", [[go_on], *[row for row in rows if row]]


def with_parked_notice(t: Translator, view: DraftView | None, screen: Screen) -> Screen:
    """The menu or /requests with a line and buttons on top when the resident left a draft unfinished."""
    if view is None:
        return screen
    text = "📝 " + t.html("You have an unfinished request to {partner}.", partner=t.isolate(view.partner))
    return f"{text}\n\n{screen[0]}", [
        [
            dialogue_button(view, arrow(t, "forward") + " " + t.gettext("Continue"), "resume"),
            dialogue_button(view, "🗑 " + t.gettext("Discard"), "cancel"),
        ],
        *screen[1],
    ]


def draft_corrected(t: Translator, view: DraftView, *, changed: bool) -> Screen:
    """She edited a message she wrote into her draft: corrected there (`changed`), or honestly not (the
    draft no longer holds it as she wrote it) and how to correct it; then her draft's screen again, or if
    she left it, "continue / discard". Before she chose who gets her file there is no request yet to name
    (explore xr6 F9)."""
    if changed and view.step is DialogueStep.ROUTE:
        line = "✏️ " + t.html("Corrected. Your file goes on with the new text.")
    elif changed:
        line = "✏️ " + t.html("I have corrected this in your request too.")
    else:
        line = "✏️ " + t.html(
            "I could not correct this in your request: it no longer holds that message as you wrote it. "
            "Please write the correction as a new message."
        )
    if view.parked:
        return with_parked_notice(t, view, (line, []))
    text, keyboard = ask_new_screen(t, view) if view.pending else dialogue_screen(t, view)
    return f"{line}\n\n{text}", keyboard


def unfinished_screen(t: Translator, view: DraftView, *, typed: bool = False) -> Screen:
    """A new request would replace the draft she wrote in: the menu's "continue / discard" for it first.
    `typed`: she wrote that she wants to talk to a person (no button to tap again)."""
    if typed:
        line = t.html(
            "Continue it, or discard it and then write to me again that you want to talk to a person."
        )
    else:
        line = t.html("Continue it, or discard it and then tap the button again for a new request.")
    return with_parked_notice(t, view, (line, []))


def consent_screen(t: Translator, view: DraftView) -> Screen:
    """Exactly what will be sent, to whom (everyone who sees it at once: `DraftView.also_sees` too);
    nothing leaves before “Send”."""
    lines = [
        "<b>" + t.html("Please check before sending") + "</b>",
        t.html("This goes to: {partner}", partner=t.isolate(view.partner)),
    ]
    if view.also_sees:
        lines.append(also_sees_line(t, view.also_sees))
    lines += ["", t.html("They will see:")]
    first_name = (view.first_name or "").strip()
    if first_name:
        lines.append("• " + t.html("your first name: {name}", name=t.isolate(first_name)))
    lines.append(
        "• " + t.html("your language: {language}", language=LANGUAGE_NAMES.get(view.language, "Deutsch"))
    )
    if view.district:
        lines.append("• " + t.html("your district: {district}", district=view.district))
    if view.topic:
        lines.append("• " + t.html("the topic: {topic}", topic=view.topic))
    if view.offer:
        lines.append("• " + t.html("the offer: {offer}", offer=view.offer))
    if view.event and view.event_starts:
        when = t.format_datetime(view.event_starts, "full")
        lines.append("• " + t.html("the event: {event}, {date}", event=view.event, date=when))
    lines += [f"• {escape(question)} {escape(answer)}" for question, answer in view.intake]
    if view.text:
        shortened = len(view.text) > PREVIEW_CHARS
        lines.append("• " + t.html("your message:") + "\n<i>" + escape(preview(view.text)) + "</i>")
        if shortened:
            lines.append(t.html("(shortened here – the whole message will be sent)"))
    if view.attachments:
        lines.append("• " + t.nhtml("{count} attachment", "{count} attachments", view.attachments))
    if view.phone:
        lines.append("• " + t.html("your phone number: {phone}", phone=t.isolate(view.phone)))
    else:
        lines.append("• " + t.html("that you want the answer here in this chat"))
    if view.urgent:
        lines.append("• ⚠️ " + t.html("that your request is urgent"))
    lines += ["", t.html("They will not see your last name, username or Telegram account.")]
    return "\n".join(lines), [
        [dialogue_button(view, "✅ " + t.gettext("Send"), "send")],
        change_or_cancel(t, view),
    ]


def input_problem(t: Translator, problem: str) -> str:
    """Why an input was not taken whole (`bot.tickets.dialogue.InputProblem`)."""
    if problem == "too_long":
        return t.html("That was too long to pass on whole: only the beginning was kept.")
    if problem == "too_large":
        return t.html("This file is too big (more than 20 MB). Please send a photo of the page instead.")
    if problem == "not_a_number":
        return t.html(
            "That does not look like a phone number: it has too few or too many digits (6 to 20). Please "
            "type it again, or share it with the button below."
        )
    if problem == "not_a_phone":
        return t.html(
            "That is not a phone number, so I added it to your message. To be called, type your number or "
            "share it with the button below."
        )
    if problem == "tap_send":
        return t.html(
            "Nothing has been sent yet. To send your message, please tap “{send}” below; to change it, "
            "“{change}”.",
            send="✅ " + t.gettext("Send"),
            change="✏️ " + t.gettext("Change"),
        )
    return t.html("I can pass on photos, voice messages and documents (PDF), but not this kind of file.")


def also_sees_line(t: Translator, other: str) -> str:
    """Who else sees her request the moment it is sent (`routing.copied_at_once`), on the check screen and
    in the hand-over question alike."""
    return t.html(
        "{other} also sees your request at once and passes the answer on to you.", other=t.isolate(other)
    )


def files_left_out(t: Translator, count: int, most: int) -> str:
    """Files past the most a request takes (`count`: of her album so far, or one file): what was not taken
    and how the rest still reaches the partner (a sent request takes more files through /requests ✏️)."""
    return "📎 " + "\n".join(
        [
            t.nhtml(
                "{count} file was not taken: one request takes at most {most} files.",
                "{count} files were not taken: one request takes at most {most} files.",
                count,
                most=most,
            ),
            t.html("Send this request first. Then open /requests, tap ✏️ and send the rest there."),
        ]
    )


def share_phone_prompt(t: Translator) -> tuple[str, str]:
    """(text, button label) of Telegram's own “share my phone number” keyboard."""
    return (
        t.html("The button below sends the phone number of your Telegram account."),
        "📞 " + t.gettext("Share my phone number"),
    )


def phone_shared(t: Translator, own: bool) -> str:
    """The answer to a shared contact: thanks, or (another person's number) a plea for the resident's own."""
    return t.html("Thank you.") if own else t.html("Please share your own phone number.")


# The short answers over the chat to a resident's button about a request (plain text, not HTML): the
# dialogue's buttons that did nothing (keyed by `bot.tickets.dialogue.Effect`), and the buttons under a
# sent request. The screens and answers that say the same take their sentence from here.
TOASTS = {
    "gone": N_("This request was already sent or cancelled."),
    "empty": N_("Please write a few words first."),
    "too_many": N_(
        "You already have {count} open requests. Please wait until one of them is answered or closed, "
        "then send this one."
    ),
    "withdrawn": N_("Withdrawn."),
    "unchanged": N_("Nothing to change."),
    "closed": N_("This request is closed. Start a new one with “Ask a question” in the menu."),
}


def toast(t: Translator, kind: str, **values: int) -> str:
    """The toast `kind` (a key of `TOASTS`)."""
    return t.gettext(TOASTS[kind]).format(**values)


def cancelled_screen(t: Translator) -> Screen:
    return t.html("Cancelled. Nothing was sent."), back_to_menu(t)


def gone_screen(t: Translator) -> Screen:
    return t.html(TOASTS["gone"]), back_to_menu(t)


def add_prompt(t: Translator, number: str, request_id: int) -> Screen:
    """“Add to …”: the next messages go to the request (the conversation opens)."""
    text = t.html(
        "Write what you want to add to request {number}. Your messages go there until you tap “End”.",
        number=t.isolate(number),
    )
    return text, end_keyboard(t, request_id)


def reply_outcome(
    t: Translator, outcome: str, partner: str, problem: str | None, *, urgent: bool = False
) -> str | None:
    """The answer to a resident's message about a sent request (`bot.tickets.deps.Outcome`; `urgent`: its
    danger words made the request urgent, `now_urgent`)."""
    if outcome == "ok":
        return t.html("Passed on to {partner}.", partner=t.isolate(partner)) + now_urgent(t, partner, urgent)
    if outcome in ("closed", "empty"):
        return t.html(TOASTS[outcome])
    if outcome == "invalid" and problem is not None:
        return input_problem(t, problem)
    if outcome == "duplicate":
        return None
    return t.html("I could not find this request. /requests shows your open requests.")


# --- the open conversation ----------


# The last argument of ⏹ End under its own refusal (`conversation_not_ended`): her tap answers in place.
REFUSED = "r"


def end_keyboard(t: Translator, request_id: int, *, refused: bool = False) -> Keyboard:
    """⏹ End: the resident's plain messages no longer go to the request (`refused`: under the screen that
    refused it, which her tap's answer replaces)."""
    data = encode("conv", "end", request_id, REFUSED) if refused else encode("conv", "end", request_id)
    return [[("⏹ " + t.gettext("End"), data)]]


def conversation_hint(t: Translator, partner: str, request_id: int, quiet_hours: int) -> Screen:
    """Below a partner's message, or a screen shown while the conversation is open: plain messages now go
    to the partner, until "End" or `quiet_hours` without a message (then she is asked first)."""
    text = "↩️ " + t.html(
        "Just write here: your messages go to {partner} until you tap “End”. If you write again only "
        "after {time}, I will first ask whether it is for them.",
        partner=t.isolate(partner),
        time=hours_phrase(t, quiet_hours),
    )
    return text, end_keyboard(t, request_id)


# The last argument of "Continue" below a partner's answer: the draft's screen comes below the answer (a new
# message) instead of replacing it.
BELOW = "below"


def draft_kept(t: Translator, partner: str, dialogue_id: str) -> Screen:
    """Below a partner's message that parked the draft the resident was writing to another partner: where
    it is and how to go on with it (her next plain message goes to the partner who wrote)."""
    text = "📝 " + t.html(
        "Your unfinished message to {partner} is saved. To go on with it, tap “Continue”.",
        partner=t.isolate(partner),
    )
    resume = encode("dlg", "resume", dialogue_id, BELOW)
    return text, [[(arrow(t, "forward") + " " + t.gettext("Continue"), resume)]]


def with_conversation_notice(
    t: Translator, conversations: Sequence[ConversationChoice], screen: Screen, quiet_hours: int
) -> Screen:
    """The menu with the open conversation's hint and ⏹ End on top: her messages still go to the partner
    (with several open, each message asks which request it is for)."""
    if len(conversations) != 1:
        return screen
    hint, end = conversation_hint(t, conversations[0].partner, conversations[0].id, quiet_hours)
    return f"{hint}\n\n{screen[0]}", [*end, *screen[1]]


def together(t: Translator, names: Sequence[str]) -> str:
    """Organisations named together ("A and B"): where an escalated request's messages go."""
    if len(names) == 1:
        return names[0]
    first, second = (t.isolate(name) for name in names)
    return t.gettext("{partner} and {other}").format(partner=first, other=second)


def passed_on(t: Translator, partner: str, request_id: int, *, urgent: bool = False) -> Screen:
    """A message of the open conversation reached the partner's thread (`urgent`: see `now_urgent`)."""
    text = t.html("Passed on to {partner}.", partner=t.isolate(partner)) + now_urgent(t, partner, urgent)
    return text, end_keyboard(t, request_id)


def now_urgent(t: Translator, partner: str, urgent: bool) -> str:
    """Below "passed on" of a message whose danger words made her request urgent (the numbers are above
    it): what a request from the emergency screen tells her when sent (`_what_to_expect`). "" otherwise."""
    if not urgent:
        return ""
    line = t.html(
        "{partner} sees that it is urgent. If you are in danger now, do not wait for the answer: "
        "call one of the emergency numbers.",
        partner=t.isolate(partner),
    )
    return f"\n{line}"


def thanks_passed_on(t: Translator, partner: str) -> Screen:
    """Her thank-you after the partner closed the request: it reached the partner, and the request stays
    closed (before, the bot answered "You're welcome!" as if thanked itself, and the partner never saw it)."""
    return "🙂 " + t.html("I have passed your thanks on to {partner}.", partner=t.isolate(partner)), [
        nav_row(t)
    ]


def not_passed_on(t: Translator, request_id: int | None) -> Screen:
    """A sticker (or a video, a location) in an open conversation: not passed on, unlike photos, voice
    messages and documents; the conversation goes on (⏹ End, when one request is open)."""
    text = input_problem(t, "unsupported")
    return text, end_keyboard(t, request_id) if request_id is not None else []


def correction_passed_on(
    t: Translator, partner: str, request_id: int, *, conversation: bool, urgent: bool = False
) -> Screen:
    """Her edit of a message that reached a request went to the partner as a correction (⏹ End while the
    conversation is open; `urgent`: see `now_urgent`)."""
    text = "✏️ " + t.html("Your correction was passed on to {partner}.", partner=t.isolate(partner))
    text += now_urgent(t, partner, urgent)
    return text, end_keyboard(t, request_id) if conversation else []


@dataclass(frozen=True)
class ConversationChoice:
    id: int
    number: str
    partner: str
    about: str = ""  # what it is about, in her words or the offer's title (`conversation.subject`)


def which_request(
    t: Translator, choices: Sequence[ConversationChoice], *, question: bool, lapsed: bool = False
) -> Screen:
    """Several requests wait for the resident: which one is the message for? With one, her `question` (a
    text) may be for the bot rather than for the partner: her answer to the partner, or a new question?
    (`lapsed`: its conversation went quiet hours ago, so the request is named by its number too.)
    A text may always be a new question (🔎: answered as the search would); 🏠 Menu leaves it unsent."""
    if len(choices) == 1:
        msgid = (
            N_("Is this your answer to {partner} (request {number}), or a new question?")
            if lapsed
            else N_("Is this your answer to {partner}, or a new question?")
        )
        text = t.html(msgid, partner=t.isolate(choices[0].partner), number=t.isolate(choices[0].number))
        keyboard = [[("✍️ " + t.gettext("My answer"), encode("conv", "to", choices[0].id))]]
    else:
        text = t.html("Which request is this message for?")
        # Two requests to the same partner differ by what they are about (explore5 F9), shortened: before
        # the partner's long name, so that a phone's narrow button still shows it.
        keyboard = [[(_choice_label(t, choice), encode("conv", "to", choice.id))] for choice in choices]
    if question:
        keyboard.append([("🔎 " + t.gettext("A new question"), encode("conv", "new"))])
    return text, [*keyboard, nav_row(t)]


# At most this many of her open requests are offered under a question the bot could not answer.
MAX_ADD_CHOICES = 3


# What `with_add_to_request` says of ✍️ (`say`), for `n` requests offered; gone from the screen once she
# tapped it (`after_adding`).
def add_greeting(t: Translator, n: int) -> str:
    return t.nhtml(
        "Hello! Your request is still open. Tap ✍️ to send this message to it, or write your question.",
        "Hello! Your requests are still open. Tap the right ✍️ to send this message there, or write your "
        "question.",
        n,
    )


def add_hint(t: Translator, n: int) -> str:
    return t.nhtml(
        "Is this about your request? Tap ✍️ and your message goes to it.",
        "Is this about one of your requests? Tap the right ✍️ and your message goes there.",
        n,
    )


def with_add_to_request(
    t: Translator, screen: Screen, choices: Sequence[ConversationChoice], message_id: int, say: str = "hint"
) -> Screen:
    """A screen that could not answer her message (“I don't know”, “is it one of these?”) while requests of
    hers are open: first, a button per request (the most recent first) that adds exactly that message to it
    (`message_id`: her message, kept in the database for the tap, never in the button). “Hallo? Antwortet mir
    jemand?” after a sign-up is meant for the people who have the request; as a new question it reached
    nobody (explore: follow-up). The rest of the screen stays as it is: it may be a new question after all.
    Each button names who gets it (two requests to one partner: what each is about, as “which request?”
    does): with several, a message added to the wrong one would show her words to the wrong organisation.
    `say`: "hint", one sentence below the text says what ✍️ does; "greeting", a bare "Hallo?" is told her
    request is still open (instead of "How can I help you?"); "", the text as it is. Both speak of one
    request or of several, as many as there are buttons."""
    text, keyboard = screen
    rows = add_rows(t, choices, message_id)
    if say == "greeting":  # "Hallo?" while she waits: a nudge, not small talk
        text = add_greeting(t, len(rows))
    elif say == "hint":  # "Ask a person" alone would make a second request of it
        text += "\n\n" + add_hint(t, len(rows))
    return text, [*rows, *keyboard]


def after_adding(t: Translator, text: str, text_html: str) -> str | None:
    """The text (HTML) of a screen once its “✍️ Add this to my request” was tapped (the button goes): without
    the sentence that asks her to tap ✍️ (`with_add_to_request`), the rest as it is (the choices, the "too
    short" prompt); the greeting's nudge says only that her request (or requests) is still open. `text` is
    the screen's text as Telegram gives it back, `text_html` its HTML rebuilt from the entities (PTB's
    `text_html`: the bot keeps no copy of its screens). None if it asks nothing of ✍️ (an answer with ✍️
    below it: `with_add_below`) or asks in another language than hers now: the text stays."""
    for n in range(1, MAX_ADD_CHOICES + 1):  # the sentence said one request or several: either may be shown
        if text == unescape(add_greeting(t, n)):  # a sentence without markup shows as it is, unescaped
            return t.nhtml("Hello! Your request is still open.", "Hello! Your requests are still open.", n)
    head, _, tail = text_html.rpartition("\n\n")
    for n in range(1, MAX_ADD_CHOICES + 1):
        hint = unescape(add_hint(t, n))
        if text.endswith("\n\n" + hint) and head and unescape(tail) == hint:
            return head
    return None


def add_rows(t: Translator, choices: Sequence[ConversationChoice], message_id: int) -> list[list[Button]]:
    """A ✍️ button per request in `choices` (`with_add_to_request`) that adds her message to it. One request:
    “✍️ Add this to my request to …”. Several: what tells them apart, first, as “which request?” names them
    (what it is about, where two go to the same partner, then the partner; its number before both if that
    is not enough), no sentence around it: a phone cuts a long label after some 35 characters, and “Zu
    meiner Anfrage an Quartiersmanagement Ost- und Westsiedlung hinzufügen · …” twice showed two equal
    buttons (explore: labels). The screen's sentence above says what ✍️ does."""
    shown = choices[:MAX_ADD_CHOICES]
    if len(shown) == 1:
        label = "✍️ " + t.gettext("Add this to my request to {partner}").format(
            partner=t.isolate(shown[0].partner)
        )
        return [[(label, encode("conv", "add", shown[0].id, message_id))]]
    labels = [_add_label(t, choice) for choice in shown]
    return [
        [
            (
                "✍️ " + (_add_label(t, choice, number=True) if labels.count(label) > 1 else label),
                encode("conv", "add", choice.id, message_id),
            )
        ]
        for choice, label in zip(shown, labels, strict=True)
    ]


def _add_label(t: Translator, choice: ConversationChoice, *, number: bool = False) -> str:
    parts = [t.isolate(choice.number)] if number else []
    if choice.about:
        parts.append(shorten(t.isolate(" ".join(choice.about.split())), ABOUT_CHARS))
    return " · ".join([*parts, t.isolate(choice.partner)])


def with_add_below(t: Translator, screen: Screen, choice: ConversationChoice, message_id: int) -> Screen:
    """A confident answer to her message while a request she sent lately is open (“Ich habe noch keine
    Antwort bekommen” finds the FAQ on waiting; “geht auch Dienstag?” may find a wrong one): the answer stays
    first and unchanged, and one “✍️ Add this to my request” (her latest request) comes last but the menu,
    so words meant for the people who have her request reach them with one tap."""
    text, keyboard = screen
    return text, [*keyboard[:-1], *add_rows(t, [choice], message_id), *keyboard[-1:]]


def adds_to_request(data: object) -> bool:
    """A button's callback data is one of `with_add_to_request`'s (once tapped, that screen loses them)."""
    if not isinstance(data, str) or not data:
        return False
    callback = decode(data)
    return callback.namespace == "conv" and callback.arg(0) == "add"


def added_to_request(t: Translator, partner: str, number: str) -> Screen:
    """Her message added to her open request with one tap (`with_add_to_request`): who sees it now."""
    text = "✅ " + t.html(
        "Added to your request {number}. {partner} will see it.",
        number=t.isolate(number),
        partner=t.isolate(partner),
    )
    return text, back_to_menu(t)


def not_added_closed(t: Translator, partner: str, number: str) -> Screen:
    """“Add this to my request” tapped once the request was closed or withdrawn: nothing was added, and
    “Ask a person” carries her message on (it starts the new request's message, as after any question the
    bot could not answer)."""
    text = "⚠️ " + t.html(
        "Your request {number} to {partner} is closed now, so your message was not added. Tap “Ask a "
        "person” to send it as a new request.",
        number=t.isolate(number),
        partner=t.isolate(partner),
    )
    return text, person_and_menu(t)


def files_not_added_closed(t: Translator, partner: str, number: str) -> str:
    """“Add this to my request” tapped under "who should get this?" (her file) once the request was closed
    or withdrawn: nothing was added, and the question above still takes her files to whom she chooses."""
    return "⚠️ " + t.html(
        "Your request {number} to {partner} is closed now, so nothing was added. Choose above who should get "
        "this.",
        number=t.isolate(number),
        partner=t.isolate(partner),
    )


def answer_not_passed_on(t: Translator, choice: ConversationChoice) -> Screen:
    """Her message under "is this your answer to …?" (replied to), which she wrote on from hours later
    without a tap (only her very next message, minutes later, goes on by itself): it was not passed on, and
    "✍️ My answer" passes it on now (its own button: the request desk passes it on only in the order she
    wrote, `RequestDesk.pass_on_unsent`)."""
    text = "⚠️ " + t.html(
        "This message was not passed on to {partner} (request {number}). If it is your answer to them, tap "
        "“✍️ My answer” or send it again.",
        partner=t.isolate(choice.partner),
        number=t.isolate(choice.number),
    )
    return text, [[("✍️ " + t.gettext("My answer"), encode("conv", "un", choice.id))]]


def answer_came_after(t: Translator, partner: str, number: str) -> str:
    """The notice that her message was not passed on (`answer_not_passed_on`), its ✍️ tapped once a later
    message of hers had reached the request: passed on now, it would stand after that one in the partner's
    thread, so it is not; sending it again keeps the order she writes in."""
    return "⚠️ " + t.html(
        "This message was not passed on to {partner} (request {number}): a later message of yours has "
        "already reached them, and this one would now come after it. If it is your answer, please send it "
        "again.",
        partner=t.isolate(partner),
        number=t.isolate(number),
    )


# How much of what a request is about its row in "which request?" shows.
ABOUT_CHARS = 28


def _choice_label(t: Translator, choice: ConversationChoice) -> str:
    parts = [t.isolate(choice.number)]
    if choice.about:
        parts.append(shorten(t.isolate(" ".join(choice.about.split())), ABOUT_CHARS))
    return " · ".join([*parts, t.isolate(choice.partner)])


def conversation_ended(t: Translator, partner: str) -> Screen:
    return t.html(
        "Your messages no longer go to {partner}. /requests shows your open requests.",
        partner=t.isolate(partner),
    ), back_to_menu(t)


def conversation_not_ended(t: Translator, partner: str, request_id: int) -> Screen:
    """⏹ End while a message of the partner is on its way to her: that message will say that her messages
    go to the partner, so they still do. Its own ⏹ End ends the conversation once the message arrived: a
    partner's photo or file comes as a copy with no button under it (task conv9 #2), so the screen points
    to none there."""
    text = t.html(
        "A message from {partner} is on its way to you, so the conversation has not ended: your messages "
        "still go to them. Once it has arrived, tap “⏹ End” below.",
        partner=t.isolate(partner),
    )
    return text, [*end_keyboard(t, request_id, refused=True), *back_to_menu(t)]


# --- after "Send" ----------


def acknowledgement(
    t: Translator,
    number: str,
    partner: str,
    response_hours: int | None,
    by_phone: bool,
    urgent: bool = False,
    via: str | None = None,
    no_chat_answer: bool = False,
) -> str:
    """What the resident sees in place of the check screen after "Send" (with the menu below): the number
    and when to expect an answer, within `response_hours` (`bot.tickets.routing.promised_hours`: None, no
    time promised). From the emergency screen (`urgent`) no waiting time: someone in danger must not wait
    for it. `via`: the partner answers by e-mail to this organisation (the Quartiersmanagement), which
    brings the answer into the chat (`bot.tickets.routing.answers_through`). `no_chat_answer`: nobody can
    (the partner gets requests by e-mail only, `bot.tickets.routing.no_chat_answer`): no answer is promised
    in the chat, and without a phone number no time either."""
    n, p = t.isolate(number), t.isolate(partner)
    lines = ["✅ " + t.html("Thank you! Your request {number} was sent to {partner}.", number=n, partner=p)]
    no_chat = no_chat_answer and not by_phone
    lines += _what_to_expect(
        t, p, response_hours, urgent=urgent, via=None if by_phone else via, no_chat=no_chat
    )
    if no_chat:
        return "\n".join(lines)
    if by_phone:
        lines.append(t.html("{partner} will call you.", partner=p))
    elif not via:
        lines.append(t.html("The answer will come here in this chat."))
    lines.append(t.html("To add something later, open /requests and tap ✏️."))
    return "\n".join(lines)


def handover_question(
    t: Translator,
    number: str,
    by: str,
    new: str,
    request_id: int,
    *,
    phone: str | None = None,
    district: str | None = None,
    owner: str | None = None,
    also: str | None = None,
    to: str = "",
) -> Screen:
    """Partner `by` (the request's own, or the Quartiersmanagement acting on its copy of the escalated
    request) wants to hand the request over: the resident decides (who, why, and exactly what the new
    partner's card shows of her: her phone number when she gave one, her district, her conversation with
    `owner`, the request's partner, by default `by`; `also`: who else sees it at once, the Quartiersmanagement
    passing on the answer of a new partner that answers by e-mail only, as on the check screen)."""
    values = {"number": t.isolate(number), "old": t.isolate(by), "new": t.isolate(new)}
    had = {**values, "old": t.isolate(owner or by)}
    proposal = t.html(
        "{old} would like to hand your request {number} over to {new}, who can help you better.", **values
    )
    shared = [
        t.html("{new} would see:", **values),
        "• " + t.html("your first name"),
        "• " + t.html("your language"),
    ]
    if district:
        shared.append("• " + t.html("your district: {district}", district=district))
    if phone:
        shared.append("• " + t.html("your phone number: {phone}", phone=t.isolate(phone)))
    shared += [
        "• " + t.html("your answers and your conversation with {old} so far", **had),
    ]
    if also:
        shared.append(also_sees_line(t, also))
    shared.append(t.html("Nothing is passed on without your yes."))
    text = "\n".join(shared)
    return f"❓ {proposal}\n{text}", [
        [("✅ " + t.gettext("Yes, hand it over"), encode("hoc", "yes", request_id, proposal_key(to)))],
        [("✖️ " + t.gettext("No"), encode("hoc", "no", request_id, proposal_key(to)))],
    ]


def proposal_key(partner_id: str) -> str:
    """The partner a hand-over question proposes, as its buttons carry it (8 characters: partner ids may be
    long, callback data is 64 bytes): a partner may replace its proposal, and a yes under the question that
    named another partner must not hand her request to the new one. "" for no partner (old buttons)."""
    return hashlib.blake2s(partner_id.encode(), digest_size=4).hexdigest() if partner_id else ""


def handover_reminder(t: Translator, question: Screen) -> Screen:
    """The resident wrote while the hand-over `question` waits: the question again, and how to answer it
    (a typed "yes" is a message to the partner, not the answer)."""
    text, keyboard = question
    return text + "\n\n👇 " + t.html("Please answer with a button: ✅ to agree, ✖️ to say no."), keyboard


def reopen_offer(t: Translator, partner: str, request_id: int) -> Screen:
    """The resident wrote about a recently closed request: open it again instead of starting over? (Or
    leave it: the menu.)"""
    text = t.html(
        "This request is closed. Shall I reopen it? Then your message goes to {partner}.",
        partner=t.isolate(partner),
    )
    return text, [[("↩️ " + t.gettext("Reopen"), encode("reopen", request_id))], nav_row(t)]


def reopened(t: Translator) -> str:
    """The "Reopen?" offer once she tapped Reopen: what is true now (the confirmation of her message
    follows)."""
    return "↩️ " + t.html("This request is open again.")


def handover_kept(t: Translator, partner: str) -> str:
    return t.html("Your request stays with {partner}.", partner=t.isolate(partner))


# What a resident is told when their request changes hands or state, naming it ({number}) and its partner
# ({partner}: after a hand-over, the new one).
STATUS_NOTICES = {
    "taken": N_("{partner} has taken on your request {number}."),
    "closed": N_("{partner} has closed your request {number}."),
    "withdrawn": N_("Your request {number} was withdrawn. {partner} has been told."),
    "reopened": N_("{partner} has reopened your request {number}."),
    "handed_over": N_("Your request {number} was handed over to {partner}, who can help you better."),
    # Nobody took it on in the promised time: the Quartiersmanagement ({partner}) has it now as well.
    "escalated": N_(
        "Your request {number} has not been answered yet. It is now also with {partner}, who will get back "
        "to you."
    ),
    # The same for a request the Quartiersmanagement ({partner}) had from the start, to pass on the answer
    # of a partner that cannot answer in the chat: it now follows it up.
    "followed_up": N_(
        "No answer to your request {number} has reached you yet. {partner} is following it up and will get "
        "back to you."
    ),
    # Her message with danger words had no answer (the partner may have answered her before): the
    # Quartiersmanagement ({partner}) has the request now as well.
    "danger_escalated": N_(
        "Your last message about request {number} has not been answered yet. {partner} now sees your "
        "request too and will get back to you. If you are in danger, do not wait: call one of the "
        "emergency numbers."
    ),
}


def status_notice(t: Translator, kind: str, number: str, partner: str) -> str:
    """The notice `kind` (a key of `STATUS_NOTICES`) about request `number`."""
    return "ℹ️ " + t.html(STATUS_NOTICES[kind], number=t.isolate(number), partner=t.isolate(partner))


def late_notice(t: Translator, number: str, partner: str, by: str | None) -> Screen:
    """The time she was promised an answer within passed and nobody took her request on
    (`bot.tickets.reminders`): told once, calmly, that it is not lost. `by`, the Quartiersmanagement, was
    told and takes care of it; None: the request is its own, and it was reminded. Below: her requests and
    the menu (nothing to send again)."""
    values = {"number": t.isolate(number), "partner": t.isolate(partner)}
    if by is None:
        text = t.html(
            "Your request {number} to {partner} has not been answered yet. {partner} has been reminded and "
            "will take care of it.",
            **values,
        )
    else:
        text = t.html(
            "Your request {number} to {partner} has not been answered yet. {by} has been told and will take "
            "care of it.",
            by=t.isolate(by),
            **values,
        )
    more = t.html("You do not need to send it again.")
    mine = ("📋 " + t.gettext("My requests"), encode("req", "list"))
    return f"ℹ️ {text}\n{more}", [[mine], nav_row(t)]


def handed_over_notice(
    t: Translator, number: str, partner: str, hours: int | None, via: str | None, *, urgent: bool = False
) -> str:
    """Her request went to a partner that cannot answer in the chat (`bot.tickets.routing`): the hand-over
    notice, then what the acknowledgement of a request sent to it says: `via` (the Quartiersmanagement)
    passes its e-mailed answer on, within `hours`; without `via` nobody can, and a call is the way. An
    `urgent` one (from the emergency screen) names no waiting time, as its acknowledgement did not."""
    p = t.isolate(partner)
    lines = [status_notice(t, "handed_over", number, partner)]
    return "\n".join(lines + _what_to_expect(t, p, hours, urgent=urgent, via=via, no_chat=via is None))


def _what_to_expect(
    t: Translator, p: str, hours: int | None, *, urgent: bool, via: str | None, no_chat: bool
) -> list[str]:
    """When and how the answer of partner `p` (isolated) comes, after "Send" and after a hand-over: an
    `urgent` request names no time and says not to wait in danger; `no_chat` (nobody can bring the answer
    into the chat) says a call is the way; `via` passes the partner's e-mailed answer on."""
    lines = []
    if urgent:
        lines.append(
            t.html(
                "{partner} sees that it is urgent. If you are in danger now, do not wait for the answer: "
                "call one of the emergency numbers.",
                partner=p,
            )
        )
    if no_chat:
        lines.append(
            t.html(
                "{partner} gets it by e-mail and cannot answer you here in this chat. If you want an answer "
                "by phone, open /requests, tap ✏️ and write your phone number.",
                partner=p,
            )
        )
        return lines
    if not urgent and hours is not None:
        lines.append(t.html("You can expect an answer within {time}.", time=hours_phrase(t, hours)))
    if via:
        lines.append(
            t.html(
                "{partner} answers by e-mail; {via} passes the answer on to you here in this chat.",
                partner=p,
                via=t.isolate(via),
            )
        )
    return lines


def closed_notice(t: Translator, number: str, partner: str, partner_id: str) -> Screen:
    """The partner closed the request: said so, with the way on for a resident who still needs help (a new
    request to the same partner) and the menu."""
    more = t.html("Do you still need help? Tap “Ask a person”.")
    ask = ("🙋 " + t.gettext("Ask a person"), encode("ask", f"p.{partner_id}"))
    return f"{status_notice(t, 'closed', number, partner)}\n{more}", [[ask], nav_row(t)]


def reopened_notice(t: Translator, number: str, partner: str, request_id: int) -> Screen:
    """The partner reopened the request (the card's button, without a word): said so, and how she writes to
    it again: ✏️ is /requests' “Add to …” (her messages go to it until “End”). Her notice of the closing
    said “Ask a person”, which starts a new request. Her next message still goes where it went (a draft she
    is writing keeps it) until she taps or the partner writes."""
    more = t.html("You can write about it again: tap ✏️.")
    add = (t.gettext("✏️ Add to {number}").format(number=number), encode("req", "add", request_id))
    return f"{status_notice(t, 'reopened', number, partner)}\n{more}", [[add], nav_row(t)]


def partner_answer(
    t: Translator,
    number: str,
    partner: str,
    staff: str | None,
    text: str | None,
    edited: bool,
    via: str | None = None,
) -> str:
    """A partner's reply relayed to the resident, naming the organisation. `via`: the organisation that
    passes on `partner`'s answer (the Quartiersmanagement, for a partner that cannot answer in the chat:
    `bot.tickets.routing.passes_on_for`); `staff` is then its member, not the partner's, and left out."""
    values = {
        "number": t.isolate(number),
        "partner": t.isolate(partner),
        "name": t.isolate(staff or ""),
        "via": t.isolate(via or ""),
    }
    if edited:
        head = t.html("Correction from {partner} to your request {number}:", **values)
    elif via:
        # Translators: {via} received {partner}'s answer by e-mail and passes it on into the chat
        head = t.html("Answer from {partner} to your request {number}, passed on by {via}:", **values)
    elif staff:
        head = t.html("{name} from {partner} answers your request {number}:", **values)
    else:
        head = t.html("Answer from {partner} to your request {number}:", **values)
    return f"💬 <b>{head}</b>" + (f"\n{quote(text)}" if text else "")


# --- /requests ----------


@dataclass(frozen=True)
class OpenRequest:
    id: int
    number: str
    partner: str
    created_at: datetime
    status: RequestStatus
    followed_up_by: str | None = None  # nobody answered in time: this organisation follows it up
    also_with: str | None = None  # escalated, then taken on or answered: this organisation sees it too
    # Where "answered" would not be true: reopened without a partner's answer, or no answer reached her
    status_shown: AnswerShown | None = None


def open_requests(t: Translator, requests: Sequence[OpenRequest]) -> Screen:
    """/requests: the resident's open requests with "add a message" and "withdraw" per request."""
    if not requests:
        return t.html("You have no open requests."), back_to_menu(t)
    lines = ["<b>" + t.html("Your open requests:") + "</b>"]
    keyboard: list[list[Button]] = []
    for request in requests:
        lines.append(
            request_line(
                t,
                request.number,
                request.partner,
                request.created_at,
                request.status,
                request.followed_up_by,
                request.also_with,
                shown=request.status_shown,
            )
        )
        add = t.gettext("✏️ Add to {number}").format(number=request.number)
        withdraw = t.gettext("🗑 Withdraw {number}").format(number=request.number)
        keyboard.append(
            [(add, encode("req", "add", request.id)), (withdraw, encode("req", "withdraw", request.id))]
        )
    return "\n".join(lines), [*keyboard, nav_row(t)]


def withdraw_question(t: Translator, number: str, request_id: int) -> Screen:
    """🗑 Withdraw in /requests asks first: withdrawing cannot be undone, and the partner is told."""
    question = t.html("Withdraw request {number}? The partner will be told.", number=t.isolate(number))
    keep = arrow(t, "back") + " " + t.gettext("No, keep the request")
    keyboard = [
        [("🗑 " + t.gettext("Yes, withdraw"), encode("req", "withdraw", request_id, "yes"))],
        [(keep, encode("req", "withdraw", request_id, "no"))],
    ]
    return question, keyboard


def request_line(
    t: Translator,
    number: str,
    partner: str,
    created_at: datetime,
    status: RequestStatus,
    followed_up_by: str | None = None,
    also_with: str | None = None,
    *,
    shown: AnswerShown | None = None,
) -> str:
    """A request in /requests and /mydata: number, partner, date, status (an open one escalated says that
    `followed_up_by`, the Quartiersmanagement, follows it up; one taken on or answered and escalated, that
    `also_with`, the Quartiersmanagement, sees it too). Where its status would say "answered" untruly,
    `shown` (`bot.storage.requests.answered_status`): reopened without an answer, or answered but no answer
    reached her (she can write to ask for it; who else sees the request is left out of that longer line)."""
    label = status_label(t, status)
    if shown is AnswerShown.REOPENED:
        label = t.gettext("reopened")
    elif shown is AnswerShown.LOST:
        label = t.gettext("answered, but the answer could not be delivered. You can write to ask for it")
    if status is RequestStatus.OPEN and followed_up_by:
        label = t.gettext("no answer yet, {partner} is following it up").format(
            partner=t.isolate(followed_up_by)
        )
    elif status in (RequestStatus.TAKEN, RequestStatus.ANSWERED) and also_with and shown != AnswerShown.LOST:
        label = t.gettext("{status}, {partner} sees it too").format(
            status=label, partner=t.isolate(also_with)
        )
    return t.html(
        "{number} to {partner}, sent {date}: {status}",
        number=t.isolate(number),
        partner=t.isolate(partner),
        date=t.format_datetime(created_at),
        status=label,
    )


def status_label(t: Translator, status: RequestStatus) -> str:
    return {
        RequestStatus.OPEN: t.gettext("waiting for the partner"),
        RequestStatus.TAKEN: t.gettext("taken on"),
        RequestStatus.ANSWERED: t.gettext("answered"),
        RequestStatus.CLOSED: t.gettext("closed"),
        RequestStatus.CANCELLED: t.gettext("withdrawn"),
    }[status]
