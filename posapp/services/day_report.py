"""Today's numbers and the week's: what the manager's day-report screen shows, from the stored sales.

Figures are net, folded by the same :func:`posapp.domain.period.fold_period` as the X and Z reports:
a sale adds, a void or a return takes away, each at the hour and on the business day it happened.
So the hours, the tenders, the rates and the products each add up to the same net sales.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from posapp.domain.period import PeriodFigures, fold_period
from posapp.domain.tax import RateTotal
from posapp.services.closing import cash_fact, sale_fact
from posapp.store.models import CashMovement, Sale, SaleLine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from posapp.services.counter import Counter

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
    """The figures of the business days ``first`` … ``last`` at this counter."""

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
    cash_sales: int = 0
    cash_refunds: int = 0
    pickup_cash: int = 0
    """Cash taken at this register for pay-at-store online orders (in the drawer, not in sales)."""
    cash_in: int = 0
    cash_out: int = 0

    @property
    def drawer_cash(self) -> int:
        """What the days put into the drawer: cash sales − refunds + pickups + paid in − paid out."""
        return self.cash_sales - self.cash_refunds + self.pickup_cash + self.cash_in - self.cash_out

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


def day_report(counter: Counter, *, day: date | None = None) -> SalesReport:
    """The figures of one business day (today when ``day`` is None)."""
    counter.require_clerk()
    target = day or counter.business_day()
    return _report(counter, target, target)


def week_report(counter: Counter, *, ending: date | None = None) -> SalesReport:
    """The figures of the seven business days ending on ``ending`` (today when None)."""
    counter.require_clerk()
    last = ending or counter.business_day()
    return _report(counter, last - timedelta(days=WEEK_DAYS - 1), last)


def _report(counter: Counter, first: date, last: date) -> SalesReport:
    zone = ZoneInfo(counter.settings.timezone)
    with counter.db.read() as session:
        facts = list(
            session.scalars(
                select(Sale).where(Sale.business_day >= first, Sale.business_day <= last).order_by(Sale.at)
            )
        )
        movements = session.scalars(
            select(CashMovement).where(CashMovement.business_day >= first, CashMovement.business_day <= last)
        )
        period = fold_period(map(sale_fact, facts), map(cash_fact, movements))
        tally = _Tally(first, last)
        for sale in facts:
            tally.add(sale, zone, _lines_of(session, sale))
    return tally.report(period)


def _lines_of(session: Session, sale: Sale) -> list[SaleLine]:
    """The lines a fact moved: a void stores none of its own, so it takes back its original's."""
    if sale.kind == "void" and sale.original_sale_id:
        original = session.get(Sale, sale.original_sale_id)
        return list(original.lines) if original else []
    return list(sale.lines)


class _Tally:
    """What only the day report breaks down: hours, days and products (the totals come from the fold)."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.last = first, last
        self.hours: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
        self.products: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.names: dict[str, str] = {}

    def add(self, sale: Sale, zone: ZoneInfo, lines: list[SaleLine]) -> None:
        fact = sale_fact(sale)
        hour = self.hours[sale.at.astimezone(zone).hour]
        hour[0] += fact.visit
        hour[1] += fact.net
        day = self.days[sale.business_day]
        day[0] += fact.visit
        day[1] += fact.net
        for line in lines:
            product = self.products[line.sku]
            product[0] += fact.sign * line.quantity
            product[1] += fact.sign * line.net_amount
            self.names.setdefault(line.sku, line.name)

    def report(self, period: PeriodFigures) -> SalesReport:
        span = (self.last - self.first).days + 1
        products = [
            ProductSales(sku, self.names[sku], q, a) for sku, (q, a) in self.products.items() if q or a
        ]
        products.sort(key=lambda p: (-p.amount, -p.quantity, p.sku))
        return SalesReport(
            first=self.first,
            last=self.last,
            net_sales=period.net_sales,
            customers=period.customers,
            items=period.items,
            by_hour=tuple(HourSales(h, *self.hours.get(h, (0, 0))) for h in range(24)),
            by_day=tuple(
                DaySales(d, *self.days.get(d, (0, 0)))
                for d in (self.first + timedelta(days=i) for i in range(span))
            ),
            by_payment=dict(period.by_tender),
            by_rate=period.by_rate,
            top_products=tuple(products[:TOP_PRODUCTS]),
            voids=CountAmount(period.voids_count, period.voids_amount),
            returns=CountAmount(period.returns_count, period.returns_amount),
            member_customers=period.member_customers,
            member_sales=period.member_sales,
            points_used=period.points_used,
            points_earned=period.points_earned,
            cash_sales=period.cash_sales,
            cash_refunds=period.cash_refunds,
            pickup_cash=period.pickup_cash,
            cash_in=period.cash_in,
            cash_out=period.cash_out,
        )
