"""a request remembers which catch-all got its card at once to pass on the answers of a partner reached only
by e-mail (`passed_on_by`): it was inferred from `overdue_at` differing from `escalated_at`, and 0016 set the
two equal for every request, so the Quartiersmanagement's passing on of such a partner's answer reached the
resident as its own answer. The copies already made are known by their card in the outbox (its dedupe key
ends with ":via:card", `notify.passes_on_copy`), sent since the request came to its current partner

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passed_on_by', sa.String(length=40), nullable=True))
    # A hand-over (or its partner's own reopening) ends the copy's role and sets `routed_at` anew: only a
    # copy made since then counts, and only while the request is still escalated.
    op.execute(
        sa.text(
            'UPDATE requests SET passed_on_by = ('
            'SELECT o.partner_id FROM outbox o WHERE o.request_id = requests.id '
            "AND o.dedupe_key LIKE '%:via:card' AND o.created_at >= requests.routed_at "
            'ORDER BY o.id DESC LIMIT 1) '
            'WHERE escalated_at IS NOT NULL'
        )
    )


def downgrade() -> None:
    # SQLite rebuilds the table: it keeps counting ids on from the highest ever used (0016).
    with op.batch_alter_table('requests', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('passed_on_by')
