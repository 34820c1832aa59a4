"""a message of a request's thread remembers whether it corrects an earlier one (`correction`: an edit, by
the partner or by her, stored as a message of its own): a partner's typo fixed in an older answer is no
answer to her later message with danger words (bot/storage/requests.py `unanswered_danger`). Messages
stored before stay unmarked: an edit among them still counts as an answer, as it did

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.add_column(sa.Column('correction', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.drop_column('correction')
