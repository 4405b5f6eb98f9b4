"""Money, points and stock counts as 64-bit integers; register numbers unique per store.

A member's balance pumped to 2^31 made every later push and online order for them fail on
PostgreSQL's ``integer``; sale totals up to the protocol's bound (10^10 yen) did not fit either.
SQLite stores every ``INTEGER`` in 64 bits already, so there only the register numbers change.

Register numbers were counted at pairing time (two concurrent pairings got the same one, and past
99 every device was "99"); now each device keeps its number, unique per store by an index.

Revision ID: 0008_bigint_money
Revises: 0007_contacts
Create Date: 2026-12-02 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_bigint_money"
down_revision: str | None = "0007_contacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDENED = {
    "store_sales": ("total", "points_used", "points_earned"),
    "points_accounts": ("balance",),
    "points_entries": ("points", "balance_after"),
    "points_holds": ("points",),
    "online_orders": ("total", "points_used", "points_earned"),
    "stock_levels": ("quantity",),
    "stock_movements": ("delta", "quantity_after"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in WIDENED.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
    op.add_column("devices", sa.Column("register_no", sa.Integer(), nullable=True))
    # Existing devices keep the number they were given: their place in the store's pairing order.
    op.execute(
        """
        UPDATE devices SET register_no = (
            SELECT count(*) FROM devices AS earlier
            WHERE earlier.store_id = devices.store_id
              AND (earlier.created_at < devices.created_at
                   OR (earlier.created_at = devices.created_at AND earlier.id <= devices.id))
        )
        """
    )
    op.create_index("uq_devices_store_register_no", "devices", ["store_id", "register_no"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_devices_store_register_no", table_name="devices")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("register_no")
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in WIDENED.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
