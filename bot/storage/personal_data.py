"""Query functions for /mydata: everything stored about one resident. Session first; read only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models.requests import Request, RequestMessage


async def requests_of(session: AsyncSession, resident_id: int) -> Sequence[Request]:
    """All the resident's requests, open or not, oldest first."""
    result = await session.scalars(
        select(Request).where(Request.resident_id == resident_id).order_by(Request.created_at, Request.id)
    )
    return result.all()


async def messages_of(session: AsyncSession, request_ids: Sequence[int]) -> Sequence[RequestMessage]:
    """The threads of `request_ids`, in the order they were written."""
    if not request_ids:
        return []
    result = await session.scalars(
        select(RequestMessage).where(RequestMessage.request_id.in_(request_ids)).order_by(RequestMessage.id)
    )
    return result.all()
