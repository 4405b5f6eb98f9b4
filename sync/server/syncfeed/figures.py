"""The server's own figures for what a terminal reports, recomputed with ``posapp.domain``.

A terminal's amounts, taxes and points are claims. The server rebuilds the sale's cart from its lines
(price charged, quantity, line discount, tax class, eat-in, the basket discount, the points used)
and lets the same domain code the terminal sells with compute the totals, rounded once per rate
under the store's rounding. Pure: no SQL, no HTTP.
"""

from __future__ import annotations

from posapp.domain.cart import Cart, CartLine, CartTotals, Discount
from posapp.domain.tax import RateTotal, TaxClass, TaxPolicy, rate_totals
from sync.protocol.events import ReturnCompleted, SaleCompleted, SoldLine


def cart_line(line: SoldLine) -> CartLine:
    """A sold line as the domain's cart line (raises ``DomainError`` or ``ValueError`` if impossible)."""
    return CartLine(
        sku=line.sku,
        name=line.name,
        unit_price=line.unit_price,
        quantity=line.quantity,
        tax_class=TaxClass(line.tax_class),
        discount=Discount(amount=line.discount) if line.discount else None,
    )


def basket_discount(sale: SaleCompleted) -> int:
    """The basket-level discount: the sale's discount is the basket's plus every line's."""
    return sale.discount - sum(line.discount for line in sale.lines)


def sale_cart(sale: SaleCompleted, tax: TaxPolicy) -> Cart:
    """The cart the sale's lines describe (no per-step re-totalling: one ``totals()`` does it all)."""
    basket = basket_discount(sale)
    return Cart(
        lines=tuple(cart_line(line) for line in sale.lines),
        basket_discounts=(Discount(amount=basket),) if basket else (),
        points_used=sale.points_used,
        eat_in=sale.eat_in,
        policy=tax,
    )


def sale_totals(sale: SaleCompleted, tax: TaxPolicy) -> CartTotals:
    """The server's totals of ``sale`` (raises ``DomainError`` or ``ValueError`` if the lines are impossible)."""
    return sale_cart(sale, tax).totals()


def return_rates(
    ret: ReturnCompleted, tax: TaxPolicy, rates: dict[str, int] | None = None
) -> tuple[RateTotal, ...]:
    """Per-rate refunds of a return, tax rounded once per rate; ``rates`` gives each SKU's rate in the sale."""
    amounts: dict[int, int] = {}
    for line in ret.lines:
        rate = (rates or {}).get(line.sku, line.rate)
        amounts[rate] = amounts.get(rate, 0) + line.amount
    return rate_totals(amounts, tax)
