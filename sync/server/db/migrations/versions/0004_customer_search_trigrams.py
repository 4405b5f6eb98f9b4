"""Trigram indexes for customer search by a fragment of the name or its kana (PostgreSQL only).

``ILIKE '%…%'`` cannot use a b-tree, so every counter look-up by name scanned the whole customers
table; a chain holds hundreds of thousands of members (bench/LOAD.md). pg_trgm is a trusted
extension (PostgreSQL 13+), so the database owner can create it. SQLite keeps its table scan: the
embedded server serves one small store.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 19:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("name", "name_kana")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in INDEXED:
        op.create_index(
            f"ix_customers_{column}_trgm",
            "customers",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in INDEXED:
        op.drop_index(f"ix_customers_{column}_trgm", table_name="customers")
