"""The ``sale.completed`` payload built from domain values, as the terminal and the load simulator send it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from posapp.domain.cart import Cart, CartLine, Discount
from posapp.domain.tax import TaxClass, TaxPolicy
from posapp.domain.tender import Tender, TenderKind, require_paid, settle
from sync.protocol.events import SaleCompleted
from sync.protocol.sale_payload import sale_completed


def test_a_worked_sale_says_what_its_cart_and_tenders_say() -> None:
    cart = (
        Cart(policy=TaxPolicy())
        .add(CartLine("SKU-ONIGIRI", "おにぎり鮭", 138, 3, TaxClass.REDUCED))
        .add(CartLine("SKU-DETERGENT", "台所用洗剤", 398, 1, TaxClass.STANDARD))
        .with_line_discount(0, Discount(amount=30, label="見切り"))
        .with_price_override(1, 350)
        .with_basket_discount(Discount(amount=50))
        .with_points(100)
    )
    due = cart.totals().amount_due
    settlement = settle(due, (Tender(TenderKind.CARD, 300, "A1234"), Tender(TenderKind.CASH, 1000)))
    payload = sale_completed(
        sale_id="0190c5d2-0000-7000-8000-000000000001",
        receipt_no="S001-01-000001",
        business_day=date(2025, 11, 22),
        sold_at=datetime(2025, 11, 22, 5, 5, tzinfo=UTC),
        clerk_code="1001",
        cart=cart,
        settlement=settlement,
        member_no="000000000042",
        points_earned=3,
        approvals=[("price_override", "9001")],
        points_hold_id="hold-1",
    )
    assert [(line.line_no, line.unit_price, line.discount, line.amount, line.rate, line.price_overridden)
            for line in payload.lines] == [(1, 138, 30, 384, 8, False), (2, 350, 0, 350, 10, True)]  # fmt: skip
    assert (payload.subtotal, payload.discount, payload.points_discount) == (734, 80, 100)
    assert payload.total == due == 734 - 50 - 100
    assert sum(rate.taxable for rate in payload.by_rate) == due
    assert [(p.kind, p.amount, p.reference) for p in payload.payments] == [
        ("card", 300, "A1234"),
        ("cash", 1000, None),
    ]
    assert payload.change == 1300 - due
    assert (payload.points_used, payload.points_earned, payload.member_no) == (100, 3, "000000000042")
    assert payload.approvals[0].manager_code == "9001" and payload.points_hold_id == "hold-1"
    # What the outbox stores is what the server validates.
    assert SaleCompleted.model_validate(payload.model_dump(mode="json")) == payload


def _points_paid_payload(points: int) -> SaleCompleted:
    cart = (
        Cart(policy=TaxPolicy())
        .add(CartLine("SKU-ONIGIRI", "おにぎり鮭", 138, 1, TaxClass.REDUCED))
        .add(CartLine("SKU-TEA", "緑茶 500ml", 151, 1, TaxClass.REDUCED))
        .with_points(points)
    )
    tenders = () if cart.totals().amount_due == 0 else (Tender(TenderKind.CASH, 1000),)
    return sale_completed(
        sale_id="0190c5d2-0000-7000-8000-000000000002",
        receipt_no="S001-01-000002",
        business_day=date(2025, 11, 22),
        sold_at=datetime(2025, 11, 22, 5, 5, tzinfo=UTC),
        clerk_code="1001",
        cart=cart,
        settlement=require_paid(settle(cart.totals().amount_due, tenders)),
        member_no="000000000042",
        points_earned=0,
    )


def test_a_sale_its_points_pay_in_full_has_no_payment() -> None:
    payload = _points_paid_payload(289)  # was a ValidationError: payments needed at least one tender

    assert (payload.total, payload.points_discount, payload.points_used) == (0, 289, 289)
    assert payload.payments == [] and payload.change == 0
    assert SaleCompleted.model_validate(payload.model_dump(mode="json")) == payload


def test_a_sale_with_something_due_still_needs_a_payment() -> None:
    wire = _points_paid_payload(200).model_dump(mode="json")
    assert wire["total"] == 89 and wire["payments"]
    with pytest.raises(ValidationError, match="89 yen due and nothing tendered"):
        SaleCompleted.model_validate({**wire, "payments": [], "change": 0})
    with pytest.raises(ValidationError, match="total\n  Input should be greater than or equal to 0"):
        SaleCompleted.model_validate({**wire, "total": -5, "payments": [], "change": 0})  # a refund as a sale
