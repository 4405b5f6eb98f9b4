"""The manager's attention list: what went wrong or needs a second look, as typed items.

Two sorts of item: standing problems (events the server refused, negative stock) shown until they
are fixed, and the day's events worth a look (sales at stale prices, points used offline, voids and
returns with who approved them, receipts the printer failed) for one business day.

A *stale price* is a sale line whose catalog price at the time of sale (``catalog_price``, before
any manager's override) differs from the product's current price in this terminal's catalog, for a
line that was not overridden and a product that has a fixed price (weighed and label-priced goods,
price 0 in the catalog, take their price from the label and are never stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import select

from posapp.store.models import Clerk, OutboxEvent, PrintFailure, Product, Sale, SaleLine, StockLevel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from posapp.services.counter import Counter

MAX_ERROR = 500


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event the server refused: it will not be resent; someone must look at it."""

    kind: ClassVar[str] = "dead_letter"
    at: datetime
    event_id: str
    event_kind: str
    aggregate_id: str
    error: str


@dataclass(frozen=True, slots=True)
class NegativeStock:
    """This store's stock of a product is below zero (sold more than was on record)."""

    kind: ClassVar[str] = "negative_stock"
    at: datetime
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True, slots=True)
class StalePriceSale:
    """A line sold at a price other than the catalog's current one (see the module docstring)."""

    kind: ClassVar[str] = "stale_price"
    at: datetime
    receipt_no: str
    sku: str
    name: str
    quantity: int
    sold_price: int
    current_price: int


@dataclass(frozen=True, slots=True)
class OfflinePointsSale:
    """Points used while offline: the server may find the member had fewer (an overdraft)."""

    kind: ClassVar[str] = "offline_points"
    at: datetime
    receipt_no: str
    member_no: str
    points_used: int
    event_status: str


@dataclass(frozen=True, slots=True)
class ApprovedReversal:
    """A void or a return of the day, with the clerk who made it and the manager who approved it."""

    kind: ClassVar[str] = "reversal"
    at: datetime
    reversal: str  # void | return
    receipt_no: str
    original_receipt_no: str
    amount: int
    clerk_code: str
    clerk_name: str
    approved_by: str
    approver_name: str


@dataclass(frozen=True, slots=True)
class FailedPrint:
    """A receipt or report the printer did not print."""

    kind: ClassVar[str] = "print_failure"
    at: datetime
    receipt_no: str
    error: str


@dataclass(frozen=True, slots=True)
class OverduePickup:
    """An online order waiting at this store longer than the store's limit (asked live; none offline)."""

    kind: ClassVar[str] = "overdue_pickup"
    at: datetime
    order_id: str
    customer_name: str
    amount_due: int


@dataclass(frozen=True, slots=True)
class PrinterAlert:
    """The receipt printer reports a problem (paper near end or out, cover open, offline) right now."""

    kind: ClassVar[str] = "printer"
    at: datetime
    state: str
    detail: str


AttentionItem = (
    PrinterAlert
    | DeadLetter
    | NegativeStock
    | StalePriceSale
    | OfflinePointsSale
    | ApprovedReversal
    | FailedPrint
    | OverduePickup
)


def record_print_failure(counter: Counter, *, receipt_no: str = "", error: str) -> None:
    """Keep a failed print job for the attention list (the window calls this when printing fails)."""
    with counter.db.write() as session:
        session.add(PrintFailure(at=counter.now(), receipt_no=receipt_no[:30], error=error[:MAX_ERROR]))


def attention_items(counter: Counter, *, day: date | None = None) -> list[AttentionItem]:
    """Standing problems first (refused events, negative stock), then the day's items, each by time."""
    store = counter.require_configured().store_code
    target = day or counter.business_day()
    zone = ZoneInfo(counter.settings.timezone)
    with counter.db.read() as session:
        facts = list(session.scalars(select(Sale).where(Sale.business_day == target).order_by(Sale.at)))
        return [
            *([counter.printer_alert] if counter.printer_alert is not None else []),
            *_overdue_pickups(counter),
            *_dead_letters(session),
            *_negative_stock(session, store),
            *_stale_prices(session, facts),
            *_offline_points(session, facts),
            *_reversals(session, facts),
            *_print_failures(session, target, zone),
        ]


def _overdue_pickups(counter: Counter) -> list[OverduePickup]:
    if counter.link is None:
        return []
    from posapp.services import omni, pickups

    try:
        waiting = pickups.pickups_waiting(counter, overdue=True)
    except omni.OmniOffline:
        return []
    return [OverduePickup(p.waiting_since, p.order_id, p.customer_name, p.amount_due) for p in waiting]


def _dead_letters(session: Session) -> list[DeadLetter]:
    rows = session.scalars(select(OutboxEvent).where(OutboxEvent.status == "dead").order_by(OutboxEvent.seq))
    return [DeadLetter(e.created_at, e.id, e.kind, e.aggregate_id, e.error) for e in rows]


def _negative_stock(session: Session, store: str) -> list[NegativeStock]:
    rows = session.execute(
        select(StockLevel, Product.name)
        .outerjoin(Product, Product.sku == StockLevel.sku)
        .where(StockLevel.location == store, StockLevel.quantity < 0)
        .order_by(StockLevel.sku)
    ).all()
    return [
        NegativeStock(level.updated_at, level.sku, name or level.sku, level.quantity) for level, name in rows
    ]


def _stale_prices(session: Session, facts: list[Sale]) -> list[StalePriceSale]:
    sales = {sale.id: sale for sale in facts if sale.kind == "sale" and not sale.voided}
    if not sales:
        return []
    rows = session.execute(
        select(SaleLine, Product.price)
        .join(Product, Product.sku == SaleLine.sku)
        .where(
            SaleLine.sale_id.in_(sales),
            SaleLine.price_overridden.is_(False),
            Product.price > 0,
            SaleLine.catalog_price != Product.price,
        )
        .order_by(SaleLine.id)
    ).all()
    items = [
        StalePriceSale(
            sales[line.sale_id].at,
            sales[line.sale_id].receipt_no,
            line.sku,
            line.name,
            line.quantity,
            line.catalog_price,
            price,
        )
        for line, price in rows
    ]
    return sorted(items, key=lambda item: item.at)


def _offline_points(session: Session, facts: list[Sale]) -> list[OfflinePointsSale]:
    offline = [sale for sale in facts if sale.kind == "sale" and sale.offline_points]
    statuses = dict(
        session.execute(
            select(OutboxEvent.aggregate_id, OutboxEvent.status).where(
                OutboxEvent.aggregate_id.in_([sale.id for sale in offline])
            )
        ).all()
    )
    return [
        OfflinePointsSale(
            sale.at, sale.receipt_no, sale.member_no or "", sale.points_used, statuses.get(sale.id, "")
        )
        for sale in offline
    ]


def _reversals(session: Session, facts: list[Sale]) -> list[ApprovedReversal]:
    reversals = [sale for sale in facts if sale.kind in ("void", "return")]
    names: dict[str, str] = {code: name for code, name in session.execute(select(Clerk.code, Clerk.name))}
    originals = {
        sale.id: sale.receipt_no
        for sale in session.scalars(
            select(Sale).where(Sale.id.in_([r.original_sale_id for r in reversals if r.original_sale_id]))
        )
    }
    return [
        ApprovedReversal(
            at=r.at,
            reversal=r.kind,
            receipt_no=r.receipt_no,
            original_receipt_no=originals.get(r.original_sale_id or "", ""),
            amount=r.total,
            clerk_code=r.clerk_code,
            clerk_name=names.get(r.clerk_code, ""),
            approved_by=r.approved_by or "",
            approver_name=names.get(r.approved_by or "", ""),
        )
        for r in reversals
    ]


def _print_failures(session: Session, target: date, zone: ZoneInfo) -> list[FailedPrint]:
    start = datetime.combine(target, time(0), zone).astimezone(UTC)
    end = datetime.combine(target + timedelta(days=1), time(0), zone).astimezone(UTC)
    rows = session.scalars(
        select(PrintFailure)
        .where(PrintFailure.at >= start, PrintFailure.at < end)
        .order_by(PrintFailure.at, PrintFailure.id)
    )
    return [FailedPrint(row.at, row.receipt_no, row.error) for row in rows]
