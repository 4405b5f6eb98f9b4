"""Japanese consumption tax: two rates, computed once per receipt per rate (インボイス制度)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from posapp.domain.money import Yen
from posapp.domain.proration import prorate


class TaxClass(StrEnum):
    """The product master's tax class; eat-in turns reduced food into standard at sale time."""

    STANDARD = "standard"
    REDUCED = "reduced"


class Rounding(StrEnum):
    """How the one tax figure per rate is rounded (a store setting; 切り捨て by default)."""

    DOWN = "down"
    UP = "up"
    HALF_UP = "half_up"


class Pricing(StrEnum):
    """Whether shelf prices include tax (内税, the default) or have it added (外税)."""

    INCLUSIVE = "inclusive"
    EXCLUSIVE = "exclusive"


STANDARD_RATE = 10
REDUCED_RATE = 8


def rate_for(tax_class: TaxClass, *, eat_in: bool = False) -> int:
    """The rate in percent for a product of ``tax_class``; food eaten in the store is standard-rated."""
    if tax_class is TaxClass.REDUCED and not eat_in:
        return REDUCED_RATE
    return STANDARD_RATE


def divide(numerator: int, denominator: int, rounding: Rounding) -> int:
    """Integer division of non-negative numbers with the store's rounding, never through floats."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(numerator, denominator)
    if rounding is Rounding.DOWN or remainder == 0:
        return quotient
    if rounding is Rounding.UP:
        return quotient + 1
    return quotient + (1 if 2 * remainder >= denominator else 0)


def tax_included_in(total: Yen, rate: int, rounding: Rounding = Rounding.DOWN) -> Yen:
    """The tax inside a tax-inclusive ``total`` at ``rate`` %: ``total × r / (100 + r)``."""
    sign = -1 if total < 0 else 1
    return sign * divide(abs(total) * rate, 100 + rate, rounding)


def tax_added_to(total: Yen, rate: int, rounding: Rounding = Rounding.DOWN) -> Yen:
    """The tax on top of a tax-exclusive ``total`` at ``rate`` %: ``total × r / 100``."""
    sign = -1 if total < 0 else 1
    return sign * divide(abs(total) * rate, 100, rounding)


@dataclass(frozen=True, slots=True)
class TaxPolicy:
    """The store's tax settings."""

    pricing: Pricing = Pricing.INCLUSIVE
    rounding: Rounding = Rounding.DOWN


@dataclass(frozen=True, slots=True)
class RateTotal:
    """One rate's line on a receipt: what was sold at that rate and its tax.

    ``taxable`` is the amount in the store's pricing mode (tax-inclusive for 内税, before tax for
    外税); ``gross`` always includes the tax.
    """

    rate: int
    taxable: Yen
    tax: Yen
    gross: Yen

    @property
    def net(self) -> Yen:
        """The amount before tax."""
        return self.gross - self.tax


def rate_totals(amounts_by_rate: dict[int, Yen], policy: TaxPolicy) -> tuple[RateTotal, ...]:
    """One ``RateTotal`` per rate, standard rate first, tax rounded once per rate."""
    totals = []
    for rate in sorted(amounts_by_rate, reverse=True):
        amount = amounts_by_rate[rate]
        if policy.pricing is Pricing.INCLUSIVE:
            tax = tax_included_in(amount, rate, policy.rounding)
            gross = amount
        else:
            tax = tax_added_to(amount, rate, policy.rounding)
            gross = amount + tax
        totals.append(RateTotal(rate=rate, taxable=amount, tax=tax, gross=gross))
    return tuple(totals)


def split_across_rates(discount: Yen, amounts_by_rate: dict[int, Yen]) -> dict[int, Yen]:
    """Split a basket-level ``discount`` in proportion to each rate's total (``prorate``).

    The shares add up to the discount exactly; a tie for the last yen goes to the higher rate, whatever
    the order of the lines.
    """
    total = sum(amounts_by_rate.values())
    if discount == 0 or total == 0:
        return {rate: 0 for rate in amounts_by_rate}
    if discount < 0 or discount > total:
        raise ValueError(f"discount {discount} outside 0..{total}")
    rates = sorted(amounts_by_rate, reverse=True)
    shares = dict(zip(rates, prorate(discount, [amounts_by_rate[rate] for rate in rates]), strict=True))
    return {rate: shares[rate] for rate in amounts_by_rate}
