"""Settings from environment variables and an optional `.env` file.

`load_settings()` is the only entry point; it turns every validation problem into one `SettingsError`
line that names the variable, so start-up never shows a traceback for a typo.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.languages import LANGUAGES

TOKEN_RE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,}$")
SUPPORTED_DATABASES = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


class SettingsError(Exception):
    """A setting is invalid; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Every setting of the bot. Each field is read from the upper-case environment variable of its name."""

    model_config = SettingsConfigDict(env_file_encoding="utf-8", extra="ignore", frozen=True)

    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    telegram_api_file_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    database_url: str = "sqlite+aiosqlite:///data/quartiersbot.db"
    content_dir: Path = Path("content")
    locales_dir: Path = Path("locales")
    default_language: str = "de"

    # The search's sentence-embedding model (multilingual-e5-small, bot/search/vectors.py); false: the bot
    # answers from the words alone.
    search_model: bool = True
    # The vectors of the content's texts, kept for the next start (a changed text is embedded again, no
    # other); empty: off (every start embeds the whole content, ~1 min for the shipped content).
    vector_cache_dir: Path | None = Path("data/vectors")

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
    # Questions that found nothing are kept (without the resident's identity) this many days.
    unanswered_retention_days: int = Field(default=30, ge=1, le=365)
    # An unsent request draft (a sign-up left half done) is dropped this many hours after its last change.
    draft_retention_hours: int = Field(default=24, ge=1, le=720)
    # Closed and withdrawn requests are deleted this many days after their last change.
    request_retention_days: int = Field(default=180, ge=7, le=3650)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        value = value.strip()
        if not TOKEN_RE.match(value):
            # Never echo the token itself: it would end up in logs and terminals.
            raise ValueError("does not look like a bot token from @BotFather (digits:letters)")
        return value

    @field_validator("vector_cache_dir", mode="before")
    @classmethod
    def _no_vector_cache(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language '{value}', use one of {', '.join(LANGUAGES)}")
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

    @field_validator("webhook_url", "telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.strip()

    @field_validator("admin_user_ids")
    @classmethod
    def _user_ids(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not part.lstrip("-").isdigit():
                raise ValueError(f"'{part}' is not a Telegram user id")
        return value

    @model_validator(mode="after")
    def _inbound_mail_complete(self) -> Settings:
        if self.mail_inbound_port and not (self.mail_reply_domain and self.mail_reply_secret):
            raise ValueError("MAIL_INBOUND_PORT needs MAIL_REPLY_DOMAIN and MAIL_REPLY_SECRET")
        if self.mail_reply_secret is not None and len(self.mail_reply_secret) < 16:
            raise ValueError("MAIL_REPLY_SECRET must be at least 16 characters")
        return self

    @property
    def admin_ids(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.admin_user_ids.split(",") if p.strip())

    @property
    def mode(self) -> Literal["console", "polling", "webhook"]:
        if not self.telegram_bot_token:
            return "console"
        return "webhook" if self.webhook_url else "polling"


def load_settings(env_file: Path | None = Path(".env"), **overrides: object) -> Settings:
    """Read the environment (and `env_file` if it exists); raise SettingsError with one clear line."""
    try:
        env = env_file if env_file is not None and env_file.exists() else None
        return Settings(_env_file=env, **overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:
            # A rule across several settings: its message names them.
            raise SettingsError(f"Invalid settings: {message}") from None
        raise SettingsError(f"Invalid setting {str(first['loc'][0]).upper()}: {message}") from None
