"""Property-based fuzzing of the real handlers on the offline transport (hypothesis).

Any text (every script, control characters, markup, 0–10,000 characters), any callback data (the bot's own
namespaces with foreign ids, and anything else up to Telegram's 64 bytes), and every kind of update Telegram
sends (edited messages, channel posts, member updates, reactions, polls, media groups, service messages), in
private chats, the partner's group and a stranger's group. After every example:

- no unhandled exception (nothing logged at ERROR: the error handler logs every exception it gets),
- no call Telegram would refuse (text length after parsing, HTML, captions, button data, toasts),
- no resident's data in another resident's chat or in a group that is not the request's partner.

One bot runs for all examples, so state builds up as in a long-running bot. The number of examples is
FUZZ_EXAMPLES (CI: a bounded run; `FUZZ_EXAMPLES=10000 pytest tests/test_fuzz.py` for the long run in
BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.render.split import CAPTION_LIMIT, MESSAGE_LIMIT, visible_length
from bot.testing.fakeapi import Sent, SimUser
from tests.harness import BotHarness, fill_in_request
from tests.telegram_html import html_problems

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
QM_GROUP = -1_000_000_000_001  # the shipped content's group of the Quartiersmanagement
STRANGER_GROUP = -1_000_000_099_999  # a group the bot was added to by someone else
CHANNEL = -1_000_000_088_888

# What only one resident wrote or is: it must never reach another resident's chat or a stranger's group.
SECRETS = {
    "alpha": ("Alphonsine", "Geheimnis-Alpha-4711", "+49 170 4711"),
    "beta": ("Bertholda", "Geheimnis-Beta-0815", "+49 171 0815"),
}

# --- strategies -------------------------------------------------------------------------------------------

ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # every code point Python can encode to UTF-8
FRAGMENTS = [
    "<b>",
    "</b>",
    "<i>",
    '<a href="tg://user?id=1">',
    "</a>",
    "<pre>",
    "<code>",
    "<tg-spoiler>",
    "<script>",
    "&",
    "&amp;",
    "&lt;",
    "&#0;",
    "&nbsp;",
    "<",
    ">",
    '"',
    "'",
    "\\",
    "`",
    "*",
    "_",
    "[x](y)",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\n\n",
    "\t",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u200b",
    "\ud7ff",
    " ",
    "Deutschkurs",
    "Hilfe",
    "Brief",
    "Jobcenter",
    "112",
    "Notfall",
    "Feuer",
    "Kurs morgen",
    "مرحبا",
    "Привіт",
    "Merhaba",
    "سلام",
    "cześć",
    "👍",
    "🆘",
    "👨‍👩‍👧",
    "ß",
    "İ",
    "ﷺ",
    "/start",
    "/mydata",
    "/delete",
    "@quartiersbot_preview",
    "https://example.org",
]
COMMANDS = [
    "/start",
    "/menu",
    "/menue",
    "/help",
    "/language",
    "/sprache",
    "/privacy",
    "/requests",
    "/delete",
    "/mydata",
    "/stats",
    "/reload",
    "/unknown",
    "/start@quartiersbot_preview",
    "/start o_briefe-aemter",
    "/start t_",
    "/start x_y",
    "/start " + "o_" + "a" * 80,
    "/start@other_bot",
]

LETTER = ("Sehr geehrte <b>Damen</b> & Herren, مرحبا Привіт 👨‍👩‍👧 \u202e1234\n" * 120)[:5_000]
texts = st.one_of(
    st.text(ANY_CHARACTER, max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join),
    st.tuples(st.sampled_from(COMMANDS), st.text(ANY_CHARACTER, max_size=40)).map(" ".join),
    st.tuples(st.sampled_from(FRAGMENTS), st.integers(0, 10_000)).map(lambda p: (p[0] * p[1])[:10_000]),
    # Long texts of any characters, beyond Telegram's 4,096 up to 10,000: a drawn piece repeated to a drawn
    # length (drawing 10,000 characters one by one took 40 % of this test's CPU).
    st.tuples(st.text(ANY_CHARACTER, min_size=1, max_size=300), st.integers(3_000, 10_000)).map(
        lambda p: (p[0] * (p[1] // len(p[0]) + 1))[: p[1]]
    ),
)

NAMESPACES = [
    *"lang district menu language forget sos topic offer event partner faq pin fb signup signup-e".split(),
    *"ask dlg req x".split(),
    "",
]
# "@..." are ids filled in when the example runs: the requests and dialogues of the residents.
ARGUMENTS = [
    "@req:alpha",
    "@req:beta",
    "@number:alpha",
    "@dlg:alpha",
    "@dlg:beta",
    "up",
    "down",
    "take",
    "close",
    "handover",
    "ho",
    "add",
    "withdraw",
    "send",
    "cancel",
    "done",
    "skip",
    "chat",
    "phone",
    "change",
    "yes",
    "-",
    "tr",
    "de-simple",
    "xx",
    "quartiersmanagement",
    "briefe-aemter",
    "deutschkurs-frauen",
    "q",
    "t.x",
    "p.quartiersmanagement",
    "f.",
    "offer",
    "0",
    "-1",
    "99999999999999999999",
    "1e9",
    " ",
    "",
]
callback_data = st.one_of(
    st.builds(
        lambda ns, args: ":".join([ns, *args]),
        st.sampled_from(NAMESPACES),
        st.lists(
            st.one_of(
                st.sampled_from(ARGUMENTS),
                st.integers(-(2**63), 2**63).map(str),
                st.text(ANY_CHARACTER, max_size=8),
            ),
            max_size=4,
        ),
    ),
    st.text(ANY_CHARACTER, max_size=64),
).filter(lambda data: len(data.encode()) <= 64)

RESIDENTS = ("alpha", "beta", "gamma")
private_actor = st.sampled_from(RESIDENTS)
any_actor = st.sampled_from((*RESIDENTS, "partner", "stranger", "alpha_in_group"))
MEDIA = tuple(
    "sticker location contact foreign_contact video huge_document voice animation dice photo document "
    "poll_message venue".split()
)
SERVICE = tuple(
    "new_chat_members left_chat_member pinned_message migrate_to_chat_id group_chat_created "
    "new_chat_title".split()
)

actions = st.one_of(
    st.tuples(st.just("text"), any_actor, texts, st.booleans()),
    st.tuples(
        st.just("press"), any_actor, callback_data, st.sampled_from(("last", "card", "missing", "none"))
    ),
    st.tuples(st.just("edit"), any_actor, texts),
    st.tuples(st.just("media"), any_actor, st.sampled_from(MEDIA), st.one_of(st.none(), texts)),
    st.tuples(st.just("album"), any_actor, st.integers(2, 10), st.one_of(st.none(), texts)),
    st.tuples(st.just("service"), st.sampled_from(("partner", "stranger")), st.sampled_from(SERVICE)),
    st.tuples(
        st.just("member"),
        st.sampled_from((QM_GROUP, STRANGER_GROUP, "alpha")),
        st.sampled_from(("member", "administrator", "left", "kicked", "restricted")),
    ),
    st.tuples(st.just("channel"), texts, st.booleans()),
    st.tuples(st.just("reaction"), any_actor, st.sampled_from(("👍", "👎", "🔥"))),
    st.tuples(st.just("poll"), st.sampled_from(("poll", "poll_answer"))),
)


# --- the world the examples act in ------------------------------------------------------------------------


class ErrorLog(logging.Handler):
    """Every record at ERROR or above, from any logger (PTB's and the bot's)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class World:
    runner: asyncio.Runner
    bot: BotHarness
    people: dict[str, SimUser]
    ids: dict[str, str] = field(default_factory=dict)
    checked_calls: int = 0
    checked_refusals: int = 0
    touched: list[Sent] = field(default_factory=list)
    clock: float = field(default_factory=time.time)

    @property
    def telegram(self) -> Any:
        return self.bot.telegram

    def chat_of(self, actor: str) -> int:
        return self.people[actor].chat

    # -- updates Telegram sends ---------------------------------------------------------------------------
    def _user(self, actor: str) -> dict[str, Any]:
        return self.people[actor]._user_json()

    def _chat(self, actor: str) -> dict[str, Any]:
        return self.people[actor]._chat_json()

    async def process(self, data: dict[str, Any]) -> None:
        data = {"update_id": self.telegram.next_update_id(), **data}
        await self.people["alpha"]._process(data)

    def message(self, actor: str, extra: dict[str, Any]) -> dict[str, Any]:
        person = self.people[actor]
        return {
            "message_id": self.telegram.next_message_id(person.chat),
            "date": int(self.clock),
            "chat": self._chat(actor),
            "from": self._user(actor),
            **extra,
        }

    def last_message(self, chat_id: int, *, from_bot: bool) -> Sent | None:
        """The newest message of the bot (or of a person) in a chat, without listing the whole chat."""
        messages = self.telegram.chats.get(chat_id, {})
        return next((m for m in reversed(messages.values()) if m.from_bot == from_bot), None)

    def last_bot_message(self, actor: str) -> Sent | None:
        return self.last_message(self.chat_of(actor), from_bot=True)

    def card(self) -> Sent | None:
        """Alpha's request card: the bot's first message in the partner's group."""
        return next((m for m in self.telegram.chats.get(QM_GROUP, {}).values() if m.from_bot), None)

    def resolve(self, data: str) -> str:
        for key, value in self.ids.items():
            data = data.replace(f"@{key}", value)
        return data.encode()[:64].decode(errors="ignore")

    async def act(self, action: tuple[Any, ...]) -> None:
        kind = action[0]
        if kind == "text":
            _, actor, text, as_reply = action
            person = self.people[actor]
            replied = self.last_bot_message(actor) if as_reply else None
            if actor in {"partner", "stranger", "alpha_in_group"} and as_reply:
                replied = self.card()
            if text.startswith("/") and actor in {"alpha", "beta"} and text.split()[0].startswith("/delete"):
                actor, person = "gamma", self.people["gamma"]  # the residents with secrets stay
            extra: dict[str, Any] = {"text": text}
            if text.startswith("/"):
                command = text.split()[0] if text.split() else "/"
                extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
            if not text:
                extra = {"text": ""}
            data = self.message(actor, extra)
            if replied is not None:
                data["reply_to_message"] = self.telegram.message_json(replied)
            await person._process({"update_id": self.telegram.next_update_id(), "message": data})
        elif kind == "press":
            _, actor, data, target = action
            data = self.resolve(data)
            if actor in {"alpha", "beta"} and data.startswith("forget"):
                actor = "gamma"
            person = self.people[actor]
            query: dict[str, Any] = {
                "id": self.telegram.next_callback_id(),
                "from": self._user(actor),
                "chat_instance": str(person.chat),
                "data": data,
            }
            message: Sent | None = None
            if target == "last":
                message = self.last_bot_message(actor)
            elif target == "card":  # a partner's card, pressed wherever this person is
                message = self.card()
                if message is not None:
                    message = Sent(person.chat, message.message_id, message.text, message.reply_markup)
            elif target == "missing":
                message = Sent(person.chat, 987_654_321, "old", {"inline_keyboard": [[{"text": "x"}]]})
            if message is not None:
                query["message"] = self.telegram.message_json(message)
            else:
                query["inline_message_id"] = "AAAAAQ"
            await self.process({"callback_query": query})
        elif kind == "edit":
            _, actor, text = action
            mine = self.last_message(self.chat_of(actor), from_bot=False)
            message_id = mine.message_id if mine else 1
            data = self.message(actor, {"text": text or "?", "edit_date": int(self.clock)})
            data["message_id"] = message_id
            card = self.card()
            if actor == "partner" and card is not None:
                data["reply_to_message"] = self.telegram.message_json(card)
            await self.process({"edited_message": data})
        elif kind == "media":
            _, actor, media, caption = action
            await self.process({"message": self.message(actor, self.media(actor, media, caption))})
        elif kind == "album":
            _, actor, count, caption = action
            group_id = str(self.telegram.next_update_id())
            for index in range(count):
                extra = self.media(actor, "photo", caption if index == 0 else None)
                await self.process({"message": self.message(actor, {**extra, "media_group_id": group_id})})
        elif kind == "service":
            _, actor, what = action
            user = self._user(actor)
            bot_user = {"id": self.bot.app.bot.id, "is_bot": True, "first_name": "Quartiersbot"}
            extra = {
                "new_chat_members": {"new_chat_members": [user, bot_user]},
                "left_chat_member": {"left_chat_member": user},
                "pinned_message": {"pinned_message": {"message_id": 1, "date": 0, "chat": self._chat(actor)}},
                "migrate_to_chat_id": {"migrate_to_chat_id": -1_000_000_077_777},
                "group_chat_created": {"group_chat_created": True},
                "new_chat_title": {"new_chat_title": "Neuer Name"},
            }[what]
            await self.process({"message": self.message(actor, extra)})
        elif kind == "member":
            _, where, status = action
            chat = self.people["alpha"]._chat_json() if where == "alpha" else self.telegram.chat_json(where)
            bot_user = {"id": self.bot.app.bot.id, "is_bot": True, "first_name": "Quartiersbot"}
            change = {
                "chat": chat,
                "from": self._user("stranger"),
                "date": int(self.clock),
                "old_chat_member": {"user": bot_user, "status": "member"},
                "new_chat_member": {"user": bot_user, "status": status, "until_date": 0}
                if status in {"kicked", "restricted"}
                else {"user": bot_user, "status": status},
            }
            if status == "restricted":
                change["new_chat_member"].update(
                    {
                        "is_member": True,
                        **{
                            right: False
                            for right in (
                                "can_send_messages can_send_audios can_send_documents can_send_photos "
                                "can_send_videos can_send_video_notes can_send_voice_notes can_send_polls "
                                "can_send_other_messages can_add_web_page_previews can_change_info "
                                "can_invite_users can_pin_messages can_manage_topics can_edit_tag "
                                "can_react_to_messages"
                            ).split()
                        },
                    }
                )
            if status == "administrator":
                change["new_chat_member"].update(
                    {
                        right: True
                        for right in (
                            "can_be_edited is_anonymous can_manage_chat can_delete_messages "
                            "can_manage_video_chats can_restrict_members can_promote_members can_change_info "
                            "can_invite_users can_post_stories can_edit_stories can_delete_stories"
                        ).split()
                    }
                )
            await self.process({"my_chat_member": change})
            await self.process({"chat_member": change})
        elif kind == "channel":
            _, text, edited = action
            post = {
                "message_id": self.telegram.next_message_id(CHANNEL),
                "date": int(self.clock),
                "chat": {"id": CHANNEL, "type": "channel", "title": "Kanal"},
                "sender_chat": {"id": CHANNEL, "type": "channel", "title": "Kanal"},
                "text": text or "?",
            }
            await self.process({"edited_channel_post" if edited else "channel_post": post})
        elif kind == "reaction":
            _, actor, emoji = action
            target = self.last_bot_message(actor)
            await self.process(
                {
                    "message_reaction": {
                        "chat": self._chat(actor),
                        "message_id": target.message_id if target else 1,
                        "user": self._user(actor),
                        "date": int(self.clock),
                        "old_reaction": [],
                        "new_reaction": [{"type": "emoji", "emoji": emoji}],
                    }
                }
            )
            await self.process(
                {
                    "message_reaction_count": {
                        "chat": self._chat(actor),
                        "message_id": target.message_id if target else 1,
                        "date": int(self.clock),
                        "reactions": [{"type": {"type": "emoji", "emoji": emoji}, "total_count": 3}],
                    }
                }
            )
        elif kind == "poll":
            poll = {
                "id": "poll-1",
                "question": "Wann?",
                "options": [
                    {"text": "Montag", "voter_count": 1, "persistent_id": "1"},
                    {"text": "Dienstag", "voter_count": 0, "persistent_id": "2"},
                ],
                "total_voter_count": 1,
                "is_closed": False,
                "is_anonymous": False,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
            if action[1] == "poll":
                await self.process({"poll": poll})
            else:
                await self.process(
                    {
                        "poll_answer": {
                            "poll_id": "poll-1",
                            "user": self._user("beta"),
                            "option_ids": [0],
                            "option_persistent_ids": ["1"],
                        }
                    }
                )

    def media(self, actor: str, media: str, caption: str | None) -> dict[str, Any]:
        file_id = f"file-{actor}-{self.telegram.next_update_id()}"
        self.telegram.files[file_id] = b"\xff\xd8 fuzz"
        base = {"file_id": file_id, "file_unique_id": file_id}
        extra: dict[str, Any] = {
            "sticker": {
                "sticker": {
                    **base,
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                }
            },
            "location": {"location": {"latitude": 52.1, "longitude": 10.4}},
            "venue": {
                "venue": {"location": {"latitude": 52.1, "longitude": 10.4}, "title": "x", "address": "y"},
                "location": {"latitude": 52.1, "longitude": 10.4},
            },
            "contact": {
                "contact": {
                    "phone_number": "+49 000 111",
                    "first_name": "Ich",
                    "user_id": self.people[actor].user_id,
                }
            },
            "foreign_contact": {
                "contact": {"phone_number": "+49 999 999", "first_name": "Fremd", "user_id": 42}
            },
            "video": {"video": {**base, "width": 1, "height": 1, "duration": 1, "file_size": 3_000_000_000}},
            "huge_document": {
                "document": {
                    **base,
                    "file_name": "x" * 300 + ".pdf",
                    "mime_type": "application/pdf",
                    "file_size": 2_000_000_000,
                }
            },
            "document": {
                "document": {
                    **base,
                    "file_name": "<b>Brief</b>.pdf",
                    "mime_type": "application/pdf",
                    "file_size": 10_000,
                }
            },
            "voice": {"voice": {**base, "duration": 3, "mime_type": "audio/ogg", "file_size": 900}},
            "animation": {"animation": {**base, "width": 1, "height": 1, "duration": 1}},
            "dice": {"dice": {"emoji": "🎲", "value": 3}},
            "photo": {"photo": [{**base, "width": 800, "height": 600, "file_size": 50_000}]},
            "poll_message": {
                "poll": {
                    "id": "p",
                    "question": "?",
                    "options": [{"text": "a", "voter_count": 0, "persistent_id": "1"}],
                    "total_voter_count": 0,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                    "allows_revoting": False,
                    "members_only": False,
                }
            },
        }[media]
        if caption is not None and media in {
            "photo",
            "document",
            "voice",
            "video",
            "animation",
            "huge_document",
        }:
            extra["caption"] = caption[:1024]
        return extra

    # -- the properties -----------------------------------------------------------------------------------
    def refused_calls(self) -> list[str]:
        """Calls since the last check that Telegram would refuse."""
        problems = []
        for call in self.telegram.calls[self.checked_calls :]:
            p = call.params
            where = f"{call.method} to {p.get('chat_id')}"
            if call.method in {"sendMessage", "editMessageText"}:
                text = str(p.get("text") or "")
                if p.get("parse_mode") == "HTML":
                    problems += [f"{where}: {problem}" for problem in html_problems(text)]
                elif not text.strip() or len(text.encode("utf-16-le")) // 2 > MESSAGE_LIMIT:
                    problems.append(f"{where}: empty or too long ({len(text)})")
            caption = p.get("caption")
            if caption is not None and visible_length(str(caption)) > CAPTION_LIMIT:
                problems.append(f"{where}: caption of {visible_length(str(caption))} characters")
            if call.method == "answerCallbackQuery" and len(str(p.get("text") or "")) > 200:
                problems.append(f"{where}: a toast of {len(str(p.get('text')))} characters")
            markup = p.get("reply_markup")
            if isinstance(markup, str):
                markup = json.loads(markup)
            for row in (markup or {}).get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= 64:
                        problems.append(f"{where}: button data {data!r}")
                    if not str(button.get("text") or "").strip():
                        problems.append(f"{where}: a button without a label")
        self.checked_calls = len(self.telegram.calls)
        # What the fake itself refused (its rules: length, empty texts, flood limits the pacing must keep).
        problems += [f"refused: {r}" for r in self.telegram.refused[self.checked_refusals :]]
        self.checked_refusals = len(self.telegram.refused)
        return problems

    def leaks(self) -> list[str]:
        """A resident's secrets anywhere but their own chat and the partner's group, in the bot's messages
        sent or edited since the last check."""
        found = []
        touched, self.touched = self.touched, []
        for message in touched:
            for owner, secrets in SECRETS.items():
                if message.chat_id in {self.chat_of(owner), QM_GROUP} or not message.from_bot:
                    continue
                if any(s in (message.text or "") for s in secrets):
                    found.append(f"{owner}'s data in chat {message.chat_id}: {message.text!r:.200}")
        return found

    def watch(self, event: str, payload: Any) -> None:
        """The fake's listener: every message the bot sends or edits is checked once (not all, each time)."""
        if event in {"message", "edit"} and isinstance(payload, Sent):
            self.touched.append(payload)


async def send_request(resident: SimUser, text: str) -> None:
    await fill_in_request(resident, "briefe-aemter", text, answer_by="📞")
    phone = next(secrets[2] for secrets in SECRETS.values() if secrets[0] == resident.first_name)
    await resident.share_contact(phone)
    await resident.tap("✅")


async def deliver(bot: BotHarness) -> None:
    assert bot.services.delivery is not None
    for _ in range(50):
        if not await bot.services.delivery.run_once():
            return


async def build_world(runner: asyncio.Runner, bot: BotHarness) -> World:
    alpha = bot.resident(SECRETS["alpha"][0], lang="de")
    beta = bot.resident(SECRETS["beta"][0], lang="ar")
    gamma = bot.resident("Gamal", lang="fa")
    partner = bot.partner("Petra", QM_GROUP)
    stranger = bot.partner("Sven", STRANGER_GROUP)
    alpha_in_group = alpha.in_group(STRANGER_GROUP)
    world = World(
        runner,
        bot,
        {
            "alpha": alpha,
            "beta": beta,
            "gamma": gamma,
            "partner": partner,
            "stranger": stranger,
            "alpha_in_group": alpha_in_group,
        },
    )
    from sqlalchemy import select

    from bot.storage.models.requests import Dialogue, Request

    for name in ("alpha", "beta"):
        resident = world.people[name]
        await send_request(resident, f"Bitte helfen Sie mir: {SECRETS[name][1]}")
        await deliver(bot)
        await resident.send("/start o_briefe-aemter")
        await resident.tap("✋")  # a second request, left as a draft
        async with bot.services.database.sessions() as session:
            request = await session.scalar(select(Request).where(Request.resident_id == resident.user_id))
            dialogue = await session.scalar(select(Dialogue).where(Dialogue.resident_id == resident.user_id))
        assert request is not None and dialogue is not None
        world.ids[f"req:{name}"] = str(request.id)
        world.ids[f"number:{name}"] = request.number
        world.ids[f"dlg:{name}"] = dialogue.id
    # The fuzzer sends far more than a person can; the flood guard has its own tests.
    bot.services.residents.flood_limit = 10**9
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    """One bot on SQLite for all examples, with two residents who each sent a request and left a draft (on
    a copy of the session's migrated template: migrating is tests/test_migrations.py's)."""
    runner = asyncio.Runner()
    database = Path(tmp_path_factory.mktemp("fuzz")) / "fuzz.db"
    shutil.copyfile(sqlite_template, database)
    harness = BotHarness.running(database_url=f"sqlite+aiosqlite:///{database}")
    bot = runner.run(harness.__aenter__())
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        built = runner.run(build_world(runner, bot))
        built.checked_calls = len(bot.telegram.calls)
        built.checked_refusals = len(bot.telegram.refused)
        bot.telegram.listeners.append(built.watch)
        built.errors = errors  # type: ignore[attr-defined]
        yield built
    finally:
        logging.getLogger().removeHandler(errors)
        runner.run(harness.__aexit__(None, None, None))
        runner.close()


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(steps=st.lists(actions, min_size=1, max_size=5))
# Always: a letter of 5,000 characters (scripts, markup, a family emoji of several code points) from a
# resident, and as the partner's reply to the card, which the bot passes on in parts.
@example(steps=[("text", "alpha", LETTER, False), ("text", "partner", LETTER, True)])
def test_any_update_is_handled_without_error_refused_call_or_leak(
    world: World, steps: list[tuple[Any, ...]]
) -> None:
    errors: ErrorLog = world.errors  # type: ignore[attr-defined]
    errors.records.clear()

    async def run() -> None:
        for step in steps:
            await world.act(step)
        await deliver(world.bot)

    world.runner.run(run())
    unhandled = [
        f"{r.name}: {r.getMessage()}\n"
        + "".join(traceback.format_exception(*r.exc_info)[-8:] if r.exc_info else [])
        for r in errors.records
    ]
    assert not unhandled, "\n".join(unhandled)
    refused = world.refused_calls()
    assert not refused, refused
    leaks = world.leaks()
    assert not leaks, leaks
