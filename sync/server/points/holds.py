"""Points holds: set points aside at tender time, capture them with the sale or give them back.

A hold spends through ``points_service.spend`` (kind ``hold``), so it is serialized with every other
spend; a release or an expiry appends a ``release`` entry that gives the points back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.db.base import utcnow, uuid7
from sync.server.omni import coupons
from sync.server.points import service as points_service
from sync.server.points.models import PointsHold
from sync.server.problems import Conflict, NotFound


def place_hold(
    session: Session,
    *,
    customer_id: int,
    points: int,
    idempotency_key: str,
    store_code: str | None,
    minutes: int,
) -> tuple[PointsHold, int]:
    """Hold ``points`` for a sale in progress; returns the hold and the balance after it."""
    release_expired(session, now=utcnow())
    existing = session.scalar(select(PointsHold).where(PointsHold.idempotency_key == idempotency_key))
    if existing is not None:
        if existing.customer_id != customer_id or existing.points != points:
            raise Conflict("idempotency key was used for a different hold", slug="idempotency-key")
        return existing, points_service.balance(session, customer_id=customer_id)
    hold = PointsHold(
        id=uuid7(),
        customer_id=customer_id,
        points=points,
        status="held",
        store_code=store_code,
        idempotency_key=idempotency_key,
        expires_at=utcnow() + timedelta(minutes=minutes),
    )
    entry = points_service.spend(
        session,
        customer_id=customer_id,
        points=points,
        idempotency_key=f"hold:{hold.id}",
        reason="points held at tender",
        kind="hold",
        source=f"hold:{hold.id}",
        location=store_code,
    )
    session.add(hold)
    session.flush()
    return hold, entry.balance_after


def get_hold(session: Session, hold_id: str, *, store_code: str | None) -> PointsHold:
    """The hold with ``hold_id`` made by ``store_code``, locked for update; 404 otherwise."""
    hold = session.scalar(select(PointsHold).where(PointsHold.id == hold_id).with_for_update())
    if hold is None or (store_code is not None and hold.store_code != store_code):
        raise NotFound(f"no hold {hold_id}")
    return hold


def capture(session: Session, *, hold: PointsHold, sale_id: str) -> PointsHold:
    """Turn a hold into a redemption by ``sale_id``; capturing again for the same sale is harmless."""
    if hold.status == "captured" and hold.sale_id == sale_id:
        return hold
    if hold.status != "held" or hold.expires_at <= utcnow():
        raise Conflict(
            f"the hold is {hold.status if hold.status != 'held' else 'expired'}", slug="hold-closed"
        )
    hold.status = "captured"
    hold.sale_id = sale_id
    hold.closed_at = utcnow()
    session.flush()
    return hold


def release(session: Session, *, hold: PointsHold, reason: str = "hold released") -> PointsHold:
    """Give the held points back (idempotent); a captured hold cannot be released."""
    if hold.status == "released":
        return hold
    if hold.status == "captured":
        raise Conflict("the hold was captured by a sale; return the sale instead", slug="hold-closed")
    points_service.reverse(
        session, entry_key=f"hold:{hold.id}", idempotency_key=f"release:{hold.id}", reason=reason
    )
    hold.status = "released"
    hold.closed_at = utcnow()
    session.flush()
    return hold


def release_expired(session: Session, *, now: datetime) -> int:
    """Release every hold whose time is up; returns how many."""
    expired = list(
        session.scalars(
            select(PointsHold)
            .where(PointsHold.status == "held", PointsHold.expires_at <= now)
            .limit(100)
            .with_for_update(skip_locked=True)
        )
    )
    for hold in expired:
        release(session, hold=hold, reason="hold expired")
    return len(expired)


def release_expired_holds(session: Session) -> None:
    """The minutely job: give back points and coupons held for sales nobody completed."""
    now = utcnow()
    while release_expired(session, now=now) == 100:
        pass
    coupons.release_expired(session, now=now)


def captured_by_sale(
    session: Session,
    *,
    hold_id: str | None,
    customer_id: int,
    points: int,
    sale_id: str,
    store_code: str | None,
) -> bool:
    """At ingest: capture the hold a pushed sale names; False when the sale must spend as before.

    A hold of another store or customer, for other points, released or expired does not cover the
    sale: an unusable hold is given back first, then the sale spends (and an overdraft is flagged)
    like a sale made offline. A hold covers ``points`` only when it is for exactly that many.
    """
    if not hold_id:
        return False
    hold = session.scalar(select(PointsHold).where(PointsHold.id == hold_id).with_for_update())
    if hold is None or hold.store_code != store_code or hold.customer_id != customer_id:
        return False
    if hold.status == "captured":
        return hold.sale_id == sale_id
    if hold.status == "held" and hold.points == points and hold.expires_at > utcnow():
        capture(session, hold=hold, sale_id=sale_id)
        return True
    if hold.status == "held":
        release(session, hold=hold, reason="hold not matching its sale")
    return False


def redeem_entry_key(session: Session, sale_id: str) -> str:
    """The ledger key of the points a sale spent: its captured hold's, or the sale's own redeem."""
    hold_id = session.scalar(
        select(PointsHold.id).where(PointsHold.sale_id == sale_id, PointsHold.status == "captured")
    )
    return f"hold:{hold_id}" if hold_id else f"sale:{sale_id}:redeem"
