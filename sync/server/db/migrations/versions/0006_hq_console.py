"""HQ console: users, sessions, audit log; store address and receipt texts; what terminals report;
scheduled price changes; resolutions of dead letters and flagged events; store sales summed per day.

Revision ID: 0006_hq_console
Revises: store_sale_rates
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sync.server.db.base

revision: str = "0006_hq_console"
down_revision: str | None = "store_sale_rates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sync.server.db.base.UTCDateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "hq_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_login_at", UTC, nullable=True),
        sa.Column("disabled_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_users")),
        sa.UniqueConstraint("username", name=op.f("uq_hq_users_username")),
    )
    op.create_table(
        "hq_user_stores",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["hq_users.id"], name=op.f("fk_hq_user_stores_user_id_hq_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_hq_user_stores_store_id_stores")),
        sa.PrimaryKeyConstraint("user_id", "store_id", name=op.f("pk_hq_user_stores")),
    )
    op.create_table(
        "hq_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_seen_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["hq_users.id"], name=op.f("fk_hq_sessions_user_id_hq_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_hq_sessions")),
    )
    op.create_index(op.f("ix_hq_sessions_user_id"), "hq_sessions", ["user_id"], unique=False)
    op.create_table(
        "hq_audit_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("detail", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["hq_users.id"], name=op.f("fk_hq_audit_log_user_id_hq_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_audit_log")),
    )
    op.create_index("ix_hq_audit_log_at", "hq_audit_log", ["at"], unique=False)
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("receipt_header", sa.String(length=500), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("receipt_footer", sa.String(length=500), nullable=False, server_default=""))
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_version", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pending_events", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("feed_position", sa.BigInteger(), nullable=True))
    op.create_table(
        "price_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("applied_at", UTC, nullable=True),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_price_changes_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_changes")),
    )
    op.create_index(op.f("ix_price_changes_product_id"), "price_changes", ["product_id"], unique=False)
    op.create_index("ix_price_changes_due", "price_changes", ["applied_at", "effective_on"], unique=False)
    op.create_table(
        "event_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("resolved_by", sa.String(length=40), nullable=False),
        sa.Column("resolved_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_resolutions")),
        sa.UniqueConstraint("kind", "ref", name=op.f("uq_event_resolutions_kindref")),
    )
    # The reports read sales by time within a store, and the ones received since the day tables' mark.
    op.create_index("ix_store_sales_sold_at", "store_sales", ["sold_at"], unique=False)
    op.create_index("ix_store_sales_created_at", "store_sales", ["created_at"], unique=False)
    op.create_table(
        "sales_days",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False)
          for name in ("receipts", "sales", "returns", "voids", "points_issued", "points_used")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_sales_days_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "day", name=op.f("pk_sales_days")),
    )
    op.create_table(
        "sales_day_rates",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rate", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("taxable", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_sales_day_rates_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "day", "rate", name=op.f("pk_sales_day_rates")),
    )
    op.create_table(
        "sales_days_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("covered_before", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_days_mark")),
    )


def downgrade() -> None:
    op.drop_table("sales_days_mark")
    op.drop_table("sales_day_rates")
    op.drop_table("sales_days")
    op.drop_index("ix_store_sales_created_at", table_name="store_sales")
    op.drop_index("ix_store_sales_sold_at", table_name="store_sales")
    op.drop_table("event_resolutions")
    op.drop_index("ix_price_changes_due", table_name="price_changes")
    op.drop_index(op.f("ix_price_changes_product_id"), table_name="price_changes")
    op.drop_table("price_changes")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("feed_position")
        batch_op.drop_column("pending_events")
        batch_op.drop_column("client_version")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("receipt_footer")
        batch_op.drop_column("receipt_header")
        batch_op.drop_column("address")
    op.drop_index("ix_hq_audit_log_at", table_name="hq_audit_log")
    op.drop_table("hq_audit_log")
    op.drop_index(op.f("ix_hq_sessions_user_id"), table_name="hq_sessions")
    op.drop_table("hq_sessions")
    op.drop_table("hq_user_stores")
    op.drop_table("hq_users")
