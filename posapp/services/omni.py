"""Omnichannel at the counter: pickups waiting, the customer's online interests, coupons.

All of it lives on the central server and is asked for live through the terminal's link (no
terminal tables). Offline, pickups and coupons are refused with ``error.omni.offline`` /
``error.coupon.offline`` (a coupon can only be honoured once the server has said it is unused);
interests fall back to nothing but this store's cached stock, labelled ``live=False``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from posapp.domain.barcodes import MemberCard, parse_scan
from posapp.domain.cart import Discount
from posapp.domain.errors import DomainError, InvalidBarcode
from posapp.domain.tender import Tender, TenderKind
from posapp.services import closing
from posapp.services.records import new_id
from posapp.store.models import Customer, StockLevel
from sync.client.errors import ServerRefused, ServerUnavailable
from sync.protocol import live

if TYPE_CHECKING:
    from posapp.services.sale import CompletedSale, SaleSession
    from posapp.services.terminal import Approval, Terminal
    from sync.client.http import SyncClient

LIVE_TIMEOUT = 3.0


class OmniOffline(DomainError):
    """The server cannot be reached, and pickups are only known there."""

    message_key = "error.omni.offline"


class PickupNotFound(DomainError):
    """No pickup order of this store matches the order number or member card."""

    message_key = "error.pickup.not_found"


class PickupRefused(DomainError):
    """The server refused the hand-over (cancelled order, payment short); ``detail`` says why."""

    message_key = "error.pickup.refused"


class CouponOffline(DomainError):
    """Coupons need the server (single use across every channel); none can be taken offline."""

    message_key = "error.coupon.offline"


class CouponRefused(DomainError):
    """The code is unknown, expired, another member's, below its minimum spend; ``params['reason']``."""

    message_key = "error.coupon.invalid"


class CouponUsed(CouponRefused):
    """The single-use code was already used, in a store or online."""

    message_key = "error.coupon.used"


@dataclass(frozen=True, slots=True)
class PickupLine:
    """One item to hand over."""

    sku: str
    name: str
    quantity: int
    amount: int


@dataclass(frozen=True, slots=True)
class Pickup:
    """A pickup order at this store; ``amount_due`` is what the customer still pays here."""

    order_id: str
    member_no: str
    customer_name: str
    lines: tuple[PickupLine, ...]
    total: int
    amount_due: int
    status: str
    ordered_at: datetime
    waiting_since: datetime
    overdue: bool
    collected_at: datetime | None
    collected_by: str | None


@dataclass(frozen=True, slots=True)
class InterestItem:
    """A product the customer looked at or left in a cart online, with this store's cached stock."""

    sku: str
    name: str
    viewed: int
    added_to_cart: int
    wishlist: int
    cart_abandoned: int
    last_at: datetime
    stock_here: int | None


@dataclass(frozen=True, slots=True)
class OnlineInterests:
    """Recent online interests and favourite categories; ``live`` is False when the server was not asked."""

    items: tuple[InterestItem, ...]
    categories: tuple[tuple[str, int], ...]
    tracking_excluded: bool
    live: bool


@dataclass(frozen=True, slots=True)
class CouponCheck:
    """What the server says of a code."""

    code: str
    valid: bool
    reason: str | None
    kind: str
    value: int
    min_spend: int
    categories: tuple[str, ...]
    member_no: str | None


@dataclass(frozen=True, slots=True)
class AppliedCoupon:
    """A coupon on a sale: redeem it with ``redemption_id`` once the sale is complete."""

    code: str
    discount: int
    redemption_id: str
    member_no: str | None


_applied: weakref.WeakKeyDictionary[SaleSession, AppliedCoupon] = weakref.WeakKeyDictionary()


def _client(terminal: Terminal, offline: type[DomainError]) -> SyncClient:
    if terminal.link is None:
        raise offline("this terminal is not connected to the server")
    return terminal.link.client


def get_json(terminal: Terminal, path: str, *, offline: type[DomainError], **params: Any) -> Any:
    """A live GET; an unreachable server raises ``offline``."""
    client = _client(terminal, offline)
    query = {key: value for key, value in params.items() if value is not None}
    try:
        return client.get_json(path, timeout=LIVE_TIMEOUT, params=query or None)
    except ServerUnavailable as error:
        raise offline(str(error)) from error


def post_json(terminal: Terminal, path: str, body: dict[str, Any], *, offline: type[DomainError]) -> Any:
    """A live POST; an unreachable server raises ``offline``."""
    client = _client(terminal, offline)
    try:
        return client.post_json(path, body, timeout=LIVE_TIMEOUT)
    except ServerUnavailable as error:
        raise offline(str(error)) from error


# ---- click & collect --------------------------------------------------------------------------------


def _pickup(data: Any) -> Pickup:
    reply = live.Pickup.model_validate(data)
    return Pickup(
        order_id=reply.order_id,
        member_no=reply.member_no,
        customer_name=reply.customer_name,
        lines=tuple(PickupLine(i.sku, i.name, i.quantity, i.amount) for i in reply.items),
        total=reply.total,
        amount_due=reply.amount_due,
        status=reply.status,
        ordered_at=reply.ordered_at,
        waiting_since=reply.waiting_since,
        overdue=reply.overdue,
        collected_at=reply.collected_at,
        collected_by=reply.collected_by,
    )


def pickups_waiting(terminal: Terminal, *, overdue: bool = False) -> list[Pickup]:
    """This store's pickups waiting to be collected, oldest first (``overdue``: past the store's limit)."""
    rows = get_json(terminal, "/v1/pickups", offline=OmniOffline, overdue="true" if overdue else None)
    return [_pickup(row) for row in rows]


def find_pickup(terminal: Terminal, text: str) -> list[Pickup]:
    """Pickups of a scanned member card, or the one with a typed or scanned order number."""
    try:
        scan = parse_scan(text, layouts=terminal.in_store_layouts)
    except InvalidBarcode:
        scan = None
    if isinstance(scan, MemberCard):
        member_no = terminal.customer(scan.member_no).member_no
        rows = get_json(terminal, "/v1/pickups", offline=OmniOffline, member_no=member_no)
        if not rows:
            raise PickupNotFound("this member has no pickup waiting here", value=member_no)
        return [_pickup(row) for row in rows]
    order_id = text.strip().removeprefix("ORDER:")
    try:
        return [_pickup(get_json(terminal, f"/v1/pickups/{order_id}", offline=OmniOffline))]
    except ServerRefused as error:
        raise PickupNotFound("no pickup order with this number here", value=order_id) from error


def collect_pickup(terminal: Terminal, *, order_id: str, tenders: Sequence[Tender] = ()) -> Pickup:
    """Hand an order over, with the payment when it is due; repeating it is harmless."""
    clerk = terminal.require_clerk()
    body = {
        "clerk_code": clerk.code,
        "payments": [{"kind": t.kind.value, "amount": t.amount, "reference": t.reference} for t in tenders],
    }
    try:
        data = post_json(terminal, f"/v1/pickups/{order_id}/collect", body, offline=OmniOffline)
    except ServerRefused as error:
        if error.status == 404:
            raise PickupNotFound("no pickup order with this number here", value=order_id) from error
        raise PickupRefused(error.detail, value=order_id) from error
    # The drawer keeps the cash less any change: what was due less what other tenders covered.
    cash = sum(t.amount for t in tenders if t.kind is TenderKind.CASH)
    other = sum(t.amount for t in tenders if t.kind is not TenderKind.CASH)
    kept = min(cash, max(0, int(data["total"]) - other))
    closing.record_pickup_cash(terminal, order_id=order_id, amount=kept)
    return _pickup(data)


# ---- online interests -------------------------------------------------------------------------------


def online_interests(terminal: Terminal, member_no: str) -> OnlineInterests:
    """What the member looked at online lately, with this store's cached stock, and favourite categories."""
    terminal.require_clerk()
    with terminal.db.read() as session:
        server_id = session.scalar(select(Customer.server_id).where(Customer.member_no == member_no))
    if terminal.link is None or server_id is None:
        return OnlineInterests((), (), tracking_excluded=False, live=False)
    try:
        data = get_json(terminal, f"/v1/customers/{server_id}/interests", offline=OmniOffline)
    except (OmniOffline, ServerRefused):
        return OnlineInterests((), (), tracking_excluded=False, live=False)
    skus = [row["sku"] for row in data["products"]]
    store = terminal.settings.store_code
    with terminal.db.read() as session:
        stock = {
            sku: quantity
            for sku, quantity in session.execute(
                select(StockLevel.sku, StockLevel.quantity).where(
                    StockLevel.location == store, StockLevel.sku.in_(skus)
                )
            )
        }
    items = tuple(
        InterestItem(
            sku=row["sku"],
            name=row["name"],
            viewed=row["viewed"],
            added_to_cart=row["added_to_cart"],
            wishlist=row["wishlist"],
            cart_abandoned=row["cart_abandoned"],
            last_at=datetime.fromisoformat(row["last_at"]),
            stock_here=stock.get(row["sku"]),
        )
        for row in data["products"]
    )
    categories = tuple((row["category"], row["quantity"]) for row in data["categories"])
    return OnlineInterests(items, categories, tracking_excluded=data["tracking_excluded"], live=True)


# ---- coupons ----------------------------------------------------------------------------------------


def validate_coupon(terminal: Terminal, code: str, *, member_no: str | None = None) -> CouponCheck:
    """Ask the server whether a scanned code can be used (raises ``CouponOffline`` offline)."""
    code = code.strip().upper()
    try:
        data = get_json(terminal, f"/v1/coupons/{code}", offline=CouponOffline, member_no=member_no)
    except ServerRefused as error:
        raise CouponRefused("unknown coupon", value=code, reason="coupon-unknown") from error
    reply = live.CouponCheck.model_validate(data)
    return CouponCheck(
        code=reply.code,
        valid=reply.valid,
        reason=reply.reason,
        kind=reply.kind,
        value=reply.value,
        min_spend=reply.min_spend,
        categories=reply.categories,
        member_no=reply.member_no,
    )


def apply_coupon(sale: SaleSession, code: str, *, approval: Approval | None = None) -> AppliedCoupon:
    """Check a code and take it off the basket (split across tax rates like any basket discount).

    The discount is worked out on the lines of the coupon's categories (all lines when it names
    none); the code is kept with the sale for ``redeem_coupon`` after ``complete()``.
    """
    if sale in _applied:
        raise CouponRefused("this sale already has a coupon", value=code, reason="coupon-one-per-sale")
    member_no = sale.customer.member_no if sale.customer else None
    check = validate_coupon(sale.terminal, code, member_no=member_no)
    if not check.valid:
        error = CouponUsed if check.reason == "coupon-used" else CouponRefused
        raise error(f"coupon {check.code}: {check.reason}", value=check.code, reason=check.reason)
    base = sum(
        line.amount for line in sale.cart.lines if not check.categories or line.category in check.categories
    )
    if base < check.min_spend or base == 0:
        raise CouponRefused(
            f"spend {check.min_spend} yen on eligible items", value=check.code, reason="coupon-min-spend"
        )
    discount = base * check.value // 100 if check.kind == "percent" else min(check.value, base)
    sale.discount_basket(Discount(amount=discount, label=f"クーポン {check.code}"), approval=approval)
    applied = AppliedCoupon(check.code, discount, new_id(), member_no)
    _applied[sale] = applied
    return applied


def applied_coupon(sale: SaleSession) -> AppliedCoupon | None:
    """The coupon on this sale, if any."""
    return _applied.get(sale)


def redeem_coupon(sale: SaleSession, completed: CompletedSale) -> AppliedCoupon | None:
    """Record the use of the sale's coupon on the server, once the sale is complete.

    Raises ``CouponUsed`` when another store or the web shop used the code in between (the sale
    stands; the clerk is told), ``CouponOffline`` when the server cannot be reached.
    """
    applied = _applied.get(sale)
    if applied is None:
        return None
    body = {
        "redemption_id": applied.redemption_id,
        "member_no": applied.member_no,
        "order_or_sale_id": completed.sale_id,
        "amount": applied.discount,
    }
    try:
        post_json(sale.terminal, f"/v1/coupons/{applied.code}/redeem", body, offline=CouponOffline)
    except ServerRefused as error:
        kind = CouponUsed if error.status == 409 else CouponRefused
        raise kind(error.detail, value=applied.code, reason="coupon-used") from error
    return applied


def release_coupon(terminal: Terminal, applied: AppliedCoupon) -> None:
    """Give a redeemed coupon back (its sale was voided): it can be used again."""
    try:
        post_json(
            terminal,
            f"/v1/coupons/{applied.code}/release",
            {"redemption_id": applied.redemption_id},
            offline=CouponOffline,
        )
    except ServerRefused as error:
        raise CouponRefused(error.detail, value=applied.code, reason="coupon-not-redeemed") from error
