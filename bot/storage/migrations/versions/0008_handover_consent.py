"""a hand-over that waits for the resident's consent

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('requests') as batch_op:
        batch_op.add_column(sa.Column('handover_to', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('requests') as batch_op:
        batch_op.drop_column('handover_to')
