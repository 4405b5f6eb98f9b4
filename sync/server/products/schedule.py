"""Prices scheduled for a day: stored ahead, applied when the day starts in the chain's time zone.

Every server process checks once a minute (``sync.server.jobs``); applying is a conditional
update of the change's row (``applied_at IS NULL``), so with several workers each change is applied
exactly once, and the product's new price goes to the terminals through the change feed like any
other edit. ``posapp-server apply-price-changes`` does the same from cron.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync.server.db.base import utcnow
from sync.server.problems import Invalid, NotFound
from sync.server.products.models import PriceChange, Product
from sync.server.products.service import get_product, publish_product

CHAIN_ZONE = ZoneInfo("Asia/Tokyo")


def chain_today() -> date:
    """Today in the chain's time zone."""
    return datetime.now(CHAIN_ZONE).date()


def schedule(session: Session, *, sku: str, price: int, effective_on: date, by: str) -> PriceChange:
    """Set ``sku`` to ``price`` from ``effective_on`` (a future day; today applies at once via an edit)."""
    if effective_on <= chain_today():
        raise Invalid("a scheduled price starts on a future day", slug="past-date")
    if not 0 <= price <= 10_000_000:
        raise Invalid("the price is out of range", slug="bad-price")
    product = get_product(session, sku)
    change = PriceChange(product_id=product.id, price=price, effective_on=effective_on, created_by=by[:40])
    session.add(change)
    session.flush()
    return change


def cancel(session: Session, change_id: int) -> PriceChange:
    """Cancel a change not applied yet (idempotent)."""
    change = session.get(PriceChange, change_id)
    if change is None:
        raise NotFound(f"no price change {change_id}")
    if change.applied_at is not None:
        raise Invalid("this price change was already applied", slug="applied")
    if change.cancelled_at is None:
        change.cancelled_at = utcnow()
        session.flush()
    return change


def pending(session: Session, *, sku: str | None = None) -> list[tuple[PriceChange, Product]]:
    """Changes still to come, soonest first (of one product when ``sku`` is given)."""
    query = (
        select(PriceChange, Product)
        .join(Product, Product.id == PriceChange.product_id)
        .where(PriceChange.applied_at.is_(None), PriceChange.cancelled_at.is_(None))
        .order_by(PriceChange.effective_on, PriceChange.id)
    )
    if sku is not None:
        query = query.where(Product.sku == sku)
    return [(change, product) for change, product in session.execute(query)]


def apply_due(session: Session, *, today: date | None = None) -> int:
    """Apply every change whose day has come (the latest-made one wins for a product); the caller commits."""
    today = today or chain_today()
    due = session.scalars(
        select(PriceChange)
        .where(
            PriceChange.applied_at.is_(None),
            PriceChange.cancelled_at.is_(None),
            PriceChange.effective_on <= today,
        )
        .order_by(PriceChange.effective_on, PriceChange.id)
    ).all()
    applied = 0
    now = utcnow()
    for change in due:
        won = session.execute(
            update(PriceChange)
            .where(PriceChange.id == change.id, PriceChange.applied_at.is_(None))
            .values(applied_at=now)
            .execution_options(synchronize_session=False)
        )
        if not getattr(won, "rowcount", 0):
            continue  # another worker applied it
        product = session.get_one(Product, change.product_id)
        product.price = change.price
        session.flush()
        publish_product(session, product)
        applied += 1
    return applied
