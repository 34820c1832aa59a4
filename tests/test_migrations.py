"""Schema migrations: a new database is migrated to head; one already at head is left alone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.storage.db import HEAD_REVISION, alembic_config, create_database, current_revision


def test_head_revision_constant_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


async def test_upgrade_migrates_a_database_behind_head_and_skips_one_at_head(database_url: str) -> None:
    db = create_database(database_url)
    try:
        async with db.engine.begin() as conn:
            assert await conn.run_sync(current_revision) is None
        await db.upgrade()
        async with db.engine.begin() as conn:
            assert await conn.run_sync(current_revision) == HEAD_REVISION
            # Pretend the database is one migration behind: the next start upgrades it again.
            await conn.execute(text("DROP TABLE answer_feedback"))
            await conn.execute(text("DROP TABLE unanswered_questions"))
            await conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))
        await db.upgrade()
        async with db.engine.begin() as conn:
            assert await conn.run_sync(current_revision) == HEAD_REVISION
            rows: Any = await conn.execute(text("SELECT count(*) FROM answer_feedback"))
            assert rows.scalar() == 0
        await db.upgrade()  # at head: nothing to do
    finally:
        await db.dispose()
