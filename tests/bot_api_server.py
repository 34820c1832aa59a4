"""A Bot API server over real HTTP on 127.0.0.1, backed by `FakeTelegram`: to test polling end to end."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.fakeapi import Call, FakeTelegram


class BotApiServer:
    """Serves `/bot<token>/<method>`; updates queued with `push_text` go out via getUpdates."""

    def __init__(self) -> None:
        self.telegram = FakeTelegram()
        self.updates: list[dict[str, Any]] = []
        self.lock = threading.Lock()
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
                result = server.call(method, params)
                payload = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

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

    def call(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            while True:
                with self.lock:
                    found = [u for u in self.updates if u["update_id"] >= offset]
                if found or time.monotonic() >= deadline:
                    return found
                time.sleep(0.05)
        if method in {"deleteWebhook", "close", "logOut"}:
            return True
        with self.lock:
            self.telegram.calls.append(Call(method, params))
            handler = getattr(self.telegram, f"_api_{method}", None)
            return handler(params) if handler else True

    def push_text(self, user_id: int, first_name: str, language_code: str, text: str) -> None:
        with self.lock:
            update_id = len(self.updates) + 1
            message: dict[str, Any] = {
                "message_id": self.telegram.next_message_id(user_id),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": first_name},
                "from": {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": first_name,
                    "language_code": language_code,
                },
                "text": text,
            }
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            self.updates.append({"update_id": update_id, "message": message})

    def __enter__(self) -> BotApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
