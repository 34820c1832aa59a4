"""a request remembers when its resident was told that the time she was promised an answer within passed
without one (`late_notice_at`, bot/tickets/reminders.py): she is told once, and a restart or a second bot
process tells her no second time. Requests stored before stay unmarked: the job tells only those whose
time passed within the last day (`reminders.LATE_NOTICE_WINDOW`), so the first round after the upgrade sends
no flood for requests long overdue (the content's response_hours, which the time depends on, are not known
here)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added in place (SQLite's ALTER TABLE ADD COLUMN): the table is not rebuilt.
    op.add_column('requests', sa.Column('late_notice_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # In place, not as a batch: SQLite (3.35 and later) would otherwise rebuild the table, and dropping its
    # old copy cascades to the request's messages where foreign keys are on, and resets its id counter.
    op.execute(sa.text('ALTER TABLE requests DROP COLUMN late_notice_at'))
