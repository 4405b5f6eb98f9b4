"""Browsing events from the web shop: cheap bulk intake, retention, opt-out, and a member's interests.

Intake is one multi-row ``INSERT … ON CONFLICT (event_id) DO NOTHING`` per batch on both backends,
so a resent batch costs one statement and never fails. Events of unknown or excluded members and
events older than the retention window are dropped before the insert.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync.server.channel.models import OnlineOrder
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.omni.models import BrowsingEvent, TrackingExclusion
from sync.server.omni.schemas import (
    BrowsingBatchOut,
    BrowsingEventIn,
    CategoryCount,
    ExclusionOut,
    InterestProduct,
    InterestsOut,
)
from sync.server.products.models import Product
from sync.server.sales.models import StoreSale
from sync.server.stock.models import StockLevel

INTEREST_DAYS = 28
INTEREST_LIMIT = 20
CATEGORY_LIMIT = 5
PURCHASES_LOOKED_AT = 200


def purge_old_events(session: Session, *, retention_days: int) -> int:
    """Delete events older than the retention window; returns how many went."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = session.execute(delete(BrowsingEvent).where(BrowsingEvent.at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def record_events(
    session: Session, *, events: list[BrowsingEventIn], retention_days: int
) -> BrowsingBatchOut:
    """Store a batch (idempotent on ``event_id``), then apply retention; the caller commits."""
    cutoff = utcnow() - timedelta(days=retention_days)
    members = {event.member_no for event in events}
    owners: dict[str, int] = {}
    for customer_id, member_no, merged_into in session.execute(
        select(Customer.id, Customer.member_no, Customer.merged_into_id).where(
            Customer.member_no.in_(members)
        )
    ):
        owners[member_no] = merged_into or customer_id
    excluded = set(
        session.scalars(
            select(TrackingExclusion.customer_id).where(
                TrackingExclusion.customer_id.in_(set(owners.values()))
            )
        )
    )
    rows: dict[str, dict[str, Any]] = {}
    for event in events:
        owner = owners.get(event.member_no)
        if owner is None or owner in excluded or event.at < cutoff:
            continue
        rows[event.event_id] = {
            "event_id": event.event_id,
            "customer_id": owner,
            "sku": event.sku,
            "kind": event.kind,
            "at": event.at,
        }
    inserted = _insert_ignoring_duplicates(session, list(rows.values())) if rows else 0
    purge_old_events(session, retention_days=retention_days)
    return BrowsingBatchOut(
        accepted=inserted, duplicates=len(rows) - inserted, dropped=len(events) - len(rows)
    )


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(BrowsingEvent)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(BrowsingEvent.id)
    )
    # RETURNING yields only the rows actually inserted: rowcount is not reliable for this on every driver.
    return len(session.execute(statement).all())


def exclude_member(session: Session, *, customer_id: int) -> ExclusionOut:
    """Stop tracking a member and erase what was kept (personal-data request); repeating is harmless."""
    exclusion = session.get(TrackingExclusion, customer_id)
    if exclusion is None:
        exclusion = TrackingExclusion(customer_id=customer_id, excluded_at=utcnow())
        session.add(exclusion)
    result = session.execute(delete(BrowsingEvent).where(BrowsingEvent.customer_id == customer_id))
    session.flush()
    return ExclusionOut(
        customer_id=customer_id,
        excluded_at=exclusion.excluded_at,
        deleted=int(getattr(result, "rowcount", 0) or 0),
    )


def interests(
    session: Session, *, customer: Customer, store_id: int | None, days: int = INTEREST_DAYS
) -> InterestsOut:
    """Products the member looked at or left in a cart lately, and the categories they buy most."""
    since = utcnow() - timedelta(days=days)
    excluded = session.get(TrackingExclusion, customer.id) is not None
    products: list[InterestProduct] = []
    if not excluded:
        products = _recent_products(session, customer_ids=_ids_of(session, customer.id), since=since)
        _add_stock(session, products, store_id)
    return InterestsOut(
        customer_id=customer.id,
        member_no=customer.member_no,
        tracking_excluded=excluded,
        since=since,
        products=products,
        categories=favourite_categories(session, customer_id=customer.id),
    )


def _ids_of(session: Session, customer_id: int) -> list[int]:
    merged = session.scalars(select(Customer.id).where(Customer.merged_into_id == customer_id))
    return [customer_id, *merged]


def _recent_products(session: Session, *, customer_ids: list[int], since: datetime) -> list[InterestProduct]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    last: dict[str, datetime] = {}
    for sku, kind, at in session.execute(
        select(BrowsingEvent.sku, BrowsingEvent.kind, BrowsingEvent.at).where(
            BrowsingEvent.customer_id.in_(customer_ids), BrowsingEvent.at >= since
        )
    ):
        counts[sku][kind] += 1
        last[sku] = max(at, last.get(sku, at))
    newest = sorted(last, key=lambda sku: last[sku], reverse=True)[:INTEREST_LIMIT]
    catalogue = {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_(newest)))}
    return [
        InterestProduct(
            sku=sku,
            name=catalogue[sku].name if sku in catalogue else sku,
            category=catalogue[sku].category if sku in catalogue else None,
            viewed=counts[sku]["viewed"],
            added_to_cart=counts[sku]["added_to_cart"],
            wishlist=counts[sku]["wishlist"],
            cart_abandoned=counts[sku]["cart_abandoned"],
            last_at=last[sku],
            stock_here=None,
        )
        for sku in newest
    ]


def _add_stock(session: Session, products: list[InterestProduct], store_id: int | None) -> None:
    if store_id is None or not products:
        return
    query = (
        select(Product.sku, StockLevel.quantity)
        .join(StockLevel, StockLevel.product_id == Product.id)
        .where(StockLevel.location_id == store_id, Product.sku.in_([p.sku for p in products]))
    )
    levels = {sku: quantity for sku, quantity in session.execute(query)}
    for product in products:
        product.stock_here = levels.get(product.sku, 0)


def favourite_categories(session: Session, *, customer_id: int) -> list[CategoryCount]:
    """The member's top categories by items bought, in stores (sales) and online (orders)."""
    quantities: Counter[str] = Counter()
    sales = session.scalars(
        select(StoreSale.items)
        .where(StoreSale.customer_id == customer_id, StoreSale.kind == "sale")
        .order_by(StoreSale.sold_at.desc())
        .limit(PURCHASES_LOOKED_AT)
    )
    for items in sales:
        for item in items:
            quantities[item["sku"]] += int(item.get("quantity", 0))
    orders = session.scalars(
        select(OnlineOrder.items)
        .where(OnlineOrder.customer_id == customer_id, OnlineOrder.status != "cancelled")
        .order_by(OnlineOrder.ordered_at.desc())
        .limit(PURCHASES_LOOKED_AT)
    )
    for items in orders:
        for item in items:
            quantities[item["sku"]] += int(item.get("qty", 0))
    by_category: Counter[str] = Counter()
    for sku, category in session.execute(
        select(Product.sku, Product.category).where(Product.sku.in_(list(quantities)))
    ):
        if category:
            by_category[category] += quantities[sku]
    return [
        CategoryCount(category=category, quantity=quantity)
        for category, quantity in by_category.most_common(CATEGORY_LIMIT)
    ]
