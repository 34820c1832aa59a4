"""The application factory. `run_bot.py`, the console chat and the tests all build the bot here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot import handlers, jobs
from bot.commands import register_commands
from bot.content.catalogue import Catalogue
from bot.content.problems import ContentError
from bot.content.service import ContentService, ReloadResult
from bot.delivery.mail import SmtpMailer, telegram_file_fetcher
from bot.delivery.worker import DeliveryWorker, RetryPolicy
from bot.handlers.context import AppType, BotData, Context, UserData
from bot.i18n import I18n
from bot.render import staff
from bot.search.engine import SearchEngine
from bot.search.vectors import E5Model, Embedder
from bot.services import Services
from bot.settings import Settings, StartupError
from bot.storage.db import Database, create_database
from bot.tickets.hooks import TicketDeliveryHooks
from bot.transport import ChatPacer, Pacing, RetryingRequest

logger = logging.getLogger(__name__)


def build_services(
    settings: Settings, *, preview: bool = False, i18n: I18n | None = None, database: Database | None = None
) -> Services:
    """Create (but do not start) the long-lived services; `i18n` and `database` may be given ready-made
    (the tests compile the catalogs once for all their bots, and keep one engine per database, whose
    compiled statements every bot of a test process reuses). `preview`: the console's offline chat, never
    public, whatever the settings say (a token set for Telegram included)."""
    try:
        database = database or create_database(settings.database_url)
    except OSError as exc:  # the SQLite file's folder cannot be created
        raise StartupError("DATABASE_URL", "cannot create the database's folder", exc) from None
    services = Services(
        settings=settings,
        i18n=i18n or I18n(settings.locales_dir, default=settings.default_language),
        database=database,
        preview=preview,
        content=ContentService(
            settings.content_dir,
            last_good_dir=settings.last_good_content_dir,
            # Made-up phone numbers and placeholder groups never reach residents by accident: on Telegram
            # only for a trial run (ALLOW_EXAMPLE_DATA); the preview always shows them.
            examples_allowed=settings.allow_example_data or preview,
            # Staff learn at every start and /reload which partners' answers cannot reach residents.
            email_replies_relayed=settings.relays_email_replies,
        ),
    )
    # One model per process, loaded by the embedder's background thread (never at import time).
    services.embedder = Embedder(settings.vector_cache_dir, loader=E5Model if settings.search_model else None)

    def rebuild_search(catalogue: Catalogue) -> Callable[[], None]:
        # Runs in the reload's worker thread; the new engine goes live together with the new content and
        # then gets its vectors (at once when their texts are known, else in the background).
        engine = SearchEngine.from_catalogue(catalogue, services.embedder)

        def go_live() -> None:
            services.search = engine
            engine.start_vectors()

        return go_live

    services.content.on_swap.append(rebuild_search)
    services.content.on_live.append(services.requests.follow_content)
    return services


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    token: str | None = None,
    preview: bool = False,
    services: Services | None = None,
    rate_limit: bool = True,
    pacing: Pacing | None = None,
) -> AppType:
    """Build the bot. `request` replaces the HTTP transport (console chat, tests); `preview`: the console's
    (`build_services`); `pacing` replaces Telegram's limits (tests: the same limits on a faster clock);
    without `rate_limit` nothing is paced and a 429 is not waited out."""
    services = services or build_services(settings, preview=preview)
    context_types = ContextTypes(context=Context, bot_data=BotData, user_data=UserData, chat_data=dict)
    builder: Any = (
        ApplicationBuilder()
        .token(token or settings.telegram_bot_token or "")
        .context_types(context_types)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
    )
    # No PTB Updater: updates come in through the durable inbox (bot.inbox), which confirms them to
    # Telegram only once they are stored. Every other Bot API call retries transient failures.
    builder = builder.updater(None)
    if request is None:
        transport: BaseRequest = HTTPXRequest(connection_pool_size=64, read_timeout=settings.telegram_timeout)
        updates: BaseRequest = HTTPXRequest()
    else:
        transport = updates = request
    retrying = RetryingRequest(transport, base_delay=settings.telegram_retry_delay)
    builder = builder.request(retrying).get_updates_request(updates)
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url.rstrip("/") + "/bot")
        builder = builder.base_file_url(
            (settings.telegram_api_file_url or settings.telegram_api_base_url).rstrip("/") + "/file/bot"
        )
    if rate_limit:
        # Telegram's limits: 30 messages/s overall, 20/min per group, about 1/s per chat; 429s waited out.
        builder = builder.rate_limiter(ChatPacer(pacing))
    app: AppType = builder.build()
    app.bot_data.services = services
    handlers.register(app)
    return app


async def start_services(app: AppType, *, background: bool = False, commands: bool = True) -> None:
    """Start what the bot needs besides PTB, after `app.initialize()` (`bot.telegram_modes`, the console and
    the tests; PTB's own post_init hook runs only in `run_polling`, which the bot does not use).

    `background` starts the delivery worker and the reminder jobs; tests drive them by hand instead.
    `commands` registers the command menu and descriptions (27 Bot API calls) before it returns.
    """
    services: Services = app.bot_data.services
    try:
        await services.database.upgrade()
    except Exception as exc:  # unreachable, refused, not writable: the driver's error says which
        raise StartupError("DATABASE_URL", "cannot open the database", exc) from None
    notices: list[str] = []
    if not services.content.loaded:
        result = await services.content.start()
        if not result.ok:
            # Without content (and no copy of the last that was live) the bot cannot answer anyone: refuse
            # to start, naming every problem.
            raise ContentError(result.errors)
        notices += content_notices(services, result)
    logger.info("content %s live", services.content.catalogue.version)
    # Also when the content is as before: staff may have changed it while the bot was down, or it may have
    # stopped after a reload before the open requests followed it.
    await services.requests.follow_content()
    if commands:
        await register_commands(app.bot, services.i18n)
    settings = services.settings
    mailer = None
    if settings.smtp_host and settings.smtp_from:
        mailer = SmtpMailer(settings, telegram_file_fetcher(app.bot))
    pacer = app.bot.rate_limiter if isinstance(app.bot.rate_limiter, ChatPacer) else None
    hooks = TicketDeliveryHooks(services.ticket_context)
    services.delivery = DeliveryWorker(
        services.database,
        app.bot,
        mailer,
        hooks=hooks,
        policy=RetryPolicy(lease=settings.outbox_lease_seconds),
        clock=services.clock,
        pacer=pacer,
    )
    if settings.relays_email_replies:
        # Partners' e-mail replies, each relayed to its resident. Imported here: the SMTP server (aiosmtpd,
        # a twentieth of a CPU second of imports) only for a bot that receives them.
        from bot.delivery import inbound

        try:
            services.inbound = await inbound.listen(
                settings, services.requests.email_reply, services.ticket_context().partner_t()
            )
        except OSError as exc:
            where = f"{settings.mail_inbound_host}:{settings.mail_inbound_port}"
            raise StartupError("MAIL_INBOUND_PORT", f"cannot listen on {where}", exc) from None
    await services.requests.tell_staff(notices)
    if background:
        services.delivery.start()
        if app.job_queue is not None:
            jobs.schedule(app.job_queue)


def content_notices(services: Services, result: ReloadResult) -> list[str]:
    """What the staff are told about the content the bot started with (also logged; `notify_admin`: the
    staff chat, else the catch-all's group or e-mail): the errors that keep the content folder from going
    live when the last good copy was taken instead, the partners whose answers cannot reach residents,
    and example data live on Telegram."""
    t = services.i18n.translator("de")
    notices = []
    if result.last_good:
        lines = "\n".join(f"  {problem}" for problem in result.errors)
        logger.error(
            "The content in %s has %d errors; the bot started with the last content that was live. Fix "
            "them, then /reload:\n%s",
            services.settings.content_dir,
            len(result.errors),
            lines,
        )
        notices.append(staff.started_with_last_good(t, result.errors))
    # Before the example data's notice: this one needs doing even on a trial run.
    if (unreachable := staff.answers_unreachable(t, result.warnings)) is not None:
        notices.append(unreachable)
    examples = sum(1 for problem in result.warnings if problem.code == staff.EXAMPLE)
    if examples and not services.preview:
        logger.warning(
            "%d content entries are example data (example: true) – not for the public; "
            "`run_bot.py check --strict` lists them",
            examples,
        )
        notices.append(staff.example_data_live(t, examples))
    return notices


async def stop_services(app: AppType) -> None:
    """Close what `start_services` opened, before leaving `async with app`."""
    services: Services = app.bot_data.services
    if services.embedder is not None:
        services.embedder.close()
    if services.delivery is not None:
        await services.delivery.stop()
    if services.inbound is not None:
        services.inbound.close()
        await services.inbound.wait_closed()
    await services.database.dispose()
