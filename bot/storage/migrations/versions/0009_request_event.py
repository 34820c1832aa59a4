"""the event a request signs up for

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('requests') as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('requests') as batch_op:
        batch_op.drop_column('event_id')
