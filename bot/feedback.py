"""Answer statistics for the staff: "did this help?" votes and questions without an answer.

The domain service the handlers and jobs call; each call is one transaction. A vote counts once per resident
and entry; staff see only the counts. An unanswered question is kept with the resident who asked it, so that
/mydata shows it and /delete removes it, but staff see only what was asked, never who asked; phone numbers,
e-mail addresses and other long numbers are masked before it is stored (`mask_contact_details`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from bot.storage import requests as store
from bot.storage.db import Database, upsert_insert
from bot.storage.models.base import utcnow
from bot.storage.models.feedback import AnswerFeedback, UnansweredQuestion

MAX_QUESTION_CHARS = 500
# A yes or no typed this soon below "Did this help?" answers it (`FeedbackService.typed_vote`); later it may
# answer anything she read meanwhile.
TYPED_VOTE_WITHIN = timedelta(minutes=5)

# What a stored question must not keep, in any script: e-mail addresses, and numbers of at least
# `MIN_MASKED_DIGITS` digits (phone numbers, customer and ID numbers, IBANs), with the spaces, dashes, slashes
# and brackets they are written with, and letters in and before them ("12345BG0012345", "L01X00T47", an IBAN's
# country code). Dots separate only in a number begun like a phone number, with + or with 0 and two more
# digits ("0151.234.5678"), so a date ("17.02.2027", "01.02.2027") or a price ("150.000 €") stays.
# `\d` matches Arabic and Persian digits too. Both start only where a word starts: a long word is read once,
# not once per letter.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DOTTED_PHONE = r"(?:\+\d|\b0\d\d)(?:(?:[^\S\n]|[-–/().]){0,2}\d)*"
NUMBER = re.compile(
    DOTTED_PHONE + r"|(?:\b[A-Za-z]{1,3}(?=\d))?[+(]?\d(?:(?:[^\S\n]|[-–/()]){0,2}\d|[A-Za-z]+(?=\d))*"
)
MIN_MASKED_DIGITS = 6
MASKED_EMAIL, MASKED_PHONE, MASKED_NUMBER = "[E-Mail]", "[Telefon]", "[Nummer]"


def _masked_number(match: re.Match[str]) -> str:
    """A long number as its kind (one starting with + or 0 is taken for a phone number), a short one as is."""
    number = match.group()
    if sum(c.isdigit() for c in number) < MIN_MASKED_DIGITS:
        return number
    first = number.lstrip("(")[0]
    return MASKED_PHONE if first == "+" or (first.isdigit() and int(first) == 0) else MASKED_NUMBER


def mask_contact_details(text: str) -> str:
    """`text` without e-mail addresses and long numbers (each replaced by what it was: "[Telefon]")."""
    return NUMBER.sub(_masked_number, EMAIL.sub(MASKED_EMAIL, text))


@dataclass(frozen=True, slots=True)
class Unanswered:
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """What /stats shows: votes per entry, most voted first, and the latest questions without answer."""

    votes: list[tuple[str, str, int, int]]  # kind, entry id, helpful, not helpful
    unanswered: list[Unanswered]


class FeedbackService:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def vote(self, resident_id: int, kind: str, entry_id: str, *, helpful: bool) -> None:
        """👍 or 👎 under an answer, once per resident and entry (a second tap changes the vote). The caller
        checks that the entry exists.

        One statement (INSERT … ON CONFLICT, in SQLite and PostgreSQL alike), so two taps at the same moment,
        even in two processes, still leave one vote.
        """
        async with self._database.transaction() as session:
            statement = upsert_insert(session)(AnswerFeedback).values(
                resident_id=resident_id, kind=kind, entry_id=entry_id, helpful=helpful, created_at=utcnow()
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["resident_id", "kind", "entry_id"],
                    set_={"helpful": statement.excluded.helpful},
                )
            )

    async def typed_vote(
        self,
        resident_id: int,
        kind: str,
        entry_id: str,
        question: int,
        asked_at: datetime,
        now: datetime,
        helpful: bool,
    ) -> bool:
        """A lone yes or no she typed below "Did this help?" (in her chat's message `question`, shown at
        `asked_at`), as her next message after it (the caller knows): counted as 👍 or 👎 if it came within
        `TYPED_VOTE_WITHIN` and no message about a request reached her chat since (a partner's question
        below it is what a "ja" then answers). False: not a vote, nothing counted."""
        if now - asked_at > TYPED_VOTE_WITHIN:
            return False
        async with self._database.sessions() as session:
            if await store.reached_chat_after(session, resident_id, question):
                return False
        await self.vote(resident_id, kind, entry_id, helpful=helpful)
        return True

    async def unanswered(self, resident_id: int, text: str, language: str, district: str | None) -> None:
        """A question the search found nothing for, asked by `resident_id` (kept masked and shortened)."""
        question = UnansweredQuestion(
            resident_id=resident_id,
            text=mask_contact_details(text)[:MAX_QUESTION_CHARS],
            language=language,
            district=district,
        )
        async with self._database.transaction() as session:
            session.add(question)

    async def went_to_a_request(self, resident_id: int, text: str) -> None:
        """Her question that found nothing, which she then added to an open request of hers with one tap
        ("✍️ Add this to my request"): her words to the people who have that request, not a gap in the
        content, so it leaves the unanswered questions staff read in /stats (her latest with that text)."""
        masked = mask_contact_details(text)[:MAX_QUESTION_CHARS]
        async with self._database.transaction() as session:
            latest = await session.scalar(
                select(UnansweredQuestion.id)
                .where(UnansweredQuestion.resident_id == resident_id, UnansweredQuestion.text == masked)
                .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
                .limit(1)
            )
            if latest is not None:
                await session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.id == latest))

    async def report(self, *, entries: int = 20, questions: int = 15) -> FeedbackReport:
        """The `entries` most voted entries and the latest `questions` unanswered questions (what was asked,
        not who asked)."""
        async with self._database.sessions() as session:
            columns = (AnswerFeedback.kind, AnswerFeedback.entry_id, AnswerFeedback.helpful)
            rows = (await session.execute(select(*columns, func.count()).group_by(*columns))).all()
            latest = await session.scalars(
                select(UnansweredQuestion).order_by(UnansweredQuestion.created_at.desc()).limit(questions)
            )
            unanswered = [Unanswered(q.language, q.text) for q in latest]
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for kind, entry_id, helpful, count in rows:
            up, down = counts.get((kind, entry_id), (0, 0))
            counts[(kind, entry_id)] = (up + count, down) if helpful else (up, down + count)
        ranked = sorted(counts.items(), key=lambda item: -sum(item[1]))[:entries]
        votes = [(kind, entry_id, up, down) for (kind, entry_id), (up, down) in ranked]
        return FeedbackReport(votes, unanswered)
