"""One fold of a period's facts (sales, voids, returns, cash movements) into the figures every
report shows: the X report, the Z report and the day / week report all call :func:`fold_period`.

Every figure is net: a sale adds, a void or a return takes away. A void cancels the visit (one
customer fewer); a return does not (the customer still bought), but its items and money come back.
Cash taken at the counter for a pay-at-store online order (a pickup) is drawer cash, not a sale
of this register: it is in the expected drawer and in ``pickup_cash``, never in the sales.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from posapp.domain.money import Yen
from posapp.domain.tax import RateTotal


class FactKind(StrEnum):
    """What a stored sale row is."""

    SALE = "sale"
    VOID = "void"
    RETURN = "return"


class CashKind(StrEnum):
    """Cash moved outside a sale."""

    PAID_IN = "in"
    PAID_OUT = "out"
    NO_SALE = "no_sale"
    PICKUP = "pickup"


@dataclass(frozen=True, slots=True)
class SaleFact:
    """What one sale, void or return contributes; amounts are positive as printed on its receipt."""

    kind: FactKind
    subtotal: Yen
    total: Yen
    by_rate: tuple[RateTotal, ...]
    payments: tuple[tuple[str, Yen], ...]
    change: Yen = 0
    item_count: int = 0
    discount: Yen = 0
    points_discount: Yen = 0
    points_used: int = 0
    points_earned: int = 0
    member: bool = False

    @property
    def sign(self) -> int:
        """+1 for a sale, −1 for what takes one back."""
        return 1 if self.kind is FactKind.SALE else -1

    @property
    def visit(self) -> int:
        """+1 customer for a sale, −1 for a void, 0 for a return."""
        return {FactKind.SALE: 1, FactKind.VOID: -1}.get(self.kind, 0)

    @property
    def net(self) -> Yen:
        """Signed money of the fact (tax included)."""
        return self.sign * sum(r.gross for r in self.by_rate)

    def tendered(self) -> Iterable[tuple[str, Yen]]:
        """(tender, signed amount kept) per payment; the change comes off the cash of a sale."""
        for kind, amount in self.payments:
            kept = amount - (self.change if kind == "cash" and self.kind is FactKind.SALE else 0)
            yield kind, self.sign * kept


@dataclass(frozen=True, slots=True)
class CashFact:
    """Cash put in, taken out, a no-sale opening (0), or cash taken for a pickup order."""

    kind: CashKind
    amount: Yen


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """The net figures of a set of facts."""

    gross_sales: Yen = 0
    net_sales: Yen = 0
    by_rate: tuple[RateTotal, ...] = ()
    by_tender: dict[str, Yen] = field(default_factory=dict)
    customers: int = 0
    items: int = 0
    discounts: Yen = 0
    points_used: int = 0
    points_earned: int = 0
    voids_count: int = 0
    voids_amount: Yen = 0
    returns_count: int = 0
    returns_amount: Yen = 0
    cash_sales: Yen = 0
    cash_refunds: Yen = 0
    cash_in: Yen = 0
    cash_out: Yen = 0
    pickup_cash: Yen = 0
    member_customers: int = 0
    member_sales: Yen = 0

    @property
    def drawer_change(self) -> Yen:
        """What the period did to the drawer: cash sales − refunds + paid in − paid out + pickups."""
        return self.cash_sales - self.cash_refunds + self.cash_in - self.cash_out + self.pickup_cash


def _add_rates(rates: dict[int, list[int]], fact: SaleFact) -> None:
    """Add ``fact``'s taxable, tax and gross per rate into ``rates`` (signed: a void takes away)."""
    for r in fact.by_rate:
        bucket = rates[r.rate]
        bucket[0] += fact.sign * r.taxable
        bucket[1] += fact.sign * r.tax
        bucket[2] += fact.sign * r.gross


def _add_tenders(tenders: dict[str, int], fact: SaleFact) -> tuple[int, int]:
    """Add ``fact``'s tenders into ``tenders``; return the cash it took in and the cash it paid back."""
    taken = refunded = 0
    for kind, amount in fact.tendered():
        tenders[kind] += amount
        if kind == "cash":
            if amount >= 0:
                taken += amount
            else:
                refunded -= amount
    return taken, refunded


def fold_period(sales: Iterable[SaleFact], cash: Iterable[CashFact] = ()) -> PeriodFigures:
    """The figures of ``sales`` and ``cash``, in any order (the fold is commutative)."""
    rates: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    tenders: dict[str, int] = defaultdict(int)
    gross = discounts = points_used = points_earned = customers = items = 0
    voids = [0, 0]
    returns = [0, 0]
    cash_sales = cash_refunds = member_customers = member_sales = 0
    for fact in sales:
        sign = fact.sign
        _add_rates(rates, fact)
        taken, refunded = _add_tenders(tenders, fact)
        cash_sales += taken
        cash_refunds += refunded
        customers += fact.visit
        items += sign * fact.item_count
        points_used += sign * fact.points_used
        points_earned += sign * fact.points_earned
        if fact.member:
            member_customers += fact.visit
            member_sales += fact.net
        if fact.kind is FactKind.SALE:
            # Gross and discounts are what was rung up; voids and returns are shown beside them.
            gross += fact.subtotal
            discounts += fact.discount + fact.points_discount
        elif fact.kind is FactKind.VOID:
            voids[0] += 1
            voids[1] += fact.total
        else:
            returns[0] += 1
            returns[1] += fact.total
    moved: dict[CashKind, int] = defaultdict(int)
    for movement in cash:
        moved[movement.kind] += movement.amount
    return PeriodFigures(
        gross_sales=gross,
        net_sales=sum(b[2] for b in rates.values()),
        by_rate=tuple(RateTotal(rate, b[0], b[1], b[2]) for rate, b in sorted(rates.items(), reverse=True)),
        by_tender=dict(sorted(tenders.items())),
        customers=customers,
        items=items,
        discounts=discounts,
        points_used=points_used,
        points_earned=points_earned,
        voids_count=voids[0],
        voids_amount=voids[1],
        returns_count=returns[0],
        returns_amount=returns[1],
        cash_sales=cash_sales,
        cash_refunds=cash_refunds,
        cash_in=moved[CashKind.PAID_IN],
        cash_out=moved[CashKind.PAID_OUT],
        pickup_cash=moved[CashKind.PICKUP],
        member_customers=member_customers,
        member_sales=member_sales,
    )
