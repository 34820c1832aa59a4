"""a request remembers whether it came from the emergency screen, and a hand-over waiting for the resident's
consent who proposed it (its partner, or the catch-all acting on its copy of the escalated request)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('requests') as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('handover_by', sa.String(length=40), nullable=True))
    # A question already waiting was asked in its partner's name: so it stays.
    requests = sa.table(
        'requests', sa.column('handover_to', sa.String), sa.column('handover_by', sa.String),
        sa.column('partner_id', sa.String),
    )
    op.execute(
        requests.update()
        .where(requests.c.handover_to.is_not(None))
        .values(handover_by=requests.c.partner_id)
    )


def downgrade() -> None:
    with op.batch_alter_table('requests') as batch_op:
        batch_op.drop_column('handover_by')
        batch_op.drop_column('urgent')
