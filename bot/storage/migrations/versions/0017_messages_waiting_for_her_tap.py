"""messages waiting for her tap: her question or file while she chooses her language after /delete, and her
messages under the bot's "which request?", "is this your answer?" and "reopen?", were held in memory only; a
restart (a deploy, a crash) lost them without a word

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models.base


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('waiting_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.BigInteger(), nullable=False),
    sa.Column('waits_for', sa.String(length=16), nullable=False),
    sa.Column('prompt_id', sa.BigInteger(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('attachment', sa.JSON(), nullable=True),
    sa.Column('offered', sa.JSON(), nullable=True),
    sa.Column('created_at', bot.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.telegram_id'], name=op.f('fk_waiting_messages_resident_id_residents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_messages'))
    )
    with op.batch_alter_table('waiting_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index('uq_waiting_messages_message', ['resident_id', 'waits_for', 'message_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('waiting_messages', schema=None) as batch_op:
        batch_op.drop_index('uq_waiting_messages_message')
        batch_op.drop_index(batch_op.f('ix_waiting_messages_created_at'))

    op.drop_table('waiting_messages')
