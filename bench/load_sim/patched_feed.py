"""A second prototype, measured only: ``patched_server``'s fixes plus a lighter change feed.

The profile of the first prototype showed the workers spending ~43 % of their samples in
``GET /v1/sync/pull``: stock changes are written to the feed chain-wide (``store_code=None`` in
``stock.service.move`` and ``syncfeed.bulk``), so every terminal downloads every store's stock
movements, and ``changes.service.read_changes`` builds an ORM object per row. Here stock changes of
a store go to that store's terminals only (other stores' stock is a live look-up) and the feed is
read as plain rows. Patched in this launcher's processes only; the server code is untouched.

    python -m bench.load_sim.patched_feed DATABASE_URL HOST PORT WORKERS
"""

from __future__ import annotations

import sys
from typing import Any

from fastapi import FastAPI
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bench.load_sim import patched_server
from sync.server.changes import service as changes_service
from sync.server.changes.models import ChangeLog
from sync.server.stock import service as stock_service
from sync.server.stores.models import ONLINE_CODE
from sync.server.syncfeed import bulk

_record_change = changes_service.record_change


def record_change(
    session: Session, *, entity: str, key: str, store_code: str | None, payload: dict[str, Any]
) -> None:
    """A store's stock change is addressed to that store; everything else as before."""
    location = payload.get("location")
    if entity == "stock" and store_code is None and location and location != ONLINE_CODE:
        store_code = str(location)
    _record_change(session, entity=entity, key=key, store_code=store_code, payload=payload)


def read_changes(
    session: Session, *, after: int, limit: int, store_code: str | None
) -> list[changes_service.Change]:
    """The same page, selected as columns (no ORM identity map or instance state per row)."""
    columns = (
        ChangeLog.id,
        ChangeLog.entity,
        ChangeLog.key,
        ChangeLog.store_code,
        ChangeLog.payload,
        ChangeLog.created_at,
    )
    query = select(*columns).where(ChangeLog.id > after).order_by(ChangeLog.id).limit(limit)
    if store_code is None:
        query = query.where(ChangeLog.store_code.is_(None))
    else:
        query = query.where(or_(ChangeLog.store_code.is_(None), ChangeLog.store_code == store_code))
    return [changes_service.Change(*row) for row in session.execute(query)]


def create_app_from_env() -> FastAPI:
    """``patched_server``'s app with the feed patches installed first."""
    changes_service.record_change = record_change  # type: ignore[assignment]
    stock_service.record_change = record_change  # type: ignore[assignment]
    bulk.record_change = record_change  # type: ignore[assignment]
    changes_service.read_changes = read_changes  # type: ignore[assignment]
    return patched_server.create_app_from_env()


if __name__ == "__main__":
    patched_server.main(sys.argv[1:], target="bench.load_sim.patched_feed:create_app_from_env")
