"""a vote counts once per resident and entry

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Votes given before stay, anonymous (resident_id NULL: the unique constraint does not apply to them).
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resident_id', sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_answer_feedback_resident_id_residents'),
            'residents', ['resident_id'], ['telegram_id'], ondelete='CASCADE',
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_answer_feedback_resident_id'), ['resident_id', 'kind', 'entry_id']
        )


def downgrade() -> None:
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_answer_feedback_resident_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_answer_feedback_resident_id_residents'), type_='foreignkey')
        batch_op.drop_column('resident_id')
