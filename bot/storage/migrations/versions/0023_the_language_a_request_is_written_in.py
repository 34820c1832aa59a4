"""a request keeps the language her message is written in where the bot could tell it differs from her bot
language (`requests.written_in`, `bot.search.engine.SearchEngine.written_in`): the partner's card said
"Sprache: Türkisch" for Arabic she typed. Decided at "Send" from her own words and kept: the stored card
text also holds the bot's German lines (the emergency screen's, a sign-up's), which would read as hers.
Requests sent before keep none (their cards name the bot language, as before).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # In place (SQLite's ALTER TABLE ADD COLUMN): a rebuild's drop of the old table would cascade to the
    # requests' messages where foreign keys are on.
    op.add_column('requests', sa.Column('written_in', sa.String(length=16), nullable=True))


def downgrade() -> None:
    # In place, not as a batch: SQLite (3.35 and later) would otherwise rebuild the table (see upgrade).
    op.execute(sa.text('ALTER TABLE requests DROP COLUMN written_in'))
