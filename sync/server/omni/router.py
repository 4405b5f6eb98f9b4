"""Omnichannel endpoints: pickups at the counter, browsing events, tracking opt-out, interests, coupons."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from sync.protocol.holds import CouponHoldOut, CouponHoldRequest
from sync.server.auth.service import Caller
from sync.server.customers import service as customers_service
from sync.server.customers.access import record_access
from sync.server.db.base import utcnow
from sync.server.deps import AdminDep, ChannelDep, DeviceDep, DeviceOrChannelDep, SessionDep, SettingsDep
from sync.server.omni import browsing, campaigns, coupons, service
from sync.server.omni.schemas import (
    BrowsingBatchIn,
    BrowsingBatchOut,
    CampaignIn,
    CampaignOut,
    ChannelOrderStatusOut,
    CollectIn,
    CouponCheckOut,
    ExclusionOut,
    InterestsOut,
    PickupOut,
    PickupTermsIn,
    RedeemIn,
    RedemptionOut,
    ReleaseIn,
)
from sync.server.problems import PROBLEM_RESPONSES

router = APIRouter(responses=PROBLEM_RESPONSES)
OrderId = Annotated[str, Path(min_length=1, max_length=64)]
CustomerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CodePath = Annotated[str, Path(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]


def caller_label(caller: Caller) -> str:
    """Where a redemption came from, for the record."""
    return f"store:{caller.store_code}" if caller.kind == "device" else f"channel:{caller.credential_id}"


@router.get("/v1/pickups", response_model=list[PickupOut], tags=["device"])
def list_pickups(
    session: SessionDep,
    settings: SettingsDep,
    device: DeviceDep,
    status: Literal["waiting", "collected", "cancelled", "all"] = "waiting",
    overdue: bool = False,
    member_no: Annotated[str | None, Query(pattern=r"^[0-9]{4,20}$")] = None,
) -> list[PickupOut]:
    """The device's store's pickup orders, oldest first (``overdue=true``: waiting past the limit)."""
    assert device.store_id is not None
    return service.list_pickups(
        session,
        store_id=device.store_id,
        status=status,
        overdue=overdue,
        member_no=member_no,
        limit_hours=settings.pickup_limit_hours,
    )


@router.get("/v1/pickups/{order_id}", response_model=PickupOut, tags=["device"])
def get_pickup(order_id: OrderId, session: SessionDep, settings: SettingsDep, device: DeviceDep) -> PickupOut:
    """One pickup order of the device's store (found by the order number or its QR code)."""
    row = service.find_row(session, order_id=order_id, store_id=device.store_id)
    return service.pickup_out(row, limit_hours=settings.pickup_limit_hours, now=utcnow())


@router.post("/v1/pickups/{order_id}/ready", response_model=PickupOut, tags=["device"])
def mark_ready(order_id: OrderId, session: SessionDep, settings: SettingsDep, device: DeviceDep) -> PickupOut:
    """The goods are set aside at the store."""
    answer = service.mark_ready(
        session, order_id=order_id, caller=device, limit_hours=settings.pickup_limit_hours
    )
    session.commit()
    return answer


@router.post("/v1/pickups/{order_id}/collect", response_model=PickupOut, tags=["device"])
def collect(
    order_id: OrderId, body: CollectIn, session: SessionDep, settings: SettingsDep, device: DeviceDep
) -> PickupOut:
    """Hand the order over (with the payment when it is due); a repeat answers with the first hand-over."""
    answer = service.collect(
        session, order_id=order_id, caller=device, body=body, limit_hours=settings.pickup_limit_hours
    )
    session.commit()
    return answer


@router.get("/v1/channel/orders/{order_id}", response_model=ChannelOrderStatusOut, tags=["channel"])
def channel_order_status(
    order_id: OrderId, session: SessionDep, channel: ChannelDep
) -> ChannelOrderStatusOut:
    """An order's status: placed, ready, collected or cancelled, with times."""
    return service.channel_status(session, order_id=order_id, channel_id=int(channel.credential_id))


@router.post("/v1/channel/orders/{order_id}/pickup", status_code=204, tags=["channel"])
def pickup_terms(order_id: OrderId, body: PickupTermsIn, session: SessionDep, channel: ChannelDep) -> None:
    """Say whether the customer pays at the store (default: paid online)."""
    service.set_terms(
        session, order_id=order_id, channel_id=int(channel.credential_id), pay_at_store=body.pay_at_store
    )
    session.commit()


@router.post("/v1/channel/events", response_model=BrowsingBatchOut, tags=["channel"])
def post_events(
    body: BrowsingBatchIn, session: SessionDep, settings: SettingsDep, channel: ChannelDep
) -> BrowsingBatchOut:
    """Up to 1,000 browsing events; idempotent on ``event_id``; excluded members' events are dropped."""
    answer = browsing.record_events(
        session, events=body.events, retention_days=settings.browsing_retention_days
    )
    session.commit()
    return answer


@router.post(
    "/v1/admin/customers/{customer_id}/exclude-tracking", response_model=ExclusionOut, tags=["admin"]
)
def exclude_tracking(customer_id: CustomerId, session: SessionDep, admin: AdminDep) -> ExclusionOut:
    """Stop keeping a member's browsing events and erase the ones kept (personal-data request)."""
    customer = customers_service.get_customer(session, customer_id)
    answer = browsing.exclude_member(session, customer_id=customer.id)
    session.commit()
    return answer


@router.get("/v1/customers/{customer_id}/interests", response_model=InterestsOut, tags=["device"])
def customer_interests(
    customer_id: CustomerId,
    session: SessionDep,
    device: DeviceDep,
    days: Annotated[int, Query(ge=1, le=365)] = browsing.INTEREST_DAYS,
) -> InterestsOut:
    """Products looked at or left in a cart online lately (with this store's stock) and favourite categories."""
    customer = customers_service.get_customer(session, customer_id)
    answer = browsing.interests(session, customer=customer, store_id=device.store_id, days=days)
    record_access(session, device, [customer.id], "interests")  # browsing data is personal data too
    session.commit()
    return answer


@router.post("/v1/admin/coupon-campaigns", response_model=CampaignOut, status_code=201, tags=["admin"])
def create_campaign(body: CampaignIn, session: SessionDep, admin: AdminDep) -> CampaignOut:
    """Issue a campaign with per-member codes or one open code."""
    answer = campaigns.create_campaign(session, body=body)
    session.commit()
    return answer


@router.get("/v1/coupons/{code}", response_model=CouponCheckOut, tags=["coupons"])
def check_coupon(
    code: CodePath,
    session: SessionDep,
    caller: DeviceOrChannelDep,
    member_no: Annotated[str | None, Query(pattern=r"^[0-9]{4,20}$")] = None,
    subtotal: Annotated[int | None, Query(ge=0, le=10**9)] = None,
) -> CouponCheckOut:
    """Whether a code can be used now and the discount it gives on ``subtotal`` (the eligible amount)."""
    return coupons.check(session, code=code, member_no=member_no, subtotal=subtotal)


@router.post("/v1/coupons/{code}/redeem", response_model=RedemptionOut, tags=["coupons"])
def redeem_coupon(
    code: CodePath, body: RedeemIn, session: SessionDep, caller: DeviceOrChannelDep
) -> RedemptionOut:
    """Use a code (409 ``coupon-used`` when a single-use code is already used anywhere)."""
    answer = coupons.redeem(session, code=code, body=body, caller=caller_label(caller))
    session.commit()
    return answer


@router.post("/v1/coupons/{code}/hold", response_model=CouponHoldOut, status_code=201, tags=["coupons"])
def hold_coupon(
    code: CodePath,
    body: CouponHoldRequest,
    session: SessionDep,
    settings: SettingsDep,
    caller: DeviceOrChannelDep,
) -> CouponHoldOut:
    """Set a code aside for a sale in progress until it completes, is released or expires
    (409 ``coupon-used`` when someone else has it); holding again extends the hold."""
    answer = coupons.hold(
        session, code=code, body=body, caller=caller_label(caller), minutes=settings.points_hold_minutes
    )
    session.commit()
    return answer


@router.post("/v1/coupons/{code}/release", response_model=RedemptionOut, tags=["coupons"])
def release_coupon(
    code: CodePath, body: ReleaseIn, session: SessionDep, caller: DeviceOrChannelDep
) -> RedemptionOut:
    """Give a redemption or a hold back (sale voided, coupon removed, order cancelled): the code can be
    used again."""
    answer = coupons.release(session, code=code, redemption_id=body.redemption_id)
    session.commit()
    return answer
