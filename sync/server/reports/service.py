"""Head-office reports computed from the stored facts: store sales, online orders, the points ledger.

Days are calendar days in the time zone of the store a fact belongs to (per-store report) or in
the chain's reporting time zone (chain report). Voids and returns are stored with negative totals
and points, so sums are net; a void also takes its receipt off the count. Cancelled online orders
are left out. Rows are read within a UTC window one day wider on each side than asked for and put
on their local day here, which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.channel.models import OnlineOrder
from sync.server.points.models import PointsEntry
from sync.server.problems import Invalid
from sync.server.reports.schemas import ChainDayRow, ChainReport, LedgerDayRow, StoreDayRow, StoreSalesReport
from sync.server.sales.models import StoreSale
from sync.server.stores import service as stores_service
from sync.server.stores.models import Store

MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)
NOT_IN_LEDGER_NET = ("hold", "release")  # a hold sets points aside; it is not issued or used


def check_range(first: date, last: date) -> None:
    """Refuse a reversed, huge or absurd date range (422)."""
    if not EARLIEST <= first <= last <= LATEST:
        raise Invalid("the range must run forwards, between 2000-01-01 and 2999-12-31", slug="bad-range")
    if (last - first).days >= MAX_DAYS:
        raise Invalid(f"a report covers at most {MAX_DAYS} days", slug="bad-range")


def _window(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first - timedelta(days=1), time(0), UTC)
    end = datetime.combine(last + timedelta(days=2), time(0), UTC)
    return start, end


def store_sales(session: Session, *, first: date, last: date, store: str | None = None) -> StoreSalesReport:
    """Per location per day: receipts and online orders with their totals and points."""
    check_range(first, last)
    stores = {row.id: row for row in session.scalars(select(Store))}
    only = stores_service.get_store(session, store).id if store else None
    zones = {store_id: ZoneInfo(row.timezone) for store_id, row in stores.items()}
    start, end = _window(first, last)
    cells: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0] * 6)
    sales = select(StoreSale).where(StoreSale.sold_at >= start, StoreSale.sold_at < end)
    if only is not None:
        sales = sales.where(StoreSale.store_id == only)
    for sale in session.scalars(sales):
        day = sale.sold_at.astimezone(zones[sale.store_id]).date()
        if first <= day <= last:
            cell = cells[(day, sale.store_id)]
            cell[0] += {"sale": 1, "void": -1}.get(sale.kind, 0)
            cell[1] += sale.total
            cell[4] += sale.points_earned
            cell[5] += sale.points_used
    for order in _orders(session, start, end, only):
        day = order.ordered_at.astimezone(zones[order.location_id]).date()
        if first <= day <= last:
            cell = cells[(day, order.location_id)]
            cell[2] += 1
            cell[3] += order.total
            cell[4] += order.points_earned
            cell[5] += order.points_used
    rows = [
        StoreDayRow(
            day=day,
            store=stores[store_id].code,
            store_count=c[0],
            store_total=c[1],
            online_count=c[2],
            online_total=c[3],
            points_issued=c[4],
            points_used=c[5],
        )
        for (day, store_id), c in cells.items()
    ]
    rows.sort(key=lambda row: (row.day, row.store))
    return StoreSalesReport(first=first, last=last, rows=rows)


def _orders(session: Session, start: datetime, end: datetime, only: int | None) -> Iterable[OnlineOrder]:
    query = select(OnlineOrder).where(
        OnlineOrder.ordered_at >= start, OnlineOrder.ordered_at < end, OnlineOrder.status != "cancelled"
    )
    if only is not None:
        query = query.where(OnlineOrder.location_id == only)
    return session.scalars(query)


def chain_sales(session: Session, *, first: date, last: date, timezone: str = "Asia/Tokyo") -> ChainReport:
    """The chain per day and channel, and the points ledger per day, in ``timezone``."""
    check_range(first, last)
    zone = ZoneInfo(timezone)
    start, end = _window(first, last)
    cells: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0] * 4)
    for sale in session.scalars(select(StoreSale).where(StoreSale.sold_at >= start, StoreSale.sold_at < end)):
        day = sale.sold_at.astimezone(zone).date()
        if first <= day <= last:
            cell = cells[(day, "store")]
            cell[0] += {"sale": 1, "void": -1}.get(sale.kind, 0)
            cell[1] += sale.total
            cell[2] += sale.points_earned
            cell[3] += sale.points_used
    for order in _orders(session, start, end, None):
        day = order.ordered_at.astimezone(zone).date()
        if first <= day <= last:
            cell = cells[(day, "online")]
            cell[0] += 1
            cell[1] += order.total
            cell[2] += order.points_earned
            cell[3] += order.points_used
    rows = [
        ChainDayRow(day=day, channel=channel, count=c[0], total=c[1], points_issued=c[2], points_used=c[3])
        for (day, channel), c in sorted(cells.items())
    ]
    return ChainReport(
        first=first, last=last, timezone=timezone, rows=rows, ledger=_ledger(session, zone, first, last)
    )


def _ledger(session: Session, zone: ZoneInfo, first: date, last: date) -> list[LedgerDayRow]:
    start, end = _window(first, last)
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    entries = session.execute(
        select(PointsEntry.created_at, PointsEntry.kind, PointsEntry.points).where(
            PointsEntry.created_at >= start, PointsEntry.created_at < end
        )
    )
    for created_at, kind, points in entries:
        day = created_at.astimezone(zone).date()
        if not first <= day <= last:
            continue
        if kind == "earn":
            days[day][0] += points
        elif kind in ("redeem", "overdraft"):
            days[day][1] -= points
        if kind not in NOT_IN_LEDGER_NET:
            days[day][2] += points
    return [LedgerDayRow(day=day, issued=v[0], used=v[1], net=v[2]) for day, v in sorted(days.items())]


def to_csv(model: type[BaseModel], rows: Sequence[BaseModel]) -> str:
    """Rows as CSV with a header, CRLF line ends and a BOM, so Excel in Japan reads it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    fields = list(model.model_fields)
    writer.writerow(fields)
    for row in rows:
        data = row.model_dump(mode="json")
        writer.writerow([data[name] for name in fields])
    return buffer.getvalue()
