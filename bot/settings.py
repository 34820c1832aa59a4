"""Settings from environment variables and an optional `.env` file.

`load_settings()` is the only entry point; it turns every validation problem into one `SettingsError`
line that names the variable, so start-up never shows a traceback for a typo. A dependency that fails at
start (Telegram refuses the token, the database cannot be opened, ...) is a `StartupError`: one line
naming the setting and the cause. `SecretFilter` keeps the secret settings out of every log line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.languages import Lang

# Defaults are inside the project folder wherever the bot is started from (a value set in the environment
# is taken as it is: relative to the working directory).
PROJECT = Path(__file__).resolve().parent.parent

# Anything shaped like a bot token, wherever it appears (URLs of the Bot API, error messages).
ANY_TOKEN_RE = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{30,}")
HTTP_URL = (re.compile(r"^https?://"), "must start with http:// or https://")
# The settings a pattern checks, with what to say when it does not match.
SHAPES = {
    "telegram_bot_token": (
        re.compile(rf"^{ANY_TOKEN_RE.pattern}$"),
        "does not look like a bot token from @BotFather (digits:letters)",
    ),
    # What Telegram accepts as a webhook's secret token.
    "webhook_secret": (
        re.compile(r"^[A-Za-z0-9_-]{1,256}$"),
        "may only contain letters A-Z/a-z, digits, _ and - (1 to 256 characters)",
    ),
    "webhook_url": HTTP_URL,
    "telegram_api_base_url": HTTP_URL,
    "telegram_api_file_url": HTTP_URL,
}
# Settings that an empty variable leaves unset; their values lose surrounding spaces.
OPTIONAL_TEXT = (*SHAPES, "vector_cache_dir", "last_good_content_dir")
MASK = "***"
SUPPORTED_DATABASES = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


class SettingsError(Exception):
    """A setting is invalid; the message is one line naming the variable."""


class StartupError(SettingsError):
    """A setting passed validation but does not work (e.g. Telegram rejects the token): one line naming the
    setting and the cause, never a secret. `run_bot.py` prints it and exits with code 2."""

    def __init__(self, setting: str, problem: str, cause: BaseException | None = None) -> None:
        line = f"{setting}: {problem}"
        if cause is not None:
            # The cause's type and the first line of its message (the driver's: SQLAlchemy wraps it).
            inner = getattr(cause, "orig", None) or cause
            first_line = (str(inner).strip().splitlines() or [""])[0][:200]
            line += f" ({type(inner).__name__}: {first_line})" if first_line else f" ({type(inner).__name__})"
        super().__init__(line)


class Settings(BaseSettings):
    """Every setting of the bot. Each field is read from the upper-case environment variable of its name."""

    model_config = SettingsConfigDict(env_file_encoding="utf-8", extra="ignore", frozen=True)

    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    telegram_api_file_url: str | None = None
    # Seconds the bot waits for the Bot API's answer to a call (not to a long poll) before it counts as
    # timed out; a failed call is tried again after `telegram_retry_delay` seconds, doubling each time
    # (at most 4 s, five tries). Tests shorten both.
    telegram_timeout: float = Field(default=5.0, gt=0, le=300)
    telegram_retry_delay: float = Field(default=0.5, gt=0, le=4)
    webhook_url: str | None = None
    # Telegram sends it with every update; updates without it are refused. Webhook mode needs it ...
    webhook_secret: str | None = None
    # ... unless this is set: then anyone who finds the webhook's address can send the bot updates.
    webhook_insecure: bool = False
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    database_url: str = f"sqlite+aiosqlite:///{PROJECT / 'data' / 'quartiersbot.db'}"
    content_dir: Path = PROJECT / "content"
    locales_dir: Path = PROJECT / "locales"
    default_language: Lang = "de"

    # The search's sentence-embedding model (multilingual-e5-small, bot/search/vectors.py); false: the bot
    # answers from the words alone.
    search_model: bool = True
    # The vectors of the content's texts, kept for the next start (a changed text is embedded again, no
    # other); empty: off (every start embeds the whole content, ~1 min for the shipped content).
    vector_cache_dir: Path | None = PROJECT / "data" / "vectors"
    # A copy of the content that last went live (at start or by /reload): a restart while the content folder
    # has errors starts with it (and tells the staff chat) instead of not at all. Empty: off.
    last_good_content_dir: Path | None = PROJECT / "data" / "content-last-good"

    # Content with example data (`example: true`: made-up phone numbers, addresses, placeholder group ids)
    # goes live on Telegram only with this set (a trial run); otherwise a start refuses it and so does a
    # /reload. The console always shows it: it is the preview.
    allow_example_data: bool = False

    # Chat of the Quartiersmanagement's staff: errors, failed deliveries, escalations, /reload.
    admin_chat_id: int | None = None
    # Telegram user ids allowed to use admin commands in private chat (comma-separated).
    admin_user_ids: str = ""

    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_from: str | None = None
    smtp_reply_to: str | None = None
    # Partners' e-mail replies straight back to the resident: the bot listens for them (bot.delivery.inbound).
    mail_inbound_host: str = "127.0.0.1"
    mail_inbound_port: int | None = Field(default=None, ge=1, le=65535)
    mail_reply_domain: str | None = None
    mail_reply_secret: str | None = None

    # Whether residents see the first name of the partner's staff member who answered ("Petra from …")
    # or only the organisation. Off by default: staff decide themselves whether to be named.
    show_staff_names: bool = False
    # Seconds an outbox message being sent stays claimed by its process without renewal (renewed every
    # third of it while the send lasts). A process that died leaves its messages claimed: the next one
    # sends them once this much time has passed since the dead one last renewed. Shorter: sooner after a
    # crash; it must outlast the longest pause of a busy process between two renewals.
    outbox_lease_seconds: float = Field(default=10.0, ge=2, le=600)
    # Questions that found nothing are kept (without the resident's identity) this many days.
    unanswered_retention_days: int = Field(default=30, ge=1, le=365)
    # An unsent request draft (a sign-up left half done) is dropped this many hours after its last change.
    draft_retention_hours: int = Field(default=24, ge=1, le=720)
    # While a request waits for the resident, their plain messages go to it; the conversation ends after
    # this many hours without a message (or by "End", or when the request is closed).
    conversation_quiet_hours: int = Field(default=12, ge=1, le=168)
    # A request the partner closed can be reopened this many days after (by the partner's card, or the
    # resident is offered it when they write about it); later a new request starts.
    reopen_days: int = Field(default=14, ge=0, le=180)
    # Closed and withdrawn requests are deleted this many days after their last change.
    request_retention_days: int = Field(default=180, ge=7, le=3650)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator(*OPTIONAL_TEXT, mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """An empty variable (`WEBHOOK_URL=` in .env) counts as not set."""
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator(*SHAPES)
    @classmethod
    def _shape(cls, value: str | None, info: ValidationInfo) -> str | None:
        pattern, problem = SHAPES[str(info.field_name)]
        if value is not None and not pattern.match(value):
            raise ValueError(problem)  # never the value: tokens and secrets must not reach logs or terminals
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("is not a database URL (e.g. postgresql://user@host/db)") from None
        backend = url.get_backend_name()
        if backend not in SUPPORTED_DATABASES:
            raise ValueError(f"unsupported database '{backend}', use sqlite or postgresql")
        # Accept the plain forms people copy from their hoster and pick the async driver ourselves.
        return url.set(drivername=SUPPORTED_DATABASES[backend]).render_as_string(hide_password=False)

    @field_validator("admin_user_ids")
    @classmethod
    def _user_ids(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not part.lstrip("-").isdigit():
                raise ValueError(f"'{part}' is not a Telegram user id")
        return value

    @model_validator(mode="after")
    def _webhook_secured(self) -> Settings:
        secured = self.webhook_secret or self.webhook_insecure
        if self.telegram_bot_token and self.webhook_url and not secured:
            raise ValueError(
                "WEBHOOK_URL needs WEBHOOK_SECRET (letters, digits, _ and -), or WEBHOOK_INSECURE=1 to "
                "accept unauthenticated updates"
            )
        return self

    @model_validator(mode="after")
    def _inbound_mail_complete(self) -> Settings:
        if self.mail_inbound_port and not (self.mail_reply_domain and self.mail_reply_secret):
            raise ValueError("MAIL_INBOUND_PORT needs MAIL_REPLY_DOMAIN and MAIL_REPLY_SECRET")
        if self.mail_reply_secret is not None and len(self.mail_reply_secret) < 16:
            raise ValueError("MAIL_REPLY_SECRET must be at least 16 characters")
        return self

    def secrets(self) -> list[str]:
        """The values no log line may show."""
        values = [self.telegram_bot_token, self.webhook_secret, self.smtp_password, self.mail_reply_secret]
        values.append(make_url(self.database_url).password)
        return [value for value in values if value]

    @property
    def admin_ids(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.admin_user_ids.split(",") if p.strip())

    @property
    def relays_email_replies(self) -> bool:
        """Partners' e-mail replies come back to the bot (validation: the port needs domain and secret)."""
        return self.mail_inbound_port is not None

    @property
    def mode(self) -> Literal["console", "polling", "webhook"]:
        if not self.telegram_bot_token:
            return "console"
        return "webhook" if self.webhook_url else "polling"


def load_settings(env_file: Path | None = Path(".env"), **overrides: object) -> Settings:
    """Read the environment (and `env_file` if it exists); raise SettingsError with one clear line."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:
            # A rule across several settings: its message names them.
            raise SettingsError(f"Invalid settings: {message}") from None
        raise SettingsError(f"Invalid setting {str(first['loc'][0]).upper()}: {message}") from None


class SecretFilter(logging.Filter):
    """Masks the secret settings, and anything shaped like a bot token, in a log record: its message, its
    arguments and its traceback. Installed on the log handlers by `run_bot.py`, so every logger's records
    pass through it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another one is masked whole. Very short values would
        # mask ordinary words.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return ANY_TOKEN_RE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters use `exc_text` when it is set: the traceback is rendered (and masked) once, here.
            record.exc_text = self.mask(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True
