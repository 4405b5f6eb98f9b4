"""Coupon codes, checked, held and redeemed by stores and the web shop alike (campaigns: ``campaigns``).

A single-use code can be redeemed once across every channel: its redemption row carries the code in
``single_use_code``, a UNIQUE column, so of any number of concurrent redemptions the database lets
exactly one insert win (PostgreSQL makes the others wait for it, then fail). ``redemption_id`` is
the caller's idempotency key, so a retry gets its first answer. A release clears ``single_use_code``
and the code can be used again.

A store terminal *holds* a code when the cashier applies it (a redemption row with status ``held``
and an expiry, taking the code the same way); the ``sale.completed`` event names the hold and
ingest turns it into the sale's redemption (``redeem_for_sale``). A void of that sale releases it
(``release_for_sale``); a hold nobody completes is released when it expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.protocol.events import CouponUse
from sync.protocol.flags import FlagReason, flag
from sync.protocol.holds import CouponHoldOut, CouponHoldRequest
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.omni.models import Coupon, CouponCampaign, CouponRedemption
from sync.server.omni.schemas import CouponCheckOut, RedeemIn, RedemptionOut
from sync.server.problems import Conflict, Invalid, NotFound


@dataclass(frozen=True, slots=True)
class CouponView:
    """A code with its campaign and, for a per-member code, its member number."""

    coupon: Coupon
    campaign: CouponCampaign
    member_no: str | None


def normalise_code(code: str) -> str:
    """Codes are compared without case (typed codes and scanned QR codes must agree)."""
    return code.strip().upper()


def find_coupon(session: Session, code: str) -> CouponView:
    """A code with its campaign, or 404."""
    row = session.execute(
        select(Coupon, CouponCampaign, Customer.member_no)
        .join(CouponCampaign, CouponCampaign.id == Coupon.campaign_id)
        .outerjoin(Customer, Customer.id == Coupon.customer_id)
        .where(Coupon.code == normalise_code(code))
    ).first()
    if row is None:
        raise NotFound(f"no coupon {code}")
    return CouponView(*row)


def discount_for(campaign: CouponCampaign, subtotal: int | None) -> int:
    """The yen off ``subtotal`` (the eligible part of the basket); never more than it."""
    if campaign.kind == "percent":
        return (subtotal or 0) * campaign.value // 100
    return campaign.value if subtotal is None else min(campaign.value, subtotal)


def is_used(session: Session, view: CouponView) -> bool:
    """Whether a single-use code has a standing redemption."""
    if not view.campaign.single_use:
        return False
    taken = select(CouponRedemption.id).where(CouponRedemption.single_use_code == view.coupon.code)
    return session.scalar(taken) is not None


def _held(session: Session, view: CouponView) -> bool:
    """Whether a single-use code is set aside for a sale in progress (not yet used)."""
    status = select(CouponRedemption.status).where(CouponRedemption.single_use_code == view.coupon.code)
    return session.scalar(status) == "held"


def refusal(view: CouponView, *, member_no: str | None, now: datetime) -> str | None:
    """Why the code cannot be used now by ``member_no`` (a slug), or ``None``."""
    campaign = view.campaign
    if now < campaign.valid_from:
        return "coupon-not-yet-valid"
    if now > campaign.valid_to:
        return "coupon-expired"
    if view.member_no is not None and member_no != view.member_no:
        return "coupon-other-member"
    return None


def check(session: Session, *, code: str, member_no: str | None, subtotal: int | None) -> CouponCheckOut:
    """Can the code be used now, and what does it take off ``subtotal``."""
    view = find_coupon(session, code)
    release_expired(session, now=utcnow(), coupon_id=view.coupon.id)
    campaign = view.campaign
    reason = refusal(view, member_no=member_no, now=utcnow())
    if reason is None and is_used(session, view):
        reason = "coupon-held" if _held(session, view) else "coupon-used"
    if reason is None and subtotal is not None and subtotal < campaign.min_spend:
        reason = "coupon-min-spend"
    return CouponCheckOut(
        code=view.coupon.code,
        valid=reason is None,
        reason=reason,
        discount=discount_for(campaign, subtotal) if reason is None else 0,
        kind=campaign.kind,
        value=campaign.value,
        min_spend=campaign.min_spend,
        categories=tuple(campaign.categories),
        single_use=campaign.single_use,
        member_no=view.member_no,
        valid_to=campaign.valid_to,
    )


def redemption_out(redemption: CouponRedemption, code: str) -> RedemptionOut:
    """A redemption as the API shows it."""
    return RedemptionOut(
        redemption_id=redemption.redemption_id,
        code=code,
        status=redemption.status,
        amount=redemption.amount,
        order_or_sale_id=redemption.order_or_sale_id,
        created_at=redemption.created_at,
        released_at=redemption.released_at,
    )


def _replayed(session: Session, view: CouponView, body: RedeemIn) -> CouponRedemption | None:
    previous = session.scalar(
        select(CouponRedemption).where(CouponRedemption.redemption_id == body.redemption_id)
    )
    if previous is None:
        return None
    if (previous.coupon_id, previous.order_or_sale_id, previous.amount) != (
        view.coupon.id,
        body.order_or_sale_id,
        body.amount,
    ):
        raise Conflict(
            f"redemption {body.redemption_id} was used for a different request", slug="idempotency-key"
        )
    return previous


def redeem(session: Session, *, code: str, body: RedeemIn, caller: str) -> RedemptionOut:
    """Use a code once (single-use codes: once across all channels); the caller commits."""
    view = find_coupon(session, code)
    previous = _replayed(session, view, body)
    if previous is not None:
        return redemption_out(previous, view.coupon.code)
    release_expired(session, now=utcnow(), coupon_id=view.coupon.id)
    reason = refusal(view, member_no=body.member_no, now=utcnow())
    if reason is not None:
        raise Invalid(f"coupon {view.coupon.code} cannot be used: {reason}", slug=reason)
    if view.campaign.kind == "amount" and body.amount > view.campaign.value:
        raise Invalid(f"the coupon is worth at most {view.campaign.value} yen", slug="coupon-amount")
    customer_id = view.coupon.customer_id
    if customer_id is None and body.member_no is not None:
        customer_id = session.scalar(select(Customer.id).where(Customer.member_no == body.member_no))
    redemption = CouponRedemption(
        redemption_id=body.redemption_id,
        coupon_id=view.coupon.id,
        single_use_code=view.coupon.code if view.campaign.single_use else None,
        customer_id=customer_id,
        order_or_sale_id=body.order_or_sale_id,
        amount=body.amount,
        caller=caller[:24],
        status="redeemed",
    )
    try:
        with session.begin_nested():
            session.add(redemption)
    except IntegrityError as exc:
        # Either our own retry raced us on the key (answer as a replay) or another caller won the code.
        previous = _replayed(session, view, body)
        if previous is not None:
            return redemption_out(previous, view.coupon.code)
        raise Conflict(f"coupon {view.coupon.code} was already used", slug="coupon-used") from exc
    return redemption_out(redemption, view.coupon.code)


def release(session: Session, *, code: str, redemption_id: str) -> RedemptionOut:
    """Give a redemption back (void or cancellation): the code can be used again; repeating is harmless."""
    view = find_coupon(session, code)
    redemption = session.scalar(
        select(CouponRedemption)
        .where(
            CouponRedemption.redemption_id == redemption_id,
            CouponRedemption.coupon_id == view.coupon.id,
        )
        .with_for_update()
    )
    if redemption is None:
        raise NotFound(f"no redemption {redemption_id} of coupon {view.coupon.code}")
    if redemption.status != "released":
        redemption.status = "released"
        redemption.single_use_code = None
        redemption.released_at = utcnow()
        session.flush()
    return redemption_out(redemption, view.coupon.code)


# ---- holds for a sale in progress ------------------------------------------------------------------


def hold(session: Session, *, code: str, body: CouponHoldRequest, caller: str, minutes: int) -> CouponHoldOut:
    """Set a code aside for a sale in progress (409 ``coupon-used`` when someone else has it).

    Holding again with the same ``redemption_id`` extends the hold (a resumed sale), and takes the
    code again if its hold had expired and nobody else took it meanwhile.
    """
    view = find_coupon(session, code)
    now = utcnow()
    release_expired(session, now=now, coupon_id=view.coupon.id)
    reason = refusal(view, member_no=body.member_no, now=now)
    if reason is not None:
        raise Invalid(f"coupon {view.coupon.code} cannot be used: {reason}", slug=reason)
    if view.campaign.kind == "amount" and body.amount > view.campaign.value:
        raise Invalid(f"the coupon is worth at most {view.campaign.value} yen", slug="coupon-amount")
    expires_at = now + timedelta(minutes=minutes)
    held = session.scalar(
        select(CouponRedemption).where(CouponRedemption.redemption_id == body.redemption_id).with_for_update()
    )
    if held is not None and held.coupon_id != view.coupon.id:
        raise Conflict(f"hold {body.redemption_id} is for another coupon", slug="idempotency-key")
    if held is not None and held.status == "redeemed":
        raise Conflict(f"coupon {view.coupon.code} was already used by this sale", slug="coupon-used")
    if held is None:
        customer_id = view.coupon.customer_id
        if customer_id is None and body.member_no is not None:
            customer_id = session.scalar(select(Customer.id).where(Customer.member_no == body.member_no))
        held = CouponRedemption(
            redemption_id=body.redemption_id,
            coupon_id=view.coupon.id,
            customer_id=customer_id,
            order_or_sale_id="",
            caller=caller[:24],
        )
    held.status = "held"
    held.amount = body.amount
    held.expires_at = expires_at
    held.released_at = None
    held.single_use_code = view.coupon.code if view.campaign.single_use else None
    try:
        with session.begin_nested():
            session.add(held)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"coupon {view.coupon.code} was already used", slug="coupon-used") from exc
    return CouponHoldOut(
        redemption_id=held.redemption_id,
        code=view.coupon.code,
        status=held.status,
        amount=held.amount,
        expires_at=expires_at,
    )


def release_expired(session: Session, *, now: datetime, coupon_id: int | None = None) -> int:
    """Release holds whose time is up (of one coupon, or all); returns how many."""
    query = update(CouponRedemption).where(
        CouponRedemption.status == "held", CouponRedemption.expires_at <= now
    )
    if coupon_id is not None:
        query = query.where(CouponRedemption.coupon_id == coupon_id)
    result = session.execute(
        query.values(status="released", single_use_code=None, released_at=now).execution_options(
            synchronize_session=False
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _retake(session: Session, redemption: CouponRedemption, *, use: CouponUse, sale_id: str) -> list[str]:
    """A released redemption becomes the sale's again, if nobody else has its code; returns the flags."""
    try:
        view = find_coupon(session, use.code)
    except NotFound:
        return [flag(FlagReason.COUPON_REFUSED, "unknown")]
    # One statement in a savepoint: if another redemption has the code, nothing is left half-changed.
    retake = (
        update(CouponRedemption)
        .where(CouponRedemption.id == redemption.id)
        .values(
            status="redeemed",
            order_or_sale_id=sale_id,
            amount=use.discount,
            released_at=None,
            expires_at=None,
            single_use_code=view.coupon.code if view.campaign.single_use else None,
        )
        .execution_options(synchronize_session=False)
    )
    try:
        with session.begin_nested():
            session.execute(retake)
    except IntegrityError:
        return [flag(FlagReason.COUPON_CONFLICT)]
    session.expire(redemption)
    return []


def redeem_for_sale(  # noqa: PLR0911 - one guard clause per reason a coupon is not redeemed
    session: Session, *, use: CouponUse, sale_id: str, member_no: str | None, caller: str
) -> list[str]:
    """At ingest: the sale's coupon becomes its redemption, exactly once; returns the sale's flags.

    The sale happened, so it is never refused for its coupon: a code someone else took meanwhile
    (an expired hold, or one applied offline from a cached check) is flagged ``coupon_conflict``, a
    code that is unknown, no longer valid or claims more than it was held for ``coupon_refused``.
    """
    redemption = session.scalar(
        select(CouponRedemption).where(CouponRedemption.redemption_id == use.redemption_id).with_for_update()
    )
    if redemption is not None and redemption.status == "redeemed":
        return [] if redemption.order_or_sale_id == sale_id else [flag(FlagReason.COUPON_CONFLICT)]
    if redemption is not None and redemption.status == "held":
        claimed_more = use.discount > redemption.amount
        redemption.status = "redeemed"
        redemption.order_or_sale_id = sale_id
        redemption.amount = min(use.discount, redemption.amount)
        redemption.expires_at = None
        session.flush()
        return [flag(FlagReason.COUPON_REFUSED, "amount")] if claimed_more else []
    if redemption is not None:  # released (expired or given back): take the code again if it is free
        return _retake(session, redemption, use=use, sale_id=sale_id)
    body = RedeemIn(
        redemption_id=use.redemption_id, member_no=member_no, order_or_sale_id=sale_id, amount=use.discount
    )
    try:
        with session.begin_nested():
            redeem(session, code=use.code, body=body, caller=caller)
    except Conflict:
        return [flag(FlagReason.COUPON_CONFLICT)]
    except Invalid as refused:
        return [flag(FlagReason.COUPON_REFUSED, str(getattr(refused, "slug", "") or "invalid"))]
    except NotFound:
        return [flag(FlagReason.COUPON_REFUSED, "unknown")]
    return []


def release_for_sale(session: Session, *, sale_id: str) -> int:
    """A voided sale gives its coupon back: the code can be used again. Returns how many."""
    released = 0
    for redemption in session.scalars(
        select(CouponRedemption)
        .where(CouponRedemption.order_or_sale_id == sale_id, CouponRedemption.status == "redeemed")
        .with_for_update()
    ):
        redemption.status = "released"
        redemption.single_use_code = None
        redemption.released_at = utcnow()
        released += 1
    session.flush()
    return released
