"""a message of hers in a request's thread remembers whether it had danger words that make a request urgent
(`danger`), set when it is relayed: her unanswered such message is reminded of and escalated in one query
(bot/tickets/reminders.py), without reading the threads again. Messages stored before stay unmarked: no
reminder counts from them (a burst of reminders for old messages at the upgrade would help nobody)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.add_column(sa.Column('danger', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.drop_column('danger')
