"""Customers: one record across stores and the online shop, plus free-text notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.customers.access import CustomerAccess as CustomerAccess
from sync.server.db.base import Base, UTCDateTime, utcnow

ERASED_NAME = "削除済み会員"
"""The name an erased member keeps: the record stays for sales and points, the person does not."""


class Customer(Base):
    """A member; ``merged_into_id`` points at the survivor once this record was merged away.

    ``erased_at`` is set when the member asked to be deleted: the personal fields are blanked, the
    row stays so that sales and the points ledger (kept for tax purposes) still add up.
    """

    __tablename__ = "customers"
    # Trigram indexes for the counter's search by part of a name (``ILIKE '%…%'``; migration 0004):
    # PostgreSQL only, SQLite scans the one small store it serves.
    __table_args__ = tuple(
        Index(
            f"ix_customers_{column}_trgm",
            column,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )
        for column in ("name", "name_kana")
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_no: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    name_kana: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    home_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CustomerNote(Base):
    """A note a clerk or HQ wrote about a customer."""

    __tablename__ = "customer_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    store_code: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
