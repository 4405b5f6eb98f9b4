"""Cash counting and the X / Z report figures (点検・精算)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from posapp.domain.errors import DomainError
from posapp.domain.money import Yen
from posapp.domain.period import PeriodFigures
from posapp.domain.tax import RateTotal

DENOMINATIONS: tuple[Yen, ...] = (10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10, 5, 1)
"""Japanese notes and coins, largest first; old and new designs of a note count as the same face."""

MAX_PIECES = 100_000


class InvalidCashCount(DomainError):
    """A denomination count is unknown, negative or absurd."""

    message_key = "error.cash_count.invalid"


@dataclass(frozen=True, slots=True)
class CashCount:
    """How many of each note and coin were counted in the drawer."""

    pieces: Mapping[Yen, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for face, count in self.pieces.items():
            if face not in DENOMINATIONS:
                raise InvalidCashCount(f"¥{face} is not a Japanese note or coin", value=face)
            if not isinstance(count, int) or not 0 <= count <= MAX_PIECES:
                raise InvalidCashCount(f"count for ¥{face} must be 0..{MAX_PIECES}", value=count)

    @property
    def total(self) -> Yen:
        """Σ count × face value."""
        return sum(face * count for face, count in self.pieces.items())

    def rows(self) -> tuple[tuple[Yen, int, Yen], ...]:
        """(face, count, amount) for every denomination, largest first, for a count grid."""
        return tuple(
            (face, self.pieces.get(face, 0), face * self.pieces.get(face, 0)) for face in DENOMINATIONS
        )


@dataclass(frozen=True, slots=True)
class CashReconciliation:
    """Expected against counted cash; ``over_short`` is negative when cash is missing."""

    opening_float: Yen
    cash_sales: Yen
    cash_refunds: Yen
    paid_in: Yen
    paid_out: Yen
    counted: Yen
    pickup_cash: Yen = 0
    """Cash taken for pay-at-store online orders handed over at this register."""

    @property
    def expected(self) -> Yen:
        """float + cash sales − cash refunds + paid in − paid out + pickup cash."""
        return (
            self.opening_float
            + self.cash_sales
            - self.cash_refunds
            + self.paid_in
            - self.paid_out
            + self.pickup_cash
        )

    @property
    def over_short(self) -> Yen:
        """counted − expected."""
        return self.counted - self.expected


@dataclass(frozen=True, slots=True)
class ClosingFigures:
    """The contents of an X or Z report for one period of one terminal."""

    gross_sales: Yen
    net_sales: Yen
    by_rate: tuple[RateTotal, ...]
    by_tender: Mapping[str, Yen]
    customers: int
    items: int
    discounts: Yen
    points_used: int
    points_earned: int
    voids_count: int
    voids_amount: Yen
    returns_count: int
    returns_amount: Yen
    cash_in: Yen
    cash_out: Yen
    opening_float: Yen
    cash_sales: Yen
    cash_refunds: Yen
    pickup_cash: Yen = 0

    @classmethod
    def of(cls, period: PeriodFigures, *, opening_float: Yen) -> ClosingFigures:
        """The report of a folded period (:func:`posapp.domain.period.fold_period`)."""
        return cls(
            gross_sales=period.gross_sales,
            net_sales=period.net_sales,
            by_rate=period.by_rate,
            by_tender=dict(period.by_tender),
            customers=period.customers,
            items=period.items,
            discounts=period.discounts,
            points_used=period.points_used,
            points_earned=period.points_earned,
            voids_count=period.voids_count,
            voids_amount=period.voids_amount,
            returns_count=period.returns_count,
            returns_amount=period.returns_amount,
            cash_in=period.cash_in,
            cash_out=period.cash_out,
            opening_float=opening_float,
            cash_sales=period.cash_sales,
            cash_refunds=period.cash_refunds,
            pickup_cash=period.pickup_cash,
        )

    @property
    def expected_cash(self) -> Yen:
        """What the drawer should hold."""
        return self.reconcile(counted=0).expected

    def reconcile(self, *, counted: Yen) -> CashReconciliation:
        """Compare the drawer count with what the period's figures say it should hold."""
        return CashReconciliation(
            opening_float=self.opening_float,
            cash_sales=self.cash_sales,
            cash_refunds=self.cash_refunds,
            paid_in=self.cash_in,
            paid_out=self.cash_out,
            counted=counted,
            pickup_cash=self.pickup_cash,
        )
