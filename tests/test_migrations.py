"""Schema migrations: a new database is migrated to head; one already at head is left alone."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.db import HEAD_REVISION, alembic_config, create_database, current_revision

# On both databases: each database's own schema changes (tests/conftest.py).
pytestmark = pytest.mark.db_behaviour

# The resident (id 1) the requests of the data migrations below belong to.
ONE_RESIDENT = text(
    "INSERT INTO residents (telegram_id, language, language_confirmed, blocked, first_seen, last_seen) "
    "VALUES (1, 'de', true, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


async def back_to(conn: AsyncConnection, revision: str) -> None:
    """Take the database down to `revision`, to fill in rows as they were stored then."""
    await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


def test_head_revision_constant_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


async def test_upgrade_migrates_a_database_behind_head_and_skips_one_at_head(empty_database_url: str) -> None:
    db = create_database(empty_database_url)
    try:
        async with db.engine.begin() as conn:
            assert await conn.run_sync(current_revision) is None
        await db.upgrade()
        async with db.engine.begin() as conn:
            assert await conn.run_sync(current_revision) == HEAD_REVISION
            # Take the database two migrations back: the next start upgrades it again.
            await back_to(conn, "0002")
            assert await conn.run_sync(current_revision) == "0002"
        await db.upgrade()
        async with db.engine.begin() as conn:
            assert await conn.run_sync(current_revision) == HEAD_REVISION
            rows: Any = await conn.execute(text("SELECT count(*) FROM answer_feedback"))
            assert rows.scalar() == 0
            rows = await conn.execute(text("SELECT count(*) FROM inbox"))
            assert rows.scalar() == 0
        await db.upgrade()  # at head: nothing to do
    finally:
        await db.dispose()


async def test_the_migrations_build_exactly_the_models_tables(empty_database_url: str) -> None:
    """A model changed without a migration (or the other way round) is caught here, on both databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.storage.models import Base

    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
        assert diff == []
    finally:
        await db.dispose()


async def test_upgrading_to_0012_drops_the_verbatim_questions_nobody_could_have_deleted(
    empty_database_url: str,
) -> None:
    """Before 0012 a question was stored as typed and linked to nobody: no /delete could reach it."""
    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await back_to(conn, "0011")
            await conn.execute(
                text(
                    "INSERT INTO unanswered_questions (text, language, created_at) "
                    "VALUES ('Tel 0151 2345678', 'de', CURRENT_TIMESTAMP)"
                )
            )
        await db.upgrade()
        async with db.engine.begin() as conn:
            rows: Any = await conn.execute(text("SELECT count(*) FROM unanswered_questions"))
            assert rows.scalar() == 0
    finally:
        await db.dispose()


async def test_upgrading_to_0014_keeps_requests_ordinary_and_a_waiting_hand_over_in_its_partners_name(
    empty_database_url: str,
) -> None:
    """A request sent before 0014 was not marked urgent in the table (the card said it); a hand-over question
    already waiting was asked in its partner's name, and is answered in it."""
    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await back_to(conn, "0013")
            await conn.execute(ONE_RESIDENT)
            for number, handover_to in (("100001", "'quartier'"), ("100002", "NULL")):
                await conn.execute(
                    text(
                        "INSERT INTO requests (number, resident_id, partner_id, language, status, contact, "
                        "intake, first_name, created_at, updated_at, routed_at, handover_to) VALUES "
                        f"('{number}', 1, 'bildung', 'de', 'open', 'chat', '{{}}', 'Amal', "
                        f"CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, {handover_to})"
                    )
                )
        await db.upgrade()
        async with db.engine.begin() as conn:
            rows: Any = await conn.execute(
                text("SELECT number, urgent, handover_by FROM requests ORDER BY number")
            )
            assert [tuple(row) for row in rows] == [("100001", False, "bildung"), ("100002", False, None)]
    finally:
        await db.dispose()


async def test_upgrading_to_0015_names_the_organisation_of_messages_only_where_it_is_certain(
    empty_database_url: str,
) -> None:
    """A request that never left its partner had its messages with it; after a hand-over (or an escalation)
    nobody knows which organisation wrote what, and the bot's own hand-over question was no organisation's."""
    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await back_to(conn, "0014")
            await conn.execute(ONE_RESIDENT)
            for rid, number, handed_over_from in ((1, "100001", "NULL"), (2, "100002", "'sos'")):
                await conn.execute(
                    text(
                        "INSERT INTO requests (id, number, resident_id, partner_id, language, status, "
                        "contact, intake, first_name, created_at, updated_at, routed_at, handed_over_from) "
                        "VALUES "
                        f"({rid}, '{number}', 1, 'bildung', 'de', 'open', 'chat', '{{}}', 'Amal', "
                        f"CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, {handed_over_from})"
                    )
                )
            for mid, rid, direction, author in (
                (1, 1, "to_partner", "NULL"),
                (2, 1, "to_resident", "'Petra'"),
                (3, 1, "to_resident", "'Quartiersbot'"),
                (4, 2, "to_resident", "'Petra'"),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO request_messages (id, request_id, direction, kind, text, author, "
                        f"created_at) VALUES ({mid}, {rid}, '{direction}', 'text', 'x', {author}, "
                        "CURRENT_TIMESTAMP)"
                    )
                )
        await db.upgrade()
        async with db.engine.begin() as conn:
            rows: Any = await conn.execute(text("SELECT id, partner_id FROM request_messages ORDER BY id"))
            assert [tuple(row) for row in rows] == [(1, "bildung"), (2, "bildung"), (3, None), (4, None)]
    finally:
        await db.dispose()


async def test_upgrading_to_0016_keeps_every_request_and_never_gives_a_deleted_requests_id_again(
    empty_database_url: str,
) -> None:
    """Before 0016 SQLite gave the highest id again once its request was deleted: a button in a partner group
    carrying that id then acted on another resident's request. The rebuilt table keeps every request with
    its messages and links (no cascade), and counts on from the highest id ever used, a deleted one too."""
    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await back_to(conn, "0015")
            await conn.execute(ONE_RESIDENT)
            await conn.execute(
                text(
                    "INSERT INTO requests (id, number, resident_id, partner_id, language, status, urgent, "
                    "contact, intake, first_name, created_at, updated_at, routed_at) VALUES (4, '100004', 1, "
                    "'bildung', 'de', 'open', false, 'chat', '{}', 'Amal', CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO request_messages (id, request_id, direction, kind, text, created_at) "
                    "VALUES (1, 4, 'to_partner', 'text', 'x', CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO thread_links (chat_id, message_id, request_id, role, created_at) "
                    "VALUES (-100, 7, 4, 'card', CURRENT_TIMESTAMP)"
                )
            )
            # Request 5 was deleted by its resident; its card in the group still carries id 5.
            await conn.execute(
                text(
                    "INSERT INTO deleted_request_links (chat_id, message_id, request_id, number, created_at) "
                    "VALUES (-100, 8, 5, '100005', CURRENT_TIMESTAMP)"
                )
            )
        await db.upgrade()
        async with db.engine.begin() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM request_messages"))).scalar() == 1
            assert (await conn.execute(text("SELECT count(*) FROM thread_links"))).scalar() == 1
            await conn.execute(text("DELETE FROM requests WHERE id = 4"))  # /delete (the cascade works again)
            assert (await conn.execute(text("SELECT count(*) FROM thread_links"))).scalar() == 0
            new: Any = await conn.execute(
                text(
                    "INSERT INTO requests (number, resident_id, partner_id, language, status, urgent, "
                    "contact, intake, first_name, created_at, updated_at, routed_at) VALUES ('100006', 1, "
                    "'bildung', 'de', 'open', false, 'chat', '{}', 'Olga', CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
                )
            )
            new_id = new.scalar()
            if db.engine.dialect.name == "sqlite":
                assert new_id == 6
    finally:
        await db.dispose()


async def test_upgrading_to_0018_keeps_the_quartiersmanagement_passing_on_a_copy_it_got_at_once(
    empty_database_url: str,
) -> None:
    """Before 0018 a request whose card the Quartiersmanagement got at once, to pass on the answers of a
    partner reached only by e-mail, was known by `overdue_at` differing from `escalated_at`; 0016 set the two
    equal for every request, and its passing on reached the resident as its own answer. The copy's card in
    the outbox tells it: not for an ordinary escalation, nor for a copy made before a hand-over."""
    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await back_to(conn, "0017")
            await conn.execute(ONE_RESIDENT)
            # 1: copied at once (as 0016 left it); 2: escalated; 3: copied at once, then handed over on
            # 2026-12-03 and escalated later; 4: never escalated.
            for rid, routed, escalated in (
                (1, "2026-12-01 10:00:00", "'2026-12-01 10:00:00'"),
                (2, "2026-12-01 10:00:00", "'2026-12-04 10:00:00'"),
                (3, "2026-12-03 10:00:00", "'2026-12-06 10:00:00'"),
                (4, "2026-12-01 10:00:00", "NULL"),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO requests (id, number, resident_id, partner_id, language, status, "
                        "urgent, contact, intake, first_name, created_at, updated_at, routed_at, "
                        f"escalated_at, overdue_at) VALUES ({rid}, '10000{rid}', 1, 'kurse', 'de', 'open', "
                        f"false, 'chat', '{{}}', 'Lena', '{routed}', '{routed}', '{routed}', {escalated}, "
                        f"{escalated})"
                    )
                )
            for oid, rid, key, partner in (
                (1, 1, "req:1:to:kurse:0:card", "kurse"),
                (2, 1, "req:1:to:kurse:0:via:card", "quartier"),
                (3, 2, "req:2:escalate:1764583200.0:card", "quartier"),
                (4, 3, "req:3:to:kurse:0:via:card", "quartier"),
            ):
                created = "2026-12-01 10:00:01"
                await conn.execute(
                    text(
                        "INSERT INTO outbox (id, channel, target, audience, partner_id, method, payload, "
                        "request_id, status, attempts, next_attempt_at, dedupe_key, created_at) VALUES "
                        f"({oid}, 'telegram', '-100', 'partner', '{partner}', 'sendMessage', '{{}}', {rid}, "
                        f"'sent', 1, '{created}', '{key}', '{created}')"
                    )
                )
        await db.upgrade()
        async with db.engine.begin() as conn:
            rows: Any = await conn.execute(text("SELECT id, passed_on_by FROM requests ORDER BY id"))
            assert [tuple(row) for row in rows] == [(1, "quartier"), (2, None), (3, None), (4, None)]
    finally:
        await db.dispose()


async def test_upgrading_to_0019_keeps_the_messages_and_marks_none_as_danger(empty_database_url: str) -> None:
    """Messages stored before 0019 are not known to have had danger words: no reminder counts from them (a
    burst of reminders for old messages at the upgrade would help nobody); a downgrade keeps them too."""
    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await back_to(conn, "0018")
            await conn.execute(ONE_RESIDENT)
            await conn.execute(
                text(
                    "INSERT INTO requests (id, number, resident_id, partner_id, language, status, urgent, "
                    "contact, intake, first_name, created_at, updated_at, routed_at) VALUES (1, '100001', 1, "
                    "'bildung', 'de', 'answered', true, 'chat', '{}', 'Amal', CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO request_messages (id, request_id, direction, kind, text, partner_id, "
                    "created_at) VALUES (1, 1, 'to_partner', 'text', 'x', 'bildung', CURRENT_TIMESTAMP)"
                )
            )
        await db.upgrade()
        async with db.engine.begin() as conn:
            rows: Any = await conn.execute(text("SELECT id, danger FROM request_messages"))
            assert [tuple(row) for row in rows] == [(1, False)]
            await back_to(conn, "0018")
            assert (await conn.execute(text("SELECT count(*) FROM request_messages"))).scalar() == 1
    finally:
        await db.dispose()


async def test_upgrading_to_0022_keeps_why_a_blocked_resident_is_blocked(empty_database_url: str) -> None:
    """Before 0022 why a resident was flagged `blocked` was read from her latest refused outbox row. The
    upgrade keeps what that row tells (her account gone, or she blocked the bot; the latest refusal counts);
    one whose refused rows were purged already counts as having blocked the bot, as she was told of before;
    a resident not blocked gets no reason. A downgrade keeps every resident."""
    db = create_database(empty_database_url)
    try:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await back_to(conn, "0021")
            # 1: account gone (refused earlier as blocked); 2: blocked; 3: blocked, refusals purged;
            # 4: account gone, but not blocked any more (she wrote again since).
            for resident, blocked in ((1, "true"), (2, "true"), (3, "true"), (4, "false")):
                await conn.execute(
                    text(
                        "INSERT INTO residents (telegram_id, language, language_confirmed, blocked, "
                        f"first_seen, last_seen) VALUES ({resident}, 'de', true, {blocked}, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
            for oid, target, status, error in (
                (1, "1", "failed", "Forbidden: bot was blocked by the user"),
                (2, "1", "failed", "BadRequest: Chat not found"),
                (3, "1", "sent", None),
                (4, "2", "failed", "Forbidden: user is deactivated"),
                (5, "2", "failed", "Forbidden: bot was blocked by the user"),
                (6, "4", "failed", "Forbidden: user is deactivated"),
                (7, "-100", "failed", "BadRequest: chat not found"),  # a group's, not a resident's
            ):
                await conn.execute(
                    text(
                        "INSERT INTO outbox (id, channel, target, audience, method, payload, status, "
                        "attempts, next_attempt_at, last_error, dedupe_key, created_at) VALUES "
                        f"({oid}, 'telegram', '{target}', 'resident', 'sendMessage', '{{}}', '{status}', 1, "
                        f"CURRENT_TIMESTAMP, :error, 'k{oid}', CURRENT_TIMESTAMP)"
                    ),
                    {"error": error},
                )
        await db.upgrade()
        async with db.engine.begin() as conn:
            rows: Any = await conn.execute(
                text("SELECT telegram_id, blocked, blocked_reason FROM residents ORDER BY telegram_id")
            )
            assert [tuple(row) for row in rows] == [
                (1, True, "gone"),
                (2, True, "blocked"),
                (3, True, "blocked"),
                (4, False, None),
            ]
            await back_to(conn, "0021")
            assert (await conn.execute(text("SELECT count(*) FROM residents"))).scalar() == 4
    finally:
        await db.dispose()
