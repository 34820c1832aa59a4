"""an unanswered question belongs to the resident who asked it (/mydata shows it, /delete removes it)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


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


def downgrade() -> None:
    with op.batch_alter_table('unanswered_questions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_unanswered_questions_resident_id_residents'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_unanswered_questions_resident_id'))
        batch_op.drop_column('resident_id')
