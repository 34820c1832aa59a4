"""retired request numbers: the number of a deleted or purged request is remembered (with its partner and
whether its resident deleted it), so it is never drawn again and an e-mail reply to its signed address is
told honestly what became of it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    retired = op.create_table('retired_numbers',
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('partner_id', sa.String(length=40), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_retired_numbers'))
    )
    # The deleted requests the partner chats remember so far (their partner is not known here: an e-mail
    # to such a number bounces as "may not answer"). A number drawn again meanwhile stays with its request.
    links = sa.table('deleted_request_links', sa.column('number', sa.String))
    requests = sa.table('requests', sa.column('number', sa.String))
    op.execute(
        retired.insert().from_select(
            ['number', 'partner_id', 'deleted'],
            sa.select(links.c.number, sa.literal(''), sa.true())
            .where(links.c.number.not_in(sa.select(requests.c.number)))
            .distinct(),
        )
    )


def downgrade() -> None:
    op.drop_table('retired_numbers')
