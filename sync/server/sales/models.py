"""Store sales, returns and voids, one row each with their lines as JSON, and their per-rate figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, JsonDoc, UTCDateTime, utcnow


class StoreSale(Base):
    """A completed store sale (``kind='sale'``), return (``'return'``) or void (``'void'``).

    ``id`` is the terminal's UUIDv7; a return or void names its sale in ``original_id``. The figures
    are the server's (recomputed from the lines), never the terminal's claims.
    """

    __tablename__ = "store_sales"
    __table_args__ = (
        Index("ix_store_sales_sold_at", "sold_at"),
        Index("ix_store_sales_created_at", "created_at"),
        Index("ix_store_sales_original_id", "original_id"),
        # A sale is voided once, even when two pushes race (see the trust model in docs/sync.md).
        Index(
            "ux_store_sales_void_of_original",
            "original_id",
            unique=True,
            sqlite_where=text("kind = 'void'"),
            postgresql_where=text("kind = 'void'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="sale")
    receipt_no: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime)
    total: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    points_used: Mapped[int] = mapped_column(BigInteger, default=0)
    points_earned: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    original_id: Mapped[str | None] = mapped_column(String(36), default=None)


class StoreSaleRate(Base):
    """The server's figures of one rate of a sale, return or void: what was sold at ``rate`` % and its tax.

    Recomputed by the server from the lines under the store's rounding (never the terminal's claim);
    a return's and a void's rows are negative, so a period's rows add up to its net taxable sales.
    """

    __tablename__ = "store_sale_rates"

    sale_id: Mapped[str] = mapped_column(ForeignKey("store_sales.id"), primary_key=True)
    rate: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    taxable: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
