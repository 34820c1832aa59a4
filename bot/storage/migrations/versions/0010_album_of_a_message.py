"""the album a request message belongs to

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.add_column(sa.Column('media_group', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.drop_column('media_group')
