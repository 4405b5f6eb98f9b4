"""The online shop's API: orders, cancellations, availability and member points."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sync.server.channel import service
from sync.server.channel.schemas import (
    AvailabilityOut,
    CancelOut,
    LocationStock,
    MemberPointsOut,
    OrderIn,
    OrderOut,
)
from sync.server.customers import service as customers_service
from sync.server.deps import ChannelDep, SessionDep
from sync.server.points import service as points_service
from sync.server.problems import PROBLEM_RESPONSES, NotFound
from sync.server.stock import service as stock_service

router = APIRouter(prefix="/v1/channel", tags=["channel"], responses=PROBLEM_RESPONSES)


@router.post("/orders", response_model=OrderOut)
def place_order(body: OrderIn, session: SessionDep, channel: ChannelDep) -> OrderOut:
    """Record an online order (idempotent on ``order_id``; 409 for a reused id or too few points)."""
    answer = service.place_order(session, order=body, channel_id=int(channel.credential_id))
    session.commit()
    return answer


@router.post("/orders/{order_id}/cancel", response_model=CancelOut)
def cancel_order(
    order_id: Annotated[str, Path(min_length=1, max_length=64)], session: SessionDep, channel: ChannelDep
) -> CancelOut:
    """Cancel an order: its points and stock moves are reversed."""
    answer = service.cancel_order(session, order_id=order_id, channel_id=int(channel.credential_id))
    session.commit()
    return answer


@router.get("/availability", response_model=AvailabilityOut)
def availability(
    sku: Annotated[str, Query(min_length=1, max_length=64)], session: SessionDep, channel: ChannelDep
) -> AvailabilityOut:
    """Stock of a SKU at every store and online."""
    levels = stock_service.levels(session, sku=sku)
    return AvailabilityOut(
        sku=sku,
        locations=[
            LocationStock(location=level.location, quantity=level.quantity, updated_at=level.updated_at)
            for level in levels
        ],
    )


@router.get("/members/{member_no}/points", response_model=MemberPointsOut)
def member_points(
    member_no: Annotated[str, Path(min_length=1, max_length=20)], session: SessionDep, channel: ChannelDep
) -> MemberPointsOut:
    """A member's points balance."""
    customer = customers_service.find_match(session, member_no=member_no, email=None, phone=None)
    if customer is None:
        raise NotFound(f"no member {member_no}")
    return MemberPointsOut(
        member_no=member_no,
        customer_id=customer.id,
        balance=points_service.balance(session, customer_id=customer.id),
    )
