"""request ids are never used twice: SQLite gave the highest id again once that request was deleted
(/delete), and a button that carries a request's id (the partner group's "which request?" question, a card)
then acted on another resident's request. PostgreSQL's sequences never go back; SQLite needs AUTOINCREMENT,
which only a rebuilt table gets, counting on from the highest id ever seen, deleted requests included

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return  # a PostgreSQL sequence never hands out an id twice
    # Foreign keys are off during migrations (`Database.upgrade`): dropping the old table must not cascade
    # to the messages, links and outbox rows that refer to it.
    with op.batch_alter_table(
        'requests', recreate='always', table_kwargs={'sqlite_autoincrement': True}
    ):
        pass
    # The copy set the counter to the highest id still there; a deleted request's id may be higher, and its
    # cards' buttons in the partner groups still carry it.
    highest = bind.execute(
        sa.text(
            'SELECT max(coalesce((SELECT max(id) FROM requests), 0), '
            'coalesce((SELECT max(request_id) FROM deleted_request_links), 0))'
        )
    ).scalar()
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'requests'"))
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('requests', :seq)"), {'seq': highest or 0}
    )
    broken = bind.execute(sa.text('PRAGMA foreign_key_check')).fetchall()
    if broken:
        raise RuntimeError(f'rows refer to rows that are gone: {broken[:5]}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table(
        'requests', recreate='always', table_kwargs={'sqlite_autoincrement': False}
    ):
        pass
