"""Properties of the money a sale carries on the wire (``sync.protocol.events`` / ``tenders``).

Everything a terminal can settle is accepted (the wire never refuses a legitimate sale), and anything
the wire accepts is money the domain could have settled: tenders of ¥1 and up in known kinds, change
only from cash and never negative, tendered less change equal to the total — so no accepted sale can
put a negative cash figure into a drawer's expected cash.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from posapp.domain.cart import Cart, CartLine
from posapp.domain.money import MAX_AMOUNT
from posapp.domain.tax import TaxClass, TaxPolicy
from posapp.domain.tender import Tender, TenderKind, require_paid, settle
from sync.protocol.events import ReturnCompleted, SaleCompleted
from sync.protocol.sale_payload import sale_completed

NON_CASH = [kind for kind in TenderKind if kind is not TenderKind.CASH]


def _payload(due: int, tenders: list[Tender]) -> SaleCompleted:
    cart = Cart(policy=TaxPolicy()).add(CartLine("SKU", "品", due, 1, TaxClass.STANDARD))
    return sale_completed(
        sale_id="0190c5d2-0000-7000-8000-000000000001", receipt_no="S001-01-000001",
        business_day=date(2025, 11, 22), sold_at=datetime(2025, 11, 22, 5, 5, tzinfo=UTC), clerk_code="1001",
        cart=cart, settlement=require_paid(settle(due, tenders)), member_no=None, points_earned=0,
    )  # fmt: skip


@st.composite
def settled(draw: st.DrawFn) -> tuple[int, list[Tender]]:
    """A due amount and tenders that pay it as the pay dialog allows: non-cash up to what is due, cash
    for the rest and possibly more (change); nothing at all when nothing is due."""
    due = draw(st.integers(0, 1_000_000))
    tenders: list[Tender] = []
    left = due
    for kind in draw(st.lists(st.sampled_from(NON_CASH), max_size=3)):
        if left == 0:
            break
        amount = draw(st.integers(1, left))
        tenders.append(Tender(kind, amount, draw(st.sampled_from([None, "A1234", "****1111"]))))
        left -= amount
    extra = draw(st.integers(0, 20_000))
    if left or (extra and draw(st.booleans())):
        tenders.append(Tender(TenderKind.CASH, left + extra if left + extra else 1))
    return due, tenders


@given(settled())
def test_every_sale_a_terminal_can_settle_is_accepted_on_the_wire(sale: tuple[int, list[Tender]]) -> None:
    due, tenders = sale
    payload = _payload(due, tenders)
    assert SaleCompleted.model_validate(payload.model_dump(mode="json")) == payload


money = st.one_of(st.integers(-5_000, 5_000), st.sampled_from([0, -1, MAX_AMOUNT, MAX_AMOUNT + 1, 10**10]))
kinds = st.sampled_from([*TenderKind, "bitcoin", "CASH", ""])


@given(
    total=money,
    payments=st.lists(st.fixed_dictionaries({"kind": kinds, "amount": money}), max_size=4),
    change=money,
)
def test_whatever_the_wire_accepts_the_domain_could_have_settled(
    total: int, payments: list[dict[str, Any]], change: int
) -> None:
    wire = _payload(1_000, [Tender(TenderKind.CASH, 1_000)]).model_dump(mode="json")
    try:
        sale = SaleCompleted.model_validate({**wire, "total": total, "payments": payments, "change": change})
    except ValidationError:
        return
    cash = sum(p.amount for p in sale.payments if p.kind is TenderKind.CASH)
    assert all(p.kind in TenderKind and 1 <= p.amount <= MAX_AMOUNT for p in sale.payments)
    assert 0 <= sale.change <= cash  # change comes out of the cash tendered, so cash kept is never negative
    assert sum(p.amount for p in sale.payments) - sale.change == sale.total >= 0
    assert sum(p.amount for p in sale.payments if p.kind is not TenderKind.CASH) <= sale.total
    assert settle(sale.total, [Tender(p.kind, p.amount) for p in sale.payments]).change == sale.change


def test_a_refund_may_be_zero_but_never_negative_and_refunds_are_the_total() -> None:
    wire: dict[str, Any] = {
        "return_id": "r1", "original_sale_id": "s1", "original_receipt_no": "S001-01-000001",
        "receipt_no": "S001-01-000002", "returned_at": "2025-11-22T05:05:00+00:00", "clerk_code": "1001",
        "approved_by": "9001", "lines": [{"line_no": 1, "sku": "SKU", "name": "品", "quantity": 1,
                                          "unit_price": 138, "amount": 0, "tax_class": "reduced", "rate": 8}],
        "by_rate": [{"rate": 8, "taxable": 0, "tax": 0}], "total": 0, "refunds": [{"kind": "cash", "amount": 0}],
    }  # fmt: skip
    assert ReturnCompleted.model_validate(wire).refunds[0].amount == 0  # goods points paid for: ¥0 back
    with pytest.raises(ValidationError, match=r"refunds\.0\.amount"):
        ReturnCompleted.model_validate({**wire, "refunds": [{"kind": "cash", "amount": -1}]})
    with pytest.raises(ValidationError, match="refunds add up to ¥500, not the total ¥0"):
        ReturnCompleted.model_validate({**wire, "refunds": [{"kind": "cash", "amount": 500}]})
