"""An in-memory Telegram Bot API: the transport of the offline console chat, the tests and the benchmarks.

`FakeTelegram` is a PTB `BaseRequest`: the real `Application`, handlers and `ExtBot` run unchanged and only
the HTTP layer is replaced. It answers like Telegram (message ids per chat, dates in seconds, `reply_markup`
echoed, edits applied, a text sent with `parse_mode` HTML given back as Telegram shows it: its characters and
their entities, `parse_text`) and records every call. It enforces Telegram's rules: a text longer than 4,096
characters after parsing its markup (a caption: 1,024) or an empty one is refused with 400, as is an edit of a
message that is not there or that changes nothing ("message is not modified"), and with `limits` a chat that
gets messages faster than Telegram allows is answered 429 with `retry_after` (`Limits.scaled` keeps tests
fast: the same limits on a faster clock). Every refusal is kept in `refused`. `SimUser` is a person on the
other side: they send texts, commands and attachments, tap inline buttons and reply to messages, in private
chats and in groups.

Longer than most modules on purpose: it is test infrastructure, not product code, and mirrors the part of
the Bot API the bot uses together with Telegram's rules for it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.transport import Rate, Window

if TYPE_CHECKING:
    from telegram.ext import Application

BOT_ID = 7_000_000_001
BOT_USERNAME = "quartiersbot_preview"
FAKE_TOKEN = "7000000001:OFFLINE-PREVIEW-TOKEN-not-a-real-one"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Quartiersbot", "username": BOT_USERNAME}

# A fault injector: returns None (answer normally), an HTTP status with a Bot API error body, or an
# exception to raise (e.g. telegram.error.TimedOut) as the transport would.
Fault = Callable[[str, dict[str, Any]], "tuple[int, dict[str, Any]] | BaseException | None"]


MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def client_parts(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A message as Telegram's apps for Android and iOS send it: longer than `limit` (UTF-16 code units, as
    Telegram counts), it is cut every `limit` units, also mid-word (Telegram Desktop cuts at a line break
    or a space in the second half of the limit instead), and each part is trimmed as Telegram trims a
    message."""
    parts: list[str] = []
    part: list[str] = []
    size = 0
    for ch in text.strip():
        units = 2 if ord(ch) > 0xFFFF else 1
        if size + units > limit:
            parts.append("".join(part))
            part, size = [], 0
        part.append(ch)
        size += units
    parts.append("".join(part))
    return [stripped for p in parts if (stripped := p.strip())]


# The calls of the bot that put a message into a chat (what Telegram's flood limits count): the kind of
# message each makes and the parameter its text is in (copyMessage is answered apart). The bot sends
# residents' photos and voice messages only as copies.
SENT_KINDS: dict[str, tuple[str, str]] = {
    "sendMessage": ("text", "text"),
    "sendVenue": ("venue", "title"),
    "sendDocument": ("document", "caption"),
}
SENDING = {*SENT_KINDS, "copyMessage"}
CAPTIONED = {method for method, (_kind, key) in SENT_KINDS.items() if key == "caption"} | {"copyMessage"}
EDITS = {"editMessageText", "editMessageReplyMarkup"}
# What the bot's settings calls (`setMyCommands` …) set, kept per language in `bot_settings`.
BOT_SETTINGS = {
    "setMyCommands": "commands",
    "setMyDescription": "description",
    "setMyShortDescription": "short_description",
}


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits: token buckets per private chat and in all, and a group's 20 messages in any
    minute (the bot's own pacing, `ChatPacer`, is another algorithm for the buckets)."""

    private: Rate
    group: Window
    overall: Rate
    whole_seconds: bool = True  # `retry_after` in whole seconds, as Telegram gives it

    def scaled(self, factor: float) -> Limits:
        """The same limits on a clock `1/factor` times faster (`retry_after` then in fractions)."""

        def faster(rate: Rate) -> Rate:
            return Rate(rate.burst, rate.every * factor)

        group = Window(self.group.count, self.group.seconds * factor)
        return Limits(faster(self.private), group, faster(self.overall), whole_seconds=False)


# About one message a second per chat, 20 a minute per group, 30 a second in all.
TELEGRAM_LIMITS = Limits(Rate(5, 1.0), Window(20, 60.0), Rate(30, 1 / 30))
# Telegram's answers to an edit with nothing to do: errors to the bot, but no message was refused.
EDIT_NO_OPS = ("Bad Request: message to edit not found", "Bad Request: message is not modified")


class _Bucket:
    def __init__(self, rate: Rate, now: float) -> None:
        self.burst, self.every = rate.burst, rate.every
        self.tokens, self.at = float(rate.burst), now

    def wait(self, now: float) -> float:
        """0 if a message may go now (and it is counted), else the seconds until one may."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) / self.every)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) * self.every

    def give_back(self) -> None:
        self.tokens += 1


class _Minute:
    """A group's window: the moments of the messages it took within the last `seconds`."""

    def __init__(self, window: Window) -> None:
        self.window, self.moments = window, deque[float]()

    def wait(self, now: float) -> float:
        """0 if a message may go now (and it is counted), else the seconds until one may."""
        while self.moments and self.moments[0] <= now - self.window.seconds:
            self.moments.popleft()
        if len(self.moments) < self.window.count:
            self.moments.append(now)
            return 0.0
        return self.moments[0] + self.window.seconds - now

    def give_back(self) -> None:
        self.moments.pop()


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# Telegram's HTML tags and the entity each makes (`a`, `span`, `tg-emoji`, `blockquote` and a `code` inside
# `pre` are read by `_TelegramHTML._entity`).
TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
# What Telegram trims from both ends of a text or caption (a text of nothing else is empty).
TRIMMED = " \t\r\n\v\0"


class _TelegramHTML(HTMLParser):
    """An HTML text parsed as Telegram parses it (`parse_mode` HTML): the text without its markup, HTML
    entities decoded (`&lt;` `&amp;` `&quot;` `&#39;` …), and Bot API `MessageEntity` objects for the markup,
    offsets and lengths in UTF-16 code units."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0  # in UTF-16 code units
        self.open: list[tuple[str, dict[str, Any] | None]] = []  # each open tag and the entity it makes
        self.entities: list[dict[str, Any]] = []  # in the order their tags opened (an outer one first)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        entity = self._entity(tag, {name: value or "" for name, value in attrs})
        if entity is not None:
            entity["offset"] = self.length
            self.entities.append(entity)
        self.open.append((tag, entity))

    def _entity(self, tag: str, attributes: dict[str, str]) -> dict[str, Any] | None:
        if tag == "a":
            href = attributes.get("href", "")
            if (user := re.fullmatch(r"tg://user\?id=(\d+)", href)) is not None:
                person = {"id": int(user[1]), "is_bot": False, "first_name": ""}
                return {"type": "text_mention", "user": person}
            return {"type": "text_link", "url": href}
        if tag == "span":
            return {"type": "spoiler"} if attributes.get("class") == "tg-spoiler" else None
        if tag == "tg-emoji":
            return {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id", "")}
        if tag == "blockquote" and "expandable" in attributes:
            return {"type": "expandable_blockquote"}
        if tag == "code" and self.open and self.open[-1][0] == "pre":
            # <pre><code class="language-python">: one `pre` entity with its language, no `code`.
            pre = self.open[-1][1]
            language = attributes.get("class", "")
            if pre is not None and language.startswith("language-"):
                pre["language"] = language.removeprefix("language-")
            return None
        return {"type": TAG_ENTITIES[tag]} if tag in TAG_ENTITIES else None

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                self._close(self.open.pop(index)[1])
                return

    def _close(self, entity: dict[str, Any] | None) -> None:
        if entity is not None:
            entity["length"] = self.length - entity["offset"]

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += _utf16_length(data)

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        """The text and its entities, as Telegram gives them back: the text trimmed at both ends, an entity
        cut to what is left of it (none that is left empty), ordered by offset, an outer one first."""
        self.close()
        while self.open:  # Telegram refuses a tag left open; the fake lets it end with the text
            self._close(self.open.pop()[1])
        whole = "".join(self.parts)
        text = whole.strip(TRIMMED)
        start = _utf16_length(whole[: len(whole) - len(whole.lstrip(TRIMMED))])
        end = start + _utf16_length(text)
        entities = []
        for entity in self.entities:
            first, last = max(entity["offset"], start), min(entity["offset"] + entity["length"], end)
            if last > first:
                entities.append({**entity, "offset": first - start, "length": last - first})
        entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))  # stable: outer first
        return text, entities


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """A text or caption as Telegram shows it and gives it back: without its markup and trimmed, with the
    entities the markup made (`parse_mode` HTML; without one, the text as it is, trimmed). Telegram also finds
    links, mentions and hashtags in a text by itself: the fake does not (PTB's `text_html` leaves them as
    text anyway)."""
    if (parse_mode or "").upper() != "HTML":
        return text.strip(TRIMMED), []
    parser = _TelegramHTML()
    parser.feed(text)
    return parser.result()


def text_length(text: str, parse_mode: str | None) -> int:
    """What Telegram counts of a text for its limits: its characters as shown (`parse_text`), in UTF-16
    code units."""
    return _utf16_length(parse_text(text, parse_mode)[0])


@dataclass
class Refused:
    """A call the fake refused as Telegram would."""

    method: str
    chat_id: int | None
    status: int
    description: str


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]


@dataclass
class Sent:
    """A message as it stands in a chat (after any edits). `text` is its text or caption as the bot sent it,
    with its markup (what the tests read: "<b>…</b>", "&amp;"); `plain` and `entities` are what Telegram
    makes of it (`parse_mode`), what a person sees and what the bot gets back in a `Message`."""

    chat_id: int
    message_id: int
    text: str | None
    reply_markup: dict[str, Any] | None
    # The bot's: text, venue, document, or a copy (as its original); a person's: text, photo, document,
    # voice, sticker, contact.
    kind: str = "text"
    params: dict[str, Any] = field(default_factory=dict)
    reply_to: int | None = None
    from_bot: bool = True
    edits: int = 0
    sender: dict[str, Any] | None = None  # a person's message in a group: who wrote it (Bot API `User`)
    parse_mode: str | None = None  # how Telegram read `text` (the bot's messages: HTML)

    @property
    def plain(self) -> str | None:
        """The text as Telegram shows it: without its markup, HTML entities decoded, trimmed."""
        return None if self.text is None else parse_text(self.text, self.parse_mode)[0]

    @property
    def entities(self) -> list[dict[str, Any]]:
        """The Bot API `MessageEntity` objects of `plain` (offsets and lengths in UTF-16 code units)."""
        return [] if self.text is None else parse_text(self.text, self.parse_mode)[1]

    @property
    def flat_buttons(self) -> list[dict[str, Any]]:
        """The buttons of the inline (or reply) keyboard, in reading order."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or self.reply_markup.get("keyboard") or []
        return [b if isinstance(b, dict) else {"text": str(b)} for row in rows for b in row]

    @property
    def labels(self) -> list[str]:
        return [b["text"] for b in self.flat_buttons]


class FakeTelegram(BaseRequest):
    """Answers Bot API calls locally. `fault` may inject errors (429, 500, 403, migration) per call."""

    def __init__(self, first_message_id: int = 1, *, limits: Limits | None = None) -> None:
        """`first_message_id`: where every chat's message ids start (the console starts them from the clock:
        its database outlives the process, and Telegram never reuses a message id in a chat). `limits`:
        the flood limits to enforce (none without)."""
        self.limits = limits
        self._buckets: dict[int | str, _Bucket | _Minute] = {}
        self.refused: list[Refused] = []
        # Sends that reach the chat although their answer is lost: the bot sees a timeout.
        self.deliver_then_time_out: Callable[[str, dict[str, Any]], bool] | None = None
        self.calls: list[Call] = []
        self.chats: dict[int, dict[int, Sent]] = {}
        self._first_message_id = first_message_id
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self.fault: Fault | None = None
        self.listeners: list[Callable[[str, Sent | dict[str, Any]], None]] = []
        self.files: dict[str, bytes] = {}
        # Files the bot uploaded (send_document with bytes), by file name: the last upload of each name.
        self.uploads: dict[str, bytes] = {}
        self.answered_callbacks: list[dict[str, Any]] = []
        self.bot_settings: dict[str, dict[str, Any]] = {}

    # --- BaseRequest ---------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        # PTB passes a float, None or its DEFAULT_NONE sentinel; the fake never waits, so they are unused
        # (typed `object`, which accepts all three without PTB's private type alias).
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            file_path = url.rsplit("/", 1)[-1]
            return 200, self.files.get(file_path, b"")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if request_data and request_data.multipart_data:
            for name, (filename, content, _mime) in request_data.multipart_data.items():
                params.setdefault(name, f"upload:{filename}")
                self.uploads[filename] = content if isinstance(content, bytes) else content.read()
        self.calls.append(Call(api_method, params))
        if self.fault is not None:
            injected = self.fault(api_method, params)
            if isinstance(injected, BaseException):
                raise injected
            if injected is not None:
                status, body = injected
                return status, json.dumps(body).encode()
        status, answer = self.answer(api_method, params)
        if status == 200 and self.deliver_then_time_out and self.deliver_then_time_out(api_method, params):
            raise TimedOut("the answer was lost (the message arrived)")
        return status, json.dumps(answer).encode()

    # --- Telegram's rules ----------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """What Telegram answers to `method` (the call is not recorded here): HTTP status and JSON body."""
        chat_id = int(params["chat_id"]) if "chat_id" in params else None  # the bot uses no @usernames
        refusal = self._broken_rule(method, params, chat_id)
        if refusal is not None:
            status, description, retry_after = refusal
            if not description.startswith(EDIT_NO_OPS):  # a double tap's edit is no refused message
                self.refused.append(Refused(method, chat_id, status, description))
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return status, body
        if method in SENT_KINDS:
            kind, text_key = SENT_KINDS[method]
            return 200, {"ok": True, "result": self._send(params, kind, text_key)}
        if method in EDITS:
            return 200, {"ok": True, "result": self._edit(params, text=method == "editMessageText")}
        if method in BOT_SETTINGS:
            key = BOT_SETTINGS[method]
            self.bot_settings.setdefault(key, {})[params.get("language_code", "")] = params.get(key)
        handler = getattr(self, f"_api_{method}", None)
        result = handler(params) if handler else True
        return 200, {"ok": True, "result": result}

    def _broken_rule(
        self, method: str, params: dict[str, Any], chat_id: int | None
    ) -> tuple[int, str, float | None] | None:
        parse_mode = params.get("parse_mode")
        if method in {"sendMessage", "editMessageText"}:
            length = text_length(str(params.get("text") or ""), parse_mode)
            if length == 0:
                return 400, "Bad Request: message text is empty", None
            if length > MESSAGE_LIMIT:
                return 400, "Bad Request: message is too long", None
        if method in CAPTIONED | {"editMessageCaption"} and params.get("caption"):
            if text_length(str(params["caption"]), parse_mode) > CAPTION_LIMIT:
                return 400, "Bad Request: message caption is too long", None
        if method in EDITS and chat_id is not None:
            edited = self._edit_problem(params, chat_id, text=method == "editMessageText")
            if edited is not None:
                return 400, edited, None
        if self.limits is None or method not in SENDING or chat_id is None:
            return None
        limits, now = self.limits, time.monotonic()
        if chat_id not in self._buckets:
            private = chat_id > 0
            self._buckets[chat_id] = _Bucket(limits.private, now) if private else _Minute(limits.group)
        chat = self._buckets[chat_id]
        overall = self._buckets.setdefault("all", _Bucket(limits.overall, now))
        wait = chat.wait(now)
        if not wait:
            wait = overall.wait(now)
            if wait:
                chat.give_back()  # not sent after all
        if not wait:
            return None
        retry_after = math.ceil(wait) if limits.whole_seconds else round(wait + 0.001, 3)
        return 429, f"Too Many Requests: retry after {retry_after}", retry_after

    # --- state helpers -------------------------------------------------------------------------
    def next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(self._first_message_id))
        return next(counter)

    def messages(self, chat_id: int) -> list[Sent]:
        """All messages of a chat, oldest first (both sides)."""
        return list(self.chats.get(chat_id, {}).values())

    def bot_messages(self, chat_id: int) -> list[Sent]:
        return [m for m in self.messages(chat_id) if m.from_bot]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def store(self, sent: Sent) -> Sent:
        """Put a message into its chat (as sent by the bot or, `from_bot=False`, by a person)."""
        self.chats.setdefault(sent.chat_id, {})[sent.message_id] = sent
        self._notify("message", sent)
        return sent

    def _notify(self, event: str, payload: Sent | dict[str, Any]) -> None:
        for listener in self.listeners:
            listener(event, payload)

    def chat_json(self, chat_id: int) -> dict[str, Any]:
        """The Bot API `Chat` object of a chat: a group or supergroup below 0, else a private chat."""
        if chat_id < 0:
            return {
                "id": chat_id,
                "type": "supergroup" if chat_id < -1_000_000_000_000 else "group",
                "title": f"Group {chat_id}",
            }
        return {"id": chat_id, "type": "private", "first_name": "Resident"}

    def message_json(self, sent: Sent, *, nested: bool = False) -> dict[str, Any]:
        """A message of the bot as the Bot API `Message` object (e.g. inside a reply or a callback query),
        with the message it replies to (one level, as Telegram does)."""
        data: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": self.chat_json(sent.chat_id),
            "from": BOT_USER,
        }
        if not nested and sent.reply_to is not None:
            original = self.chats.get(sent.chat_id, {}).get(sent.reply_to)
            if original is not None:
                data["reply_to_message"] = self.message_json(original, nested=True)
        if not sent.from_bot and (sent.chat_id > 0 or sent.sender is not None):
            # A person's own message (replied to by the bot): their text or media, as they sent it.
            data["from"] = sent.sender or {"id": sent.chat_id, "is_bot": False, "first_name": "Resident"}
            data.update(sent.params)
            return data
        if sent.text is not None:
            # As Telegram gives it back: the text parsed, its markup as entities (PTB's `text_html`
            # rebuilds the HTML from both).
            key = "caption" if sent.kind in {"photo", "document", "voice"} else "text"
            text, entities = parse_text(sent.text, sent.parse_mode)
            data[key] = text
            if entities:
                data["caption_entities" if key == "caption" else "entities"] = entities
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            data["reply_markup"] = sent.reply_markup
        return data

    def _send(self, params: dict[str, Any], kind: str, text_key: str) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        reply = params.get("reply_parameters") or {}
        sent = Sent(
            chat_id=chat_id,
            message_id=self.next_message_id(chat_id),
            text=params.get(text_key),
            reply_markup=params.get("reply_markup"),
            kind=kind,
            params=params,
            reply_to=reply.get("message_id") or params.get("reply_to_message_id"),
            parse_mode=params.get("parse_mode"),
        )
        return self.message_json(self.store(sent))

    # --- Bot API methods ------------------------------------------------------------------------
    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **BOT_USER,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_copyMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        source = self.chats.get(int(params["from_chat_id"]), {}).get(int(params["message_id"]))
        copy = dict(params)
        copy["text"] = params.get("caption") or (source.text if source else None)
        if not params.get("caption"):  # `parse_mode` is a new caption's: the original's text stays as it is
            copy["parse_mode"] = source.parse_mode if source else None
        result = self._send(copy, source.kind if source else "copy", "text")
        return {"message_id": result["message_id"]}

    def _edit_problem(self, params: dict[str, Any], chat_id: int, *, text: bool) -> str | None:
        """Why Telegram refuses an edit: the message is not there (deleted, or never was), or the edit
        changes nothing (a double tap)."""
        sent = self.chats.get(chat_id, {}).get(int(params.get("message_id") or 0))
        if sent is None:
            return "Bad Request: message to edit not found"
        # Telegram compares what the text shows (its characters and entities), not how its HTML was written.
        same_text = not text or parse_text(str(params.get("text") or ""), params.get("parse_mode")) == (
            sent.plain,
            sent.entities,
        )
        if same_text and params.get("reply_markup") == sent.reply_markup:
            return (
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        return None

    def _edit(self, params: dict[str, Any], *, text: bool) -> dict[str, Any]:
        # `_broken_rule` refused the edit of a message that is not there.
        sent = self.chats[int(params["chat_id"])][int(params["message_id"])]
        if text:
            sent.text, sent.parse_mode = params.get("text"), params.get("parse_mode")
        sent.reply_markup = params.get("reply_markup")
        sent.edits += 1
        self._notify("edit", sent)
        return self.message_json(sent)

    def _api_deleteMessage(self, params: dict[str, Any]) -> bool:
        """The message leaves its chat."""
        self.chats.get(int(params["chat_id"]), {}).pop(int(params["message_id"]), None)
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        self.answered_callbacks.append(params)
        self._notify("callback_answer", params)
        return True

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files.get(file_id, b"")),
            "file_path": file_id,
        }

    # --- building updates -----------------------------------------------------------------------
    def next_update_id(self) -> int:
        return next(self._update_ids)

    def next_callback_id(self) -> str:
        return str(next(self._callback_ids))


@dataclass
class SimUser:
    """A person writing to the bot: in their private chat by default, or in a group (`chat_id` < 0)."""

    telegram: FakeTelegram
    app: Application[Any, Any, Any, Any, Any, Any]
    user_id: int
    first_name: str
    language_code: str | None = None
    chat_id: int | None = None

    @property
    def chat(self) -> int:
        return self.chat_id if self.chat_id is not None else self.user_id

    def in_group(self, chat_id: int) -> SimUser:
        """The same person writing in group `chat_id`."""
        return replace(self, chat_id=chat_id)

    def _user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def _chat_json(self) -> dict[str, Any]:
        if self.chat < 0:
            return self.telegram.chat_json(self.chat)
        return {"id": self.chat, "type": "private", "first_name": self.first_name}

    def _message_json(self, message_id: int, extra: dict[str, Any], reply_to: Sent | None) -> dict[str, Any]:
        """The Bot API `Message` of this person's message `message_id` (`extra`: its text or media)."""
        data: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat_json(),
            "from": self._user_json(),
            **extra,
        }
        if reply_to is not None:
            data["reply_to_message"] = self.telegram.message_json(reply_to)
        return data

    async def _message(self, extra: dict[str, Any], reply_to: Sent | None = None) -> Sent:
        message_id = self.telegram.next_message_id(self.chat)
        data = self._message_json(message_id, extra, reply_to)
        sent = Sent(
            self.chat,
            message_id,
            extra.get("text") or extra.get("caption"),
            None,
            kind=next(
                (k for k in ("photo", "document", "voice", "sticker", "contact") if k in extra), "text"
            ),
            params=extra,
            reply_to=reply_to.message_id if reply_to else None,
            from_bot=False,
            sender=self._user_json() if self.chat < 0 else None,
        )
        self.telegram.store(sent)
        await self._process({"update_id": self.telegram.next_update_id(), "message": data})
        return sent

    async def _process(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.app.bot)
        await self.app.process_update(update)

    async def send(self, text: str, *, reply_to: Sent | None = None) -> Sent:
        """Send a text message (commands included)."""
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._message(extra, reply_to)

    async def send_long(self, text: str) -> list[Sent]:
        """Send `text` as a phone's Telegram app does: a message longer than Telegram takes arrives in parts
        (`client_parts`)."""
        return [await self.send(part) for part in client_parts(text)]

    async def edit(self, message: Sent, text: str) -> None:
        """Edit one of this person's earlier messages (Telegram sends an `edited_message` update): a text's
        text, or a file's caption (the edit comes with the file, as Telegram sends it)."""
        message.text = text
        original = self.telegram.chats.get(self.chat, {}).get(message.reply_to or 0)
        files = {k: v for k, v in message.params.items() if k in ("photo", "document", "voice")}
        extra = {**files, "caption": text} if files else {"text": text}
        data = self._message_json(message.message_id, {**extra, "edit_date": int(time.time())}, original)
        await self._process({"update_id": self.telegram.next_update_id(), "edited_message": data})

    async def send_sticker(self) -> Sent:
        return await self._message(
            {
                "sticker": {
                    "file_id": "sticker-1",
                    "file_unique_id": "s1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            }
        )

    def _file(self, prefix: str, content: bytes, **details: Any) -> dict[str, Any]:
        """A file this person sends, as Telegram describes it; the bot can download `content`."""
        file_id = f"{prefix}-{self.user_id}-{len(self.telegram.files)}"
        self.telegram.files[file_id] = content
        return {"file_id": file_id, "file_unique_id": file_id, **details}

    async def send_photo(
        self, caption: str | None = None, *, reply_to: Sent | None = None, media_group: str | None = None
    ) -> Sent:
        """A photo (`media_group`: one of an album, which Telegram delivers as one message per photo)."""
        photo = self._file("photo", b"\xff\xd8" + b"0" * 32, width=800, height=600, file_size=50_000)
        extra: dict[str, Any] = {"photo": [photo]}
        if caption:
            extra["caption"] = caption
        if media_group:
            extra["media_group_id"] = media_group
        return await self._message(extra, reply_to)

    async def send_document(self, file_name: str, mime_type: str, *, size: int = 80_000) -> Sent:
        details = {"file_name": file_name, "mime_type": mime_type, "file_size": size}
        return await self._message({"document": self._file("doc", b"%PDF-1.4 example", **details)})

    async def send_voice(self) -> Sent:
        voice = self._file("voice", b"OggS", duration=5, mime_type="audio/ogg", file_size=9000)
        return await self._message({"voice": voice})

    async def share_contact(self, phone_number: str) -> Sent:
        """Tap Telegram's 'share my phone number' button."""
        return await self._message(
            {
                "contact": {
                    "phone_number": phone_number,
                    "first_name": self.first_name,
                    "user_id": self.user_id,
                }
            }
        )

    def last(self) -> Sent:
        """The bot's latest message in this chat (edits included)."""
        messages = self.telegram.bot_messages(self.chat)
        if not messages:
            raise AssertionError(f"the bot has not written to chat {self.chat}")
        return messages[-1]

    async def tap(self, button: int | str, message: Sent | None = None) -> None:
        """Tap an inline button by its position (1-based, reading order) or its label."""
        message = message or self.last_with_buttons()
        buttons = message.flat_buttons
        if isinstance(button, int):
            if not 1 <= button <= len(buttons):
                raise AssertionError(f"no button {button}: {message.labels}")
            chosen = buttons[button - 1]
        else:
            matches = [b for b in buttons if b["text"] == button or button in b["text"]]
            if not matches:
                raise AssertionError(f"no button {button!r}: {message.labels}")
            chosen = matches[0]
        if "callback_data" not in chosen:
            # A reply-keyboard button or a URL button: it sends its text (URL buttons just open a link).
            if "url" in chosen:
                return
            if chosen.get("request_contact"):
                await self.share_contact("+49 000 0000000")
                return
            await self.send(chosen["text"])
            return
        await self.press(chosen["callback_data"], message)

    async def press(self, callback_data: str, message: Sent) -> None:
        """Send a callback query with `callback_data` from `message` (also for stale/forged data)."""
        data = {
            "update_id": self.telegram.next_update_id(),
            "callback_query": {
                "id": self.telegram.next_callback_id(),
                "from": self._user_json(),
                "chat_instance": str(self.chat),
                "data": callback_data,
                "message": self.telegram.message_json(message),
            },
        }
        await self._process(data)

    def last_with_buttons(self) -> Sent:
        for message in reversed(self.telegram.bot_messages(self.chat)):
            if message.reply_markup:
                return message
        raise AssertionError("no message with buttons in this chat")
