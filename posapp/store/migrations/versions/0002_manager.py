"""The store manager's tables: reorder points for the low-stock list, and failed print jobs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reorder_points',
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('sku', name=op.f('pk_reorder_points'))
    )
    op.create_table('print_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('receipt_no', sa.String(length=30), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_failures'))
    )


def downgrade() -> None:
    op.drop_table('print_failures')
    op.drop_table('reorder_points')
