"""the flood counter without its warned flag (the first refused message of a window is the count just past
the limit: one upsert decides)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('flood_counters') as batch_op:
        batch_op.drop_column('warned')


def downgrade() -> None:
    with op.batch_alter_table('flood_counters') as batch_op:
        batch_op.add_column(sa.Column('warned', sa.Boolean(), nullable=False, server_default=sa.false()))
