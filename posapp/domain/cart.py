"""The cart: lines, discounts, own points, eat-in; totals computed once per receipt per rate."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from posapp.domain.errors import EmptyCart, InvalidDiscount, InvalidPrice, InvalidQuantity, LineNotFound
from posapp.domain.money import MAX_AMOUNT, Yen
from posapp.domain.tax import RateTotal, TaxClass, TaxPolicy, rate_for, rate_totals, split_across_rates

MAX_QUANTITY = 999
"""A larger quantity on one line is almost always a barcode scanned into the quantity field."""


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount of a fixed ``amount`` of yen or of a ``percent`` (floored), never both."""

    amount: Yen = 0
    percent: int = 0
    label: str = ""

    def __post_init__(self) -> None:
        if self.amount < 0 or not 0 <= self.percent <= 100 or (self.amount and self.percent):
            raise InvalidDiscount(
                "a discount is an amount or a percent from 0 to 100", value=(self.amount, self.percent)
            )

    def of(self, base: Yen) -> Yen:
        """The yen this discount takes off ``base``; refuses to take more than the base."""
        value = self.amount if self.amount else base * self.percent // 100
        if value > base:
            raise InvalidDiscount(f"discount {value} is larger than {base}", value=value, limit=base)
        return value

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (a suspended cart keeps its discounts so)."""
        return {"amount": self.amount, "percent": self.percent, "label": self.label}


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of the cart; ``unit_price`` is the catalogue price, ``override_price`` a clerk's change."""

    sku: str
    name: str
    unit_price: Yen
    quantity: int
    tax_class: TaxClass
    jan: str | None = None
    category: str | None = None
    override_price: Yen | None = None
    discount: Discount | None = None

    def __post_init__(self) -> None:
        check_quantity(self.quantity)
        check_price(self.unit_price)
        if self.override_price is not None:
            check_price(self.override_price)
        self.discount_amount  # noqa: B018 - validates that the discount fits the line

    @property
    def price(self) -> Yen:
        """The unit price charged."""
        return self.unit_price if self.override_price is None else self.override_price

    @property
    def gross(self) -> Yen:
        """Price × quantity, before the line discount."""
        return self.price * self.quantity

    @property
    def discount_amount(self) -> Yen:
        """The yen the line discount takes off."""
        return self.discount.of(self.gross) if self.discount else 0

    @property
    def amount(self) -> Yen:
        """What the line adds to the sale after its own discount."""
        return self.gross - self.discount_amount

    def rate(self, *, eat_in: bool) -> int:
        """The tax rate of this line for a sale that is (or is not) eaten in."""
        return rate_for(self.tax_class, eat_in=eat_in)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values; :meth:`from_dict` makes the same line again."""
        return {
            "sku": self.sku,
            "name": self.name,
            "unit_price": self.unit_price,
            "quantity": self.quantity,
            "tax_class": self.tax_class.value,
            "jan": self.jan,
            "category": self.category,
            "override_price": self.override_price,
            "discount": None if self.discount is None else self.discount.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CartLine:
        """The line :meth:`to_dict` wrote (checked again like any new line)."""
        return cls(
            sku=data["sku"],
            name=data["name"],
            unit_price=data["unit_price"],
            quantity=data["quantity"],
            tax_class=TaxClass(data["tax_class"]),
            jan=data["jan"],
            category=data["category"],
            override_price=data["override_price"],
            discount=None if data["discount"] is None else Discount(**data["discount"]),
        )


def check_quantity(quantity: int) -> int:
    """Refuse zero, negative and absurd quantities."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity(f"quantity must be 1..{MAX_QUANTITY}", value=quantity, limit=MAX_QUANTITY)
    return quantity


def check_price(price: Yen, *, limit: Yen = MAX_AMOUNT) -> Yen:
    """Refuse negative prices and prices over the store's limit."""
    if not isinstance(price, int) or isinstance(price, bool) or not 0 <= price <= limit:
        raise InvalidPrice(f"price must be 0..{limit} yen", value=price, limit=limit)
    return price


@dataclass(frozen=True, slots=True)
class CartTotals:
    """Everything a screen or a receipt shows about the money of a cart."""

    by_rate: tuple[RateTotal, ...]
    subtotal: Yen
    basket_discount: Yen
    points_discount: Yen
    amount_due: Yen
    item_count: int
    line_amounts: tuple[Yen, ...]

    @property
    def tax_total(self) -> Yen:
        """All tax on the receipt, summed over the per-rate figures."""
        return sum(rate.tax for rate in self.by_rate)

    def rate(self, rate: int) -> RateTotal | None:
        """The per-rate total for ``rate`` percent, if anything was sold at it."""
        return next((total for total in self.by_rate if total.rate == rate), None)


class LineMerge(StrEnum):
    """Whether scanning the same item again adds a line or raises the quantity of the last one."""

    MERGE = "merge"
    NEW_LINE = "new_line"


@dataclass(frozen=True, slots=True)
class _Sums:
    """What the totals add up from the lines: amounts per rate, each line's amount, the item count.

    Kept with the cart and carried forward by a scan (a line added, or the last one's quantity
    raised), so a scan costs the same with 3 lines or 80: only a removal or a change of an earlier
    line adds the lines up again.
    """

    by_rate: dict[int, Yen]
    line_amounts: tuple[Yen, ...]
    item_count: int

    @classmethod
    def of(cls, lines: tuple[CartLine, ...], *, eat_in: bool) -> _Sums:
        by_rate: dict[int, Yen] = {}
        for line in lines:
            rate = line.rate(eat_in=eat_in)
            by_rate[rate] = by_rate.get(rate, 0) + line.amount
        return cls(by_rate, tuple(line.amount for line in lines), sum(line.quantity for line in lines))

    def with_last(self, line: CartLine, *, replacing: CartLine | None, eat_in: bool) -> _Sums:
        """The sums after ``line`` is appended, or after it replaces the last line ``replacing``."""
        by_rate = dict(self.by_rate)
        rate = line.rate(eat_in=eat_in)
        by_rate[rate] = by_rate.get(rate, 0) + line.amount
        amounts, count = self.line_amounts, self.item_count + line.quantity
        if replacing is not None:
            old_rate = replacing.rate(eat_in=eat_in)
            by_rate[old_rate] -= replacing.amount
            amounts, count = amounts[:-1], count - replacing.quantity
        return _Sums(by_rate, (*amounts, line.amount), count)


@dataclass(frozen=True, slots=True)
class Cart:
    """An immutable cart: every change returns a new cart, so a failed change leaves the old one intact."""

    lines: tuple[CartLine, ...] = ()
    basket_discounts: tuple[Discount, ...] = ()
    points_used: int = 0
    eat_in: bool = False
    policy: TaxPolicy = field(default_factory=TaxPolicy)
    # Derived, computed once per cart value (``replace`` makes a new value and starts them afresh).
    _sums: _Sums | None = field(default=None, init=False, repr=False, compare=False)
    _totals: CartTotals | None = field(default=None, init=False, repr=False, compare=False)

    def add(self, line: CartLine, *, merge: LineMerge = LineMerge.MERGE) -> Cart:
        """Add ``line``; a plain repeat of the last line's item raises its quantity instead."""
        if merge is LineMerge.MERGE and self.lines:
            last = self.lines[-1]
            if (
                last.sku == line.sku
                and last.unit_price == line.unit_price
                and last.override_price is None
                and last.discount is None
                and line.override_price is None
                and line.discount is None
            ):
                merged = replace(last, quantity=check_quantity(last.quantity + line.quantity))
                sums = self._line_sums().with_last(merged, replacing=last, eat_in=self.eat_in)
                return self._with_lines((*self.lines[:-1], merged), sums)
        sums = self._line_sums().with_last(line, replacing=None, eat_in=self.eat_in)
        return self._with_lines((*self.lines, line), sums)

    def with_quantity(self, index: int, quantity: int) -> Cart:
        """Change the quantity of line ``index``."""
        return self._replace_line(index, quantity=check_quantity(quantity))

    def with_price_override(self, index: int, price: Yen, *, limit: Yen = MAX_AMOUNT) -> Cart:
        """Charge ``price`` per unit on line ``index`` instead of the catalogue price."""
        return self._replace_line(index, override_price=check_price(price, limit=limit))

    def with_line_discount(self, index: int, discount: Discount | None) -> Cart:
        """Set (or clear, with ``None``) the discount of line ``index``."""
        return self._replace_line(index, discount=discount)

    def without_line(self, index: int) -> Cart:
        """Void line ``index`` before the sale is completed."""
        self._line(index)
        return self._with_lines(self.lines[:index] + self.lines[index + 1 :])

    def with_basket_discount(self, discount: Discount) -> Cart:
        """Add a basket-level discount (split across rates when totals are computed)."""
        cart = self._keeping_sums(replace(self, basket_discounts=(*self.basket_discounts, discount)))
        cart.totals()
        return cart

    def without_basket_discounts(self) -> Cart:
        """Remove all basket-level discounts."""
        return self._keeping_sums(replace(self, basket_discounts=()))

    def with_points(self, points: int) -> Cart:
        """Use ``points`` of the store's own points, which act as a discount (1 pt = ¥1)."""
        if points < 0:
            raise InvalidDiscount("points used cannot be negative", value=points)
        cart = self._keeping_sums(replace(self, points_used=points))
        cart.totals()
        return cart

    def with_eat_in(self, eat_in: bool) -> Cart:
        """Mark the sale as eaten in (reduced-rate food becomes 10%) or taken out."""
        return replace(self, eat_in=eat_in)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (what a suspended cart stores); the tax policy is the store's, not the cart's."""
        return {
            "eat_in": self.eat_in,
            "points_used": self.points_used,
            "basket_discounts": [discount.to_dict() for discount in self.basket_discounts],
            "lines": [line.to_dict() for line in self.lines],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, policy: TaxPolicy) -> Cart:
        """The cart :meth:`to_dict` wrote, under the store's ``policy``; refused like the changes that made it."""
        cart = cls(
            lines=tuple(CartLine.from_dict(line) for line in data["lines"]),
            basket_discounts=tuple(Discount(**discount) for discount in data["basket_discounts"]),
            points_used=data.get("points_used", 0),
            eat_in=data["eat_in"],
            policy=policy,
        )
        cart.totals()
        return cart

    def require_lines(self) -> None:
        """Refuse to complete an empty cart."""
        if not self.lines:
            raise EmptyCart("the cart has no lines")

    def totals(self) -> CartTotals:
        """Per-rate totals and taxes after line and basket discounts, rounded once per rate."""
        if self._totals is not None:
            return self._totals
        sums = self._line_sums()
        amounts = sums.by_rate
        subtotal = sum(amounts.values())
        basket_discount = 0
        for discount in self.basket_discounts:
            basket_discount += discount.of(subtotal - basket_discount)
        if self.points_used > subtotal - basket_discount:
            raise InvalidDiscount(
                "points used exceed the amount left to pay",
                value=self.points_used,
                limit=subtotal - basket_discount,
            )
        shares = split_across_rates(basket_discount + self.points_used, amounts)
        after_discount = {rate: amounts[rate] - shares.get(rate, 0) for rate in amounts}
        by_rate = rate_totals(after_discount, self.policy)
        totals = CartTotals(
            by_rate=by_rate,
            subtotal=subtotal,
            basket_discount=basket_discount,
            points_discount=self.points_used,
            amount_due=sum(rate.gross for rate in by_rate),
            item_count=sums.item_count,
            line_amounts=sums.line_amounts,
        )
        object.__setattr__(self, "_totals", totals)
        return totals

    def _line_sums(self) -> _Sums:
        if self._sums is None:
            object.__setattr__(self, "_sums", _Sums.of(self.lines, eat_in=self.eat_in))
        assert self._sums is not None
        return self._sums

    def _keeping_sums(self, cart: Cart) -> Cart:
        # Same lines and eat-in: the line sums carry over (the totals do not).
        object.__setattr__(cart, "_sums", self._sums)
        return cart

    def _line(self, index: int) -> CartLine:
        if not 0 <= index < len(self.lines):
            raise LineNotFound(f"no line {index + 1}", value=index)
        return self.lines[index]

    def _replace_line(self, index: int, **changes: object) -> Cart:
        line = replace(self._line(index), **changes)  # type: ignore[arg-type]
        return self._with_lines((*self.lines[:index], line, *self.lines[index + 1 :]))

    def _with_lines(self, lines: tuple[CartLine, ...], sums: _Sums | None = None) -> Cart:
        cart = replace(self, lines=lines)
        if sums is not None:
            object.__setattr__(cart, "_sums", sums)
        cart.totals()  # a change that would make a discount exceed its base is refused here
        return cart
