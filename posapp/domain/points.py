"""Points shared by stores and the online shop: earning and redeeming rules (1 pt = ¥1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from posapp.domain.cart import CartTotals
from posapp.domain.errors import InsufficientPoints
from posapp.domain.proration import prorate, share_of


class EarnBase(StrEnum):
    """Whether points are earned on the tax-inclusive amount or the amount before tax."""

    AFTER_TAX = "after_tax"
    BEFORE_TAX = "before_tax"


class EarnScope(StrEnum):
    """Whether the unit is applied to the whole basket or to each line (rounding per line)."""

    BASKET = "basket"
    ITEM = "item"


@dataclass(frozen=True, slots=True)
class PointsPolicy:
    """The chain's earn rule; the default is 1 pt per ¥100 paid in money, tax included, per basket."""

    unit: int = 100
    base: EarnBase = EarnBase.AFTER_TAX
    scope: EarnScope = EarnScope.BASKET
    points_paid_part_earns: bool = False

    def __post_init__(self) -> None:
        if self.unit not in (100, 200):
            raise ValueError("the earn unit is ¥100 or ¥200")


def points_earned(totals: CartTotals, policy: PointsPolicy, *, points_payment: int = 0) -> int:
    """Points earned by a sale with ``totals``; ``points_payment`` is common-programme points paid."""
    paid_with_points = totals.points_discount + points_payment
    gross_paid = totals.amount_due - points_payment
    if policy.points_paid_part_earns:
        gross_paid += paid_with_points
    if gross_paid <= 0:
        return 0
    tax = totals.tax_total
    base = gross_paid if policy.base is EarnBase.AFTER_TAX else max(gross_paid - tax, 0)
    if policy.scope is EarnScope.BASKET:
        return base // policy.unit
    # Per item: the paid base is shared over the lines in proportion, and each line rounds down.
    if sum(totals.line_amounts) == 0:
        return 0
    return sum(share // policy.unit for share in prorate(base, totals.line_amounts))


def points_returned(
    points: int, *, refunded: int, paid: int, moved_before: int, goods_returned: int = 0, goods_sold: int = 0
) -> int:
    """The points a return gives back (of those used) or takes back (of those earned) on a sale that
    was ``paid``: the share of ``points`` that all refunded so far (``refunded``, this return
    included) carries, less what earlier returns moved (``moved_before``). Returning everything moves
    exactly ``points``, however it is split; terminal and server both count so.

    A sale nothing was paid for (points or discounts covered it all) refunds ¥0 whatever comes back,
    so its share is measured by the goods instead: ``goods_returned`` of ``goods_sold`` (see
    ``returned_goods_value``); a partial return then gives back its lines' part, not everything."""
    if paid <= 0 and goods_sold > 0:
        refunded, paid = goods_returned, goods_sold
    return max(share_of(points, min(max(refunded, 0), max(paid, 0)), max(paid, 0)) - moved_before, 0)


def returned_goods_value(
    sold: Iterable[tuple[str, int, int]], returned: Mapping[str, int]
) -> tuple[int, int]:
    """What the goods returned so far are worth, and what all the goods sold were: ``sold`` lines as
    (SKU, quantity, amount before basket and points discounts), ``returned`` SKU → quantity returned
    so far (this return included). Counted per SKU, as the server knows a return's lines only by SKU,
    so terminal and server agree; each SKU's part is ``share_of`` its amount (integer, adds up)."""
    quantities: dict[str, int] = {}
    amounts: dict[str, int] = {}
    for sku, quantity, amount in sold:
        quantities[sku] = quantities.get(sku, 0) + abs(quantity)
        amounts[sku] = amounts.get(sku, 0) + max(amount, 0)
    worth = sum(
        share_of(amounts[sku], min(max(quantity, 0), quantities[sku]), quantities[sku])
        for sku, quantity in returned.items()
        if quantities.get(sku)
    )
    return worth, sum(amounts.values())


def check_redeemable(points: int, *, balance: int, cap: int | None = None) -> int:
    """Refuse to use more points than the balance (or the per-sale cap); returns ``points``."""
    if points < 0:
        raise InsufficientPoints("points used cannot be negative", value=points)
    if points > balance:
        raise InsufficientPoints(f"only {balance} points available", value=points, limit=balance)
    if cap is not None and points > cap:
        raise InsufficientPoints(f"at most {cap} points per sale", value=points, limit=cap)
    return points
