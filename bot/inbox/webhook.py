"""The webhook into the inbox: Telegram gets HTTP 200 only after the update is stored.

Any other answer (or none, when the bot is down) makes Telegram send the update again later; a second copy
is ignored by the inbox. The secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` is checked first.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.inbox.worker import InboxWorker

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateHandler(tornado.web.RequestHandler):
    """POST /<path>: one update as JSON."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, inbox: InboxWorker, secret: str | None) -> None:
        self.inbox = inbox
        self.secret = secret

    async def post(self) -> None:
        if self.secret is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                logger.warning("webhook call with a wrong secret token refused")
                self.send_error(403)
                return
        try:
            data: Any = json.loads(self.request.body)
            if not isinstance(data, dict) or Update.de_json(data, None) is None:
                raise ValueError("not an update")
        except Exception:
            self.send_error(400)
            return
        try:
            await self.inbox.store([data])
        except Exception:
            # Not stored: no 200, so Telegram sends it again.
            logger.exception("webhook: could not store update %s", data.get("update_id"))
            self.send_error(500)
            return
        self.set_status(200)
        self.finish()


async def start_webhook(
    listen: str, port: int, path: str, inbox: InboxWorker, secret: str | None
) -> HTTPServer:
    """Listen on `listen:port` for `POST /<path>`; stop with `server.stop()`."""
    app = tornado.web.Application([(rf"/{path}/?", UpdateHandler, {"inbox": inbox, "secret": secret})])
    server = HTTPServer(app, xheaders=True)
    server.listen(port, listen)
    return server
