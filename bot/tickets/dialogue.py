"""The resident's request dialogue as a state machine: steps, inputs, transitions and their validation.

`advance(draft, input)` is pure (no database, no Telegram, nothing sent): it returns the next draft and
what the resident is to see. `bot.tickets.intake` loads the draft from the `dialogues` table (so it survives
restarts), advances it and stores it again, in one transaction. Only "Send" turns a draft into a request.

    INTAKE ─answer / Skip (after the last question)─► MESSAGE ─Done─► CONTACT ─chat / shared phone─► CONFIRM
    CONFIRM ─Change─► MESSAGE ─Change my answers─► INTAKE (her answers shown; Skip keeps one)
    text or a file in CONTACT ─► MESSAGE     Cancel: anywhere     Send: CONFIRM
    CONTACT after "📞 Call me" (`calling`): a typed number is the phone number ─► CONFIRM; other words join
    the message and the step waits for the number (Change / Cancel / chat lead out)
    ROUTE ─a topic or the Quartiersmanagement chosen─► INTAKE / MESSAGE   (a file sent outside a request)

The files of one album (a media group) arrive one by one: the first shows the screen, the others join
the draft quietly. Past `MAX_ATTACHMENTS`, an album's first file that does not fit is answered (how many
were not taken, what she can do) and its further ones are left out quietly, each counted
(`Transition.left_out`, which the one notice then shows): one notice per album, not one per page.

Beside the step, a draft is active or parked. Navigation (/start, a command, a menu tap) parks it: a parked
draft takes no text (the text is a question for the search) until the resident taps "Continue" or another
button of the dialogue; a file resumes it. A text that looks like a new question while the draft waits for
an answer is held (`pending`) until the resident says whether it is their answer ("mine") or a new
question ("new": the draft is parked and the text goes to the search). A resident who types on instead of
tapping meant both texts as her answer to the question she saw: they are filed together, and the next
question is shown (nothing she wrote becomes the answer to a question she has not seen); a file sent instead
takes the held text as her answer and joins the message.

Longer than most modules on purpose: the steps, the inputs and every transition between them are one
state machine; split, a transition's rule would sit apart from the steps it connects.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from bot.languages import QUESTION_MARKS
from bot.storage.models.requests import ContactPreference, DialogueStep, MessageKind

# Telegram lets bots download files up to 20 MB; bigger files could not be attached to e-mails.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 10
# What one request carries at most: a letter pasted in several messages fits (Telegram cuts a message at
# 4,096 characters; the card reaches the partner in numbered parts); past it, the resident is told.
MAX_TEXT_CHARS = 20_000
# A message longer than Telegram's limit (UTF-16 code units) arrives in parts her phone cut (`_joined_by`):
# at the limit itself, or (Telegram Desktop) at a space within this many characters before it.
TELEGRAM_LIMIT = 4_096
CUT_NEAR = 200
MAX_ANSWER_CHARS = 500
MAX_PHONE_CHARS = 32
# A typed phone number, loosely: digits (any script's), spaces, +, -, /, dots and parentheses; 6 to 20 digits;
# one word before it ("Tel.", "Tel:", "Handy", "Telefonnummer:", "Тел.") is a label and dropped.
PHONE_CHARACTERS = re.compile(r"[\d\s+\-/().]+")
PHONE_LABEL = re.compile(r"[^\W\d_]{1,14}[.:]{0,2} ?(?=[+(]?\d)")
PHONE_DIGITS = range(6, 21)
# A date is no phone number ("ab 15.01.2027": when to call, which joins the message).
DATE = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?![\d.])")
ATTACHMENT_KINDS = frozenset({MessageKind.PHOTO, MessageKind.VOICE, MessageKind.DOCUMENT})
# Inputs of one chat are processed in order, so only the latest can come again (a replay after a restart);
# the last few are remembered all the same.
RECENT_INPUTS = 8
# Her latest texts as she typed them and where they went (the message or an answer): an edit of one of them
# corrects it there (`correct`), and once the draft is sent, reaches the partner as a correction.
WRITTEN_KEPT = 20


class InputProblem(StrEnum):
    """Why an input was not taken (whole): the resident is told before the screen."""

    UNSUPPORTED = "unsupported"  # a file of a kind that cannot be passed on
    TOO_LARGE = "too_large"
    TOO_MANY = "too_many"
    TOO_LONG = "too_long"  # a text past MAX_TEXT_CHARS / MAX_ANSWER_CHARS: only its beginning was kept
    NOT_A_NUMBER = "not_a_number"  # typed for the phone number: only digits and signs, but too few/many
    NOT_A_PHONE = "not_a_phone"  # typed for the phone number: words (they joined the message instead)
    TAP_SEND = "tap_send"  # "ja", "ok", a bare number typed on the check screen: nothing sent, nothing added


@dataclass(frozen=True)
class Attachment:
    """A photo, voice message or document the resident or a partner sent (copied, never forwarded)."""

    kind: MessageKind
    file_id: str
    chat_id: int
    message_id: int
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    caption: str | None = None
    media_group: str | None = None  # Telegram's media_group_id: the files of one album

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attachment:
        return cls(**{**data, "kind": MessageKind(data["kind"])})


def check_attachment(attachment: Attachment, already: int = 0) -> InputProblem | None:
    if attachment.kind not in ATTACHMENT_KINDS:
        return InputProblem.UNSUPPORTED
    if attachment.file_size is not None and attachment.file_size > MAX_FILE_BYTES:
        return InputProblem.TOO_LARGE
    if already >= MAX_ATTACHMENTS:
        return InputProblem.TOO_MANY
    return None


# --- the state ----------


# The id and the step have columns of their own; the questions and whether "Done" alone signs up come from
# the content.
_NOT_STORED = frozenset({"id", "step", "questions", "can_sign_up"})


@dataclass(frozen=True)
class Draft:
    """A request being written. `questions` are the ids of the topic's intake questions and `can_sign_up`
    says whether the offer or event takes sign-ups through the bot (both from the content, not stored);
    `inputs` the keys of the latest inputs, so a replayed update changes nothing twice."""

    id: str
    step: DialogueStep
    partner_id: str
    offer_id: str | None = None
    topic_id: str | None = None
    questions: tuple[str, ...] = ()
    event_id: str | None = None  # an event signed up for
    intake: Mapping[str, str] = field(default_factory=dict)
    intake_index: int = 0
    text: str | None = None
    attachments: tuple[Attachment, ...] = ()
    contact: ContactPreference = ContactPreference.CHAT
    phone: str | None = None
    inputs: tuple[str, ...] = ()
    parked: bool = False
    pending: str | None = None  # a text held while the resident says whether it is an answer
    calling: bool = False  # "📞 Call me" was tapped: a typed text is the phone number
    # "Done" without a word on a sign-up: "I would like to sign up", said in each reader's language.
    signup: bool = False
    can_sign_up: bool = False  # (not stored) "Done" without a word may sign up: see `advance`
    urgent: bool = False  # started from the emergency screen: the message says so to the partner
    # Danger words in a text she typed into it (the search showed her the emergency numbers): the request is
    # urgent, and its message says why to the partner (who may not read her language).
    danger: bool = False
    # ... and in the text held for her tap (`pending`): they join `danger` only with the text, never when she
    # takes it out of the request as a new question.
    pending_danger: bool = False
    # The latest albums told that no more files fit (media_group id: how many of its files were left out):
    # their further files are left out quietly, counted for the notice.
    full_albums: Mapping[str, int] = field(default_factory=dict)
    # The question she carried over into the request ("Ask a person" below an answer): the message starts
    # with it, and while it holds nothing else she is shown it, not told that something arrived.
    carried: str | None = None
    # The offer's or event's title when the draft started, in every language: what she signs up for is
    # still named (her check screen, "no longer listed" at "Send") once a reload removed it.
    title: Mapping[str, str] | None = None
    # (input key, where it went: "text", "phone", "pending" or the question's id, her text) of her latest
    # texts (`WRITTEN_KEPT`), for an edit of one of them (`correct`).
    written: tuple[tuple[str, str, str], ...] = ()
    # Where each of those texts starts in the message (or in its answer), by input key: an edit corrects that
    # very place, not an earlier one with the same words ("2" edited to "3" leaves another line's "2"); a text
    # without a start was cut. None: a draft stored before the starts were kept (`_place`).
    starts: Mapping[str, int] | None = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.text and self.text.strip()) and not self.attachments and not self.signup

    @property
    def holds_input(self) -> bool:
        """Whether she put anything into it: words, files, answers, a sign-up or a text held for her tap."""
        return not self.is_empty or bool(self.intake) or self.pending is not None

    @property
    def waits_for_phone(self) -> bool:
        """After "📞 Call me" the step waits for the number (Telegram's share button shows)."""
        return self.calling and self.step is DialogueStep.CONTACT

    @property
    def question(self) -> str | None:
        """The id of the intake question to ask next (in INTAKE)."""
        return self.questions[self.intake_index] if self.intake_index < len(self.questions) else None

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_STORED}
        return {
            **data,
            "intake": dict(self.intake),
            "attachments": [a.to_json() for a in self.attachments],
            "contact": self.contact.value,
            "inputs": list(self.inputs),
            "full_albums": dict(self.full_albums),
            "title": dict(self.title) if self.title else None,
            "written": [list(item) for item in self.written],
            "starts": dict(self.starts) if self.starts is not None else None,
        }

    @classmethod
    def from_json(
        cls,
        dialogue_id: str,
        step: str,
        data: Mapping[str, Any],
        questions: Sequence[str],
        *,
        can_sign_up: bool = False,
    ) -> Draft:
        # A draft stored by an older version may lack the fields added since: they keep their defaults.
        stored = {f.name: data[f.name] for f in fields(cls) if f.name in data and f.name not in _NOT_STORED}
        stored["attachments"] = tuple(Attachment.from_json(a) for a in data.get("attachments", []))
        stored["contact"] = ContactPreference(data.get("contact", ContactPreference.CHAT.value))
        stored["inputs"] = tuple(data.get("inputs", []))
        albums = data.get("full_albums") or {}
        # (Stored as a list of ids before the left-out files were counted: one each, told.)
        stored["full_albums"] = (
            {str(g): int(n) for g, n in albums.items()}
            if isinstance(albums, dict)
            else {str(g): 1 for g in albums}
        )
        stored["written"] = tuple((str(k), str(w), str(t)) for k, w, t in data.get("written", []))
        starts = data.get("starts")
        stored["starts"] = {str(k): int(v) for k, v in starts.items()} if starts is not None else None
        return settle(
            cls(
                id=dialogue_id,
                step=DialogueStep(step),
                questions=tuple(questions),
                can_sign_up=can_sign_up,
                **stored,
            )
        )


def new_media_draft(dialogue_id: str, partner_id: str, attachment: Attachment) -> Draft:
    """A draft begun by a photo, voice message or document: the resident chooses who gets it first."""
    text = attachment.caption.strip() if attachment.caption else None
    return Draft(dialogue_id, DialogueStep.ROUTE, partner_id, attachments=(attachment,), text=text or None)


def new_draft(
    dialogue_id: str,
    partner_id: str,
    *,
    offer_id: str | None = None,
    topic_id: str | None = None,
    event_id: str | None = None,
    questions: Sequence[str] = (),
    can_sign_up: bool = False,
    title: Mapping[Any, str] | None = None,
) -> Draft:
    """A fresh draft: the intake questions first if the topic has any, else the message."""
    step = DialogueStep.INTAKE if questions else DialogueStep.MESSAGE
    asked = tuple(questions)
    return Draft(
        dialogue_id,
        step,
        partner_id,
        offer_id,
        topic_id,
        asked,
        event_id,
        can_sign_up=can_sign_up,
        title=dict(title) if title else None,
    )


def settle(draft: Draft) -> Draft:
    """No INTAKE step without a question left (the content may have changed since)."""
    if draft.step is DialogueStep.INTAKE and draft.question is None:
        return replace(draft, step=DialogueStep.MESSAGE)
    return draft


def add_text(draft: Draft, text: str) -> tuple[Draft, InputProblem | None]:
    """Append the resident's text (several messages become one paragraph each, the parts of one long
    message her phone cut do not: `_joined_by`), up to MAX_TEXT_CHARS."""
    text = text.strip()
    if not text:
        return draft, None
    combined = f"{draft.text}{_joined_by(draft)}{text}" if draft.text else text
    cut = InputProblem.TOO_LONG if len(combined) > MAX_TEXT_CHARS else None
    return replace(draft, text=combined[:MAX_TEXT_CHARS]), cut


def _joined_by(draft: Draft) -> str:
    """What comes between the message and her next text: a blank line, unless her last text was a part of
    one long message that her phone cut (Telegram takes `TELEGRAM_LIMIT` characters): Android and iOS cut
    at the limit itself, also mid-word ("Aus" | "füllen"), so that part is joined as it is; Telegram Desktop
    cuts at a line break, a space or punctuation in the second half of the limit, and the space at the
    cut is trimmed: a part within `CUT_NEAR` of the limit gets a single space (one cut at a line break
    further back keeps the blank line, near enough to what she wrote). Her texts are as Telegram gave
    them: trimmed, so a cut on a space cannot be told from one mid-word at the limit itself."""
    last = draft.written[-1] if draft.written else None
    if last is None or last[1] != "text" or not (draft.text or "").endswith(last[2]):
        return "\n\n"  # her last text went elsewhere (an answer, her phone number), or was cut
    size = len(last[2].encode("utf-16-le")) // 2  # Telegram counts UTF-16 code units
    if size == TELEGRAM_LIMIT:
        return ""
    # A text longer than the limit did not come through Telegram: a message of its own.
    return " " if TELEGRAM_LIMIT - CUT_NEAR <= size < TELEGRAM_LIMIT else "\n\n"


def phone_number(text: str) -> str | None:
    """A typed phone number as the partner reads it (digits of other scripts in ASCII, spaces single);
    None if `text` is not one."""
    number = " ".join(text.split())
    if label := PHONE_LABEL.match(number):
        number = number[label.end() :]
    if not PHONE_CHARACTERS.fullmatch(number) or DATE.search(number):
        return None
    number = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in number)
    digits = sum(c.isdecimal() for c in number)
    return number if digits in PHONE_DIGITS and len(number) <= MAX_PHONE_CHARS else None


def _mistyped_number(text: str) -> bool:
    """Digits and signs only, yet no phone number (too few or too many digits): she types it again. With a
    dot or a word it may be a time ("17.30", "ab 17.30"): those are words and join the message."""
    return PHONE_CHARACTERS.fullmatch(text.strip()) is not None and "." not in text


def _with_phone(draft: Draft, number: str) -> Draft:
    """The partner is to call `number` (shared with Telegram's button or typed): on to the consent."""
    phone = number.strip()[:MAX_PHONE_CHARS]
    if not phone:
        return draft
    return replace(
        draft, contact=ContactPreference.PHONE, phone=phone, step=DialogueStep.CONFIRM, calling=False
    )


def _answer(draft: Draft, answer: str | None) -> Draft:
    """Store the answer to the current intake question (None: skipped) and go on to the next one."""
    question = draft.question
    if question is None:
        return draft
    intake = dict(draft.intake)
    if answer and answer.strip():
        intake[question] = answer.strip()[:MAX_ANSWER_CHARS]
    return replace(draft, intake=intake, intake_index=draft.intake_index + 1)


def _wrote(
    draft: Draft, input_key: str | None, where: str, text: str | None, start: int | None = None
) -> Draft:
    """`draft` remembering that her text `text` (input `input_key`) went to `where` ("text", "phone",
    "pending" or an intake question's id), starting at `start` in the message or answer, for an edit of it
    (`correct`)."""
    if input_key is None or not text:
        return draft
    # A new answer replaces the question's old one entirely: the texts that wrote that one are gone.
    written = _forget(draft.written, where) if where != "text" else draft.written
    kept = [item for item in written if item[0] != input_key][-(WRITTEN_KEPT - 1) :]
    keys = {item[0] for item in kept}
    if draft.starts is None:  # stored before the starts were kept: her words are looked for (`_place`)
        return replace(draft, written=(*kept, (input_key, where, text)))
    starts = {key: at for key, at in draft.starts.items() if key in keys}
    if start is not None:
        starts[input_key] = start
    return replace(draft, written=(*kept, (input_key, where, text)), starts=starts)


def _start(holder: str | None, own: str | None) -> int | None:
    """Where her words `own`, just added at the end of `holder` (the message or an answer), start in it;
    None if they were cut off."""
    if not holder or not own or not holder.endswith(own):
        return None
    return len(holder) - len(own)


def moved_starts(draft: Draft, by: int) -> dict[str, int]:
    """The starts of her texts in the message once `by` characters are put before it (her answers, when a
    refused "Send" keeps it all as a question). A draft stored before the starts were kept: where her words
    first occur in the message, never in the answers put before it."""
    if draft.starts is None:
        found = {key: (draft.text or "").find(old) for key, where, old in draft.written if where == "text"}
        return {key: at + by for key, at in found.items() if at >= 0}
    in_text = {key for key, where, _ in draft.written if where == "text"}
    return {key: at + by for key, at in draft.starts.items() if key in in_text}


# Where a text went that the draft no longer holds (deleted, or its answer replaced): only its key is kept,
# so that an edit of it is answered honestly (`Correction.NOT_HELD`), not her words.
GONE = "-"


def _forget(written: tuple[tuple[str, str, str], ...], where: str) -> tuple[tuple[str, str, str], ...]:
    """`written` with the texts that went to `where` forgotten (their keys kept, see `GONE`)."""
    return tuple((key, GONE, "") if went == where else (key, went, text) for key, went, text in written)


class Correction(StrEnum):
    """What an edit of one of her messages did to the draft (`correct`)."""

    CHANGED = "changed"  # her text is corrected where it went (the message, or an answer)
    NOT_HELD = "not_held"  # the draft took that message, but no longer holds it as she wrote it
    UNKNOWN = "unknown"  # the message was never an input of this draft


def correct(draft: Draft, input_key: str, text: str, *, danger: bool = False) -> tuple[Draft, Correction]:
    """The draft after she edited her message `input_key` to `text`: where the draft still holds the text as
    she wrote it (in the message, as an answer, as her phone number, or held for her tap), the edited text
    replaces it. Not otherwise (deleted with "Delete the text", replaced, cut, or a button's label she
    typed): she is told how to change it instead. `danger`: the edited text has danger words (`Draft.danger`;
    for a held text `pending_danger`, which the edit replaces)."""
    new = text.strip()
    found = next((item for item in draft.written if item[0] == input_key), None)
    if found is None:
        return draft, Correction.NOT_HELD if input_key in draft.inputs else Correction.UNKNOWN
    _, where, old = found
    if not new or not old or where == GONE:
        return draft, Correction.NOT_HELD
    if where == "pending":
        # Held while she says whether it is her answer: the held text is corrected (asked about again).
        if draft.pending != old:
            return draft, Correction.NOT_HELD
        draft = replace(draft, pending=new[:MAX_TEXT_CHARS], pending_danger=danger)
        return _wrote(draft, input_key, where, new), Correction.CHANGED
    elif where == "phone":
        # Her typed phone number: a corrected one replaces it (words are no number: she is told).
        number = phone_number(new)
        if draft.phone != old or draft.contact is not ContactPreference.PHONE or number is None:
            return draft, Correction.NOT_HELD
        draft = replace(draft, phone=number)
        new = number
    else:
        holder = draft.text if where == "text" else draft.intake.get(where)
        at = _place(holder or "", old, draft.starts, input_key)
        if holder is None or at is None:
            return draft, Correction.NOT_HELD
        fixed = holder[:at] + new + holder[at + len(old) :]
        # Her texts after this one in the same message (or answer) move with the corrected length.
        others = {key for key, went, _ in draft.written if went == where and key != input_key}
        if draft.starts is not None:
            starts = {
                key: start + len(new) - len(old) if key in others and start > at else start
                for key, start in draft.starts.items()
            }
            draft = replace(draft, starts=starts)
        if where == "text":
            draft = replace(draft, text=fixed[:MAX_TEXT_CHARS])
        else:
            draft = replace(draft, intake={**draft.intake, where: fixed[:MAX_ANSWER_CHARS]})
        return _wrote(
            replace(draft, danger=draft.danger or danger), input_key, where, new, at
        ), Correction.CHANGED
    return _wrote(replace(draft, danger=draft.danger or danger), input_key, where, new), Correction.CHANGED


def correct_caption(
    draft: Draft, chat_id: int, message_id: int, caption: str | None, *, danger: bool = False
) -> tuple[Draft, Correction]:
    """The draft after she edited the caption of her file `message_id` (in chat `chat_id`) to `caption`
    (None: removed): the file goes with the new caption, as an edited text goes corrected (`correct`). A
    draft begun by the file has its caption as the message's start (`new_media_draft`): corrected there too,
    while it still holds it so. UNKNOWN: the draft has no such file. `danger`: danger words in the new
    caption (`Draft.danger`)."""
    found = next((a for a in draft.attachments if (a.chat_id, a.message_id) == (chat_id, message_id)), None)
    if found is None:
        return draft, Correction.UNKNOWN
    new, old = (caption or "").strip(), (found.caption or "").strip()
    files = tuple(replace(a, caption=new or None) if a is found else a for a in draft.attachments)
    draft = replace(draft, attachments=files, danger=draft.danger or danger)
    text = draft.text or ""
    if old and (text == old or text.startswith(f"{old}\n\n")):
        rest = text[len(old) :].lstrip("\n")
        fixed = "\n\n".join(part for part in (new, rest) if part)
        by = len(fixed) - len(text)  # her texts after the caption move with it
        in_text = {key for key, where, _ in draft.written if where == "text"}
        starts = None
        if draft.starts is not None:
            starts = {key: at + by if key in in_text else at for key, at in draft.starts.items()}
        draft = replace(draft, text=fixed[:MAX_TEXT_CHARS] or None, starts=starts)
    return draft, Correction.CHANGED


def _place(holder: str, old: str, starts: Mapping[str, int] | None, input_key: str) -> int | None:
    """Where her text `old` (input `input_key`) is in `holder`: at its start, where it was put (None if it is
    no longer there as she wrote it, or was cut: no start). A draft stored before the starts were kept
    (`starts` None): where her words first occur."""
    if starts is None:
        found = holder.find(old)
        return found if found >= 0 else None
    start = starts.get(input_key)
    if start is None:
        return None
    return start if holder[start : start + len(old)] == old else None


# --- inputs and transitions ----------


@dataclass(frozen=True)
class Text:
    """The resident's text; `match`: the entry (kind, id) the search would answer it with certainty (it
    may be a new question rather than an answer; `bot.tickets.intake` drops a match that is what the
    request is about)."""

    text: str
    match: tuple[str, str] | None = None
    danger: bool = False  # the search found danger words in it (and showed her the emergency numbers)


@dataclass(frozen=True)
class Attach:
    attachment: Attachment
    # Danger words in its caption that make a request urgent (the numbers were shown), as in a `Text`.
    danger: bool = False


@dataclass(frozen=True)
class Unsupported:
    """A message the dialogue cannot take (a sticker, a location)."""


@dataclass(frozen=True)
class Press:
    """A button of the dialogue: skip, done, chat, phone, change, cancel or send (and the others of
    `BUTTONS`)."""

    action: str


@dataclass(frozen=True)
class Route:
    """In ROUTE, the resident chose who gets the files: a topic (its partner, its intake questions) or
    the Quartiersmanagement (no topic). The ticket service resolves the choice against the content."""

    partner_id: str
    topic_id: str | None = None
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SharedPhone:
    number: str


@dataclass(frozen=True)
class Park:
    """The resident navigated away (/start, a command, a menu button): the draft waits, untouched."""


Input = Text | Attach | Unsupported | Press | SharedPhone | Park | Route
BUTTONS = frozenset(
    {
        "skip",
        "done",
        "chat",
        "phone",
        "change",
        "retype",
        "answers",
        "cancel",
        "send",
        "resume",
        "mine",
        "new",
    }
)


# "Yes", "ok", "send" in the bot's languages: typed on the check screen, they mean its "Send" button.
_SEND_WORDS = frozenset(
    """
    ja jaa jo genau ok okay okey oki gut passt senden abschicken schicken evet tamam tmm olur gönder gönderin
    نعم أجل ايوه تمام حسنا اوكي أوكي ارسل أرسل بله آره باشه اوکی بفرست ارسال
    да ага ок окей хорошо отправить отправь так гаразд добре надіслати tak dobrze wyślij yes yeah yep sure
    send 👍 👌 ✅ 🆗
    """.split()
) | {"ja bitte", "ja senden", "ok senden", "bitte senden", "evet gönder", "yes please"}


def means_send(text: str) -> bool:
    """Whether a text typed on the check screen means its "Send" button: a yes or an ok in one of the
    bot's languages, or a bare number (the console and many keyboards number buttons; Telegram does not)."""
    words = " ".join(text.casefold().strip(" .!?,;:؟،").split())
    if words.isdecimal() and len(words) <= 2:
        return True
    return words in _SEND_WORDS


def looks_new(draft: Draft, event: Text) -> bool:
    """Whether a text may be a new question rather than the answer the draft waits for. Only an intake
    question waits for an answer that is not a question itself (a confident search hit or a question mark
    is suspicious there); the message to the partner is very often a question, so it is taken as it is."""
    asks = event.text.rstrip().endswith(QUESTION_MARKS)
    return draft.step is DialogueStep.INTAKE and (event.match is not None or asks)


class Effect(StrEnum):
    """What follows a transition, for the resident."""

    SCREEN = "screen"  # show the draft's step (with `Transition.problem` explained first, if set)
    ASK_PHONE = "ask_phone"  # Telegram's own "share my phone number" button
    EMPTY = "empty"  # "Done" with nothing written: ask for a few words
    SEND = "send"  # create the request from the draft
    CANCEL = "cancel"  # drop the draft; nothing was sent
    STALE = "stale"  # a button this dialogue does not know
    PARKED = "parked"  # the draft is parked: the input is not for it (nothing changed)
    ASK_NEW = "ask_new"  # "is this your answer or a new question?" (the text is held in `pending`)
    QUESTION = "question"  # the held text is a new question: search it (`Transition.question`)
    QUIET = "quiet"  # another file of an album: added (or left out, the album told it no more fit)
    PHONE = "phone"  # a typed phone number was taken (as a shared one is): the share button goes
    # What the stored draft leads to (`bot.tickets.intake`, which keeps it in the database):
    SENT = "sent"  # the request was created ("Send" again: the same request)
    TOO_MANY = "too_many"  # the resident has too many open requests: the draft waits
    REFUSED = "refused"  # a file that cannot be passed on started nothing
    GONE = "gone"  # the draft was sent or dropped meanwhile
    OVER = "over"  # its offer or event is over (or not on): nothing is started or sent (`DialogueReply.over`)
    BEGUN = "begun"  # the event signed up for has begun: no sign-up starts or is sent (`DialogueReply.over`)
    CORRECTED = "corrected"  # an edit of her message corrected the draft (`correct`)
    UNCORRECTED = "uncorrected"  # an edit of a message the draft took, which it no longer holds as written
    UNFINISHED = "unfinished"  # a new request would replace a draft she wrote in: it waits, she chooses


# Buttons whose effect the caller carries out (the draft itself does not change).
_HANDED_ON = {"send": Effect.SEND, "cancel": Effect.CANCEL, "phone": Effect.ASK_PHONE}


@dataclass(frozen=True)
class Transition:
    draft: Draft
    effect: Effect = Effect.SCREEN
    problem: InputProblem | None = None
    question: str | None = None
    # TOO_MANY (and QUIET for an album told so): how many files of this album (or this one file) were left
    # out so far.
    left_out: int = 0


def remember(draft: Draft, input_key: str | None) -> tuple[str, ...]:
    """The keys of the draft's latest inputs with `input_key` (a message id, a button tap) added."""
    if input_key is None:
        return draft.inputs
    return (*draft.inputs[-(RECENT_INPUTS - 1) :], input_key)


def advance(draft: Draft, event: Input, *, input_key: str | None = None) -> Transition:
    """The draft after `event`. `input_key` names the update (a message id, a button tap): an input seen
    before shows the screen again and changes nothing. "Done" without a word on an offer or event that
    takes sign-ups through the bot (`can_sign_up`) makes the draft a sign-up (signing up needs no words)."""
    problem: InputProblem | None = None
    typed = isinstance(event, Text)  # (a held text "mine" turns into is her answer, never held again)
    own = event.text.strip() if isinstance(event, Text) else None  # her words in this very message
    text_key = input_key  # ... and the message they came in
    if isinstance(event, Park):
        # A held text stays held: "Continue" asks about it again (explore5 F4: nothing she wrote is lost).
        return Transition(replace(draft, parked=True), Effect.PARKED)
    if isinstance(event, Text) and draft.parked:
        return Transition(draft, Effect.PARKED)
    if isinstance(event, Press):
        if event.action not in BUTTONS:
            return Transition(draft, Effect.STALE)
        if event.action == "new":
            if draft.pending is None:
                return Transition(draft, Effect.STALE)
            # Not part of the request: the draft forgets her text (an edit of it is not for the partner).
            kept_out = replace(
                draft,
                parked=True,
                pending=None,
                pending_danger=False,
                written=_forget(draft.written, "pending"),
            )
            return Transition(kept_out, Effect.QUESTION, None, draft.pending)
        # Any button of the dialogue is the resident coming back to it; only "📞" waits for a number.
        draft = replace(draft, parked=False, calling=event.action == "phone")
        if event.action == "resume" and draft.pending is not None:
            return Transition(draft, Effect.ASK_NEW)  # the text held when she left: her answer, or new?
        if event.action == "mine":
            if draft.pending is None:
                return Transition(draft)
            event = Text(draft.pending, danger=draft.pending_danger)
            # Her held message is filed now: an edit of it corrects it where it goes.
            text_key = next((key for key, went, _ in draft.written if went == "pending"), None)
            own = draft.pending
        draft = replace(draft, pending=None, pending_danger=False)
    elif isinstance(event, Text) and input_key is not None and input_key in draft.inputs:
        # A replay of this text (held or taken already) changes nothing.
        return Transition(draft, Effect.ASK_NEW if draft.pending is not None else Effect.SCREEN)
    if isinstance(event, Text) and draft.pending is not None:
        # She typed on instead of tapping: the held text was her answer (a new question would not have
        # waited for more), and so is this one, written while the same question was on her screen. Both
        # answer it; the next question is shown now, its answer still to come.
        danger = event.danger or draft.pending_danger
        event, typed = Text(f"{draft.pending}\n{event.text.strip()}", danger=danger), False
        draft = replace(draft, pending=None, pending_danger=False)
    elif isinstance(event, Attach) and draft.pending is not None:
        # A file instead of a tap: the held text was her answer, and the file joins the message.
        answered = advance(draft, Press("mine"))
        draft, problem = answered.draft, answered.problem
    if typed and isinstance(event, Text) and looks_new(draft, event):
        held = replace(
            draft,
            pending=event.text.strip()[:MAX_TEXT_CHARS],
            pending_danger=event.danger,
            inputs=remember(draft, input_key),
        )
        held = _wrote(held, input_key, "pending", held.pending)
        return Transition(held, Effect.ASK_NEW)  # a typed text: nothing was cut or refused, no problem
    if isinstance(event, Text) and event.danger:
        # Danger words typed into the draft make its request urgent (the partner's note says she wrote them
        # while writing it, not that they are in the message); held ones only once they join it.
        draft = replace(draft, danger=True)
    if isinstance(event, Attach | Route):
        draft = replace(draft, parked=False, pending=None, pending_danger=False, calling=False)
    if isinstance(event, Attach) and event.danger:
        draft = replace(draft, danger=True)  # a caption's danger words, as a typed text's
    if isinstance(event, Press) and event.action in _HANDED_ON:
        return Transition(draft, _HANDED_ON[event.action])
    if input_key is not None:
        if input_key in draft.inputs:
            return Transition(draft)
        draft = replace(draft, inputs=remember(draft, input_key))
    step = draft.step
    if step is DialogueStep.ROUTE and (
        isinstance(event, SharedPhone) or (isinstance(event, Press) and event.action != "resume")
    ):
        # Nobody is chosen yet: an old button of another step changes nothing.
        return Transition(draft)
    if isinstance(event, Route):
        if step is DialogueStep.ROUTE:
            draft = replace(
                draft,
                partner_id=event.partner_id,
                topic_id=event.topic_id,
                questions=event.questions,
                intake_index=0,
                step=DialogueStep.INTAKE if event.questions else DialogueStep.MESSAGE,
            )
    elif isinstance(event, Press) and event.action == "resume":
        pass
    elif isinstance(event, Press) and event.action == "skip":
        draft = _answer(draft, None)
    elif isinstance(event, Press) and event.action == "done":
        if draft.is_empty and not draft.can_sign_up:
            return Transition(draft, Effect.EMPTY)
        if draft.is_empty:
            draft = replace(draft, signup=True)
        draft = replace(draft, step=DialogueStep.CONTACT)
    elif isinstance(event, Press) and event.action == "chat":
        draft = replace(draft, contact=ContactPreference.CHAT, phone=None, step=DialogueStep.CONFIRM)
    elif isinstance(event, Press) and event.action == "answers":
        # "Change my answers" (below her message after "✏️ Change"): the questions again, each showing her
        # answer; a new one replaces it, "Skip" keeps it, then her message as it was.
        if draft.questions:
            draft = replace(draft, step=DialogueStep.INTAKE, intake_index=0)
    elif isinstance(event, Press) and event.action == "retype":
        # "Delete the text": she writes it anew instead of adding to it (her files stay).
        draft = replace(draft, text=None, step=DialogueStep.MESSAGE, written=_forget(draft.written, "text"))
    elif isinstance(event, Press):  # change
        draft = replace(draft, step=DialogueStep.MESSAGE)
    elif isinstance(event, SharedPhone):
        draft = _with_phone(draft, event.number)
    elif isinstance(event, Text) and draft.waits_for_phone:
        number = phone_number(event.text)
        if number is not None:
            return Transition(_wrote(_with_phone(draft, number), input_key, "phone", number), Effect.PHONE)
        if _mistyped_number(event.text):
            problem = InputProblem.NOT_A_NUMBER  # a number mistyped: nothing to keep, she types it again
        else:
            # Words, not a number: nothing is lost (they join the message); the step still waits for it.
            draft, cut = add_text(draft, event.text)
            draft = _wrote(draft, text_key, "text", own, _start(draft.text, own))
            problem = cut or InputProblem.NOT_A_PHONE
    elif isinstance(event, Text) and step is DialogueStep.CONFIRM and means_send(event.text):
        problem = InputProblem.TAP_SEND  # she believes this sends it: it neither sends nor joins the message
    elif isinstance(event, Text) and step is DialogueStep.INTAKE:
        question = draft.question
        draft = _answer(draft, event.text)
        if question is not None:
            mine = own[:MAX_ANSWER_CHARS] if own else None
            draft = _wrote(draft, text_key, question, mine, _start(draft.intake.get(question), mine))
        if len(event.text.strip()) > MAX_ANSWER_CHARS:
            problem = InputProblem.TOO_LONG
    elif isinstance(event, Text):
        draft, cut = add_text(draft, event.text)
        draft = _wrote(draft, text_key, "text", own, _start(draft.text, own))
        problem = cut or problem
        if step is DialogueStep.CONTACT:
            draft = replace(draft, step=DialogueStep.MESSAGE)
    elif isinstance(event, Attach):
        problem = check_attachment(event.attachment, len(draft.attachments))
        group = event.attachment.media_group
        if problem is InputProblem.TOO_MANY and group is not None:
            count = draft.full_albums.get(group, 0) + 1
            others = [(g, n) for g, n in draft.full_albums.items() if g != group][-(RECENT_INPUTS - 1) :]
            told = group in draft.full_albums
            draft = replace(draft, full_albums={**dict(others), group: count})
            if told:  # its notice is there: it counts this file too
                return Transition(settle(draft), Effect.QUIET, left_out=count)
            return Transition(settle(draft), Effect.SCREEN, problem, left_out=count)
        if problem is InputProblem.TOO_MANY:
            return Transition(settle(draft), Effect.SCREEN, problem, left_out=1)
        if problem is None:
            album = group is not None and any(a.media_group == group for a in draft.attachments)
            draft = replace(draft, attachments=(*draft.attachments, event.attachment))
            if step not in (DialogueStep.CONFIRM, DialogueStep.ROUTE):
                draft = replace(draft, step=DialogueStep.MESSAGE)
            if album:
                return Transition(settle(draft), Effect.QUIET)
    else:
        problem = InputProblem.UNSUPPORTED
    return Transition(settle(draft), Effect.SCREEN, problem)
