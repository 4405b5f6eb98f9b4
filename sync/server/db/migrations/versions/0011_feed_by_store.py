"""The change log indexed by store and id: a pull can tell in two index probes whether anything for
its store (or the whole chain) was written after its cursor, however busy the other stores are.
The index on ``store_code`` alone is its prefix, so it goes.

Revision ID: 0011_feed_by_store
Revises: 0010_shared_throttles
Create Date: 2026-12-03 17:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_feed_by_store"
down_revision: str | None = "0010_shared_throttles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_change_log_store_code_id", "change_log", ["store_code", "id"], unique=False)
    op.drop_index("ix_change_log_store_code", table_name="change_log")


def downgrade() -> None:
    op.create_index("ix_change_log_store_code", "change_log", ["store_code"], unique=False)
    op.drop_index("ix_change_log_store_code_id", table_name="change_log")
