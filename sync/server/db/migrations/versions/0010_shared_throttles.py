"""Shared throttles: failed pairing and sign-in attempts are counted in the database, one row per key
and window (a millisecond: ``throttles.counter``), so every worker and instance draws on one allowance.

Revision ID: 0010_shared_throttles
Revises: 0009_holds
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_shared_throttles"
down_revision: str | None = "0009_holds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle_counts",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window", name=op.f("pk_throttle_counts")),
    )


def downgrade() -> None:
    op.drop_table("throttle_counts")
