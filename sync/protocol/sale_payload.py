"""The ``sale.completed`` payload built from domain values: the one way a terminal (and the load
simulator that stands in for many) says what was sold."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from posapp.domain.cart import Cart
from posapp.domain.tender import Settlement
from sync.protocol.events import CouponUse, RateLine, SaleApproval, SaleCompleted, SoldLine
from sync.protocol.tenders import Payment


def sale_completed(  # noqa: PLR0913 - keyword-only, one per fact the event carries
    *,
    sale_id: str,
    receipt_no: str,
    business_day: date,
    sold_at: datetime,
    clerk_code: str,
    cart: Cart,
    settlement: Settlement,
    member_no: str | None,
    points_earned: int,
    offline_points: bool = False,
    approvals: Sequence[tuple[str, str]] = (),
    points_hold_id: str | None = None,
    coupon: CouponUse | None = None,
) -> SaleCompleted:
    """What ``cart`` paid by ``settlement`` tells the server, with the manager approvals (action,
    manager code) it was given and the holds (points, coupon) its push captures."""
    totals = cart.totals()
    return SaleCompleted(
        sale_id=sale_id,
        receipt_no=receipt_no,
        business_day=business_day,
        sold_at=sold_at,
        clerk_code=clerk_code,
        member_no=member_no,
        eat_in=cart.eat_in,
        lines=[
            SoldLine(
                line_no=number,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.price,
                discount=line.discount_amount,
                amount=line.amount,
                tax_class=line.tax_class.value,
                rate=line.rate(eat_in=cart.eat_in),
                price_overridden=line.override_price is not None,
            )
            for number, line in enumerate(cart.lines, start=1)
        ],
        by_rate=[RateLine(rate=r.rate, taxable=r.taxable, tax=r.tax) for r in totals.by_rate],
        subtotal=totals.subtotal,
        discount=totals.basket_discount + sum(line.discount_amount for line in cart.lines),
        points_discount=totals.points_discount,
        total=totals.amount_due,
        payments=[Payment(kind=t.kind, amount=t.amount, reference=t.reference) for t in settlement.tenders],
        change=settlement.change,
        points_used=cart.points_used,
        points_earned=points_earned,
        offline_points=offline_points,
        approvals=[SaleApproval(action=action, manager_code=manager) for action, manager in approvals],
        points_hold_id=points_hold_id,
        coupon=coupon,
    )
