"""How much the growing tables grew during a run: rows and on-disk bytes, per row and per sale.

``pg_total_relation_size`` counts the heap, its indexes and TOAST, so the bytes per row are what a
row really costs on disk (after the run's updates and before any vacuum reclaims dead tuples); the
capacity plan (docs/capacity.md) multiplies them by a chain's yearly volume.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

GROWING = (
    "store_sales",
    "store_sale_rates",
    "stock_movements",
    "points_entries",
    "change_log",
    "received_events",
    "online_orders",
    "customer_access_log",
    "sales_days",
    "sales_day_rates",
)


@dataclass(frozen=True, slots=True)
class TableSize:
    """Row count and total bytes (heap + indexes + TOAST) of one table."""

    rows: int
    bytes: int


def table_sizes(url: str, tables: tuple[str, ...] = GROWING) -> dict[str, TableSize]:
    """The row count and ``pg_total_relation_size`` of each table that exists (others are left out)."""
    engine = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    sizes = {}
    with engine.connect() as connection:
        for table in tables:
            if connection.scalar(text("SELECT to_regclass(:t)"), {"t": table}) is None:
                continue
            rows = int(connection.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)
            size = int(connection.scalar(text("SELECT pg_total_relation_size(:t)"), {"t": table}) or 0)
            sizes[table] = TableSize(rows, size)
    engine.dispose()
    return sizes


def growth_table(before: dict[str, TableSize], after: dict[str, TableSize]) -> str:
    """Markdown: rows and bytes each table gained, per row and per stored sale."""
    sales = after["store_sales"].rows - before["store_sales"].rows if "store_sales" in after else 0
    lines = [
        f"Table growth during the run ({sales} sales stored; bytes = `pg_total_relation_size`, "
        "heap + indexes + TOAST):",
        "",
        "| table | rows added | MB added | bytes/row | rows/sale | bytes/sale |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for table, size in after.items():
        was = before.get(table, TableSize(0, 0))
        rows, grown = size.rows - was.rows, size.bytes - was.bytes
        per_row = f"{grown / rows:.0f}" if rows > 0 else "–"
        per_sale = (f"{rows / sales:.2f}", f"{grown / sales:.0f}") if sales else ("–", "–")
        lines.append(
            f"| `{table}` | {rows} | {grown / 1e6:.1f} | {per_row} | {per_sale[0]} | {per_sale[1]} |"
        )
    return "\n".join(lines)
