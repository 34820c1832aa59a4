"""request ids are never used twice: SQLite gave the highest id again once that request was deleted
(/delete), and a button that carries a request's id (the partner group's "which request?" question, a card)
then acted on another resident's request. PostgreSQL's sequences never go back; SQLite needs AUTOINCREMENT,
which only a rebuilt table gets, counting on from the highest id ever seen, deleted requests included;
and a request remembers when staff were told that nobody took it on in time (`overdue_at`), apart from when
the Quartiersmanagement got a copy (`escalated_at`): for a partner reached only by e-mail the copy comes at
once, and the admin notice after the deadline was never sent

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
    sqlite = bind.dialect.name == 'sqlite'
    # Foreign keys are off during migrations (`Database.upgrade`): on SQLite, dropping the old table must not
    # cascade to the messages, links and outbox rows that refer to it. A PostgreSQL sequence never hands out
    # an id twice: only the column there.
    with op.batch_alter_table(
        'requests', recreate='always' if sqlite else 'auto', table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.add_column(sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True))
    # Requests escalated so far were told to staff then (or copied at once, as before): no second notice.
    op.execute(sa.text('UPDATE requests SET overdue_at = escalated_at'))
    if not sqlite:
        return
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
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table(
        'requests', recreate='always' if sqlite else 'auto', table_kwargs={'sqlite_autoincrement': False}
    ) as batch_op:
        batch_op.drop_column('overdue_at')
