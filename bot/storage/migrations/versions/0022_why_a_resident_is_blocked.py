"""a resident flagged `blocked` keeps why (`blocked_reason`: "blocked", she blocked the bot; "gone", her
Telegram account or chat no longer exists), set and cleared with the flag by the delivery worker and her
next message. Before, partners were told the reason read back from her latest refused outbox row, which the
retention purge deletes: after it, a resident whose account is gone was told of as having blocked the bot.

Residents blocked before are given the reason their latest refused message still tells (Telegram's error
in `last_error`, matched as `bot.delivery.worker.chat_gone` did at the time: "chat not found", "user is
deactivated" mean "gone"); one whose refused messages were purged already counts as "blocked", which is
what partners were told of her until now. Cheap: only blocked residents are looked at, each through the
outbox's (channel, target, id) index. Residents not blocked get none

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 03:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Her latest message Telegram refused for good (where the bot looked for the reason before 0022).
LAST_REFUSAL = (
    "(SELECT lower(outbox.last_error) FROM outbox WHERE outbox.channel = 'telegram' "
    "AND outbox.target = CAST(residents.telegram_id AS VARCHAR(32)) AND outbox.status = 'failed' "
    "AND outbox.last_error IS NOT NULL ORDER BY outbox.id DESC LIMIT 1)"
)


def upgrade() -> None:
    # Added in place (SQLite's ALTER TABLE ADD COLUMN): the table is not rebuilt (a rebuild's drop of the old
    # copy would cascade to her requests and waiting messages where foreign keys are on).
    op.add_column(
        'residents',
        sa.Column(
            'blocked_reason',
            sa.Enum('blocked', 'gone', name='blockedreason', native_enum=False, length=16),
            nullable=True,
        ),
    )
    op.execute(
        sa.text(
            f"UPDATE residents SET blocked_reason = CASE WHEN {LAST_REFUSAL} LIKE '%chat not found%' "
            f"OR {LAST_REFUSAL} LIKE '%user is deactivated%' THEN 'gone' ELSE 'blocked' END WHERE blocked"
        )
    )


def downgrade() -> None:
    # In place, not as a batch: SQLite (3.35 and later) would otherwise rebuild the table (see upgrade).
    op.execute(sa.text('ALTER TABLE residents DROP COLUMN blocked_reason'))
