"""A Bot API server over real HTTP on 127.0.0.1 (port 0), backed by `FakeTelegram`: the bot as its own process
against it, in polling or webhook mode, with faults as Telegram has them.

- Polling: `getUpdates` hands out the queued updates from `offset` on and remembers the offset (`confirmed`):
  what lies below it Telegram would forget.
- Webhook: `push_to(url, secret)` POSTs every queued update in order, again and again until the answer is
  200 (as Telegram does when the bot is down or answers an error).
- Faults (`fault_rate`, seeded): a call answered 429 with `retry_after`, 500, or a timeout that still
  delivers (the message is sent, the answer comes after the client gave up). Calls that only start the bot
  (getMe, setWebhook, setMyCommands …) are spared. `hold_chat` delays the answers to one chat for a while
  (a slow call, not a failure). Everything that happened is recorded for the checks.
- `HttpUser`: a resident or partner staff member who writes, taps and replies through this server.

Every access to the shared state takes `lock`: the HTTP threads and the test or benchmark read it at once.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.testing.fakeapi import TELEGRAM_LIMITS, Call, FakeTelegram, Sent
from bot.transport import RetryingRequest

# Calls the bot makes to start; failing them tests start-up retries, not what this server is for.
SPARED = {
    "getUpdates",
    "getMe",
    "setWebhook",
    "deleteWebhook",
    "setMyCommands",
    "setMyDescription",
    "setMyShortDescription",
    "close",
    "logOut",
}
SENDS = {"sendMessage", "copyMessage", "sendVenue", "sendLocation", "sendPhoto", "sendDocument", "sendVoice"}


@dataclass
class Fault:
    method: str
    kind: str  # "429", "500", "timeout" (delivered, answer lost)
    chat_id: int | None
    message_id: int | None = None  # what a timed-out send created anyway


@dataclass
class ServerLog:
    faults: list[Fault] = field(default_factory=list)
    answered_callbacks: set[str] = field(default_factory=set)
    # (chat id, method) whose call failed `attempts_of_the_bot` times in a row: the bot gave that call up.
    exhausted: list[tuple[int | None, str]] = field(default_factory=list)
    pushed_ok: int = 0  # webhook deliveries answered 200
    push_failures: int = 0


class BotApiServer:
    """Serves `/bot<token>/<method>` for one bot."""

    def __init__(
        self,
        *,
        fault_rate: float = 0.0,
        seed: int = 0,
        timeout_delay: float = 6.0,
        retry_after: int = 1,
    ) -> None:
        # Telegram's rules, its flood limits included, in real time: the bot runs with its real pacing.
        self.telegram = FakeTelegram(limits=TELEGRAM_LIMITS)
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0  # polling: the highest offset the bot asked for (updates below are gone)
        self.lock = threading.RLock()
        # Notified when an update is queued or the server stops: long polls and the webhook pusher wait on it.
        self.arrived = threading.Condition(self.lock)
        self.fault_rate = fault_rate
        self.rng = random.Random(seed)
        self.timeout_delay = timeout_delay
        self.retry_after = retry_after
        # (method, chat id or None for any, kind): forced faults, each used once, in order.
        self.fail_next: list[tuple[str, int | None, str]] = []
        # method -> (HTTP status, description): Telegram refuses every such call (a revoked token: getMe 401).
        self.refuse: dict[str, tuple[int, str]] = {}
        self.held: dict[int, float] = {}  # chat id -> delay before answering calls for it
        self.attempts_of_the_bot = RetryingRequest.ATTEMPTS
        self._streaks: dict[tuple[int | None, str], int] = {}
        self.log = ServerLog()
        # Notified after every call the bot made (its state changed): tests that wait for the bot look again.
        self.called = threading.Condition(self.lock)
        self.calls_answered = 0
        self._stopping = threading.Event()
        self._pusher: threading.Thread | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:
                    params = {k: server.decode(v[0]) for k, v in parse_qs(body).items()}
                method = self.path.rsplit("/", 1)[-1]
                status, answer, delay = server.handle(method, params)
                with server.called:
                    server.calls_answered += 1
                    server.called.notify_all()
                if delay:
                    time.sleep(delay)
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting (a timeout that delivered)

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # `shutdown` waits for the serving loop's next look at its flag: every 50 ms instead of 500.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @staticmethod
    def decode(value: str) -> Any:
        if value[:1] in "{[":
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    # --- the Bot API -------------------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        """(HTTP status, JSON answer, seconds to wait before answering)."""
        if method in self.refuse:
            status, description = self.refuse[method]
            return status, _error(status, description), 0.0
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}, 0.0
        if method in {"deleteWebhook", "close", "logOut"}:
            return 200, {"ok": True, "result": True}, 0.0
        chat_id = _int(params.get("chat_id"))
        with self.lock:
            kind = self._fault_for(method, chat_id)
            streak = self._streaks.get((chat_id, method), 0) + 1 if kind else 0
            self._streaks[(chat_id, method)] = streak
            if streak == self.attempts_of_the_bot:
                self.log.exhausted.append((chat_id, method))
            delay = self.held.get(chat_id, 0.0) if chat_id is not None else 0.0
            if kind == "429":
                self.log.faults.append(Fault(method, kind, chat_id))
                description = f"Too Many Requests: retry after {self.retry_after}"
                return 429, _error(429, description, {"retry_after": self.retry_after}), delay
            if kind == "500":
                self.log.faults.append(Fault(method, kind, chat_id))
                return 500, _error(500, "Internal Server Error"), delay
            self.telegram.calls.append(Call(method, params))
            status, answer = self.telegram.answer(method, params)
            if status != 200:  # Telegram's rules: too long, too fast
                return status, answer, delay
            result = answer["result"]
            if method == "answerCallbackQuery":
                self.log.answered_callbacks.add(str(params.get("callback_query_id")))
            if kind == "timeout":
                message_id = result.get("message_id") if isinstance(result, dict) else None
                self.log.faults.append(Fault(method, kind, chat_id, message_id))
                delay = max(delay, self.timeout_delay)
        return 200, {"ok": True, "result": result}, delay

    def _fault_for(self, method: str, chat_id: int | None) -> str | None:
        for index, (wanted, chat, kind) in enumerate(self.fail_next):
            if wanted == method and chat in (None, chat_id):
                del self.fail_next[index]
                return kind
        if method in SPARED or not self.fault_rate or self.rng.random() >= self.fault_rate:
            return None
        return self.rng.choice(["429", "500", "timeout"])

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        with self.arrived:
            self.confirmed = max(self.confirmed, offset)
            # Without an offset Telegram starts at the oldest update not confirmed yet.
            start = offset or self.confirmed
            while True:
                found = [u for u in self.updates if u["update_id"] >= start][:100]
                left = deadline - time.monotonic()
                if found or left <= 0 or self._stopping.is_set():
                    return found
                self.arrived.wait(left)

    def wait_for_a_call(self, seen: int, seconds: float) -> int:
        """Wait until the bot has made a call since `seen` calls were answered, at most `seconds`; the
        number answered now."""
        with self.called:
            self.called.wait_for(lambda: self.calls_answered > seen, seconds)
            return self.calls_answered

    # --- updates -----------------------------------------------------------------------------------------

    def push(self, body: dict[str, Any]) -> int:
        """Queue an update (`{"message": …}`, `{"callback_query": …}`); returns its update_id."""
        with self.arrived:
            update_id = len(self.updates) + 1
            self.updates.append({"update_id": update_id, **body})
            self.arrived.notify_all()
            return update_id

    def push_text(self, user_id: int, first_name: str, language_code: str, text: str) -> None:
        HttpUser(self, user_id, first_name, language_code).send(text)

    def push_to(self, url: str, secret: str | None) -> None:
        """Deliver every queued update to a webhook, in order, each until it is answered 200."""

        def run() -> None:
            index = 0
            while True:
                with self.arrived:
                    while index >= len(self.updates) and not self._stopping.is_set():
                        self.arrived.wait()
                    if self._stopping.is_set():
                        return
                    update = self.updates[index]
                request = urllib.request.Request(
                    url,
                    data=json.dumps(update).encode(),
                    headers={
                        "Content-Type": "application/json",
                        **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}),
                    },
                )
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        ok = response.status == 200
                except (urllib.error.URLError, OSError):
                    ok = False
                with self.lock:
                    if ok:
                        self.log.pushed_ok += 1
                    else:
                        self.log.push_failures += 1
                if ok:
                    index += 1
                else:
                    self._stopping.wait(0.1)  # the webhook is not listening yet: try again shortly

        self._pusher = threading.Thread(target=run, daemon=True)
        self._pusher.start()

    # --- reading the chats ---------------------------------------------------------------------------------

    def bot_messages(self, chat_id: int) -> list[Sent]:
        with self.lock:
            return self.telegram.bot_messages(chat_id)

    def calls_of(self, method: str) -> list[Call]:
        with self.lock:
            return self.telegram.calls_of(method)

    def __enter__(self) -> BotApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.arrived:
            self._stopping.set()
            self.arrived.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


class HttpUser:
    """A person writing to the bot through the server: in their private chat, or in group `chat_id` (< 0)."""

    def __init__(
        self,
        server: BotApiServer,
        user_id: int,
        first_name: str,
        language_code: str = "de",
        chat_id: int | None = None,
    ) -> None:
        self.server = server
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.chat = chat_id if chat_id is not None else user_id

    def _user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def _chat(self) -> dict[str, Any]:
        if self.chat < 0:
            return self.server.telegram.chat_json(self.chat)
        return {"id": self.chat, "type": "private", "first_name": self.first_name}

    def send(self, text: str, *, reply_to: Sent | None = None) -> Sent:
        """Write a message (commands included); returns it as it stands in the chat."""
        telegram = self.server.telegram
        with self.server.lock:
            message_id = telegram.next_message_id(self.chat)
            data: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat(),
                "from": self._user(),
                "text": text,
            }
            if text.startswith("/"):
                data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if reply_to is not None:
                data["reply_to_message"] = telegram.message_json(reply_to)
            sent = Sent(
                self.chat,
                message_id,
                text,
                None,
                params={"text": text},
                reply_to=reply_to.message_id if reply_to else None,
                from_bot=False,
            )
            telegram.store(sent)
            self.server.push({"message": data})
        return sent

    def press(self, callback_data: str, message: Sent) -> str:
        """Tap a button; returns the callback query's id (see `server.log.answered_callbacks`)."""
        telegram = self.server.telegram
        with self.server.lock:
            query_id = telegram.next_callback_id()
            self.server.push(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": self._user(),
                        "chat_instance": str(self.chat),
                        "data": callback_data,
                        "message": telegram.message_json(message),
                    }
                }
            )
        return query_id

    def tap(self, label: str, message: Sent | None = None) -> str:
        """Tap the first inline button whose label contains `label` (of the latest message with buttons)."""
        message = message or self.last_with_buttons()
        for button in message.flat_buttons:
            if label in button["text"] and "callback_data" in button:
                return self.press(button["callback_data"], message)
        raise AssertionError(f"no button {label!r}: {message.labels}")

    def messages(self) -> list[Sent]:
        return self.server.bot_messages(self.chat)

    def last(self) -> Sent | None:
        messages = self.messages()
        return messages[-1] if messages else None

    def last_with_buttons(self) -> Sent:
        for message in reversed(self.messages()):
            if message.reply_markup:
                return message
        raise AssertionError("no message with buttons in this chat")
