"""This store's cached stock levels, moved by sales, voids, returns and the manager's corrections."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from posapp.store.models import StockLevel


def move_stock(session: Session, *, location: str, moves: Iterable[tuple[str, int]], now: datetime) -> None:
    """Move ``location``'s cached stock by ``(sku, delta)`` moves in one statement (a level may go negative)."""
    totals: dict[str, int] = {}
    for sku, delta in moves:
        totals[sku] = totals.get(sku, 0) + delta
    if not totals:
        return
    statement = sqlite_insert(StockLevel)
    upsert = statement.on_conflict_do_update(
        index_elements=["location", "sku"],
        set_={
            "quantity": StockLevel.quantity + statement.excluded.quantity,
            "updated_at": statement.excluded.updated_at,
        },
    )
    # Core on the session's connection: no ORM autoflush or identity-map bookkeeping on the hot path.
    session.connection().execute(
        upsert,
        [{"location": location, "sku": sku, "quantity": delta, "updated_at": now, "version": 0}
         for sku, delta in totals.items()],
    )  # fmt: skip
