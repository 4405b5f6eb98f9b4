"""The last customer history seen live at this terminal, kept for the counter to show offline.

Revision ID: history_cache
Revises: 0004_contacts
Create Date: 2026-12-02 20:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'history_cache'
down_revision: str | None = '0004_contacts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('history_cache',
    sa.Column('member_no', sa.String(length=20), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('member_no', name=op.f('pk_history_cache'))
    )
    op.create_index('ix_history_cache_fetched_at', 'history_cache', ['fetched_at'])


def downgrade() -> None:
    op.drop_index('ix_history_cache_fetched_at', table_name='history_cache')
    op.drop_table('history_cache')
