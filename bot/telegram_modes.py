"""Running on Telegram: long polling or a webhook."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_application
from bot.settings import Settings

logger = logging.getLogger(__name__)


def run_telegram(settings: Settings) -> int:
    """Block until stopped (Ctrl-C / SIGTERM). `kill -HUP <pid>` reloads the content."""
    app = build_application(settings)
    if settings.mode == "webhook":
        assert settings.webhook_url is not None
        logger.info("starting webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        logger.info("starting long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
