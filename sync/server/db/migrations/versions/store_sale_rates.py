"""Per-rate figures of every store sale, return and void (``store_sale_rates``), recomputed by the server.

Existing rows are filled from the events that made them: a sale's figures are recomputed from its
lines with ``posapp.domain`` (rounding down, the only rounding stores had), a return's from its
refunded lines, and a void's are its sale's, negated.

Revision ID: store_sale_rates
Revises: 0005
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import sync.server.db.base

revision: str = "store_sale_rates"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_sale_rates",
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("rate", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("taxable", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["store_sales.id"], name=op.f("fk_store_sale_rates_sale_id_store_sales")
        ),
        sa.PrimaryKeyConstraint("sale_id", "rate", name=op.f("pk_store_sale_rates")),
    )
    _backfill()


def downgrade() -> None:
    op.drop_table("store_sale_rates")


def _backfill() -> None:
    bind = op.get_bind()
    events = sa.table(
        "received_events",
        sa.column("kind", sa.String()),
        sa.column("status", sa.String()),
        sa.column("payload", sync.server.db.base.JsonDoc),
    )
    sales = sa.table("store_sales", sa.column("id", sa.String()))
    rates = sa.table(
        "store_sale_rates",
        sa.column("sale_id", sa.String()),
        sa.column("rate", sa.Integer()),
        sa.column("taxable", sa.BigInteger()),
        sa.column("tax", sa.BigInteger()),
    )
    stored = set(bind.scalars(sa.select(sales.c.id)))
    by_sale: dict[str, list[dict[str, Any]]] = {}
    voids: list[tuple[str, str]] = []
    query = sa.select(events.c.kind, events.c.payload).where(events.c.status == "applied")
    for kind, payload in bind.execute(query):
        if kind == "sale.completed" and payload.get("sale_id") in stored:
            by_sale[payload["sale_id"]] = list(_sale_rates(payload))
        elif kind == "return.completed" and payload.get("return_id") in stored:
            by_sale[payload["return_id"]] = [
                {"rate": r["rate"], "taxable": -r["taxable"], "tax": -r["tax"]} for r in _return_rates(payload)
            ]
        elif kind == "sale.voided" and payload.get("void_id") in stored:
            voids.append((payload["void_id"], payload["original_sale_id"]))
    for void_id, original_id in voids:
        by_sale[void_id] = [
            {"rate": r["rate"], "taxable": -r["taxable"], "tax": -r["tax"]} for r in by_sale.get(original_id, [])
        ]
    rows = [{"sale_id": sale_id, **rate} for sale_id, figures in by_sale.items() for rate in figures]
    for start in range(0, len(rows), 5_000):
        bind.execute(sa.insert(rates), rows[start : start + 5_000])


def _sale_rates(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from posapp.domain.cart import Cart, CartLine, Discount
    from posapp.domain.errors import DomainError
    from posapp.domain.tax import TaxClass, TaxPolicy

    try:
        lines = tuple(
            CartLine(
                sku=line["sku"],
                name=line["name"],
                unit_price=line["unit_price"],
                quantity=line["quantity"],
                tax_class=TaxClass(line["tax_class"]),
                discount=Discount(amount=line.get("discount", 0)) if line.get("discount") else None,
            )
            for line in payload["lines"]
        )
        basket = payload["discount"] - sum(line.get("discount", 0) for line in payload["lines"])
        cart = Cart(
            lines=lines,
            basket_discounts=(Discount(amount=basket),) if basket else (),
            points_used=payload.get("points_used", 0),
            eat_in=payload.get("eat_in", False),
            policy=TaxPolicy(),
        )
        by_rate = cart.totals().by_rate
    except (DomainError, ValueError, KeyError, TypeError):  # impossible lines: the figures the sale claimed
        yield from ({"rate": r["rate"], "taxable": r["taxable"], "tax": r["tax"]} for r in payload["by_rate"])
        return
    yield from ({"rate": r.rate, "taxable": r.taxable, "tax": r.tax} for r in by_rate)


def _return_rates(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from posapp.domain.tax import TaxPolicy, rate_totals

    amounts: dict[int, int] = {}
    for line in payload["lines"]:
        amounts[line["rate"]] = amounts.get(line["rate"], 0) + line["amount"]
    yield from (
        {"rate": r.rate, "taxable": r.taxable, "tax": r.tax} for r in rate_totals(amounts, TaxPolicy())
    )
