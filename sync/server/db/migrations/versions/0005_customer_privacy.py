"""Customer privacy: the access log of customer look-ups and ``customers.erased_at`` for erasure.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sync.server.db.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_access_log",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("caller_kind", sa.String(length=10), nullable=False),
        sa.Column("caller_id", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("query", sa.String(length=64), nullable=True),
        sa.Column("at", sync.server.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_access_log_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_access_log")),
    )
    with op.batch_alter_table("customer_access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_access_log_customer_id"), ["customer_id"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", sync.server.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("customer_access_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_access_log_customer_id"))

    op.drop_table("customer_access_log")
