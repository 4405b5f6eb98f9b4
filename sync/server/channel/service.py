"""Online orders: one customer record, the domain's totals and points, stock moves, idempotent on order_id."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from posapp.domain.cart import Cart, CartLine, CartTotals, LineMerge
from posapp.domain.points import PointsPolicy, points_earned
from posapp.domain.tax import TaxClass
from sync.server.channel.models import OnlineOrder
from sync.server.channel.schemas import CancelOut, OrderIn, OrderOut, OrderTotals, RateTotalOut
from sync.server.customers import service as customers_service
from sync.server.customers.models import Customer
from sync.server.db import locks
from sync.server.db.base import utcnow
from sync.server.points import service as points_service
from sync.server.problems import Conflict, Invalid, NotFound
from sync.server.products import service as products_service
from sync.server.products.models import Product
from sync.server.stock import service as stock_service
from sync.server.stores import service as stores_service
from sync.server.stores.models import ONLINE_CODE, Store

POINTS_POLICY = PointsPolicy()


def request_hash(order: OrderIn) -> str:
    """A hash of the order's content, to tell a resend from a different order under the same id."""
    canonical = json.dumps(order.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def replayed_answer(session: Session, *, order: OrderIn, channel_id: int) -> OrderOut | None:
    """The stored answer if this exact order was already placed; 409 if the id was used differently."""
    existing = session.scalar(select(OnlineOrder).where(OnlineOrder.order_id == order.order_id))
    if existing is None:
        return None
    if existing.channel_id != channel_id or existing.request_hash != request_hash(order):
        raise Conflict(
            f"order {order.order_id} was already placed with a different body", slug="order-id-reused"
        )
    return OrderOut.model_validate(existing.response)


def place_order(session: Session, *, order: OrderIn, channel_id: int) -> OrderOut:
    """Record an online order with its points and stock moves; the caller commits.

    Sends of one order id take turns (a lock until the transaction ends), so ten resends at once all
    get the first one's stored answer instead of racing to store it.
    """
    locks.hold(session, f"order:{order.order_id}")
    previous = replayed_answer(session, order=order, channel_id=channel_id)
    if previous is not None:
        return previous
    location = _location_for(session, order)
    products = products_service.products_by_sku(session, [line.sku for line in order.lines])
    unknown = sorted({line.sku for line in order.lines} - products.keys())
    if unknown:
        raise Invalid(f"unknown SKUs: {', '.join(unknown)}", slug="unknown-sku")
    totals = _cart_of(order, products).totals()
    customer = _customer_for(session, order)
    earned = _move_points_and_stock(
        session, order, customer_id=customer.id, location=location.code, totals=totals
    )
    answer = OrderOut(
        order_id=order.order_id,
        customer_id=customer.id,
        totals=OrderTotals(
            total=totals.amount_due,
            by_rate=[
                RateTotalOut(rate=rate.rate, taxable=rate.taxable, tax=rate.tax)
                for rate in sorted(totals.by_rate, key=lambda r: r.rate)
            ],
        ),
        points_earned=earned,
        points_balance=points_service.balance(session, customer_id=customer.id),
    )
    items = [
        {
            "sku": line.sku,
            "name": products[line.sku].name,
            "qty": line.qty,
            "amount": line.qty * line.unit_price,
        }
        for line in order.lines
    ]
    row = OnlineOrder(
        order_id=order.order_id,
        channel_id=channel_id,
        customer_id=customer.id,
        location_id=location.id,
        fulfilment_type=order.fulfilment.type,
        ordered_at=order.ordered_at,
        total=totals.amount_due,
        points_used=order.points_used,
        points_earned=earned,
        items=items,
        request_hash=request_hash(order),
        response=answer.model_dump(mode="json"),
    )
    _insert(session, row)
    return answer


def _location_for(session: Session, order: OrderIn) -> Store:
    """Where the order's stock comes from: the pickup store, or the online warehouse."""
    location_code = order.fulfilment.store if order.fulfilment.type == "pickup" else ONLINE_CODE
    location = stores_service.get_store(session, location_code or ONLINE_CODE)
    if order.fulfilment.type == "pickup" and location.kind != "store":
        raise Invalid("pickup needs a store code")
    return location


def _cart_of(order: OrderIn, products: dict[str, Product]) -> Cart:
    """The order as the domain's cart (one line per order line), so totals, tax and points agree with the counter."""
    cart = Cart()
    for line in order.lines:
        product = products[line.sku]
        cart = cart.add(
            CartLine(
                sku=line.sku,
                name=product.name,
                unit_price=line.unit_price,
                quantity=line.qty,
                tax_class=TaxClass(product.tax_class),
                jan=product.jan,
            ),
            merge=LineMerge.NEW_LINE,
        )
    return cart.with_points(order.points_used)


def _move_points_and_stock(
    session: Session, order: OrderIn, *, customer_id: int, location: str, totals: CartTotals
) -> int:
    """Spend the points the order uses, earn its points, take its stock; returns the points earned."""
    source = f"order:{order.order_id}"
    if order.points_used:
        points_service.spend(
            session,
            customer_id=customer_id,
            points=order.points_used,
            idempotency_key=f"{source}:redeem",
            reason="points used online",
            source=source,
            location=location,
        )
    earned = points_earned(totals, POINTS_POLICY)
    points_service.earn(
        session,
        customer_id=customer_id,
        points=earned,
        source=source,
        reason="online order",
        location=location,
    )
    for line in order.lines:
        stock_service.move(
            session, location=location, sku=line.sku, delta=-line.qty, reason="online order", source_id=source
        )
    return earned


def _insert(session: Session, row: OnlineOrder) -> None:
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"order {row.order_id} is being placed by another request", slug="order-id-reused"
        ) from exc


def _customer_for(session: Session, order: OrderIn) -> Customer:
    who = order.customer
    return customers_service.find_or_register(
        session, name=who.name or "オンライン会員", email=who.email, phone=who.phone, member_no=who.member_no
    )


def _collected(session: Session, online_order_id: int) -> bool:
    from sync.server.omni.models import Pickup  # the pickup side is optional to the channel package

    return (
        session.scalar(select(Pickup.collected_at).where(Pickup.online_order_id == online_order_id))
        is not None
    )


def cancel_order(session: Session, *, order_id: str, channel_id: int) -> CancelOut:
    """Cancel an order: points earned and used are reversed, stock goes back; a second cancel changes nothing."""
    order = session.scalar(
        select(OnlineOrder)
        .where(OnlineOrder.order_id == order_id, OnlineOrder.channel_id == channel_id)
        .with_for_update()
    )
    if order is None:
        raise NotFound(f"no order {order_id}")
    if _collected(session, order.id):
        raise Conflict(
            f"order {order_id} was already collected in the store; make a return instead", slug="collected"
        )
    if order.status != "cancelled":
        source = f"order:{order_id}"
        points_service.reverse(
            session,
            entry_key=f"earn:{source}",
            idempotency_key=f"cancel-earn:{order_id}",
            reason="order cancelled",
        )
        points_service.reverse(
            session,
            entry_key=f"{source}:redeem",
            idempotency_key=f"cancel-redeem:{order_id}",
            reason="order cancelled",
        )
        location = stores_service.get_store_by_id(session, order.location_id)
        for item in order.items:
            stock_service.move(
                session,
                location=location.code,
                sku=item["sku"],
                delta=int(item["qty"]),
                reason="online order cancelled",
                source_id=f"cancel:{order_id}",
            )
        order.status = "cancelled"
        order.cancelled_at = utcnow()
        session.flush()
    return CancelOut(
        order_id=order_id,
        status=order.status,
        points_balance=points_service.balance(
            session, customer_id=customers_service.get_customer(session, order.customer_id).id
        ),
        cancelled_at=order.cancelled_at,
    )
