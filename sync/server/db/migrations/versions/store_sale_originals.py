"""Returns and voids name their original sale (``store_sales.original_id``); a sale is voided once.

The link lets the server bound a return by what its sale has left to give back, and a partial unique
index on voids makes "voided once" hold under concurrent pushes too. Existing returns and voids are
linked from the events that made them; a second void of one sale (which older servers accepted) is
left unlinked, so the index can be built, and stays visible in the received events.

Revision ID: store_sale_originals
Revises: 0008_bigint_money
Create Date: 2026-12-02 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sync.server.db.base

revision: str = "store_sale_originals"
down_revision: str | None = "0008_bigint_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VOIDS_ONCE = "ux_store_sales_void_of_original"


def upgrade() -> None:
    op.add_column("store_sales", sa.Column("original_id", sa.String(length=36), nullable=True))
    op.create_index("ix_store_sales_original_id", "store_sales", ["original_id"])
    _backfill()
    op.create_index(
        _VOIDS_ONCE, "store_sales", ["original_id"], unique=True,
        sqlite_where=sa.text("kind = 'void'"), postgresql_where=sa.text("kind = 'void'"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index(_VOIDS_ONCE, table_name="store_sales")
    op.drop_index("ix_store_sales_original_id", table_name="store_sales")
    op.drop_column("store_sales", "original_id")


def _backfill() -> None:
    bind = op.get_bind()
    events = sa.table(
        "received_events",
        sa.column("kind", sa.String()),
        sa.column("status", sa.String()),
        sa.column("received_at", sa.DateTime()),
        sa.column("payload", sync.server.db.base.JsonDoc),
    )
    sales = sa.table("store_sales", sa.column("id", sa.String()), sa.column("original_id", sa.String()))
    rows = bind.execute(
        sa.select(events.c.kind, events.c.payload)
        .where(events.c.kind.in_(["sale.voided", "return.completed"]), events.c.status == "applied")
        .order_by(events.c.received_at)
    )
    voided: set[str] = set()
    for kind, payload in rows:
        original = payload.get("original_sale_id")
        own = payload.get("void_id" if kind == "sale.voided" else "return_id")
        if not original or not own:
            continue
        if kind == "sale.voided":
            if original in voided:
                continue
            voided.add(original)
        bind.execute(sa.update(sales).where(sales.c.id == own).values(original_id=original))
