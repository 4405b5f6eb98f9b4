"""Omnichannel at the counter: pickups waiting, the customer's online interests, coupons, holds.

All of it lives on the central server and is asked for live through the terminal's link (no
terminal tables). Offline, pickups are refused with ``error.omni.offline``; interests fall back to
nothing but this store's cached stock, labelled ``live=False``.

Points and coupons applied to a sale are *held* on the server while the sale is in progress
(``hold_points``, ``hold_coupon``): the server sets them aside at once, so another register or the
web shop is refused, and the sale's ``sale.completed`` event names the hold for the server to
capture at ingest. Offline, points fall back to the store's per-sale cap (the server flags an
overdraft), and a coupon is refused with ``error.coupon.offline`` unless this terminal checked the
code with the server earlier (a cached check): then it rides with the sale and the server redeems
it if it is still free, or flags the sale.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from posapp.domain.barcodes import MemberCard, parse_scan
from posapp.domain.errors import DomainError, InsufficientPoints, InvalidBarcode
from posapp.domain.tender import Tender, TenderKind
from posapp.services import closing
from posapp.services.records import new_id
from posapp.store.models import Customer, StockLevel
from sync.client.errors import ServerRefused, ServerUnavailable
from sync.protocol import live
from sync.protocol.events import CouponUse
from sync.protocol.holds import CouponHoldOut, CouponHoldRequest, PointsHoldOut, PointsHoldRequest

if TYPE_CHECKING:
    from posapp.services.sale import SaleSession
    from posapp.services.terminal import Terminal
    from sync.client.http import SyncClient

CACHED_CHECK_LIFE = timedelta(hours=12)
"""How long a code the server said was valid may be applied offline from this terminal's memory."""


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


class CouponHeld(CouponRefused):
    """The single-use code is on a sale in progress at another register (or in a suspended cart)."""

    message_key = "error.coupon.held"


class PointsHeldElsewhere(InsufficientPoints):
    """The server refused the hold: the points were spent or are held by another register or online."""

    message_key = "error.points.held"


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
    valid_to: datetime | None = None
    single_use: bool = True


@dataclass(frozen=True, slots=True)
class AppliedCoupon:
    """A coupon on a sale: held on the server under ``redemption_id`` (``held``) until the sale's push
    redeems it, or applied offline from a cached check (``held`` False)."""

    code: str
    discount: int
    redemption_id: str
    member_no: str | None
    held: bool = True
    expires_at: datetime | None = None

    @property
    def label(self) -> str:
        """The basket discount's label on screen and receipt."""
        return f"クーポン {self.code}"

    def use(self) -> CouponUse:
        """What the sale's event says of it."""
        return CouponUse(
            code=self.code, redemption_id=self.redemption_id, discount=self.discount, held=self.held
        )


@dataclass(frozen=True, slots=True)
class HeldPoints:
    """Points the server set aside for this sale; ``balance_after`` is the member's balance after them."""

    hold_id: str
    points: int
    balance_after: int
    expires_at: datetime


_checked: weakref.WeakKeyDictionary[Terminal, dict[str, tuple[CouponCheck, datetime]]] = (
    weakref.WeakKeyDictionary()
)


def _client(terminal: Terminal, offline: type[DomainError]) -> SyncClient:
    if terminal.link is None:
        raise offline("this terminal is not connected to the server")
    return terminal.link.client


def get_json(terminal: Terminal, path: str, *, offline: type[DomainError], **params: Any) -> Any:
    """A live GET; an unreachable server raises ``offline``."""
    client = _client(terminal, offline)
    query = {key: value for key, value in params.items() if value is not None}
    try:
        return client.get_json(
            path, timeout=terminal.settings.server_call_timeout_seconds, params=query or None
        )
    except ServerUnavailable as error:
        raise offline(str(error)) from error


def post_json(terminal: Terminal, path: str, body: dict[str, Any], *, offline: type[DomainError]) -> Any:
    """A live POST; an unreachable server raises ``offline``."""
    client = _client(terminal, offline)
    try:
        return client.post_json(path, body, timeout=terminal.settings.server_call_timeout_seconds)
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
    """Ask the server whether a scanned code can be used (raises ``CouponOffline`` offline).

    A valid answer is remembered (``CACHED_CHECK_LIFE``) so the code can still be taken offline.
    """
    code = code.strip().upper()
    try:
        data = get_json(terminal, f"/v1/coupons/{code}", offline=CouponOffline, member_no=member_no)
    except ServerRefused as error:
        raise CouponRefused("unknown coupon", value=code, reason="coupon-unknown") from error
    reply = live.CouponCheck.model_validate(data)
    check = CouponCheck(
        code=reply.code,
        valid=reply.valid,
        reason=reply.reason,
        kind=reply.kind,
        value=reply.value,
        min_spend=reply.min_spend,
        categories=reply.categories,
        member_no=reply.member_no,
        valid_to=reply.valid_to,
        single_use=reply.single_use,
    )
    cache = _checked.setdefault(terminal, {})
    if check.valid:
        cache[check.code] = (check, terminal.now())
    else:
        cache.pop(check.code, None)
    return check


def _cached_check(terminal: Terminal, code: str, member_no: str | None) -> CouponCheck | None:
    found = _checked.get(terminal, {}).get(code.strip().upper())
    if found is None:
        return None
    check, checked_at = found
    now = terminal.now()
    if now - checked_at > CACHED_CHECK_LIFE or (check.valid_to is not None and now > check.valid_to):
        return None
    if check.member_no is not None and check.member_no != member_no:
        return None
    return check


def coupon_used(terminal: Terminal, code: str) -> None:
    """A sale with the code completed here: a single-use code is no longer taken from memory."""
    cache = _checked.get(terminal, {})
    found = cache.get(code)
    if found is not None and found[0].single_use:
        del cache[code]


def coupon_discount(sale: SaleSession, check: CouponCheck) -> int:
    """The yen the code takes off this sale: its value on the lines of its categories (all when none)."""
    base = sum(
        line.amount for line in sale.cart.lines if not check.categories or line.category in check.categories
    )
    if base < check.min_spend or base == 0:
        raise CouponRefused(
            f"spend {check.min_spend} yen on eligible items", value=check.code, reason="coupon-min-spend"
        )
    return base * check.value // 100 if check.kind == "percent" else min(check.value, base)


def _refusal(check: CouponCheck) -> CouponRefused:
    kind = {"coupon-used": CouponUsed, "coupon-held": CouponHeld}.get(check.reason or "", CouponRefused)
    return kind(f"coupon {check.code}: {check.reason}", value=check.code, reason=check.reason)


def take_coupon(sale: SaleSession, code: str) -> AppliedCoupon:
    """Check a code for this sale and hold it on the server (``SaleSession.apply_coupon`` calls this).

    Online the server's answer decides; offline a code checked earlier is taken from memory, any
    other is refused with ``CouponOffline``. Changes nothing on the sale itself.
    """
    member_no = sale.customer.member_no if sale.customer else None
    try:
        check = validate_coupon(sale.terminal, code, member_no=member_no)
    except CouponOffline:
        cached = _cached_check(sale.terminal, code, member_no)
        if cached is None:
            raise
        return AppliedCoupon(cached.code, coupon_discount(sale, cached), new_id(), member_no, held=False)
    if not check.valid:
        raise _refusal(check)
    return hold_coupon(
        sale.terminal, AppliedCoupon(check.code, coupon_discount(sale, check), new_id(), member_no)
    )


def hold_coupon(terminal: Terminal, applied: AppliedCoupon) -> AppliedCoupon:
    """Set the code aside on the server for this sale (again: extends the hold); ``CouponOffline`` offline."""
    body = CouponHoldRequest(
        redemption_id=applied.redemption_id, member_no=applied.member_no, amount=applied.discount
    )
    try:
        data = post_json(
            terminal, f"/v1/coupons/{applied.code}/hold", body.model_dump(mode="json"), offline=CouponOffline
        )
    except ServerRefused as error:
        reason = "coupon-used" if error.status == 409 else "coupon-invalid"
        kind = CouponUsed if error.status == 409 else CouponRefused
        raise kind(error.detail, value=applied.code, reason=reason) from error
    held = CouponHoldOut.model_validate(data)
    return AppliedCoupon(
        applied.code, applied.discount, applied.redemption_id, applied.member_no, True, held.expires_at
    )


def release_coupon(terminal: Terminal, applied: AppliedCoupon) -> bool:
    """Give a held coupon back (removed from the sale); False when the server could not be told
    (the hold then expires by itself)."""
    if not applied.held:
        return True
    try:
        post_json(
            terminal,
            f"/v1/coupons/{applied.code}/release",
            {"redemption_id": applied.redemption_id},
            offline=CouponOffline,
        )
    except (CouponOffline, ServerRefused):
        return False
    return True


# ---- points holds -----------------------------------------------------------------------------------


def hold_points(terminal: Terminal, member_no: str, points: int) -> HeldPoints | None:
    """Set ``points`` of the member aside on the server for this sale.

    ``None`` when the server cannot be asked (not connected, unreachable, a member registered here
    offline whom the server does not know yet): the caller applies the offline cap instead. A
    refusal (spent, or held by another register or online) raises ``PointsHeldElsewhere``.
    """
    if terminal.link is None:
        return None
    with terminal.db.read() as session:
        server_id = session.scalar(select(Customer.server_id).where(Customer.member_no == member_no))
    if server_id is None:
        return None
    body = PointsHoldRequest(customer_id=server_id, points=points, idempotency_key=new_id())
    try:
        data = post_json(terminal, "/v1/points/holds", body.model_dump(mode="json"), offline=OmniOffline)
    except OmniOffline:
        return None
    except ServerRefused as error:
        if error.status == 409:
            raise PointsHeldElsewhere(error.detail, value=points) from error
        raise
    held = PointsHoldOut.model_validate(data)
    return HeldPoints(held.hold_id, held.points, held.balance_after, held.expires_at)


def release_points(terminal: Terminal, held: HeldPoints) -> bool:
    """Give held points back (changed, removed, cart suspended); False when the server could not be
    told (the hold then expires by itself)."""
    try:
        post_json(terminal, f"/v1/points/holds/{held.hold_id}/release", {}, offline=OmniOffline)
    except (OmniOffline, ServerRefused):
        return False
    return True


# ---- kept for callers of the first coupon API -------------------------------------------------------


def apply_coupon(sale: SaleSession, code: str) -> AppliedCoupon:
    """``sale.apply_coupon(code)``."""
    return sale.apply_coupon(code)
