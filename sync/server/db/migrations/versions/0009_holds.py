"""Holds captured by sales: a points hold and a coupon redemption are found by their sale (voids release
them), and a coupon hold has an expiry.

Revision ID: 0009_holds
Revises: store_sale_originals
Create Date: 2026-12-02 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sync.server.db.base

revision: str = "0009_holds"
down_revision: str | None = "store_sale_originals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("points_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_holds_sale_id"), ["sale_id"], unique=False)
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", sync.server.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_coupon_redemptions_order_or_sale_id"), ["order_or_sale_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_coupon_redemptions_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_redemptions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_coupon_redemptions_order_or_sale_id"))
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("points_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_holds_sale_id"))
