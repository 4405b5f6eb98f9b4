"""Stock per location: every move is a movement row plus an atomic change of the current level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync.server.changes.service import record_change
from sync.server.db.base import utcnow
from sync.server.db.query import Query, Row
from sync.server.problems import NotFound
from sync.server.products import service as products_service
from sync.server.products.models import Product
from sync.server.stock.models import StockLevel, StockMovement
from sync.server.stores import service as stores_service
from sync.server.stores.models import Store


@dataclass(frozen=True, slots=True)
class Level:
    """A location's level of one product and when it last changed."""

    location: str
    quantity: int
    updated_at: datetime | None


def move(
    session: Session, *, location: str, sku: str, delta: int, reason: str, source_id: str | None = None
) -> StockMovement:
    """Change the level of ``sku`` at ``location`` by ``delta``; a level below zero is allowed and flagged."""
    store = stores_service.get_store(session, location)
    product = products_service.get_product(session, sku)
    now = utcnow()
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(StockLevel).values(
        location_id=store.id, product_id=product.id, quantity=delta, updated_at=now
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[StockLevel.location_id, StockLevel.product_id],
        set_={"quantity": StockLevel.quantity + delta, "updated_at": now},
    ).returning(StockLevel.quantity)
    quantity_after = session.execute(upsert).scalar_one()
    movement = StockMovement(
        location_id=store.id,
        product_id=product.id,
        delta=delta,
        quantity_after=quantity_after,
        reason=reason[:100],
        source_id=source_id,
        negative=quantity_after < 0,
        created_at=now,
    )
    session.add(movement)
    session.flush()
    record_change(
        session,
        entity="stock",
        key=f"{store.code}:{sku}",
        store_code=store.code,  # a terminal caches its own store's stock; other locations are asked live
        payload={
            "location": store.code,
            "sku": sku,
            "quantity": quantity_after,
            "updated_at": now.isoformat(),
        },
    )
    return movement


LEVELS = Query.of(
    select(Store.code, StockLevel.quantity, StockLevel.updated_at)
    .select_from(Product)
    .outerjoin(Store, true())
    .outerjoin(StockLevel, (StockLevel.location_id == Store.id) & (StockLevel.product_id == Product.id))
    .where(Product.sku == bindparam("sku"))
    .order_by(Store.kind.desc(), Store.code)
)
"""One row per location for a known SKU (one with no location when there is none yet), none for an
unknown one: the product's check and its levels in one statement, run on the event loop on PostgreSQL."""


def levels_from(sku: str, rows: list[Row]) -> list[Level]:
    """The levels of ``sku`` (stores first, online last; 0 where it never moved) from ``LEVELS``'s rows."""
    if not rows:
        raise NotFound(f"no product {sku}")
    return [
        Level(location=row["code"], quantity=row["quantity"] or 0, updated_at=row["updated_at"])
        for row in rows
        if row["code"] is not None
    ]


def levels(session: Session, *, sku: str) -> list[Level]:
    """The level of ``sku`` at every location (0 where it never moved), stores first, online last."""
    return levels_from(sku, [dict(row) for row in session.execute(LEVELS.statement, {"sku": sku}).mappings()])
