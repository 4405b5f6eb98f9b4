"""The day and week reports against a known day of sales made through the Terminal API, figure by figure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from posapp.domain.tax import RateTotal
from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.services.day_report import CountAmount, DaySales, ProductSales, day_report, week_report
from posapp.services.errors import NotSignedIn
from tests.services.conftest import MANAGER, MEMBER_NO, FakeClock

SATURDAY = date(2025, 11, 22)


def at_tokyo(clock: FakeClock, day: int, hour: int, minute: int) -> None:
    """Put the clock at ``hour:minute`` Tokyo time (UTC+9) on 2025-11-``day``."""
    clock.now = datetime(2025, 11, day, hour, minute, tzinfo=UTC) - _NINE_HOURS


_NINE_HOURS = datetime(2025, 1, 1, 9, tzinfo=UTC) - datetime(2025, 1, 1, tzinfo=UTC)


def sell(terminal: Terminal, *items: tuple[str, int], tender: TenderKind, paid: int | None = None,
         member: bool = False, points: int = 0) -> str:  # fmt: skip
    sale = terminal.start_sale()
    for sku, quantity in items:
        sale.add_product(sku, quantity)
    if member:
        sale.attach_customer(MEMBER_NO)
        if points:
            sale.use_points(points)
    reference = None if tender is TenderKind.CASH else "ref-1"
    sale.add_tender(tender, paid or sale.totals.amount_due, reference=reference)
    return sale.complete().receipt_no


def build_known_day(terminal: Terminal, clock: FakeClock) -> None:
    """Friday: one sale. Saturday: four sales, one voided, one partly returned."""
    at_tokyo(clock, 21, 19, 0)
    sell(terminal, ("SKU-BAGS", 1), tender=TenderKind.CASH)  # ¥218 on the day before
    at_tokyo(clock, 22, 9, 30)
    sell(terminal, ("SKU-ONIGIRI", 3), ("SKU-TEA", 1), ("SKU-BREAD", 1), ("SKU-DETERGENT", 1),
         ("SKU-BATTERY", 1), ("SKU-BAGS", 1), tender=TenderKind.CASH, paid=3000)  # fmt: skip  # ¥2,051
    at_tokyo(clock, 22, 12, 10)
    sell(terminal, ("SKU-TEA", 2), ("SKU-BATTERY", 1), tender=TenderKind.CARD, member=True, points=100)
    at_tokyo(clock, 22, 12, 40)
    voided = sell(terminal, ("SKU-BREAD", 1), ("SKU-ONIGIRI", 1), tender=TenderKind.QR)  # ¥351
    at_tokyo(clock, 22, 13, 0)
    approval = terminal.approve(code=MANAGER[0], pin=MANAGER[1], action="void")
    terminal.void_sale(receipt_no=voided, approval=approval)
    at_tokyo(clock, 22, 17, 20)
    returned = sell(terminal, ("SKU-DETERGENT", 2), tender=TenderKind.CASH, paid=1000, member=True)  # ¥796
    at_tokyo(clock, 22, 18, 5)
    terminal.return_items(receipt_no=returned, quantities={1: 1}, approval=approval)  # ¥398 back in cash


@pytest.fixture
def known_day(signed_in: Terminal, clock: FakeClock) -> Terminal:
    build_known_day(signed_in, clock)
    return signed_in


def test_every_figure_of_the_day(known_day: Terminal) -> None:
    report = day_report(known_day.counter, day=SATURDAY)
    # Sales: 2,051 (cash) + 859 (card: 959 less 100 points) + 351 (QR, voided) + 796 (cash, 398 returned).
    net = 2051 + 859 + 351 - 351 + 796 - 398
    assert net == 3308
    assert (report.first, report.last, report.net_sales) == (SATURDAY, SATURDAY, net)
    assert report.customers == 4 - 1  # a void cancels the visit; a return does not
    assert report.items == 8 + 3 + 2 - 2 + 2 - 1
    assert report.average_basket == 3308 // 3
    hours = {h.hour: (h.customers, h.amount) for h in report.by_hour if h.customers or h.amount}
    assert hours == {9: (1, 2051), 12: (2, 859 + 351), 13: (-1, -351), 17: (1, 796), 18: (0, -398)}
    assert [h.hour for h in report.by_hour] == list(range(24))
    assert sum(h.amount for h in report.by_hour) == net
    assert report.by_day == (DaySales(SATURDAY, 3, 3308),)
    assert report.by_payment == {"card": 859, "cash": 2051 + 796 - 398, "qr": 351 - 351}
    # Sale B's 100 points are split across its rates in proportion: 10 % 657 → 588, 8 % 302 → 271.
    assert report.by_rate == (
        RateTotal(10, 1273 + 588 + 796 - 398, 115 + 53 + 72 - 36, 1273 + 588 + 796 - 398),
        RateTotal(8, 778 + 271 + 351 - 351, 57 + 20 + 26 - 26, 778 + 271),
    )
    assert sum(r.gross for r in report.by_rate) == net
    # Per product, what customers paid after discounts: B's lines share its ¥859 as 270.5 + 588.5 → 271 + 588.
    assert report.top_products == (
        ProductSales("SKU-BATTERY", "乾電池 単3x4", 1 + 1, 657 + 588),
        ProductSales("SKU-DETERGENT", "台所用洗剤", 1 + 2 - 1, 398 + 796 - 398),
        ProductSales("SKU-TEA", "緑茶 500ml", 1 + 2, 151 + 271),
        ProductSales("SKU-ONIGIRI", "おにぎり鮭", 3 + 1 - 1, 414 + 138 - 138),
        ProductSales("SKU-BAGS", "ゴミ袋 45L", 1, 218),
        ProductSales("SKU-BREAD", "食パン 6枚", 1 + 1 - 1, 213 + 213 - 213),
    )
    assert sum(p.amount for p in report.top_products) == net
    assert report.voids == CountAmount(1, 351)
    assert report.returns == CountAmount(1, 398)
    assert (report.member_customers, report.member_sales) == (2, 859 + 796 - 398)
    assert report.member_customer_share == pytest.approx(2 / 3)
    assert report.member_sales_share == pytest.approx(1257 / 3308)
    # 1 point per ¥100 paid: B 859 → 8, D 796 → 7; returning half of D takes 7 × ½ = 3.5 → 4 back (the
    # other half would take the 3 left: the two add up to the 7 earned).
    assert (report.points_used, report.points_earned) == (100, 8 + 7 - 4)


def test_the_week_adds_the_day_before(known_day: Terminal) -> None:
    report = week_report(known_day.counter, ending=SATURDAY)
    assert (report.first, report.last) == (date(2025, 11, 16), SATURDAY)
    assert report.net_sales == 3308 + 218
    assert report.customers == 4
    assert [d.day for d in report.by_day] == [date(2025, 11, d) for d in range(16, 23)]
    assert report.by_day[-2:] == (DaySales(date(2025, 11, 21), 1, 218), DaySales(SATURDAY, 3, 3308))
    assert all(d.customers == d.amount == 0 for d in report.by_day[:-2])
    assert report.top_products[2] == ProductSales("SKU-BAGS", "ゴミ袋 45L", 2, 436)
    assert {h.hour: h.amount for h in report.by_hour}[19] == 218
    assert report.by_payment["cash"] == 2051 + 796 - 398 + 218


def test_an_empty_day_and_today_by_default(signed_in: Terminal) -> None:
    report = day_report(signed_in.counter)
    assert (report.first, report.net_sales, report.customers, report.average_basket) == (SATURDAY, 0, 0, 0)
    assert report.member_sales_share == 0.0 and report.top_products == () and report.by_rate == ()


def test_reports_need_a_clerk(terminal: Terminal) -> None:
    with pytest.raises(NotSignedIn):
        day_report(terminal.counter)
