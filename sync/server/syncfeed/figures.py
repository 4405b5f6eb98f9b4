"""The server's own figures for what a terminal reports, recomputed with ``posapp.domain``.

A terminal's amounts, taxes and points are claims. The server rebuilds the sale's cart from its lines
(price charged, quantity, line discount, tax class, eat-in, the basket discount, the points used)
and lets the same domain code the terminal sells with compute the totals, rounded once per rate
under the store's rounding; points come from the server's versioned policy. Returns and voids are
bounded by what their original sale left to give back. Both ingest paths (bulk and per event) judge
through these functions, so they store the same figures and raise the same flags. Pure: no SQL, no
HTTP.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from posapp.domain.cart import MAX_QUANTITY, Cart, CartLine, CartTotals, Discount
from posapp.domain.money import MAX_AMOUNT
from posapp.domain.points import points_returned, returned_goods_value
from posapp.domain.proration import prorate
from posapp.domain.tax import (
    REDUCED_RATE,
    STANDARD_RATE,
    RateTotal,
    TaxClass,
    TaxPolicy,
    rate_totals,
    split_across_rates,
)
from sync.protocol.events import ReturnCompleted, SaleCompleted, SaleVoided, SoldLine
from sync.protocol.flags import FlagReason, flag
from sync.server.points import policy


class Refused(ValueError):
    """A return or void the original sale does not allow; nothing of it is applied."""


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


@dataclass(frozen=True, slots=True)
class SaleFigures:
    """What the server stores for a sale: its own amounts, taxes and points, and what it flags."""

    total: int
    by_rate: tuple[RateTotal, ...]
    items: list[dict[str, Any]]
    points_earned: int
    flags: tuple[str, ...]


def judge_sale(
    sale: SaleCompleted,
    *,
    tax: TaxPolicy,
    member: bool,
    managers: Collection[str],
    approval_percent: int = policy.APPROVAL_DISCOUNT_PERCENT,
) -> SaleFigures:
    """The server's figures of ``sale`` and the flags of every claim that differs from them.

    Raises ``DomainError`` or ``ValueError`` when the lines are impossible (a negative amount…).
    ``managers`` are the codes of the store's managers: an approval by anyone else does not count.
    """
    cart = sale_cart(sale, tax)
    rates = [line.rate(eat_in=sale.eat_in) for line in cart.lines]
    return _verdict(sale, cart.totals(), rates, member, managers, approval_percent)


def judge_plain_sale(
    sale: SaleCompleted,
    *,
    tax: TaxPolicy,
    member: bool,
    managers: Collection[str],
    approval_percent: int = policy.APPROVAL_DISCOUNT_PERCENT,
) -> SaleFigures:
    """``judge_sale``, cheaper for the bulk path: the same figures and flags (raising the same way).

    A sale whose lines the domain's cart takes as they are (every check it makes passes) is totalled
    here in plain integers, with the domain's own per-rate rounding and discount split; anything else
    goes through the cart. ``tests/server/test_judge_plain.py`` pins the two to each other.
    """
    plain = plain_totals(sale, tax)
    if plain is None:
        return judge_sale(sale, tax=tax, member=member, managers=managers, approval_percent=approval_percent)
    totals, rates = plain
    return _verdict(sale, totals, rates, member, managers, approval_percent)


def plain_totals(sale: SaleCompleted, tax: TaxPolicy) -> tuple[CartTotals, list[int]] | None:
    """What ``sale_cart(sale, tax).totals()`` gives, and each line's rate, when no check of the cart
    can fail; ``None`` otherwise (the cart then says why, or totals a case this does not cover)."""
    reduced = REDUCED_RATE if not sale.eat_in else STANDARD_RATE
    amounts: list[int] = []
    rates: list[int] = []
    by_rate: dict[int, int] = {}
    items = line_discounts = 0
    for line in sale.lines:
        quantity, price, discount = line.quantity, line.unit_price, line.discount
        if line.tax_class == "standard":
            rate = STANDARD_RATE
        elif line.tax_class == "reduced":
            rate = reduced
        else:
            return None
        gross = price * quantity
        if not (1 <= quantity <= MAX_QUANTITY and 0 <= price <= MAX_AMOUNT and 0 <= discount <= gross):
            return None
        amount = gross - discount
        amounts.append(amount)
        rates.append(rate)
        by_rate[rate] = by_rate.get(rate, 0) + amount
        items += quantity
        line_discounts += discount
    subtotal = sum(by_rate.values())
    basket = sale.discount - line_discounts
    if not 0 <= basket <= subtotal or sale.points_used > subtotal - basket:
        return None
    off = basket + sale.points_used
    if off:
        shares = split_across_rates(off, by_rate)
        by_rate = {rate: by_rate[rate] - shares.get(rate, 0) for rate in by_rate}
    per_rate = rate_totals(by_rate, tax)
    totals = CartTotals(
        by_rate=per_rate, subtotal=subtotal, basket_discount=basket, points_discount=sale.points_used,
        amount_due=sum(rate.gross for rate in per_rate), item_count=items, line_amounts=tuple(amounts),
    )  # fmt: skip
    return totals, rates


def _verdict(
    sale: SaleCompleted,
    totals: CartTotals,
    rates: list[int],
    member: bool,
    managers: Collection[str],
    approval_percent: int,
) -> SaleFigures:
    """The figures of ``sale`` from the server's ``totals`` (and each line's rate), flagging each claim
    that differs."""
    flags: list[str] = []
    items: list[dict[str, Any]] = []
    lines_differ = sale.subtotal != totals.subtotal
    overridden = line_needs = False
    line_discounts = 0
    for line, amount, rate in zip(sale.lines, totals.line_amounts, rates, strict=True):  # one pass: it is hot
        items.append({"sku": line.sku, "name": line.name, "quantity": line.quantity,
                      "unit_price": line.unit_price, "amount": amount, "rate": rate})  # fmt: skip
        lines_differ = lines_differ or line.amount != amount or line.rate != rate
        overridden = overridden or line.price_overridden
        line_needs = line_needs or line.discount * 100 > line.unit_price * line.quantity * approval_percent
        line_discounts += line.discount
    if lines_differ:
        flags.append(flag(FlagReason.LINE_AMOUNTS_DIFFER))
    if sale.total != totals.amount_due or sale.points_discount != totals.points_discount:
        flags.append(flag(FlagReason.TOTAL_DIFFERS))
    claimed_rates = sorted((r.rate, r.taxable, r.tax) for r in sale.by_rate)
    if claimed_rates != sorted((r.rate, r.taxable, r.tax) for r in totals.by_rate):
        flags.append(flag(FlagReason.TAX_DIFFERS))
    earned = policy.earned(totals, at=sale.sold_at, member=member)
    if sale.points_earned != earned:
        flags.append(flag(FlagReason.POINTS_EARNED_DIFFER))
    approved = {a.action for a in sale.approvals if a.manager_code in managers}
    if overridden and "price_override" not in approved:
        flags.append(flag(FlagReason.OVERRIDE_UNAPPROVED))
    # A coupon's part needs no manager: HQ's campaign set it and ingest checks it against the coupon.
    coupon = sale.coupon.discount if sale.coupon else 0
    basket_needs = (sale.discount - line_discounts - coupon) * 100 > totals.subtotal * approval_percent
    if (line_needs and "line_discount" not in approved) or (
        basket_needs and "basket_discount" not in approved
    ):
        flags.append(flag(FlagReason.DISCOUNT_UNAPPROVED))
    return SaleFigures(
        total=totals.amount_due, by_rate=totals.by_rate, items=items, points_earned=earned, flags=tuple(flags)
    )


@dataclass(frozen=True, slots=True)
class Original:
    """What the server stored of a sale, and of the returns and void already made against it."""

    kind: str
    total: int
    items: Sequence[dict[str, Any]]
    points_used: int
    points_earned: int
    returns: Sequence[Original] = ()
    voided: bool = False


@dataclass(frozen=True, slots=True)
class ReturnFigures:
    """What the server applies for a return: the refund per rate, the points moved, and flags."""

    total: int
    by_rate: tuple[RateTotal, ...]
    items: list[dict[str, Any]]
    points_restored: int
    points_taken_back: int
    flags: tuple[str, ...]


def net_shares(amounts: Sequence[int], paid: int) -> list[int]:
    """Each line's share of what was paid after basket and points discounts: what a refund may give back.

    The terminal's rule (``posapp.domain.proration.prorate``, as ``posapp.services.sale.stored_sale``
    uses it), so the shares add up to what was paid. Impossible figures share nothing.
    """
    if paid < 0 or sum(amounts) <= 0 or any(amount < 0 for amount in amounts):
        return [0] * len(amounts)
    return prorate(paid, amounts)


def _quantities(items: Iterable[dict[str, Any]], amounts: Iterable[int]) -> dict[str, tuple[int, int]]:
    """SKU → (quantity, amount) over ``items`` with ``amounts``."""
    sums: dict[str, tuple[int, int]] = {}
    for item, line_amount in zip(items, amounts, strict=True):
        quantity, amount = sums.get(item["sku"], (0, 0))
        sums[item["sku"]] = (quantity + abs(item["quantity"]), amount + abs(line_amount))
    return sums


def judge_return(ret: ReturnCompleted, original: Original, tax: TaxPolicy) -> ReturnFigures:
    """A return bounded by its original: raises ``Refused`` with the reason when it asks for more.

    Quantity and refund per SKU at most what was sold and not yet returned (the refund measured
    against the SKU's share of what was paid); the refund at most what the sale took and has not
    refunded yet; points restored at most the points spent on the sale and
    not yet restored. Points taken back are the policy's share of what the sale earned.
    """
    if original.kind != "sale":
        raise Refused(f"a {original.kind} cannot be returned against")
    if original.voided:
        raise Refused("the original sale was voided")
    sold = _quantities(
        original.items, net_shares([item["amount"] for item in original.items], original.total)
    )
    earlier_items = [item for earlier in original.returns for item in earlier.items]
    returned = _quantities(earlier_items, [item["amount"] for item in earlier_items])
    asked = _quantities([line.model_dump() for line in ret.lines], [line.amount for line in ret.lines])
    _refuse_more_than_left(asked, sold, returned)
    refund = sum(line.amount for line in ret.lines)
    if refund != ret.total:
        raise Refused(f"the return's lines add up to ¥{refund}, not its total ¥{ret.total}")
    refunded = sum(-earlier.total for earlier in original.returns)
    if refund > original.total - refunded:
        raise Refused(f"¥{refund} refunded, ¥{original.total - refunded} of the sale left to refund")
    restored = sum(-earlier.points_used for earlier in original.returns)
    if ret.points_restored > original.points_used - restored:
        raise Refused(
            f"{ret.points_restored} points restored, {original.points_used - restored} spent on the sale left"
        )
    taken = sum(-earlier.points_earned for earlier in original.returns)
    so_far = {sku: returned.get(sku, (0, 0))[0] + asked.get(sku, (0, 0))[0] for sku in sold}
    goods = returned_goods_value(
        [(item["sku"], item["quantity"], item["amount"]) for item in original.items], so_far
    )
    taken_back = min(
        points_returned(
            original.points_earned,
            refunded=refunded + refund,
            paid=original.total,
            moved_before=taken,
            goods_returned=goods[0],
            goods_sold=goods[1],
        ),
        original.points_earned - taken,
    )
    flags = [] if taken_back == ret.points_taken_back else [flag(FlagReason.POINTS_TAKEN_BACK_DIFFER)]
    items = _returned_items(ret, original)
    amounts: dict[int, int] = {}
    for item in items:
        amounts[item["rate"]] = amounts.get(item["rate"], 0) + item["amount"]
    return ReturnFigures(
        total=refund, by_rate=rate_totals(amounts, tax), items=items, points_restored=ret.points_restored,
        points_taken_back=taken_back, flags=tuple(flags),
    )  # fmt: skip


Quantities = dict[str, tuple[int, int]]


def _refuse_more_than_left(asked: Quantities, sold: Quantities, returned: Quantities) -> None:
    """Raise ``Refused`` when a SKU is returned or refunded beyond what its sale left."""
    for sku, (quantity, amount) in asked.items():
        if sku not in sold:
            raise Refused(f"{sku} was not sold on the original receipt")
        sold_quantity, sold_amount = sold[sku]
        done_quantity, done_amount = returned.get(sku, (0, 0))
        if quantity > sold_quantity - done_quantity:
            raise Refused(f"{sku}: {quantity} returned, {sold_quantity - done_quantity} left to return")
        if amount > sold_amount - done_amount:
            raise Refused(f"{sku}: ¥{amount} refunded, ¥{sold_amount - done_amount} left to refund")


def _returned_items(ret: ReturnCompleted, original: Original) -> list[dict[str, Any]]:
    """The return's lines as stored, each at the tax rate it was sold at."""
    rates = {item["sku"]: item["rate"] for item in original.items}
    return [
        {"sku": line.sku, "name": line.name, "quantity": line.quantity, "unit_price": line.unit_price,
         "amount": line.amount, "rate": rates[line.sku]}
        for line in ret.lines
    ]  # fmt: skip


def judge_void(void: SaleVoided, original: Original) -> tuple[str, ...]:
    """A void bounded by its original (raises ``Refused``); the flags of what it claimed differently.

    A sale is voided once, as a whole, before any return; the void reverses the sale's stored figures
    and ledger entries, never more, whatever it claims.
    """
    if original.kind != "sale":
        raise Refused(f"a {original.kind} cannot be voided")
    if original.voided:
        raise Refused("the sale was already voided")
    if original.returns:
        raise Refused("goods of this sale were returned; return the rest instead of voiding it")
    if void.total > original.total:
        raise Refused(f"the void claims ¥{void.total}, the sale was ¥{original.total}")
    flags = [] if void.total == original.total else [flag(FlagReason.VOID_TOTAL_DIFFERS)]
    if (void.points_used, void.points_earned) != (original.points_used, original.points_earned):
        # Only the sale's ledger entries are reversed, whatever the claim (a terminal with another
        # local earn rule claims other points): flagged, not refused, so a real void is never lost.
        flags.append(flag(FlagReason.VOID_POINTS_DIFFER))
    return tuple(flags)


def return_rates(
    ret: ReturnCompleted, tax: TaxPolicy, rates: dict[str, int] | None = None
) -> tuple[RateTotal, ...]:
    """Per-rate refunds of a return, tax rounded once per rate; ``rates`` gives each SKU's rate in the sale."""
    amounts: dict[int, int] = {}
    for line in ret.lines:
        rate = (rates or {}).get(line.sku, line.rate)
        amounts[rate] = amounts.get(rate, 0) + line.amount
    return rate_totals(amounts, tax)
