"""a message of a request's thread remembers its organisation: the partner that wrote it (a partner's
message) or that held the request when she wrote it (hers), so a card posted later labels each line with
the right organisation and a hand-over's card shows only the conversation with the organisation she agreed to

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.add_column(sa.Column('partner_id', sa.String(length=40), nullable=True))
    # A request never handed over, re-routed or escalated had one organisation all along: its messages were
    # with it (the bot's own hand-over questions excepted). Others stay unknown (a neutral label).
    requests = sa.table(
        'requests', sa.column('id', sa.Integer), sa.column('partner_id', sa.String),
        sa.column('handed_over_from', sa.String), sa.column('escalated_at', sa.DateTime),
    )
    messages = sa.table(
        'request_messages', sa.column('request_id', sa.Integer), sa.column('partner_id', sa.String),
        sa.column('author', sa.String),
    )
    partner = (
        sa.select(requests.c.partner_id)
        .where(
            requests.c.id == messages.c.request_id,
            requests.c.handed_over_from.is_(None),
            requests.c.escalated_at.is_(None),
        )
        .scalar_subquery()
    )
    op.execute(
        messages.update()
        .where(sa.or_(messages.c.author.is_(None), messages.c.author != 'Quartiersbot'))
        .values(partner_id=partner)
    )


def downgrade() -> None:
    with op.batch_alter_table('request_messages') as batch_op:
        batch_op.drop_column('partner_id')
