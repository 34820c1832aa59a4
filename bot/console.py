"""The offline chat: a Telegram chat in the terminal, as a resident and, on request, as a partner.

It runs the very same `Application` and handlers as on Telegram; only the transport is replaced by
`FakeTelegram`. Bot messages are printed with their buttons numbered; typing a number taps a button,
anything else is sent as a message. `:partner` switches to a staff member of the partner group that got
the last request card (numbers tap the card's buttons, text answers the request as a reply to the card),
`:bewohner` switches back; the resident's chat keeps printing, so staff see both sides. Works with piped
input, ends with status 0 on EOF.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
import zlib
from collections.abc import Mapping
from typing import Any, TextIO

from bot.app import build_application, start_services, stop_services
from bot.delivery.outbox import html_to_text
from bot.handlers.admin import reloads_done
from bot.i18n import DEFAULT_LANGUAGE
from bot.render.callback import encode
from bot.settings import Settings
from bot.testing.fakeapi import FAKE_TOKEN, MESSAGE_LIMIT, FakeTelegram, Sent, SimUser

logger = logging.getLogger(__name__)


def html_to_terminal(text: str, *, color: bool) -> str:
    """Telegram HTML to plain terminal text (bold shown bold where the terminal can)."""
    if color:
        text = text.replace("<b>", "\033[1m").replace("</b>", "\033[0m")
    text = re.sub(r'<a href="([^"]*)">([^<]*)</a>', r"\2 (\1)", text)
    return html_to_text(text)


class ConsolePrinter:
    """Prints what the bot does in the resident's chat, the cards it posts to partner groups and the e-mails
    it sends."""

    def __init__(self, out: TextIO, resident_chat: int, color: bool) -> None:
        self.out = out
        self.resident_chat = resident_chat
        self.color = color
        self.acting_in = resident_chat  # the chat whose buttons are numbered (and tapped by numbers)
        self.last_buttons: Sent | None = None
        self.resident_buttons: Sent | None = None  # the resident's newest message with buttons
        self.cards: dict[int, Sent] = {}  # per partner group: the bot's last message with buttons
        self.mailed_to: str | None = None  # the partner address the last e-mail (a card by e-mail) went to

    def __call__(self, event: str, payload: Sent | dict[str, Any]) -> None:
        if event == "callback_answer":
            assert isinstance(payload, dict)
            if payload.get("text"):
                self._line(f"  ({payload['text']})")
            return
        assert isinstance(payload, Sent)
        if not payload.from_bot:
            return
        prefix = "🤖" if payload.chat_id == self.resident_chat else f"📨 [Partnergruppe {payload.chat_id}]"
        if event == "edit" and payload.chat_id == self.resident_chat:
            prefix = "🤖 ↻"
        body = payload.text or ""
        if payload.kind == "venue":
            p = payload.params
            body = f"📍 {p['title']}\n{p['address']}\n({p['latitude']}, {p['longitude']})"
        elif payload.kind in {"photo", "document", "voice"}:
            # An uploaded file is one line: its name (the bytes stay in the fake's `uploads`).
            upload = str(payload.params.get(payload.kind, ""))
            name = upload.removeprefix("upload:") if upload.startswith("upload:") else ""
            body = f"[{payload.kind}{': ' + name if name else ''}] {body}"
        self._line("")
        for line in html_to_terminal(body, color=self.color).splitlines() or [""]:
            self._line(f"{prefix} {line}")
            prefix = "  " if payload.chat_id == self.resident_chat else "   "
        if payload.chat_id < 0 and _is_request_card(payload):
            self.cards.pop(payload.chat_id, None)  # the group with the newest card comes last
            self.cards[payload.chat_id] = payload
        if payload.chat_id == self.resident_chat and payload.reply_markup:
            self.resident_buttons = payload
        if payload.chat_id == self.acting_in and payload.reply_markup:
            self.show_buttons(payload)

    def show_buttons(self, message: Sent | None) -> None:
        """Number the buttons of `message`: typing a number taps one."""
        self.last_buttons = message
        for number, label in enumerate(message.labels if message else (), start=1):
            self._line(f"   [{number}] {label}")

    async def send(self, to: str, payload: Mapping[str, Any]) -> None:
        """The delivery worker's mailer without SMTP settings: the preview shows the e-mails partners would
        get, instead of queueing them."""
        self.mailed_to = to
        self._line("")
        self._line(f"✉️ [E-Mail an {to}] {payload.get('subject', '')}")
        for line in str(payload.get("text", "")).splitlines():
            self._line(f"   {line}")

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


HELP = """Befehle der Vorschau:
  :partner [Name]  als Mitarbeiterin der Partnergruppe schreiben, die die letzte Anfrage bekam
                   (Zahl = Knopf der Karte, Text = Antwort an die Bewohnerin)
  :bewohner        wieder als Bewohnerin schreiben
  :foto [Text]     ein Foto schicken (mit Bildunterschrift); :album 3 = drei Fotos als ein Album
  :sprache         eine Sprachnachricht schicken
  :dokument        ein PDF-Dokument schicken
  :hilfe           diese Hilfe"""
STAFF_USER_ID = 900_001


COMMANDS = frozenset({"partner", "partnerin", "bewohner", "bewohnerin", "resident", "hilfe", "help"})


def _is_request_card(message: Sent) -> bool:
    """A request card in a partner group (it has the "take on" button), not e.g. a staff-chat report."""
    take_on = encode("req", "take", "")  # as bot/render/partners.py makes the card's buttons
    return any(str(b.get("callback_data", "")).startswith(take_on) for b in message.flat_buttons)


def preview_word(text: str) -> tuple[str, str]:
    """`:word rest` → (word, rest); ("", "") for a line not starting with ":"."""
    if not text.startswith(":"):
        return "", ""
    word, _, rest = text[1:].strip().partition(" ")
    return word.casefold(), rest.strip()


async def act(person: SimUser, text: str, printer: ConsolePrinter) -> None:
    """What one line does: `:foto Text`, `:album 3`, `:sprache`, `:dokument` send a simulated file (as on a
    phone), a number taps a numbered button, anything else is a message (a partner's answers the request
    card, as in the group on Telegram; one longer than Telegram takes arrives in parts, as from a phone)."""
    word, rest = preview_word(text)
    buttons = printer.last_buttons
    if word in {"foto", "photo"}:
        await person.send_photo(rest or None)
    elif word == "album":
        group = f"album-{time.time_ns()}"
        for _ in range(max(1, min(int(rest) if rest.isdigit() else 3, 10))):
            await person.send_photo(media_group=group)
    elif word in {"sprache", "voice"}:
        await person.send_voice()
    elif word in {"dokument", "document"}:
        await person.send_document(rest or "Brief.pdf", "application/pdf")
    elif buttons is not None and text.strip().isdigit() and 1 <= int(text) <= len(buttons.flat_buttons):
        await person.tap(int(text), buttons)
    elif len(text) > MESSAGE_LIMIT:
        await person.send_long(text)  # as a phone sends it: in parts (a pasted letter)
    else:
        await person.send(text, reply_to=printer.cards.get(person.chat))


def switch_role(
    command: str, printer: ConsolePrinter, resident: SimUser, actor: SimUser, out: TextIO
) -> SimUser:
    """A `:` command of the preview: who writes next (the resident or a partner's staff member)."""
    word, rest = preview_word(command)
    if word in {"partner", "partnerin"}:
        if not printer.cards:
            if printer.mailed_to:  # a partner without a Telegram group answers by e-mail
                out.write(
                    f"(Die Anfrage ging per E-Mail an {printer.mailed_to}; Antworten per E-Mail spielt die"
                    " Vorschau nicht. Als Partner schreiben geht bei Partnern mit Telegram-Gruppe.)\n"
                )
            else:
                out.write("(Noch keine Anfrage in einer Partnergruppe: erst als Bewohnerin eine senden.)\n")
            return actor
        chat_id = next(reversed(printer.cards))
        staff = SimUser(resident.telegram, resident.app, STAFF_USER_ID, rest or "Petra", "de")
        actor = staff.in_group(chat_id)
        printer.acting_in = chat_id
        out.write(f"(Sie schreiben jetzt als {actor.first_name} in der Partnergruppe {chat_id}.)\n")
        printer.show_buttons(printer.cards[chat_id])
        return actor
    if word in {"bewohner", "bewohnerin", "resident"}:
        # The buttons of what the resident got meanwhile (a partner's answer has ⏹ End) can be tapped.
        printer.acting_in = resident.chat
        out.write("(Sie schreiben wieder als Bewohnerin.)\n")
        printer.show_buttons(printer.resident_buttons)
        return resident
    out.write(HELP + "\n")
    return actor


# How long one delivery of what the outbox holds may take at most (a few seconds: the preview must not hang
# on a chat that keeps failing).
DELIVER_SECONDS = 5.0


async def deliver(app: Any, seconds: float = DELIVER_SECONDS) -> None:
    """Send what the outbox holds now, so the resident's side shows a partner's answer at once and the end
    of a piped input shows every post still queued: round after round until nothing is due, for at most
    `seconds` (a round sends one message per chat, so a card and its ten photos take eleven; a fixed ten
    rounds lost the last posts of a script). A failure is logged and left to the delivery worker's retries,
    as on Telegram."""
    delivery = app.bot_data.services.delivery
    if delivery is None:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    try:
        while loop.time() < deadline and await delivery.run_once():
            pass
    except Exception:
        logger.exception("delivery in the preview failed; the worker retries")


def console_user_id(lang: str | None = None, name: str = "Anna") -> int:
    """A stable simulated user per language and name, so `--lang tr` is a Turkish-speaking resident. Without
    a language (no --lang) she is the German one, as the bot answers her in German: the staff recipe
    `ADMIN_USER_IDS=$(… console_user_id()) run_bot.py` (README) names her, with or without `--lang de`."""
    return 100_000 + zlib.crc32(f"{lang or DEFAULT_LANGUAGE}:{name}".encode()) % 900_000


async def run_console(
    settings: Settings,
    *,
    lang: str | None,
    name: str,
    user_id: int | None = None,
) -> int:
    """Chat with the bot on standard input and output until EOF; returns the exit status."""
    stdin, out = sys.stdin, sys.stdout  # looked up now, not at import: the tests run the console in-process
    # Message ids from the clock (ms): the database keeps thread links of earlier previews by message id.
    telegram = FakeTelegram(first_message_id=int(time.time() * 1000))
    app = build_application(settings, request=telegram, token=FAKE_TOKEN, preview=True, rate_limit=False)
    uid = user_id or console_user_id(lang, name)
    printer = ConsolePrinter(out, uid, color=out.isatty())
    telegram.listeners.append(printer)
    resident = SimUser(telegram, app, uid, name, language_code=lang)
    out.write(
        "Offline-Vorschau von Quartiersbot (kein Telegram). Für den echten Bot TELEGRAM_BOT_TOKEN setzen, "
        "siehe README. Zahl = Knopf drücken, :hilfe = Befehle der Vorschau, Strg-D = Ende.\n"
    )
    out.flush()
    actor = resident
    async with app:
        await start_services(app, background=True)
        delivery = app.bot_data.services.delivery
        if delivery is not None and delivery.mailer is None:
            delivery.mailer = printer
        await app.start()
        try:
            while True:
                if stdin.isatty():
                    out.write("> ")
                    out.flush()
                line = await asyncio.to_thread(stdin.readline)
                if line == "":
                    break
                text = line.rstrip("\n")
                if not text.strip():
                    continue
                if preview_word(text)[0] in COMMANDS:  # anything else starting with ":" is a message: ":)"
                    await deliver(app)  # a card still in the outbox is shown (and usable) first
                    actor = switch_role(text, printer, resident, actor, out)
                    continue
                await act(actor, text, printer)
                if actor is not resident:
                    await deliver(app)
                await asyncio.sleep(0)
        finally:
            # Deliver what is still waiting in the outbox, so a piped preview shows the partner's card too.
            # The background worker stops first: a chat it is sending to would be skipped, and its next
            # message would appear only in the next preview.
            await reloads_done()
            if delivery is not None:
                await delivery.stop()
            await deliver(app)
            await app.stop()
            await stop_services(app)
    out.write("\n")
    return 0
