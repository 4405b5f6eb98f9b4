"""Store sales, returns and voids, one row each with their lines as JSON, and their per-rate figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.base import Base, JsonDoc, UTCDateTime, utcnow


class StoreSale(Base):
    """A completed store sale (``kind='sale'``) or return (``'return'``); ``id`` is the terminal's UUIDv7."""

    __tablename__ = "store_sales"
    __table_args__ = (
        Index("ix_store_sales_sold_at", "sold_at"),
        Index("ix_store_sales_created_at", "created_at"),
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
