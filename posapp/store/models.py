"""The terminal's SQLite schema: cached master data, the terminal's own facts, and the outbox.

Cache tables hold what the server sends down (products, customers, stock, clerks, settings) with the
change-feed version that last wrote each row, so a replayed pull page is harmless. Fact tables hold
what happened at this counter; they are append-only except for flags (a void marks its original).
Money is an integer of yen; times are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sync.sqltypes import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


# ---- cached master data -------------------------------------------------------------------------


class Product(Base):
    """A catalog item with its tax-inclusive price; ``item_code`` ties it to in-store labels."""

    __tablename__ = "products"
    # A unique index rather than a table constraint: a catalog download loads a bare table and builds
    # its indexes once, at the end (``posapp.store.catalog_load``).
    __table_args__ = (Index("uq_products_sku", "sku", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40))
    jan: Mapped[str | None] = mapped_column(String(13), index=True)
    item_code: Mapped[str | None] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str] = mapped_column(String(200), default="")
    price: Mapped[int]
    tax_class: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=0)


class Customer(Base):
    """A customer of interest to this store; ``server_id`` is empty for a member registered offline."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int | None] = mapped_column(unique=True)
    member_no: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    rank: Mapped[str] = mapped_column(String(20), default="")
    points_balance: Mapped[int] = mapped_column(default=0)
    balance_as_of: Mapped[datetime | None]
    last_visit: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=0)


class Contact(Base):
    """A member's complaint, inquiry, return request or compliment that is not resolved yet.

    Either taken here (``server_id`` empty until the feed brings it back) or cached from the feed
    for this store's members; resolved ones leave the cache.
    """

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int | None] = mapped_column(unique=True)
    contact_id: Mapped[str] = mapped_column(String(64), index=True)
    member_no: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(12))
    taken_by: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(4000), default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=0)


class StockLevel(Base):
    """Stock of one SKU at one location (this store, another store, or the online warehouse)."""

    __tablename__ = "stock_levels"

    location: Mapped[str] = mapped_column(String(20), primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    quantity: Mapped[int]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=0)


class Clerk(Base):
    """A clerk of this store; the PIN hash comes from the server so sign-in works offline."""

    __tablename__ = "clerks"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=0)


class Setting(Base):
    """One store or terminal setting, JSON-valued; the typed view lives in ``posapp.store.settings``."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class HistoryCacheRow(Base):
    """The last history of a member seen live at this terminal (``sync.protocol.live.HistoryEntry``
    documents), shown offline with its age; the oldest are dropped past a limit (personal data)."""

    __tablename__ = "history_cache"

    member_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column(index=True)
    entries: Mapped[list[Any]] = mapped_column(JSON)


class InStoreLayoutRow(Base):
    """An in-store barcode prefix and how its digits are laid out."""

    __tablename__ = "in_store_layouts"

    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    item_digits: Mapped[int] = mapped_column(default=5)
    price_digits: Mapped[int] = mapped_column(default=4)
    price_check: Mapped[bool] = mapped_column(default=True)


class SyncState(Base):
    """The pull cursor with its server epoch, and what the sync agent last saw (one row)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    cursor: Mapped[int] = mapped_column(default=0)
    epoch: Mapped[str] = mapped_column(String(64), default="")
    last_push_at: Mapped[datetime | None]
    last_pull_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    online: Mapped[bool] = mapped_column(default=False)


class CatalogLoad(Base):
    """A catalog download in progress (one row, absent when none is): into ``products_load`` and its
    indexes, swapped into place when the feed is drained. The pull cursor moves with each page, so a
    download cut short resumes where it stopped; ``rows_total`` is what the server said was left."""

    __tablename__ = "catalog_load"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    resync: Mapped[bool] = mapped_column(default=False)


# ---- the terminal's own facts -------------------------------------------------------------------


class Counter(Base):
    """Gapless sequences (receipt numbers, Z numbers, outbox sequence), advanced inside the same
    transaction as the fact that uses the number, so a rollback gives the number back."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Sale(Base):
    """A completed sale, void or return, as printed on its receipt."""

    __tablename__ = "sales"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # sale | void | return
    receipt_no: Mapped[str] = mapped_column(String(30), unique=True)
    receipt_seq: Mapped[int] = mapped_column(unique=True)
    business_day: Mapped[date] = mapped_column(Date, index=True)
    at: Mapped[datetime]
    clerk_code: Mapped[str] = mapped_column(String(20))
    approved_by: Mapped[str | None] = mapped_column(String(20))
    member_no: Mapped[str | None] = mapped_column(String(20), index=True)
    eat_in: Mapped[bool] = mapped_column(default=False)
    subtotal: Mapped[int]
    discount: Mapped[int] = mapped_column(default=0)
    points_discount: Mapped[int] = mapped_column(default=0)
    total: Mapped[int]
    by_rate: Mapped[list[Any]]
    item_count: Mapped[int]
    change: Mapped[int] = mapped_column(default=0)
    points_used: Mapped[int] = mapped_column(default=0)
    points_earned: Mapped[int] = mapped_column(default=0)
    points_balance_after: Mapped[int | None]
    offline_points: Mapped[bool] = mapped_column(default=False)
    original_sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), index=True)
    voided: Mapped[bool] = mapped_column(default=False)
    closing_no: Mapped[int | None] = mapped_column(index=True)
    lines: Mapped[list[SaleLine]] = relationship(order_by="SaleLine.line_no", cascade="all")
    payments: Mapped[list[PaymentRow]] = relationship(order_by="PaymentRow.seq", cascade="all")


class SaleLine(Base):
    """One line of a sale; ``returned_quantity`` grows as returns are made against it."""

    __tablename__ = "sale_lines"
    __table_args__ = (UniqueConstraint("sale_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"))
    line_no: Mapped[int]
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price: Mapped[int]
    catalog_price: Mapped[int]
    discount: Mapped[int] = mapped_column(default=0)
    discount_label: Mapped[str] = mapped_column(String(60), default="")
    amount: Mapped[int]
    tax_class: Mapped[str] = mapped_column(String(20))
    rate: Mapped[int]
    price_overridden: Mapped[bool] = mapped_column(default=False)
    returned_quantity: Mapped[int] = mapped_column(default=0)
    refunded_amount: Mapped[int] = mapped_column(default=0)
    net_amount: Mapped[int] = mapped_column(default=0)


class PaymentRow(Base):
    """A tender of a sale (positive) or a refund of a return (positive, paid out)."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("sale_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int]
    reference: Mapped[str | None] = mapped_column(String(100))


class CashMovement(Base):
    """Cash in or out of the drawer outside a sale, and no-sale drawer openings (amount 0)."""

    __tablename__ = "cash_movements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # in | out | no_sale
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200), default="")
    clerk_code: Mapped[str] = mapped_column(String(20))
    approved_by: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime]
    business_day: Mapped[date] = mapped_column(Date)
    closing_no: Mapped[int | None] = mapped_column(index=True)


class Closing(Base):
    """A Z report (精算): the period's figures, the counted cash and the next opening float."""

    __tablename__ = "closings"

    closing_no: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    business_day: Mapped[date] = mapped_column(Date)
    clerk_code: Mapped[str] = mapped_column(String(20))
    figures: Mapped[dict[str, Any]]
    counts: Mapped[dict[str, Any]]
    counted: Mapped[int]
    expected: Mapped[int]
    over_short: Mapped[int]
    next_float: Mapped[int]


class SuspendedSale(Base):
    """A cart put aside (保留) to serve another customer, resumed later on this terminal."""

    __tablename__ = "suspended_sales"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime]
    clerk_code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100), default="")
    cart: Mapped[dict[str, Any]]


class AuditEntry(Base):
    """Who did what that needs accounting for: approvals, customer look-ups, sign-in failures."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    clerk_code: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    approved_by: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]]


class OutboxEvent(Base):
    """An event waiting to reach the server: written in the same transaction as the fact it reports.

    ``seq`` is gapless per terminal. A row leaves the pending state only when the server's reply has
    been read (``sent``) or the server refused it (``dead``, kept for a manager to see).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_seq", "status", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    aggregate_id: Mapped[str] = mapped_column(String(36), index=True)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(String(500), default="")


# ---- the store manager's tables -----------------------------------------------------------------


class ReorderPoint(Base):
    """The level at or below which a product of this store shows on the low-stock list."""

    __tablename__ = "reorder_points"

    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    reorder_point: Mapped[int]
    version: Mapped[int] = mapped_column(default=0)


class PrintFailure(Base):
    """A receipt or report the printer did not print, kept for the manager's attention list."""

    __tablename__ = "print_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    receipt_no: Mapped[str] = mapped_column(String(30), default="")
    error: Mapped[str] = mapped_column(String(500), default="")
