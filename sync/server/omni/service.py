"""Click & collect: pickup orders waiting at a store, the hand-over, and the status the web shop sees.

The order itself is the channel's ``OnlineOrder``; ``place_order`` already took the goods from the
pickup store's stock (it is reserved for the customer from that moment), so the hand-over moves no
stock: it records who handed over when, and the payment when the customer pays at the store. A
``Pickup`` row is made the first time anyone touches the order, so the channel code stays unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.server.auth.service import Caller
from sync.server.channel.models import OnlineOrder
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.omni.models import Pickup
from sync.server.omni.schemas import ChannelOrderStatusOut, CollectIn, PickupItem, PickupOut, PickupStatus
from sync.server.problems import Conflict, Invalid, NotFound
from sync.server.stores.models import Clerk, Store

WAITING: tuple[PickupStatus, ...] = ("placed", "ready")
LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class PickupRow:
    """An order with its (possibly not yet made) pickup record, customer and store."""

    order: OnlineOrder
    pickup: Pickup | None
    customer: Customer
    store: Store


def status_of(order: OnlineOrder, pickup: Pickup | None) -> PickupStatus:
    """The one status the counter and the web shop agree on."""
    if order.status == "cancelled":
        return "cancelled"
    if pickup is not None and pickup.collected_at is not None:
        return "collected"
    if pickup is not None and pickup.ready_at is not None:
        return "ready"
    return "placed"


def pickup_out(row: PickupRow, *, limit_hours: int, now: datetime) -> PickupOut:
    """The counter's view of one pickup; ``overdue`` once it waited longer than the store's limit."""
    order, pickup = row.order, row.pickup
    status = status_of(order, pickup)
    pay_at_store = bool(pickup and pickup.pay_at_store)
    waiting_since = (pickup.ready_at if pickup and pickup.ready_at else None) or order.ordered_at
    return PickupOut(
        order_id=order.order_id,
        store=row.store.code,
        customer_id=row.customer.id,
        member_no=row.customer.member_no,
        customer_name=row.customer.name,
        items=tuple(PickupItem.model_validate(item) for item in order.items),
        total=order.total,
        pay_at_store=pay_at_store,
        amount_due=order.total if pay_at_store and status in WAITING else 0,
        status=status,
        ordered_at=order.ordered_at,
        waiting_since=waiting_since,
        overdue=status in WAITING and waiting_since + timedelta(hours=limit_hours) < now,
        ready_at=pickup.ready_at if pickup else None,
        collected_at=pickup.collected_at if pickup else None,
        collected_by=pickup.collected_by if pickup else None,
        cancelled_at=order.cancelled_at,
    )


def _rows(session: Session, query: Any) -> list[PickupRow]:
    return [PickupRow(row[0], row[1], row[2], row[3]) for row in session.execute(query).all()]


def _base_query() -> Any:
    # Select's generic parameters differ between SQLAlchemy 2.0 and 2.1: keep the alias loose.
    return (
        select(OnlineOrder, Pickup, Customer, Store)
        .outerjoin(Pickup, Pickup.online_order_id == OnlineOrder.id)
        .join(Customer, Customer.id == OnlineOrder.customer_id)
        .join(Store, Store.id == OnlineOrder.location_id)
        .where(OnlineOrder.fulfilment_type == "pickup")
    )


def list_pickups(
    session: Session,
    *,
    store_id: int,
    status: str,
    overdue: bool,
    member_no: str | None,
    limit_hours: int,
) -> list[PickupOut]:
    """A store's pickups, oldest first: ``waiting`` (default), ``collected``, ``cancelled`` or ``all``."""
    query = _base_query().where(OnlineOrder.location_id == store_id)
    if status == "waiting" or overdue:
        query = query.where(OnlineOrder.status != "cancelled", Pickup.collected_at.is_(None))
    elif status == "collected":
        query = query.where(OnlineOrder.status != "cancelled", Pickup.collected_at.is_not(None))
    elif status == "cancelled":
        query = query.where(OnlineOrder.status == "cancelled")
    if member_no:
        query = query.where(Customer.member_no == member_no)
    now = utcnow()
    answers = [
        pickup_out(row, limit_hours=limit_hours, now=now)
        for row in _rows(session, query.order_by(OnlineOrder.ordered_at).limit(LIST_LIMIT))
    ]
    return [answer for answer in answers if answer.overdue] if overdue else answers


def find_row(session: Session, *, order_id: str, store_id: int | None = None) -> PickupRow:
    """One pickup order (of ``store_id`` when given) or 404."""
    query = _base_query().where(OnlineOrder.order_id == order_id)
    if store_id is not None:
        query = query.where(OnlineOrder.location_id == store_id)
    rows = _rows(session, query)
    if not rows:
        raise NotFound(f"no pickup order {order_id} for this store")
    return rows[0]


def _ensure_pickup(session: Session, order: OnlineOrder) -> Pickup:
    """The order's pickup record, made if missing (a racing maker wins; we read theirs)."""
    query = select(Pickup).where(Pickup.online_order_id == order.id).with_for_update()
    pickup = session.scalar(query)
    if pickup is not None:
        return pickup
    try:
        with session.begin_nested():
            session.add(Pickup(online_order_id=order.id, store_id=order.location_id, payments=[]))
    except IntegrityError:
        pass
    made = session.scalar(query)
    assert made is not None
    return made


def _locked_order(session: Session, *, order_id: str) -> OnlineOrder:
    # The same row lock cancel_order takes: a hand-over and a cancellation never interleave.
    order = session.scalar(
        select(OnlineOrder)
        .where(OnlineOrder.order_id == order_id, OnlineOrder.fulfilment_type == "pickup")
        .with_for_update()
    )
    if order is None:
        raise NotFound(f"no pickup order {order_id}")
    return order


def mark_ready(session: Session, *, order_id: str, caller: Caller, limit_hours: int) -> PickupOut:
    """The store has put the goods aside; the overdue clock restarts from now."""
    find_row(session, order_id=order_id, store_id=caller.store_id)
    order = _locked_order(session, order_id=order_id)
    if order.status == "cancelled":
        raise Conflict(f"order {order_id} was cancelled", slug="order-cancelled")
    pickup = _ensure_pickup(session, order)
    if pickup.ready_at is None and pickup.collected_at is None:
        pickup.ready_at = utcnow()
        session.flush()
    return pickup_out(find_row(session, order_id=order_id), limit_hours=limit_hours, now=utcnow())


def collect(
    session: Session, *, order_id: str, caller: Caller, body: CollectIn, limit_hours: int
) -> PickupOut:
    """Hand the order over; a second call answers with the first hand-over (no stock moves: see the module)."""
    find_row(session, order_id=order_id, store_id=caller.store_id)
    order = _locked_order(session, order_id=order_id)
    if order.status == "cancelled":
        raise Conflict(f"order {order_id} was cancelled", slug="order-cancelled")
    pickup = _ensure_pickup(session, order)
    if pickup.collected_at is None:
        clerk = session.scalar(
            select(Clerk.id).where(Clerk.store_id == caller.store_id, Clerk.code == body.clerk_code)
        )
        if clerk is None:
            raise Invalid(f"no clerk {body.clerk_code} at this store", slug="unknown-clerk")
        due = order.total if pickup.pay_at_store else 0
        _check_payment(due, body)
        pickup.payments = [payment.model_dump() for payment in body.payments]
        pickup.amount_paid = due
        pickup.collected_at = utcnow()
        pickup.collected_by = body.clerk_code
        pickup.collected_device = caller.credential_id
        session.flush()
    return pickup_out(find_row(session, order_id=order_id), limit_hours=limit_hours, now=utcnow())


def _check_payment(due: int, body: CollectIn) -> None:
    paid = sum(payment.amount for payment in body.payments)
    non_cash = sum(payment.amount for payment in body.payments if payment.kind != "cash")
    if paid < due:
        raise Invalid(f"{due} yen is due at the counter, {paid} was given", slug="payment-due")
    if non_cash > due:
        raise Invalid("only cash may exceed what is due", slug="payment-over")


def set_terms(session: Session, *, order_id: str, channel_id: int, pay_at_store: bool) -> None:
    """The web shop says the customer pays at the store (or not); refused once handed over."""
    order = _locked_order(session, order_id=order_id)
    if order.channel_id != channel_id:
        raise NotFound(f"no pickup order {order_id}")
    pickup = _ensure_pickup(session, order)
    if pickup.collected_at is not None or order.status == "cancelled":
        raise Conflict(f"order {order_id} is no longer waiting", slug="pickup-closed")
    pickup.pay_at_store = pay_at_store
    session.flush()


def channel_status(session: Session, *, order_id: str, channel_id: int) -> ChannelOrderStatusOut:
    """An order's status for the web shop that placed it (ship orders are ``placed`` or ``cancelled``)."""
    row = session.execute(
        select(OnlineOrder, Pickup, Store)
        .outerjoin(Pickup, Pickup.online_order_id == OnlineOrder.id)
        .join(Store, Store.id == OnlineOrder.location_id)
        .where(OnlineOrder.order_id == order_id, OnlineOrder.channel_id == channel_id)
    ).first()
    if row is None:
        raise NotFound(f"no order {order_id}")
    order, pickup, store = row
    return ChannelOrderStatusOut(
        order_id=order.order_id,
        fulfilment=order.fulfilment_type,
        store=store.code,
        status=status_of(order, pickup),
        ordered_at=order.ordered_at,
        ready_at=pickup.ready_at if pickup else None,
        collected_at=pickup.collected_at if pickup else None,
        cancelled_at=order.cancelled_at,
    )
