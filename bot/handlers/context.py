"""The typed PTB context every handler receives: the services, and the resident's cached settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from bot.sos import ShownNumbers

if TYPE_CHECKING:
    from bot.i18n import Translator
    from bot.render.keyboards import Keyboard
    from bot.services import Services


class BotData:
    """`context.bot_data`: holds the services (PTB creates it without arguments)."""

    services: Services


# "Ask a person" passes on her questions of the last few minutes, at most this many: a letter she pasted
# and "what do I do with this letter?" reach the partner together, nothing she asked long before.
RECENT_QUESTIONS = timedelta(minutes=10)
MAX_RECENT_QUESTIONS = 3
# Her messages kept in the database for a tap of hers (`bot.residents.ResidentService.keep`), the latest:
# under "Reopen?" offers (one tap passes them on; an older offer's own button still passes on its own),
MAX_REOPEN_OFFERS = 20
# under the bot's questions not yet answered by a tap ("which request?", "your answer?"),
MAX_PROMPTS = 20
# and what she writes or sends while choosing her language and district after /delete: a few questions
# and an album's photos.
MAX_HELD = 10
# Albums remembered in memory (`context.chat_data`), the latest, so each gets one note: one written in a
# partner group without "Reply" (`partner_group.partner_stray`), one whose files did not all fit into her
# draft (`requests.left_out_notice`).
STRAY_ALBUMS_KEPT = 64


T = TypeVar("T")


def _latest(items: list[T], item: T, limit: int) -> list[T]:
    """`items` and `item`, the latest `limit` only: memory per resident stays bounded."""
    return [*items[-(limit - 1) :], item]


@dataclass(frozen=True)
class Question:
    """A text the search was asked (not small talk, not an emoji), and whether it answered it with
    certainty: an answered question is not passed on once she has asked another."""

    text: str
    at: datetime
    answered: bool


@dataclass(frozen=True)
class VoteAsked:
    """ "Did this help?" under an answer the search found: its entry, the screen's message, when it was shown,
    and the screen's buttons without 👍 / 👎 (what the screen keeps once she voted)."""

    kind: str
    entry_id: str
    message_id: int
    at: datetime
    keyboard: Keyboard


@dataclass
class UserData:
    """`context.user_data`: a cache of the resident's row, refreshed at the start of every update.

    Her messages under the bot's questions ("which request?", "is this your answer?", "Reopen?") and what she
    sends while choosing her language after /delete are not kept here: they wait in the database
    (`bot.residents.Waiting`), so that her tap after a restart passes on every one whose question offered the
    request she chose, and "is this your answer?" still goes on when her very next message follows within
    `RECENT_QUESTIONS` (`bot.handlers.conversation.write_on`). What is here and not in
    her row is memory only: each field says what she sees after a restart."""

    lang: str = "de"
    district: str | None = None
    language_confirmed: bool = False
    # A running request draft takes the resident's texts; a parked one is offered with the menu; a
    # request's conversation may take them (`ResidentSettings`).
    drafting: bool = False
    has_draft: bool = False
    conversing: bool = False
    # A message of hers waits under "is this your answer?": when she writes on within minutes, it goes there
    # (`write_on`; later it waits no longer, only her tap there passes it on).
    answer_waits: bool = False
    # What the resident asked lately, for "Ask a person" (`asked_lately`). Memory only, on purpose: her
    # questions are not written to disk verbatim (phone numbers, health: only unanswered ones are stored,
    # masked). After a restart, as after ten minutes, "Ask a person" asks her to write her message.
    questions: list[Question] = field(default_factory=list)
    # The callback data of the ⬅️ Back button on the latest screen shown: "zurück" typed does what it did
    # (memory only; None, or after a restart: the menu).
    back: str | None = None
    # The message of the latest screen shown (`common.show`): a tap on an older one may answer below
    # instead of turning an old message into a new screen (memory only: None, or after a restart: in place).
    screen: int | None = None
    # Her latest message in the chat (`common.load_resident`): a screen above it is old too, though only
    # confirmations ("Passed on to …", "Please tap a button") came below it (memory only, like `screen`).
    latest: int | None = None
    # "Did this help?" under the screen this update showed (`menu.show_entry`); for the next update only, what
    # was asked under the latest screen before it (`common.load_resident`): a lone yes or no typed then is
    # 👍 / 👎 (`menu.typed_vote`). Memory only: after a restart a typed yes or no is a plain one again.
    vote_asked: VoteAsked | None = None
    vote_open: VoteAsked | None = None
    # The album (Telegram's media_group_id) of the latest update let through the flood limit: its further
    # files are not counted again (`bot.handlers.common.load_resident`; memory only, like the above).
    album: str | None = None
    # She used /delete: "if you write to me again, I start afresh". Telegram sends no /start again, so her
    # next message gets the first minute (welcome, language, district) as /start gives a new resident
    # (memory only: the bot keeps nothing saying she deleted her data; after a restart her next text is
    # answered in her phone's language, and only /start asks for language and district again: her words
    # are answered, none lost).
    afresh: bool = False
    # The step of that first minute she is at ("language", "district"; None when none runs). What came with
    # that message and after it while she chooses (her questions, answered once she has chosen her language
    # and district, and files, then "who should get this?") waits in the database (a question masked, as
    # every stored question), the latest `MAX_HELD`: a restart loses none, and the step is read again with
    # her row (`bot.handlers.common.load_resident`).
    first_step: str | None = None
    # When (and in which language) she was last sent the full emergency screen for her danger words: more
    # within minutes get the short list of the numbers (`bot.sos`; memory only: after a restart, or
    # /delete, the full screen again).
    numbers_shown: ShownNumbers = field(default_factory=ShownNumbers)
    # The languages she was offered to go on in ("🌐 Türkçe devam et" under an answer to a question read in
    # Turkish, `questions.continue_in`) while the language the bot writes in is one she chose herself: each
    # is offered once, not under every answer (memory only: after a restart or /delete, once more).
    continue_offered: set[str] = field(default_factory=set)

    def forget(self) -> None:
        """/delete: nothing of hers stays in memory either (her questions; what waited in the database went
        with her row); the district goes with her row, the language answers this last message only. Her next
        message starts afresh."""
        self.questions = []
        self.numbers_shown = ShownNumbers()
        self.continue_offered = set()
        self.district = None
        self.afresh = True
        self.first_step = None

    def asked(self, text: str, now: datetime, *, answered: bool) -> None:
        """Remember a question; earlier ones stay while they are recent and were not answered."""
        kept = [q for q in self.questions if not q.answered and q.at >= now - RECENT_QUESTIONS]
        self.questions = _latest(kept, Question(text, now, answered), MAX_RECENT_QUESTIONS)

    def carried_no_more(self, text: str) -> None:
        """Her question went to a request of hers ("add this to my request"): "Ask a person" no longer
        carries it into a new one."""
        self.questions = [q for q in self.questions if q.text != text]

    def asked_lately(self, now: datetime) -> list[str]:
        """What "Ask a person" passes on (shown to her on the screen before sending): her questions of the
        last few minutes, the latest (answered or not) first: the screen before sending shortens a long
        message (a pasted letter), and the partner reads what she asks before what it is about."""
        recent = [q.text for q in self.questions if q.at >= now - RECENT_QUESTIONS]
        return recent[-1:] + recent[:-1]


class Context(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def lang(self) -> str:
        return self.user_data.lang if self.user_data is not None else self.services.settings.default_language

    @property
    def district(self) -> str | None:
        return self.user_data.district if self.user_data is not None else None

    @property
    def t(self) -> Translator:
        return self.services.i18n.translator(self.lang)


AppType = Application[ExtBot[None], Context, UserData, dict[Any, Any], BotData, Any]
