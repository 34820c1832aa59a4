"""Running on Telegram: long polling or a webhook, both into the durable inbox (`bot.inbox`).

`serve` builds the bot, starts its services (`start_services`), the inbox worker and the intake, then
registers the command menu while the bot already answers; on SIGINT/SIGTERM it stops them in reverse: the
intake first (nothing new comes in), then the inbox worker (updates being handled finish; queued ones stay
stored for the next start), then the services.

Whatever fails while starting (Telegram refuses the token, the Bot API cannot be reached, the database
cannot be opened, Telegram refuses the webhook) ends as one `StartupError` line naming the setting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.app import build_application, start_services, stop_services
from bot.commands import register_commands
from bot.delivery.mail import unrelayed_replies
from bot.handlers.context import AppType, Context
from bot.handlers.errors import is_transient
from bot.inbox.polling import poll
from bot.inbox.webhook import start_webhook
from bot.inbox.worker import InboxWorker
from bot.settings import Settings, StartupError

logger = logging.getLogger(__name__)
WEBHOOK_PATH = "telegram"


# Waits before handling an update again whose handlers could not reach the Bot API (after the transport's
# own retries): the chat waits, the other chats go on.
RERUN_DELAYS = (2.0, 5.0, 15.0, 30.0)
_unreachable: ContextVar[list[BaseException] | None] = ContextVar("unreachable", default=None)


async def note_unreachable(update: object, context: Context) -> None:
    """Error handler: remember that this update's handlers failed only because of the Bot API."""
    failures = _unreachable.get()
    if failures is not None and is_transient(context.error):
        failures.append(context.error)  # type: ignore[arg-type]


def update_processor(app: AppType) -> Any:
    """What the inbox worker runs for one stored update: PTB's handlers, unchanged.

    If the Bot API stayed unreachable for one of its calls (a screen, a button's answer), the whole update
    is handled again a little later, up to `len(RERUN_DELAYS)` times: handlers are safe to run again (see
    `bot.inbox`), so the resident gets the screen instead of a spinning button.
    """

    async def process(payload: dict[str, Any]) -> None:
        for delay in (*RERUN_DELAYS, None):
            failures: list[BaseException] = []
            token = _unreachable.set(failures)
            try:
                await app.process_update(Update.de_json(payload, app.bot))
            finally:
                _unreachable.reset(token)
            if not failures or delay is None:
                return
            logger.info(
                "update %s: Bot API unreachable, handling it again in %.0f s", payload.get("update_id"), delay
            )
            await asyncio.sleep(delay)

    return process


async def reload_content(app: AppType) -> None:
    result = await app.bot_data.services.content.reload()
    logger.info("content reload after SIGHUP: %s", "ok" if result.ok else "kept the old content")


def api_failure(settings: Settings, exc: TelegramError) -> StartupError:
    """What a failed Bot API call at start says about the settings."""
    api = settings.telegram_api_base_url or "https://api.telegram.org"
    if isinstance(exc, InvalidToken):
        return StartupError(
            "TELEGRAM_BOT_TOKEN",
            f"the Bot API at {api} rejects the token (revoked or mistyped? get the current one from "
            "@BotFather)",
        )
    if isinstance(exc, NetworkError):  # no answer, or not one the Bot API gives
        return StartupError("TELEGRAM_API_BASE_URL", f"the Bot API at {api} cannot be reached", exc)
    return StartupError("TELEGRAM_API_BASE_URL", f"the Bot API at {api} answers with an error", exc)


async def set_webhook(settings: Settings, app: AppType) -> None:
    assert settings.webhook_url is not None
    try:
        await app.bot.set_webhook(
            url=settings.webhook_url.rstrip("/") + "/" + WEBHOOK_PATH,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
    except TelegramError as exc:
        setting = "WEBHOOK_SECRET" if "secret" in exc.message.lower() else "WEBHOOK_URL"
        raise StartupError(setting, "Telegram refuses the webhook", exc) from None


async def serve(settings: Settings) -> int:
    """Run until stopped (Ctrl-C / SIGTERM). `kill -HUP <pid>` reloads the content."""
    app = build_application(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if sys.platform != "win32":
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    try:
        await app.initialize()  # `getMe`: the token and the Bot API's address are checked here
    except TelegramError as exc:
        raise api_failure(settings, exc) from None
    intake: asyncio.Task[None] | None = None
    webhook = None
    inbox: InboxWorker | None = None
    menu: asyncio.Task[None] | None = None
    try:
        await start_services(app, background=True, commands=False)
        if sys.platform != "win32":  # the server admin's reload (Windows has no SIGHUP)
            loop.add_signal_handler(signal.SIGHUP, lambda: app.create_task(reload_content(app)))
        await app.start()  # the job queue (reminders, clean-up)
        app.add_error_handler(note_unreachable)
        inbox = InboxWorker(app.bot_data.services.database, update_processor(app))
        await inbox.start()  # leftovers first, before the intake stores anything new
        if settings.mode == "webhook":
            if settings.webhook_secret is None:
                logger.warning(
                    "WEBHOOK_INSECURE=1: the webhook accepts updates without a secret; anyone who finds its "
                    "address can send the bot updates. Set WEBHOOK_SECRET."
                )
            listen, port = settings.webhook_listen, settings.webhook_port
            try:
                webhook = await start_webhook(listen, port, WEBHOOK_PATH, inbox, settings.webhook_secret)
            except OSError as exc:
                raise StartupError("WEBHOOK_PORT", f"cannot listen on {listen}:{port}", exc) from None
            await set_webhook(settings, app)
            logger.info("webhook listening on %s:%s", listen, port)
        else:
            logger.info("starting long polling")
            intake = asyncio.create_task(poll(app.bot, inbox), name="polling")
        # Once started (a start that fails stays one line): e-mail replies that cannot reach residents.
        gap = unrelayed_replies(settings, app.bot_data.services.content.catalogue.partners)
        if gap is not None:
            logger.warning("%s", gap)
        # The command menu and descriptions (27 calls, one after the other) while the bot already answers:
        # residents need not wait for them, and a failed one only logs (it is set again at the next start).
        menu = asyncio.create_task(register_commands(app.bot, app.bot_data.services.i18n), name="commands")
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({stopper} | ({intake} if intake else set()), return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if intake is not None and intake.done():
            try:
                intake.result()  # polling gave up: the token was revoked
            except InvalidToken as exc:
                raise api_failure(settings, exc) from None
        return 0
    finally:
        for task in (menu, intake):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if webhook is not None:
            webhook.stop()
            await webhook.close_all_connections()
        if inbox is not None:
            await inbox.stop()
        if app.running:
            await app.stop()
        await stop_services(app)
        await app.shutdown()
