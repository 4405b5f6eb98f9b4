"""Omnichannel at the counter: coupons and points held on the server, and the live calls the other
omnichannel use cases (``pickups``, ``interests``) make through the terminal's link.

Points and coupons applied to a sale are *held* on the server while the sale is in progress
(``hold_points``, ``hold_coupon``): the server sets them aside at once, so another register or the
web shop is refused, and the sale's ``sale.completed`` event names the hold for the server to
capture at ingest. Offline, points fall back to the store's per-sale cap (the server flags an
overdraft), and a coupon is refused with ``error.coupon.offline`` unless this terminal checked the
code with the server earlier (a cached check): then it rides with the sale and the server redeems
it if it is still free, or flags the sale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from posapp.domain.errors import DomainError, InsufficientPoints
from posapp.services.records import new_id
from posapp.store.models import Customer
from sync.client.errors import ServerRefused, ServerUnavailable
from sync.protocol import live
from sync.protocol.events import CouponUse
from sync.protocol.holds import CouponHoldOut, CouponHoldRequest, PointsHoldOut, PointsHoldRequest

if TYPE_CHECKING:
    from posapp.services.counter import Counter
    from posapp.services.sale import SaleSession
    from sync.client.http import SyncClient

CACHED_CHECK_LIFE = timedelta(hours=12)
"""How long a code the server said was valid may be applied offline from this terminal's memory."""


class OmniOffline(DomainError):
    """The server cannot be reached, and pickups, interests and points holds are only known there."""

    message_key = "error.omni.offline"


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


class CouponMemory:
    """Codes the server said were valid, with when it said so, for taking them offline later."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked: dict[str, tuple[CouponCheck, datetime]] = {}

    def get(self, code: str) -> tuple[CouponCheck, datetime] | None:
        with self._lock:
            return self._checked.get(code)

    def put(self, check: CouponCheck, at: datetime) -> None:
        with self._lock:
            self._checked[check.code] = (check, at)

    def forget(self, code: str) -> None:
        with self._lock:
            self._checked.pop(code, None)


def _client(counter: Counter, offline: type[DomainError]) -> SyncClient:
    if counter.link is None:
        raise offline("this terminal is not connected to the server")
    return counter.link.client


def get_json(counter: Counter, path: str, *, offline: type[DomainError], **params: Any) -> Any:
    """A live GET; an unreachable server raises ``offline``."""
    client = _client(counter, offline)
    query = {key: value for key, value in params.items() if value is not None}
    try:
        return client.get_json(
            path, timeout=counter.settings.server_call_timeout_seconds, params=query or None
        )
    except ServerUnavailable as error:
        raise offline(str(error)) from error


def post_json(counter: Counter, path: str, body: dict[str, Any], *, offline: type[DomainError]) -> Any:
    """A live POST; an unreachable server raises ``offline``."""
    client = _client(counter, offline)
    try:
        return client.post_json(path, body, timeout=counter.settings.server_call_timeout_seconds)
    except ServerUnavailable as error:
        raise offline(str(error)) from error


# ---- coupons ----------------------------------------------------------------------------------------


def validate_coupon(counter: Counter, code: str, *, member_no: str | None = None) -> CouponCheck:
    """Ask the server whether a scanned code can be used (raises ``CouponOffline`` offline).

    A valid answer is remembered (``CACHED_CHECK_LIFE``) so the code can still be taken offline.
    """
    code = code.strip().upper()
    try:
        data = get_json(counter, f"/v1/coupons/{code}", offline=CouponOffline, member_no=member_no)
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
    if check.valid:
        counter.coupon_memory.put(check, counter.now())
    else:
        counter.coupon_memory.forget(check.code)
    return check


def _cached_check(counter: Counter, code: str, member_no: str | None) -> CouponCheck | None:
    found = counter.coupon_memory.get(code.strip().upper())
    if found is None:
        return None
    check, checked_at = found
    now = counter.now()
    if now - checked_at > CACHED_CHECK_LIFE or (check.valid_to is not None and now > check.valid_to):
        return None
    if check.member_no is not None and check.member_no != member_no:
        return None
    return check


def coupon_used(counter: Counter, code: str) -> None:
    """A sale with the code completed here: a single-use code is no longer taken from memory."""
    found = counter.coupon_memory.get(code)
    if found is not None and found[0].single_use:
        counter.coupon_memory.forget(code)


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
        check = validate_coupon(sale.counter, code, member_no=member_no)
    except CouponOffline:
        cached = _cached_check(sale.counter, code, member_no)
        if cached is None:
            raise
        return AppliedCoupon(cached.code, coupon_discount(sale, cached), new_id(), member_no, held=False)
    if not check.valid:
        raise _refusal(check)
    return hold_coupon(
        sale.counter, AppliedCoupon(check.code, coupon_discount(sale, check), new_id(), member_no)
    )


def hold_coupon(counter: Counter, applied: AppliedCoupon) -> AppliedCoupon:
    """Set the code aside on the server for this sale (again: extends the hold); ``CouponOffline`` offline."""
    body = CouponHoldRequest(
        redemption_id=applied.redemption_id, member_no=applied.member_no, amount=applied.discount
    )
    try:
        data = post_json(
            counter, f"/v1/coupons/{applied.code}/hold", body.model_dump(mode="json"), offline=CouponOffline
        )
    except ServerRefused as error:
        reason = "coupon-used" if error.status == 409 else "coupon-invalid"
        kind = CouponUsed if error.status == 409 else CouponRefused
        raise kind(error.detail, value=applied.code, reason=reason) from error
    held = CouponHoldOut.model_validate(data)
    return AppliedCoupon(
        applied.code, applied.discount, applied.redemption_id, applied.member_no, True, held.expires_at
    )


def release_coupon(counter: Counter, applied: AppliedCoupon) -> bool:
    """Give a held coupon back (removed from the sale); False when the server could not be told
    (the hold then expires by itself)."""
    if not applied.held:
        return True
    try:
        post_json(
            counter,
            f"/v1/coupons/{applied.code}/release",
            {"redemption_id": applied.redemption_id},
            offline=CouponOffline,
        )
    except (CouponOffline, ServerRefused):
        return False
    return True


# ---- points holds -----------------------------------------------------------------------------------


def hold_points(counter: Counter, member_no: str, points: int) -> HeldPoints | None:
    """Set ``points`` of the member aside on the server for this sale.

    ``None`` when the server cannot be asked (not connected, unreachable, a member registered here
    offline whom the server does not know yet): the caller applies the offline cap instead. A
    refusal (spent, or held by another register or online) raises ``PointsHeldElsewhere``.
    """
    if counter.link is None:
        return None
    with counter.db.read() as session:
        server_id = session.scalar(select(Customer.server_id).where(Customer.member_no == member_no))
    if server_id is None:
        return None
    body = PointsHoldRequest(customer_id=server_id, points=points, idempotency_key=new_id())
    try:
        data = post_json(counter, "/v1/points/holds", body.model_dump(mode="json"), offline=OmniOffline)
    except OmniOffline:
        return None
    except ServerRefused as error:
        if error.status == 409:
            raise PointsHeldElsewhere(error.detail, value=points) from error
        raise
    held = PointsHoldOut.model_validate(data)
    return HeldPoints(held.hold_id, held.points, held.balance_after, held.expires_at)


def release_points(counter: Counter, held: HeldPoints) -> bool:
    """Give held points back (changed, removed, cart suspended); False when the server could not be
    told (the hold then expires by itself)."""
    try:
        post_json(counter, f"/v1/points/holds/{held.hold_id}/release", {}, offline=OmniOffline)
    except (OmniOffline, ServerRefused):
        return False
    return True


# ---- kept for callers of the first coupon API -------------------------------------------------------


def apply_coupon(sale: SaleSession, code: str) -> AppliedCoupon:
    """``sale.apply_coupon(code)``."""
    return sale.apply_coupon(code)
