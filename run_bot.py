#!/usr/bin/env python3
"""Quartiersbot command line.

Without a subcommand: the console chat when no TELEGRAM_BOT_TOKEN is set, otherwise the bot on Telegram
(long polling, or a webhook when WEBHOOK_URL is set).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.content.problems import ContentError
from bot.i18n import CatalogError
from bot.settings import SecretFilter, Settings, SettingsError, StartupError, load_settings

# The options valid before or after the command (`run_bot.py ask ... --lang tr`), and their defaults: set
# once, so that a subcommand's parser never resets one given before the command.
DEFAULTS = {
    "env_file": Path(".env"),
    "content": None,
    "lang": None,
    "name": "Anna",
    "user_id": None,
    "console": False,
}


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--env-file", type=Path, help="settings file (default: .env)")
    common.add_argument("--content", type=Path, help="content folder (default: CONTENT_DIR or content/)")
    common.add_argument(
        "--lang", help="the resident's language (console: Telegram language of the simulated resident)"
    )
    # Only starting the bot knows these; the other commands do not list them in their --help.
    console = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    console.add_argument("--name", help="console: the simulated resident's first name (default: Anna)")
    console.add_argument("--user-id", type=int, help="console: the simulated resident's Telegram id")
    console.add_argument(
        "--console", action="store_true", help="open the console chat even if a token is set"
    )
    parser = argparse.ArgumentParser(
        prog="run_bot.py",
        parents=[common, console],
        description=(
            "Quartiersbot, the neighbourhood help desk. Without a command it starts the bot: "
            "with TELEGRAM_BOT_TOKEN set it runs on Telegram (polling, or webhook if WEBHOOK_URL is set), "
            "otherwise it opens an offline chat with the bot in this terminal."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", parents=[common, console], help="start the bot (same as no command)")

    check = sub.add_parser(
        "check", parents=[common], help="validate the content and print the translation coverage"
    )
    check.add_argument("--strict", action="store_true", help="going live: fail on example data and gaps")
    check.add_argument("--accept", action="store_true", help="record the current translations as reviewed")

    schema = sub.add_parser("schema", parents=[common], help="write the JSON Schema of the content files")
    schema.add_argument("--out", type=Path, help="file to write (default: <content>/schema.json)")

    ask = sub.add_parser("ask", parents=[common], help="print what the bot would answer to a question")
    ask.add_argument("question", nargs="?", help="the question (or use --batch)")
    ask.add_argument("--district", help="the resident's district id")
    ask.add_argument("--json", action="store_true", help="machine-readable output")
    ask.add_argument("--batch", help="JSON lines file ({'q': ..., 'lang': ...}) or - for stdin")

    links = sub.add_parser(
        "links", parents=[common], help="print the deep links (t.me/<bot>?start=...) for posters and flyers"
    )
    links.add_argument("--bot", required=True, help="the bot's Telegram username (without @)")

    db = sub.add_parser("db", parents=[common], help="database tasks")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply all migrations")
    return parser


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # Every line any logger writes passes the handlers: there the secrets are masked (the bot token is part
    # of every Bot API URL, and PTB names it in some errors).
    mask = SecretFilter(settings.secrets())
    for handler in logging.getLogger().handlers:
        handler.addFilter(mask)
    # httpx logs every request URL; one line per Bot API call is noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv, namespace=argparse.Namespace(**DEFAULTS))
    # PTB 22's coming form of durations (a 429's `retry_after` as a timedelta), without its deprecation
    # warning on every 429.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        overrides = {"content_dir": args.content} if args.content else {}
        settings = load_settings(args.env_file, **overrides)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return run(args, settings)
    except StartupError as exc:
        # A setting that does not work (token, database, webhook): one line naming it, never a secret.
        print(SecretFilter(settings.secrets()).mask(str(exc)), file=sys.stderr)
        return 2
    except (ContentError, CatalogError) as exc:
        # Content and catalogs are checked before the bot answers anyone; say what is wrong, no traceback.
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        # The reader stopped early (`run_bot.py links | head`): not an error. Point stdout at nothing so
        # that Python's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    """The command (without one: the bot, on Telegram or in the console); returns the exit status."""
    command = args.command or "run"
    if command == "check":
        from bot.content.check import run_check

        return run_check(
            settings.content_dir,
            strict=args.strict,
            accept=args.accept,
            out=sys.stdout,
            email_replies_relayed=settings.relays_email_replies,
        )
    if command == "schema":
        from bot.content.check import write_schema

        target = args.out or settings.content_dir / "schema.json"
        write_schema(target)
        print(f"geschrieben: {target}")
        return 0
    if command == "ask":
        from bot.cli_ask import run_ask

        return run_ask(
            settings,
            question=args.question,
            lang=args.lang,
            district=args.district,
            as_json=args.json,
            batch=args.batch,
        )
    if command == "links":
        from bot.content.catalogue import load_catalogue
        from bot.render.callback import deep_link_payload
        from bot.render.screens import entries

        catalogue, _ = load_catalogue(settings.content_dir)
        for kind in ("topic", "offer", "event", "partner", "faq"):
            for entry_id, entry in entries(catalogue, kind).items():
                title = getattr(entry, "title", None) or getattr(entry, "name", None) or {}
                label = title.get("de", entry_id) if isinstance(title, dict) else entry_id
                print(f"https://t.me/{args.bot}?start={deep_link_payload(kind, entry_id)}\t{kind}\t{label}")
        return 0
    if command == "db":
        from bot.storage.db import create_database

        async def upgrade() -> None:
            database = create_database(settings.database_url)
            try:
                await database.upgrade()
            finally:
                await database.dispose()

        try:
            asyncio.run(upgrade())
        except Exception as exc:  # unreachable, refused, not writable: the driver's error says which
            raise StartupError("DATABASE_URL", "cannot open the database", exc) from None
        print("database is up to date")
        return 0

    configure_logging(settings)
    if settings.mode == "console" or args.console:
        logging.getLogger().setLevel(logging.WARNING)
        from bot.console import run_console

        return asyncio.run(run_console(settings, lang=args.lang, name=args.name, user_id=args.user_id))
    from bot.telegram_modes import serve

    return asyncio.run(serve(settings))


if __name__ == "__main__":
    sys.exit(main())
