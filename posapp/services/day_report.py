"""Today's numbers and the week's: what the manager's day-report screen shows, from the stored sales.

Figures are net, the way the X and Z reports count them: a sale adds, a void or a return takes
away, each at the hour and on the business day it happened. So the hours, the tenders, the rates
and the products each add up to the same net sales.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from posapp.domain.tax import RateTotal
from posapp.store.models import Sale, SaleLine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from posapp.services.terminal import Terminal

TOP_PRODUCTS = 10
WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class HourSales:
    """Net receipts and net sales of one hour of the store's clock (0–23)."""

    hour: int
    customers: int
    amount: int


@dataclass(frozen=True, slots=True)
class DaySales:
    """Net receipts and net sales of one business day."""

    day: date
    customers: int
    amount: int


@dataclass(frozen=True, slots=True)
class ProductSales:
    """A product's net units and net amount (what customers paid for it after every discount)."""

    sku: str
    name: str
    quantity: int
    amount: int


@dataclass(frozen=True, slots=True)
class CountAmount:
    """How many and how much (voids, returns)."""

    count: int
    amount: int


@dataclass(frozen=True, slots=True)
class SalesReport:
    """The figures of the business days ``first`` … ``last`` at this terminal."""

    first: date
    last: date
    net_sales: int
    customers: int
    items: int
    by_hour: tuple[HourSales, ...]
    by_day: tuple[DaySales, ...]
    by_payment: dict[str, int]
    by_rate: tuple[RateTotal, ...]
    top_products: tuple[ProductSales, ...]
    voids: CountAmount
    returns: CountAmount
    member_customers: int
    member_sales: int
    points_used: int
    points_earned: int

    @property
    def average_basket(self) -> int:
        """Net sales per customer, in yen rounded down (0 with no customers)."""
        return self.net_sales // self.customers if self.customers > 0 else 0

    @property
    def member_customer_share(self) -> float:
        """The share of customers who were members (0.0 … 1.0)."""
        return self.member_customers / self.customers if self.customers > 0 else 0.0

    @property
    def member_sales_share(self) -> float:
        """The share of net sales made to members (0.0 … 1.0)."""
        return self.member_sales / self.net_sales if self.net_sales > 0 else 0.0


def day_report(terminal: Terminal, *, day: date | None = None) -> SalesReport:
    """The figures of one business day (today when ``day`` is None)."""
    terminal.require_clerk()
    target = day or terminal.business_day()
    return _report(terminal, target, target)


def week_report(terminal: Terminal, *, ending: date | None = None) -> SalesReport:
    """The figures of the seven business days ending on ``ending`` (today when None)."""
    terminal.require_clerk()
    last = ending or terminal.business_day()
    return _report(terminal, last - timedelta(days=WEEK_DAYS - 1), last)


def _report(terminal: Terminal, first: date, last: date) -> SalesReport:
    zone = ZoneInfo(terminal.settings.timezone)
    with terminal.db.read() as session:
        facts = list(
            session.scalars(
                select(Sale).where(Sale.business_day >= first, Sale.business_day <= last).order_by(Sale.at)
            )
        )
        tally = _Tally(first, last)
        for sale in facts:
            tally.add(sale, zone, _lines_of(session, sale))
    return tally.report()


def _lines_of(session: Session, sale: Sale) -> list[SaleLine]:
    """The lines a fact moved: a void stores none of its own, so it takes back its original's."""
    if sale.kind == "void" and sale.original_sale_id:
        original = session.get(Sale, sale.original_sale_id)
        return list(original.lines) if original else []
    return list(sale.lines)


class _Tally:
    """Running sums over the facts of the period."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.last = first, last
        self.hours: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
        self.payments: dict[str, int] = defaultdict(int)
        self.rates: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.products: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.names: dict[str, str] = {}
        self.customers = self.items = self.member_customers = self.member_sales = 0
        self.points_used = self.points_earned = 0
        self.voids = [0, 0]
        self.returns = [0, 0]

    def add(self, sale: Sale, zone: ZoneInfo, lines: list[SaleLine]) -> None:
        sign = 1 if sale.kind == "sale" else -1
        # A return is not a lost customer (they still bought); a void cancels the visit itself.
        visit = {"sale": 1, "void": -1}.get(sale.kind, 0)
        net = sign * sum(r["gross"] for r in sale.by_rate)
        hour = self.hours[sale.at.astimezone(zone).hour]
        hour[0] += visit
        hour[1] += net
        day = self.days[sale.business_day]
        day[0] += visit
        day[1] += net
        self.customers += visit
        self.items += sign * sale.item_count
        self.points_used += sign * sale.points_used
        self.points_earned += sign * sale.points_earned
        if sale.member_no:
            self.member_customers += visit
            self.member_sales += net
        for r in sale.by_rate:
            bucket = self.rates[r["rate"]]
            bucket[0] += sign * r["taxable"]
            bucket[1] += sign * r["tax"]
            bucket[2] += sign * r["gross"]
        for payment in sale.payments:
            change = sale.change if payment.kind == "cash" and sale.kind == "sale" else 0
            self.payments[payment.kind] += sign * (payment.amount - change)
        for line in lines:
            product = self.products[line.sku]
            product[0] += sign * line.quantity
            product[1] += sign * line.net_amount
            self.names.setdefault(line.sku, line.name)
        if sale.kind == "void":
            self.voids[0] += 1
            self.voids[1] += sale.total
        elif sale.kind == "return":
            self.returns[0] += 1
            self.returns[1] += sale.total

    def report(self) -> SalesReport:
        span = (self.last - self.first).days + 1
        products = [
            ProductSales(sku, self.names[sku], q, a) for sku, (q, a) in self.products.items() if q or a
        ]
        products.sort(key=lambda p: (-p.amount, -p.quantity, p.sku))
        return SalesReport(
            first=self.first,
            last=self.last,
            net_sales=sum(b[2] for b in self.rates.values()),
            customers=self.customers,
            items=self.items,
            by_hour=tuple(HourSales(h, *self.hours.get(h, (0, 0))) for h in range(24)),
            by_day=tuple(
                DaySales(d, *self.days.get(d, (0, 0)))
                for d in (self.first + timedelta(days=i) for i in range(span))
            ),
            by_payment=dict(sorted(self.payments.items())),
            by_rate=tuple(
                RateTotal(rate, b[0], b[1], b[2]) for rate, b in sorted(self.rates.items(), reverse=True)
            ),
            top_products=tuple(products[:TOP_PRODUCTS]),
            voids=CountAmount(*self.voids),
            returns=CountAmount(*self.returns),
            member_customers=self.member_customers,
            member_sales=self.member_sales,
            points_used=self.points_used,
            points_earned=self.points_earned,
        )
