"""what /delete leaves behind: an unanswered question belongs to the resident who asked it (/mydata shows it,
/delete removes it); the partner-side messages of a deleted request are remembered, without anything of the
resident, so that a partner replying to them is told

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.models.base


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The questions stored so far are verbatim (phone numbers, e-mail addresses) and belong to nobody, so no
    # /delete could ever reach them: they go now instead of at the end of their 30 days.
    op.execute(sa.text('DELETE FROM unanswered_questions'))
    with op.batch_alter_table('unanswered_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resident_id', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_unanswered_questions_resident_id'), ['resident_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_unanswered_questions_resident_id_residents'),
            'residents', ['resident_id'], ['telegram_id'], ondelete='CASCADE',
        )

    op.create_table('deleted_request_links',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('message_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', 'message_id', name=op.f('pk_deleted_request_links'))
    )
    with op.batch_alter_table('deleted_request_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deleted_request_links_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deleted_request_links_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deleted_request_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deleted_request_links_request_id'))
        batch_op.drop_index(batch_op.f('ix_deleted_request_links_created_at'))

    op.drop_table('deleted_request_links')
    with op.batch_alter_table('unanswered_questions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_unanswered_questions_resident_id_residents'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_unanswered_questions_resident_id'))
        batch_op.drop_column('resident_id')
