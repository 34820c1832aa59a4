"""A resident's arrival: their row is created once and brought up to date only when something changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, update

from bot.residents import LAST_SEEN_PRECISION, Flooding, ResidentService, ResidentSettings
from bot.storage.db import Database
from bot.storage.models import Resident
from bot.storage.models.base import utcnow
from bot.storage.models.requests import Dialogue

AMINA = 4711


async def stored(database: Database) -> Resident:
    async with database.sessions() as session:
        return await session.get_one(Resident, AMINA)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_returning_resident_is_unblocked_renamed_and_seen_but_keeps_her_language(
    database: Database,
) -> None:
    residents = ResidentService(database)
    first = await residents.arrive(AMINA, language="ar", first_name="Amina", now=utcnow())
    assert (first.language, first.has_draft) == ("ar", False)
    assert (await stored(database)).first_name == "Amina"
    long_ago = utcnow() - LAST_SEEN_PRECISION - timedelta(minutes=1)
    async with database.transaction() as session:
        await session.execute(
            update(Resident).where(Resident.telegram_id == AMINA).values(blocked=True, last_seen=long_ago)
        )

    again = await residents.arrive(AMINA, language="de", first_name="Ami", now=utcnow())
    row = await stored(database)
    assert again.language == "ar"
    assert (row.language, row.first_name, row.blocked) == ("ar", "Ami", False)
    assert row.last_seen > long_ago and row.first_seen < row.last_seen

    # Without a first name (Telegram may send none) the known one stays.
    async with database.transaction() as session:
        await session.execute(update(Resident).where(Resident.telegram_id == AMINA).values(blocked=True))
    await residents.arrive(AMINA, language="de", first_name=None, now=utcnow())
    row = await stored(database)
    assert (row.first_name, row.blocked) == ("Ami", False)


async def test_an_arrival_reads_and_writes_the_resident_without_building_orm_objects(
    database: Database,
) -> None:
    """Every update arrives: its resident (and her draft) is read and upserted by Core statements, whose
    rows are all the settings need (loading Resident and Dialogue objects cost more than the statement)."""
    loaded: list[object] = []

    def load(target: object, _context: object) -> None:
        loaded.append(target)

    residents = ResidentService(database)
    for model in (Resident, Dialogue):
        event.listen(model, "load", load)
    try:
        new = await residents.arrive(AMINA, language="ar", first_name="Amina", now=utcnow())
        async with database.transaction() as session:
            session.add(Dialogue(id="d1", resident_id=AMINA, step="message", data={"parked": True}))
        parked = await residents.arrive(AMINA, language="de", first_name="Amina", now=utcnow())
        later = utcnow() + LAST_SEEN_PRECISION + timedelta(minutes=1)
        seen = await residents.arrive(AMINA, language="de", first_name="Ami", now=later)
    finally:
        for model in (Resident, Dialogue):
            event.remove(model, "load", load)
    assert loaded == []
    assert isinstance(new, ResidentSettings) and (new.language, new.has_draft) == ("ar", False)
    assert isinstance(parked, ResidentSettings) and (parked.has_draft, parked.drafting) == (True, False)
    assert isinstance(seen, ResidentSettings) and (seen.language, seen.has_draft) == ("ar", True)
    assert (await stored(database)).first_name == "Ami"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_beyond_the_flood_limit_the_arrival_carries_what_emergency_words_go_on_with(
    database: Database,
) -> None:
    """Read in the counting transaction: an emergency beyond the limit needs no second one."""
    residents = ResidentService(database, flood_limit=2)
    now = utcnow()
    arrivals = [await residents.arrive(AMINA, language="ar", first_name="Amina", now=now) for _ in range(5)]
    let_through, warned, passing, refused = arrivals[0], arrivals[2], arrivals[3], arrivals[4]
    assert isinstance(let_through, ResidentSettings) and isinstance(arrivals[1], ResidentSettings)
    assert isinstance(warned, Flooding) and isinstance(passing, Flooding) and isinstance(refused, Flooding)
    assert (warned.warn, passing.warn, refused.warn) == (True, False, False)
    assert warned.emergency_settings == passing.emergency_settings == let_through
    assert refused.emergency_settings is None and refused.language == "ar"  # beyond the limit again
