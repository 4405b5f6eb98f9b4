"""Keeping ``sales_days`` / ``sales_day_rates`` (store sales summed per store and local day) current.

The day tables hold every sale, return and void *received* before a mark (``sales_days_mark``); a
report reads the days in its range from them and only the sales received since the mark from
``store_sales`` itself, so it is exact at any moment and fast on a year of a chain. ``refresh`` (run
once a minute by every server process, serialised by a lock) moves the mark to ``MARGIN`` ago and
recomputes, from the sales themselves, every store-day that received something in between: a sale a
terminal sends weeks late recomputes its own day. ``MARGIN`` is there because a sale's ``created_at``
is taken before its transaction commits: a push still open for that long would be missed, and pushes
are answered within seconds (the admission limit refuses after 20).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select, text
from sqlalchemy.orm import Session

from sync.server.db.base import utcnow
from sync.server.reports.calendar import local_date
from sync.server.reports.models import RollupMark, SalesDay, SalesDayRate
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.stores.models import Store

MARGIN = timedelta(minutes=5)
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)
ROLLUP_LOCK_ID = 0x5A1E_5DA7
DAYS_PER_ROUND = 7


def covered_before(session: Session) -> datetime:
    """Sales received before this moment are in the day tables."""
    return session.scalar(select(RollupMark.covered_before).where(RollupMark.id == 1)) or BEGINNING


def sale_day() -> Any:
    """A sale's calendar day in its store's time zone (join ``Store``)."""
    return local_date(StoreSale.sold_at, Store.timezone)


def day_figures() -> list[Any]:
    """The day columns as aggregates of ``store_sales`` (the same sums the report makes)."""
    return [
        func.sum(case((StoreSale.kind == "sale", 1), (StoreSale.kind == "void", -1), else_=0)),
        func.sum(case((StoreSale.kind == "sale", StoreSale.total), else_=0)),
        func.sum(case((StoreSale.kind == "return", StoreSale.total), else_=0)),
        func.sum(case((StoreSale.kind == "void", StoreSale.total), else_=0)),
        func.sum(StoreSale.points_earned),
        func.sum(StoreSale.points_used),
    ]


def refresh(session: Session, *, now: datetime | None = None) -> int:
    """Move the mark to ``now - MARGIN`` and recompute the store-days that received sales since the
    last mark; returns how many store-days were recomputed. The caller commits."""
    if session.get_bind().dialect.name == "postgresql":
        locked = session.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": ROLLUP_LOCK_ID})
        if not locked:
            return 0  # another process is refreshing
    mark = session.get(RollupMark, 1)
    old = mark.covered_before if mark is not None else BEGINNING
    new = (now or utcnow()) - MARGIN
    if new <= old:
        return 0
    day = sale_day()
    affected = list(
        session.execute(
            select(StoreSale.store_id, day)
            .join(Store, Store.id == StoreSale.store_id)
            .where(StoreSale.created_at >= old, StoreSale.created_at < new)
            .distinct()
        )
    )
    if affected:
        keys = sorted(
            ((store_id, _as_date(value)) for store_id, value in affected), key=lambda key: (key[1], key[0])
        )
        _recompute(session, keys, new)
    if mark is None:
        session.add(RollupMark(id=1, covered_before=new))
    else:
        mark.covered_before = new
    session.flush()
    return len(affected)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _recompute(session: Session, keys: list[tuple[int, date]], before: datetime) -> None:
    """Recompute the store-days ``keys`` from the sales received before ``before``, a week of days at a
    time (with every store touched in that week: recomputing an untouched store-day is harmless)."""
    days = sorted({day for _store, day in keys})
    for start in range(0, len(days), DAYS_PER_ROUND):
        chosen_days = days[start : start + DAYS_PER_ROUND]
        stores = sorted({store for store, day in keys if chosen_days[0] <= day <= chosen_days[-1]})
        window = and_(
            StoreSale.sold_at
            >= datetime.combine(chosen_days[0] - timedelta(days=1), datetime.min.time(), UTC),
            StoreSale.sold_at
            < datetime.combine(chosen_days[-1] + timedelta(days=2), datetime.min.time(), UTC),
            StoreSale.created_at < before,
            StoreSale.store_id.in_(stores),
        )
        day = sale_day()
        chosen = day.in_(chosen_days)
        session.execute(delete(SalesDay).where(SalesDay.store_id.in_(stores), SalesDay.day.in_(chosen_days)))
        session.execute(
            delete(SalesDayRate).where(SalesDayRate.store_id.in_(stores), SalesDayRate.day.in_(chosen_days))
        )
        session.execute(
            insert(SalesDay).from_select(
                ["store_id", "day", "receipts", "sales", "returns", "voids", "points_issued", "points_used"],
                select(StoreSale.store_id, day, *day_figures())
                .join(Store, Store.id == StoreSale.store_id)
                .where(window, chosen)
                .group_by(StoreSale.store_id, day),
            )
        )
        session.execute(
            insert(SalesDayRate).from_select(
                ["store_id", "day", "rate", "taxable", "tax"],
                select(
                    StoreSale.store_id,
                    day,
                    StoreSaleRate.rate,
                    func.sum(StoreSaleRate.taxable),
                    func.sum(StoreSaleRate.tax),
                )
                .select_from(StoreSaleRate)
                .join(StoreSale, StoreSale.id == StoreSaleRate.sale_id)
                .join(Store, Store.id == StoreSale.store_id)
                .where(window, chosen)
                .group_by(StoreSale.store_id, day, StoreSaleRate.rate),
            )
        )


def rebuild(session: Session) -> None:
    """Forget the day tables (after a store's time zone changed): the next refresh recomputes all."""
    session.execute(delete(SalesDayRate))
    session.execute(delete(SalesDay))
    session.execute(delete(RollupMark))
    session.flush()
