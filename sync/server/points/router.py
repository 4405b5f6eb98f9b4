"""Device endpoints for points holds: place, capture with a sale, release."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from sync.protocol.holds import PointsHoldCapture, PointsHoldOut, PointsHoldRequest
from sync.server.customers import service as customers_service
from sync.server.deps import DeviceDep, SessionDep, SettingsDep
from sync.server.points import holds
from sync.server.points import service as points_service
from sync.server.points.models import PointsHold
from sync.server.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/points/holds", tags=["device"], responses=PROBLEM_RESPONSES)
HoldId = Annotated[str, Path(min_length=1, max_length=36)]


def _out(session: SessionDep, hold: PointsHold, balance_after: int | None = None) -> PointsHoldOut:
    if balance_after is None:
        balance_after = points_service.balance(session, customer_id=hold.customer_id)
    return PointsHoldOut(
        hold_id=hold.id,
        status=hold.status,
        points=hold.points,
        expires_at=hold.expires_at,
        balance_after=balance_after,
    )


@router.post("", response_model=PointsHoldOut, status_code=201)
def place_hold(
    body: PointsHoldRequest, session: SessionDep, settings: SettingsDep, device: DeviceDep
) -> PointsHoldOut:
    """Hold points at tender time (409 when the balance does not cover them)."""
    customer = customers_service.get_customer(session, body.customer_id)
    hold, balance_after = holds.place_hold(
        session,
        customer_id=customer.id,
        points=body.points,
        idempotency_key=f"{device.store_code}:{body.idempotency_key}",
        store_code=device.store_code,
        minutes=settings.points_hold_minutes,
    )
    session.commit()
    return _out(session, hold, balance_after)


@router.post("/{hold_id}/capture", response_model=PointsHoldOut)
def capture_hold(
    hold_id: HoldId, body: PointsHoldCapture, session: SessionDep, device: DeviceDep
) -> PointsHoldOut:
    """The sale completed: the held points are spent for good."""
    hold = holds.capture(
        session, hold=holds.get_hold(session, hold_id, store_code=device.store_code), sale_id=body.sale_id
    )
    session.commit()
    return _out(session, hold)


@router.post("/{hold_id}/release", response_model=PointsHoldOut)
def release_hold(hold_id: HoldId, session: SessionDep, device: DeviceDep) -> PointsHoldOut:
    """The sale was voided: the held points go back."""
    hold = holds.release(session, hold=holds.get_hold(session, hold_id, store_code=device.store_code))
    session.commit()
    return _out(session, hold)
