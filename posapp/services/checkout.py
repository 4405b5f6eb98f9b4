"""Completing a sale: the one transaction that must never be half-done.

Every check runs first (clerk, store, lines, payment, points); then the sale, its lines, payments,
points, receipt number, stock movement and outbox event are written in one SQLite transaction; then
the receipt is built from what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from posapp.domain.cart import Cart
from posapp.domain.points import check_redeemable, points_earned
from posapp.domain.proration import prorate
from posapp.domain.receipt import ReceiptPoints, build_sale_receipt
from posapp.domain.tender import Settlement, require_paid, settle
from posapp.services import members, omni
from posapp.services.receipts import CompletedSale, terminal_header
from posapp.services.records import RECEIPT_COUNTER, AuditNote, new_id, next_number, receipt_no, record_fact
from posapp.store.models import Customer, PaymentRow, Sale, SaleLine, SyncState
from posapp.store.settings import TerminalSettings
from posapp.store.stock import move_stock
from sync.protocol.events import SaleCompleted
from sync.protocol.sale_payload import sale_completed

if TYPE_CHECKING:
    from posapp.services.counter import Counter
    from posapp.services.sale import SaleSession


def complete(sale: SaleSession) -> CompletedSale:
    """Store ``sale``: every check before the write, the write one transaction, then its receipt."""
    checked = _checked(sale)
    with sale.counter.db.write() as session:
        stored = _record(session, sale, checked)
    if sale.coupon is not None:
        omni.coupon_used(sale.counter, sale.coupon.code)
    return _completed(sale, stored, checked)


def offline_points_cap(settings: TerminalSettings) -> int:
    """The most points one sale may use while the server cannot hold them (0: none offline)."""
    return settings.offline_points_cap if settings.offline_points_allowed else 0


def _online(counter: Counter) -> bool:
    with counter.db.read() as session:
        return bool(session.scalar(select(SyncState.online).where(SyncState.id == 1)))


@dataclass(frozen=True, slots=True)
class _CheckedSale:
    """What completing a sale found before writing anything."""

    clerk_code: str
    settings: TerminalSettings
    settlement: Settlement
    member_no: str | None
    earned: int
    hold: omni.HeldPoints | None
    """The server's hold on exactly the points used (online), captured by the sale's push."""
    offline_points: bool
    now: datetime
    day: date


def _checked(sale: SaleSession) -> _CheckedSale:
    """Everything a sale needs before it is written: a clerk, a store, lines, payment, points."""
    clerk = sale.counter.require_clerk()
    settings = sale.counter.require_configured()
    sale.cart.require_lines()
    settlement = require_paid(settle(sale.totals.amount_due, sale.tenders))
    online = _online(sale.counter)
    member_no = sale.customer.member_no if sale.customer else None
    points_used = sale.cart.points_used
    hold = sale.points_hold if sale.points_hold and sale.points_hold.points == points_used else None
    if points_used and hold is None:
        assert sale.customer is not None
        check_redeemable(
            points_used,
            balance=members.member_info(sale.counter, sale.customer.member_no).available_points,
            cap=None if online else offline_points_cap(settings),
        )
    now = sale.counter.now()
    return _CheckedSale(
        clerk_code=clerk.code,
        settings=settings,
        settlement=settlement,
        member_no=member_no,
        earned=points_earned(sale.totals, settings.points_policy()) if member_no else 0,
        hold=hold,
        offline_points=bool(points_used) and hold is None and not online,
        now=now,
        day=sale.counter.business_day(now),
    )


def _record(session: Session, sale: SaleSession, checked: _CheckedSale) -> Sale:
    """Write the sale, its stock movement, the member's visit and its outbox event."""
    seq = next_number(session, RECEIPT_COUNTER)
    event = sale_completed(
        sale_id=new_id(),
        receipt_no=receipt_no(checked.settings, seq),
        business_day=checked.day,
        sold_at=checked.now,
        clerk_code=checked.clerk_code,
        cart=sale.cart,
        settlement=checked.settlement,
        member_no=checked.member_no,
        points_earned=checked.earned,
        offline_points=checked.offline_points,
        approvals=sale.approvals,
        points_hold_id=checked.hold.hold_id if checked.hold else None,
        coupon=sale.coupon.use() if sale.coupon else None,
    )
    balance_after = _member_visit(session, checked, points_used=sale.cart.points_used)
    stored = stored_sale(event, seq=seq, cart=sale.cart, balance_after=balance_after)
    session.add(stored)
    moves = [(line.sku, -line.quantity) for line in sale.cart.lines]
    move_stock(session, location=checked.settings.store_code, moves=moves, now=checked.now)
    approvals = [
        AuditNote(action, checked.clerk_code, approved_by=manager, detail={"receipt_no": event.receipt_no})
        for action, manager in sale.approvals
    ]
    record_fact(
        session,
        event,
        aggregate_id=event.sale_id,
        now=checked.now,
        wake=sale.counter.wake,
        audits=approvals,
    )
    return stored


def _completed(sale: SaleSession, stored: Sale, checked: _CheckedSale) -> CompletedSale:
    """What to print and tell the customer about the sale ``stored``."""
    points = None
    if stored.member_no:
        points = ReceiptPoints(
            stored.member_no, stored.points_used, stored.points_earned, stored.points_balance_after
        )
    document = build_sale_receipt(
        header=terminal_header(sale.counter, stored.receipt_no, stored.at),
        cart=sale.cart,
        totals=sale.totals,
        settlement=checked.settlement,
        points=points,
        footer_messages=checked.settings.footer_messages,
    )
    return CompletedSale(
        stored.id,
        stored.receipt_no,
        stored.total,
        stored.change,
        stored.points_used,
        stored.points_earned,
        document,
    )


def _member_visit(session: Session, checked: _CheckedSale, *, points_used: int) -> int | None:
    """Note the member's visit; their balance after the sale (the server's when it holds the points)."""
    if not checked.member_no:
        return None
    balance_after = None
    row = session.scalar(select(Customer).where(Customer.member_no == checked.member_no))
    if row is not None:
        balance_after = row.points_balance - points_used + checked.earned
        row.last_visit = checked.now
    if checked.hold is not None:  # the server's balance once it set the points aside
        balance_after = checked.hold.balance_after + checked.earned
    return balance_after


def stored_sale(event: SaleCompleted, *, seq: int, cart: Cart, balance_after: int | None) -> Sale:
    """The terminal's row of the sale ``event`` tells the server, with what only the terminal keeps:
    catalogue prices, discount labels, each line's share of what was paid (for refunds), tax per rate."""
    totals = cart.totals()
    # Each line's share of what was actually paid, after basket and points discounts: what a refund gives back.
    net_amounts = prorate(totals.amount_due, totals.line_amounts)
    sale = Sale(
        id=event.sale_id,
        kind="sale",
        receipt_no=event.receipt_no,
        receipt_seq=seq,
        business_day=event.business_day,
        at=event.sold_at,
        clerk_code=event.clerk_code,
        member_no=event.member_no,
        eat_in=event.eat_in,
        subtotal=event.subtotal,
        discount=event.discount,
        points_discount=event.points_discount,
        total=event.total,
        by_rate=[
            {"rate": r.rate, "taxable": r.taxable, "tax": r.tax, "gross": r.gross} for r in totals.by_rate
        ],
        item_count=totals.item_count,
        change=event.change,
        points_used=event.points_used,
        points_earned=event.points_earned,
        points_balance_after=balance_after,
        offline_points=event.offline_points,
    )
    sale.lines = [
        SaleLine(
            line_no=sold.line_no,
            sku=sold.sku,
            name=sold.name,
            quantity=sold.quantity,
            unit_price=sold.unit_price,
            catalog_price=line.unit_price,
            discount=sold.discount,
            discount_label=line.discount.label if line.discount else "",
            amount=sold.amount,
            net_amount=net_amounts[i],
            tax_class=sold.tax_class,
            rate=sold.rate,
            price_overridden=sold.price_overridden,
        )
        for i, (sold, line) in enumerate(zip(event.lines, cart.lines, strict=True))
    ]
    sale.payments = [
        PaymentRow(seq=i, kind=p.kind, amount=p.amount, reference=p.reference)
        for i, p in enumerate(event.payments, start=1)
    ]
    return sale
