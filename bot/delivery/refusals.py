"""Why a message could not be delivered, in the few reasons the staff can act on.

The delivery worker keeps a failed send's error as one line (`worker.classify`: the exception's name and
Telegram's description, or the SMTP server's code and answer, or the connection error). `refusal` reads such
a line back into a `Refusal`: the hooks word the staff's notices by it (`bot.render.partners`), with the
line itself only as a technical detail at the end, and a resident's stored refusal tells a blocked bot from
a deleted account (`chat_gone`). A group that became a supergroup is no refusal: the worker follows it
(`ChatMigrated`).
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.storage.models.outbox import Audience

# Telegram's descriptions that mean "this chat is gone for the bot" rather than "this message was wrong".
UNREACHABLE_CHAT_ERRORS = (
    "chat not found",
    "bot was kicked",
    "bot is not a member",
    "user is deactivated",
    "have no rights to send",
    "not enough rights",
    "group chat was deactivated",
)

# Of those, the ones that say a resident's account or chat is gone (she deleted her Telegram account, or the
# chat never existed) rather than that she blocked the bot ("Forbidden: bot was blocked by the user").
GONE_CHAT_ERRORS = ("chat not found", "user is deactivated")


class Refusal(StrEnum):
    """Why a message did not arrive. The values are the keys of the texts in `bot.render.partners`."""

    BOT_REMOVED = "bot_removed"  # the bot was removed from the partner's group (or never added)
    NO_RIGHTS = "no_rights"  # the bot is in the group but may not write there
    GROUP_GONE = "group_gone"  # the group does not exist (deleted, or a wrong telegram_chat_id)
    BLOCKED = "blocked"  # the resident blocked the bot
    ACCOUNT_GONE = "account_gone"  # the resident's Telegram account is deleted
    ADDRESS_UNKNOWN = "address_unknown"  # the partner's e-mail address does not exist
    MAILBOX_FULL = "mailbox_full"
    MAIL_REFUSED = "mail_refused"  # the partner's mail server refused the e-mail (spam filter, policy)
    MAIL_SERVER = "mail_server"  # the bot's own mail server: not reached, not set up, or refused its login
    MESSAGE_REFUSED = "message_refused"  # Telegram refused this one message (not the chat)
    OTHER = "other"  # Telegram not reachable for hours, or an error of the bot


# The exception names `classify` writes for the bot's own mail server: not reachable, not set up, its
# login or our sender address refused.
_MAIL_SERVER = (
    "MailNotConfigured",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "ConnectionAbortedError",
    "ConnectionError",
    "TimeoutError",
    "timeout",
    "gaierror",
    "OSError",
    "SSLError",
    "SSLCertVerificationError",
    "SMTPConnectError",
    "SMTPServerDisconnected",
    "SMTPNotSupportedError",
    "SMTPHeloError",
    "SMTPAuthenticationError",
    "SMTPSenderRefused",
)
_SMTP = re.compile(r"^SMTP\w*: (\d{3})\b(.*)$", re.DOTALL)
_ADDRESS_UNKNOWN = (
    "user unknown",
    "unknown user",
    "no such user",
    "does not exist",
    "doesn't exist",
    "not found",
    "recipient address rejected",
    "invalid recipient",
    "mailbox unavailable",
    "no mailbox",
)
_MAILBOX_FULL = ("mailbox full", "mailbox is full", "quota", "insufficient storage")


def refusal(error: str, audience: Audience | str) -> Refusal:
    """The reason in a send `error` (one line as `worker.classify` words it) of a message to `audience`."""
    name = error.partition(":")[0]
    text = error.lower()
    if name in _MAIL_SERVER:
        return Refusal.MAIL_SERVER
    smtp = _SMTP.match(error)
    if smtp or name.startswith("SMTP"):
        return _mail_refusal(int(smtp.group(1)) if smtp else 0, text)
    if name not in ("Forbidden", "BadRequest"):
        return Refusal.OTHER
    if Audience(audience) is Audience.RESIDENT:
        if any(marker in text for marker in GONE_CHAT_ERRORS):
            return Refusal.ACCOUNT_GONE
        return Refusal.BLOCKED if name == "Forbidden" else Refusal.MESSAGE_REFUSED
    if "rights" in text:
        return Refusal.NO_RIGHTS
    if "chat not found" in text or "deactivated" in text:
        return Refusal.GROUP_GONE
    if name == "Forbidden" or any(marker in text for marker in UNREACHABLE_CHAT_ERRORS):
        return Refusal.BOT_REMOVED
    return Refusal.MESSAGE_REFUSED


def _mail_refusal(code: int, text: str) -> Refusal:
    """What an SMTP server's answer (`code`, the whole line lowered in `text`) says about the e-mail."""
    if code == 421:
        return Refusal.MAIL_SERVER  # our server closes the connection: down or overloaded
    if re.search(r"\b[45]\.2\.2\b", text) or code == 552 or any(m in text for m in _MAILBOX_FULL):
        return Refusal.MAILBOX_FULL
    if re.search(r"\b5\.1\.\d+\b", text) or (
        code in (550, 551, 553)
        and not re.search(r"\b5\.7\.\d+\b", text)
        and any(marker in text for marker in _ADDRESS_UNKNOWN)
    ):
        return Refusal.ADDRESS_UNKNOWN
    return Refusal.MAIL_REFUSED


def chat_gone(error: str) -> bool:
    """Whether a send `error` to a resident (as `worker.classify` words it) says the chat or account is gone,
    not blocked."""
    return refusal(error, Audience.RESIDENT) is Refusal.ACCOUNT_GONE
