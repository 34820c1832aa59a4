"""/mydata: everything the bot has stored about one resident (DSGVO Art. 15, the right of access).

The domain service the handler calls; one read transaction (bot/storage/personal_data.py has the queries).
What it returns is plain data: bot/render/personal_data.py turns it into a message and a JSON file. Only the
resident's own data is included: the first names of partner staff in a thread are theirs, not the resident's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage import feedback as feedback_store
from bot.storage import personal_data as store
from bot.storage import requests as requests_store
from bot.storage.db import Database
from bot.storage.models import Resident


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """One message of a request's thread: from the resident (`to_partner`) or from the partner."""

    direction: str  # "to_partner" or "to_resident"
    kind: str  # text, photo, voice, document
    text: str | None
    file_name: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RequestRecord:
    number: str
    partner_id: str
    offer_id: str | None
    event_id: str | None
    topic_id: str | None
    district: str | None
    language: str
    status: str
    contact: str
    phone: str | None
    first_name: str
    intake: dict[str, str]
    created_at: datetime
    updated_at: datetime
    messages: tuple[ThreadMessage, ...]


@dataclass(frozen=True, slots=True)
class DraftRecord:
    """A request the resident started but did not send (deleted after the draft retention time)."""

    step: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """A 👍 (helpful) or 👎 under an answer."""

    kind: str  # offer, event, partner, faq
    entry_id: str
    helpful: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PersonalData:
    telegram_id: int
    language: str
    language_confirmed: bool
    district: str | None
    first_name: str | None
    blocked: bool
    first_seen: datetime
    last_seen: datetime
    requests: tuple[RequestRecord, ...]
    draft: DraftRecord | None
    votes: tuple[VoteRecord, ...]


class PersonalDataService:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def collect(self, telegram_id: int) -> PersonalData | None:
        """Everything stored about the resident `telegram_id`; None if the bot knows nothing about them."""
        async with self._database.sessions() as session:
            resident = await session.get(Resident, telegram_id)
            if resident is None:
                return None
            requests = await store.requests_of(session, telegram_id)
            messages = await store.messages_of(session, [r.id for r in requests])
            dialogue = await requests_store.get_dialogue(session, telegram_id)
            votes = await feedback_store.votes_of(session, telegram_id)
        threads: dict[int, list[ThreadMessage]] = {}
        for m in messages:
            threads.setdefault(m.request_id, []).append(
                ThreadMessage(m.direction.value, m.kind.value, m.text, m.file_name, m.created_at)
            )
        return PersonalData(
            telegram_id=resident.telegram_id,
            language=resident.language,
            language_confirmed=resident.language_confirmed,
            district=resident.district,
            first_name=resident.first_name,
            blocked=resident.blocked,
            first_seen=resident.first_seen,
            last_seen=resident.last_seen,
            requests=tuple(
                RequestRecord(
                    number=r.number,
                    partner_id=r.partner_id,
                    offer_id=r.offer_id,
                    event_id=r.event_id,
                    topic_id=r.topic_id,
                    district=r.district,
                    language=r.language,
                    status=r.status.value,
                    contact=r.contact.value,
                    phone=r.phone,
                    first_name=r.first_name,
                    intake=dict(r.intake or {}),
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                    messages=tuple(threads.get(r.id, ())),
                )
                for r in requests
            ),
            draft=None
            if dialogue is None
            else DraftRecord(dialogue.step, dict(dialogue.data or {}), dialogue.updated_at),
            votes=tuple(VoteRecord(v.kind, v.entry_id, v.helpful, v.created_at) for v in votes),
        )
