"""X, Z and the day report fold the same facts the same way (posapp/domain/period.py).

Every scenario is rung up through the Terminal API; the three reports are read back from it.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from posapp.domain.period import CashFact, CashKind, FactKind, SaleFact, fold_period
from posapp.domain.tax import RateTotal
from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.services.closing import ClosingReport
from posapp.services.day_report import SalesReport
from posapp.services.errors import PeriodAlreadyClosed, SaleNotReturnable
from tests.services.conftest import CASHIER, MANAGER, MEMBER_NO, PRODUCTS, FakeClock, seed

SKUS = [sku for _jan, sku, *_rest in PRODUCTS]


def sell(
    terminal: Terminal, items: list[tuple[str, int]], *, card: bool = False, member: bool = False
) -> str:
    sale = terminal.start_sale()
    for sku, quantity in items:
        sale.add_product(sku, quantity)
    if member:
        sale.attach_customer(MEMBER_NO)
    if card:
        sale.add_tender(TenderKind.CARD, sale.totals.amount_due, reference="A1")
    else:
        sale.add_tender(TenderKind.CASH, sale.totals.amount_due + 1000)
    return sale.complete().receipt_no


def assert_agree(x: ClosingReport, day: SalesReport) -> None:
    """Every figure the X report and the day report both show is the same number."""
    f = x.figures
    assert day.items == f.items
    assert day.customers == f.customers
    assert day.net_sales == f.net_sales
    assert day.by_payment == dict(f.by_tender)
    assert day.by_rate == f.by_rate
    assert (day.voids.count, day.voids.amount) == (f.voids_count, f.voids_amount)
    assert (day.returns.count, day.returns.amount) == (f.returns_count, f.returns_amount)
    assert (day.points_used, day.points_earned) == (f.points_used, f.points_earned)
    assert (day.cash_sales, day.cash_refunds) == (f.cash_sales, f.cash_refunds)
    assert (day.cash_in, day.cash_out, day.pickup_cash) == (f.cash_in, f.cash_out, f.pickup_cash)
    assert day.drawer_cash == f.expected_cash - f.opening_float


def test_sale_and_return_count_the_same_items_everywhere(signed_in: Terminal) -> None:
    manager = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="return")
    receipt = sell(signed_in, [("SKU-TEA", 2)])
    signed_in.return_items(receipt_no=receipt, quantities={1: 1}, approval=manager)
    x = signed_in.x_report()
    day = signed_in.day_report()
    assert x.figures.items == day.items == 1  # two sold, one brought back
    assert x.figures.customers == day.customers == 1
    assert_agree(x, day)
    z = signed_in.z_report(counts={100: 1, 50: 1}, next_float=0, approval=manager)
    assert z.figures == x.figures  # the Z closes exactly what the X showed


def test_a_second_z_of_the_same_day_needs_a_deliberate_choice(signed_in: Terminal, clock: FakeClock) -> None:
    manager = signed_in.approve(code=MANAGER[0], pin=MANAGER[1], action="z")
    sell(signed_in, [("SKU-BATTERY", 1)])
    counts = {500: 1, 100: 1, 50: 1, 5: 1, 1: 2}  # ¥657
    first = signed_in.z_report(counts=counts, next_float=30_000, approval=manager)
    assert first.reconciliation is not None and first.reconciliation.over_short == 0
    with pytest.raises(PeriodAlreadyClosed) as refused:
        signed_in.z_report(counts=counts, next_float=30_000, approval=manager)  # the double press
    assert refused.value.value == 1
    with pytest.raises(PeriodAlreadyClosed):
        signed_in.close_day(counts=counts, next_float=30_000, approval=manager)
    # A sale later the same day is still the same business day: still a deliberate choice.
    sell(signed_in, [("SKU-BAGS", 1)])
    with pytest.raises(PeriodAlreadyClosed):
        signed_in.z_report(counts={}, next_float=30_000, approval=manager)
    second = signed_in.z_report(
        counts={10_000: 3, 100: 2, 10: 1, 5: 1, 1: 3}, next_float=30_000, approval=manager, repeat=True
    )
    assert second.closing_no == 2 and second.reconciliation is not None
    assert second.reconciliation.over_short == 0
    # The next business day closes normally.
    clock.advance(days=1)
    sell(signed_in, [("SKU-BAGS", 1)])
    assert signed_in.z_report(counts={}, next_float=0, approval=manager).closing_no == 3


def test_fold_is_order_free_and_splits_add_up() -> None:
    facts = [
        SaleFact(
            FactKind.SALE,
            300,
            300,
            (RateTotal(10, 300, 27, 300),),
            (("cash", 1000),),
            change=700,
            item_count=2,
            member=True,
        ),
        SaleFact(FactKind.RETURN, 150, 150, (RateTotal(10, 150, 13, 150),), (("cash", 150),), item_count=1),
        SaleFact(
            FactKind.VOID,
            300,
            300,
            (RateTotal(10, 300, 27, 300),),
            (("cash", 300),),
            item_count=2,
            member=True,
        ),
    ]
    cash = [CashFact(CashKind.PICKUP, 453), CashFact(CashKind.PAID_OUT, 100)]
    figures = fold_period(facts, cash)
    assert (figures.items, figures.customers, figures.net_sales) == (-1, 0, -150)
    assert figures.drawer_change == 300 - 150 - 300 + 453 - 100
    assert fold_period(reversed(facts), reversed(cash)) == figures


# ---- the property: any day rung up through the API ----------------------------------------------

line = st.tuples(st.sampled_from(SKUS), st.integers(1, 3))
action = st.one_of(
    st.tuples(st.just("sale"), st.lists(line, min_size=1, max_size=3), st.booleans(), st.booleans()),
    st.tuples(st.just("void"), st.integers(0, 20)),
    st.tuples(st.just("return"), st.integers(0, 20)),
    st.tuples(st.just("cash_in"), st.integers(1, 5000)),
    st.tuples(st.just("cash_out"), st.integers(1, 5000)),
)


# No shrinking: each example is a real terminal file, and a failure prints its steps anyway.
@settings(
    max_examples=12,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(action, min_size=1, max_size=8))
def test_any_day_reports_the_same_in_x_z_and_the_day_report(actions: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock()
        terminal = Terminal.open(Path(tmp) / "terminal", clock=clock)
        try:
            seed(terminal)
            terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
            manager = terminal.approve(code=MANAGER[0], pin=MANAGER[1], action="day")
            sold: list[str] = []
            for step in actions:
                clock.advance(minutes=1)
                kind = step[0]
                if kind == "sale":
                    _, items, card, member = step
                    sold.append(sell(terminal, list(items), card=bool(card), member=bool(member)))  # type: ignore[call-overload]
                elif kind in ("void", "return") and sold:
                    receipt = sold[int(step[1]) % len(sold)]  # type: ignore[call-overload]
                    try:
                        lines = terminal.returnable_lines(receipt)
                    except SaleNotReturnable:  # voided already
                        continue
                    returnable = [r for r in lines if r.returnable]
                    if not returnable:
                        continue
                    if kind == "void" and all(
                        r.returnable == r.sold for r in terminal.returnable_lines(receipt)
                    ):
                        terminal.void_sale(receipt_no=receipt, approval=manager)
                    elif kind == "return":
                        first = returnable[0]
                        terminal.return_items(
                            receipt_no=receipt, quantities={first.line_no: 1}, approval=manager
                        )
                elif kind == "cash_in":
                    terminal.cash_in(amount=int(step[1]), reason="test")  # type: ignore[call-overload]
                elif kind == "cash_out":
                    terminal.cash_out(amount=int(step[1]), reason="test", approval=manager)  # type: ignore[call-overload]
            x = terminal.x_report()
            assert_agree(x, terminal.day_report())
            z = terminal.z_report(counts={}, next_float=0, approval=manager)
            assert z.figures == x.figures
        finally:
            terminal.close()


def test_the_clock_of_the_fixture_is_a_tokyo_afternoon() -> None:
    # The property above relies on eight one-minute steps staying on one business day.
    start = FakeClock().now
    assert (start + timedelta(minutes=20)).astimezone(UTC).date() == datetime(2025, 11, 22, tzinfo=UTC).date()
