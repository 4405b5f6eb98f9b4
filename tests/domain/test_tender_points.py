"""Tenders, change and points: worked examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posapp.domain.cart import Cart, CartLine
from posapp.domain.errors import InsufficientPoints, InsufficientTender, InvalidTender
from posapp.domain.points import EarnBase, EarnScope, PointsPolicy, check_redeemable, points_earned
from posapp.domain.tax import TaxClass
from posapp.domain.tender import Tender, TenderKind, check_tender_count, require_paid, settle
from tests.domain.test_cart import worked_cart


def test_cash_change_for_the_worked_receipt() -> None:
    settlement = settle(2051, [Tender(TenderKind.CASH, 3000)])
    assert settlement.change == 949
    assert settlement.cash_kept == 2051


def test_split_tender_card_then_cash() -> None:
    settlement = settle(
        2051, [Tender(TenderKind.CARD, 1000, "APPROVAL 123456"), Tender(TenderKind.CASH, 1100)]
    )
    assert (settlement.change, settlement.remaining) == (49, 0)


def test_overpay_only_in_cash() -> None:
    with pytest.raises(InvalidTender):
        settle(2051, [Tender(TenderKind.EMONEY, 2100)])
    with pytest.raises(InvalidTender):
        settle(1000, [Tender(TenderKind.VOUCHER, 500), Tender(TenderKind.CARD, 600)])


def test_short_tender_is_refused() -> None:
    with pytest.raises(InsufficientTender):
        require_paid(settle(2051, [Tender(TenderKind.CASH, 2000)]))


def test_nothing_due_is_paid_by_no_tender_and_a_zero_tender_stays_refused() -> None:
    assert require_paid(settle(0, [])).change == 0
    assert require_paid(settle(0, [Tender(TenderKind.CASH, 1000)])).change == 1000  # all handed back
    with pytest.raises(InsufficientTender):
        require_paid(settle(1, []))
    with pytest.raises(InvalidTender):
        Tender(TenderKind.CASH, 0)
    with pytest.raises(InsufficientTender):
        check_tender_count(289, 0)
    check_tender_count(0, 0)


def test_card_numbers_are_never_recorded() -> None:
    with pytest.raises(InvalidTender):
        Tender(TenderKind.CARD, 100, "4111 1111 1111 1111")
    assert Tender(TenderKind.CARD, 100, "****1111 auth 004512").reference == "****1111 auth 004512"


def test_worked_points_example() -> None:
    totals = worked_cart().with_points(300).totals()
    assert points_earned(totals, PointsPolicy()) == 17
    assert points_earned(totals, PointsPolicy(base=EarnBase.BEFORE_TAX)) == 16
    assert points_earned(totals, PointsPolicy(points_paid_part_earns=True)) == 20
    assert points_earned(totals, PointsPolicy(unit=200)) == 8


def test_common_programme_points_are_a_payment_and_do_not_earn() -> None:
    totals = worked_cart().totals()
    assert totals.amount_due == 2051
    assert points_earned(totals, PointsPolicy(), points_payment=300) == 17


def test_per_item_earning_rounds_each_line_down() -> None:
    cart = Cart(
        lines=tuple(
            CartLine(sku=f"s{i}", name="x", unit_price=150, quantity=1, tax_class=TaxClass.STANDARD)
            for i in range(3)
        )
    )
    assert points_earned(cart.totals(), PointsPolicy()) == 4
    assert points_earned(cart.totals(), PointsPolicy(scope=EarnScope.ITEM)) == 3


def test_redeeming_more_than_the_balance_or_cap_is_refused() -> None:
    assert check_redeemable(300, balance=1240) == 300
    with pytest.raises(InsufficientPoints):
        check_redeemable(1241, balance=1240)
    with pytest.raises(InsufficientPoints):
        check_redeemable(1001, balance=5000, cap=1000)


@given(st.integers(0, 10_000_000), st.lists(st.integers(1, 1_000_000), min_size=1, max_size=5))
def test_change_is_tendered_minus_due(due: int, cash: list[int]) -> None:
    settlement = settle(due, [Tender(TenderKind.CASH, amount) for amount in cash])
    tendered = sum(cash)
    assert settlement.change == max(tendered - due, 0)
    assert settlement.remaining == max(due - tendered, 0)
    assert settlement.tendered - settlement.change == min(tendered, due)
