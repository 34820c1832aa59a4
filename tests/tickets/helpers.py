"""Small steps the ticket and delivery tests share: draft a request, deliver the outbox."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from bot.delivery.worker import DeliveryWorker
from bot.storage import requests as store
from bot.storage.db import Database
from bot.storage.models.outbox import OutboxMessage
from bot.storage.models.requests import MessageKind, Request
from bot.tickets import dialogue, intake, relay
from bot.tickets.deps import Result, TicketContext
from tests.tickets.fakes import PARTNER_CHAT, RESIDENT, Clock, add_resident


@contextmanager
def sql_log(database: Database) -> Iterator[list[str]]:
    """The SQL statements `database` is sent inside the `with`, in order (what a step costs)."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


def photo(message_id: int = 77, chat_id: int = RESIDENT, caption: str | None = None) -> dialogue.Attachment:
    return dialogue.Attachment(
        kind=MessageKind.PHOTO,
        file_id=f"photo-{message_id}",
        chat_id=chat_id,
        message_id=message_id,
        mime_type="image/jpeg",
        file_size=50_000,
        caption=caption,
    )


async def start_draft(
    database: Database,
    ctx: TicketContext,
    *,
    text: str | None = "Ich möchte zum Deutschkurs <b>bitte</b>",
    attachments: Sequence[dialogue.Attachment] = (),
    offer_id: str | None = "deutschkurs",
    partner_id: str | None = None,
    resident_id: int = RESIDENT,
    language: str = "ar",
    urgent: bool = False,
) -> str:
    """A finished draft up to the consent screen (`urgent`: from the emergency screen); returns the dialogue
    id the "Send" button carries."""
    async with database.transaction() as session:
        await add_resident(session, resident_id, language=language)
        started = await intake.start(
            session, ctx, resident_id, offer_id=offer_id, partner_id=partner_id, urgent=urgent
        )
        assert started.view is not None
        events: list[dialogue.Input] = []
        if started.view.question is not None:
            events.append(dialogue.Text("2 Kinder, 3 und 5 Jahre"))
        if text:
            events.append(dialogue.Text(text))
        events += [dialogue.Attach(attachment) for attachment in attachments]
        events.append(dialogue.Press("chat"))
        for event in events:
            step = await intake.advance(session, ctx, resident_id, event)
            assert step.effect == "screen" and step.problem is None
        return started.view.dialogue_id


async def submit(database: Database, ctx: TicketContext, **kwargs: Any) -> Request:
    dialogue_id = await start_draft(database, ctx, **kwargs)
    async with database.transaction() as session:
        reply = await intake.submit(
            session, ctx, resident_id=kwargs.get("resident_id", RESIDENT), dialogue_id=dialogue_id
        )
        assert reply.effect == "sent" and reply.number is not None
        request = await store.get_request_by_number(session, reply.number)
        assert request is not None
        return request


async def outbox_rows(database: Database) -> list[OutboxMessage]:
    async with database.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def drain(worker: DeliveryWorker, clock: Clock | None = None, rounds: int = 200) -> None:
    """Run the worker until nothing is left; with a clock, jump to the next retry instead of waiting."""
    for _ in range(rounds):
        if await worker.run_once():
            continue
        rows = [r for r in await outbox_rows(worker.database) if r.status in ("pending", "sending")]
        if not rows or clock is None:
            return
        # Rows due already may wait behind an older row for the same chat: jump to the next retry time.
        clock.now = min((r.next_attempt_at for r in rows if r.next_attempt_at > clock.now), default=clock.now)
    raise AssertionError("outbox did not drain")


async def partner_says(
    session: Any,
    ctx: TicketContext,
    *,
    message_id: int,
    reply_to_message_id: int,
    text: str,
    chat_id: int = PARTNER_CHAT,
    staff_name: str = "Aylin",
    from_user_id: int | None = 42,
    **extra: Any,
) -> Result:
    """A member of the partner group (Aylin by default) replies to a message of a request's thread."""
    message = relay.GroupMessage(
        chat_id=chat_id,
        message_id=message_id,
        reply_to_message_id=reply_to_message_id,
        staff_name=staff_name,
        from_user_id=from_user_id,
        text=text,
        **extra,
    )
    return await relay.partner_reply(session, ctx, message)
