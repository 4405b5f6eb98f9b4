"""Sales and per-rate tax per store or chain, channel and day / week / month, aggregated in SQL.

Store receipts are grouped on the calendar day in their store's time zone; online orders on the day
in the time zone of the location that fulfils them (the online warehouse keeps the chain's zone).
Store sales come from the per-day tables (``reports.days``) for everything received before their mark
and from ``store_sales`` for what came since, so a year of a 100-store chain is ~36,500 day rows, not
millions of receipts. Raw reads take a UTC window one day wider than asked on each side (the
``sold_at`` index narrows it), keep the rows whose local day is in range, and group in the database.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.server.auth.models import Channel
from sync.server.channel.models import OnlineOrder
from sync.server.reports.calendar import Grouping, local_date, period_of
from sync.server.reports.days import covered_before, day_figures, sale_day
from sync.server.reports.models import SalesDay, SalesDayRate
from sync.server.reports.schemas import ChannelTotal, RateAmount, SummaryReport, SummaryRow
from sync.server.reports.service import check_range
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.stores.models import Store

By = Literal["store", "chain"]
RATES = (10, 8)
_DAY_COLUMNS = ("receipts", "sales", "returns", "voids", "points_issued", "points_used")
_COUNTED = ("sale", "void")


def _window(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first - timedelta(days=1), time(0), UTC),
        datetime.combine(last + timedelta(days=2), time(0), UTC),
    )


def _store_rows(
    session: Session,
    first: date,
    last: date,
    grouping: Grouping,
    store_ids: Collection[int] | None,
    mark: datetime,
) -> list[Any]:
    """The day tables' days in range, and the sales received since their mark, grouped alike."""
    period = period_of(SalesDay.day, grouping).label("period")
    summed = (
        select(period, SalesDay.store_id, *(func.sum(getattr(SalesDay, name)) for name in _DAY_COLUMNS))
        .where(SalesDay.day >= first, SalesDay.day <= last)
        .group_by(period, SalesDay.store_id)
    )
    day = sale_day()
    live_period = period_of(day, grouping).label("period")
    start, end = _window(first, last)
    live = (
        select(live_period, StoreSale.store_id, *day_figures())
        .join(Store, Store.id == StoreSale.store_id)
        .where(StoreSale.created_at >= mark, StoreSale.sold_at >= start, StoreSale.sold_at < end)
        .where(day >= first, day <= last)
        .group_by(live_period, StoreSale.store_id)
    )
    if store_ids is not None:
        summed = summed.where(SalesDay.store_id.in_(list(store_ids)))
        live = live.where(StoreSale.store_id.in_(list(store_ids)))
    return [*session.execute(summed), *session.execute(live)]


def _rate_rows(
    session: Session,
    first: date,
    last: date,
    grouping: Grouping,
    store_ids: Collection[int] | None,
    mark: datetime,
) -> list[Any]:
    period = period_of(SalesDayRate.day, grouping).label("period")
    summed = (
        select(
            period,
            SalesDayRate.store_id,
            SalesDayRate.rate,
            func.sum(SalesDayRate.taxable),
            func.sum(SalesDayRate.tax),
        )
        .where(SalesDayRate.day >= first, SalesDayRate.day <= last)
        .group_by(period, SalesDayRate.store_id, SalesDayRate.rate)
    )
    day = sale_day()
    live_period = period_of(day, grouping).label("period")
    start, end = _window(first, last)
    live = (
        select(
            live_period,
            StoreSale.store_id,
            StoreSaleRate.rate,
            func.sum(StoreSaleRate.taxable),
            func.sum(StoreSaleRate.tax),
        )
        .select_from(StoreSaleRate)
        .join(StoreSale, StoreSale.id == StoreSaleRate.sale_id)
        .join(Store, Store.id == StoreSale.store_id)
        .where(StoreSale.created_at >= mark, StoreSale.sold_at >= start, StoreSale.sold_at < end)
        .where(day >= first, day <= last)
        .group_by(live_period, StoreSale.store_id, StoreSaleRate.rate)
    )
    if store_ids is not None:
        summed = summed.where(SalesDayRate.store_id.in_(list(store_ids)))
        live = live.where(StoreSale.store_id.in_(list(store_ids)))
    return [*session.execute(summed), *session.execute(live)]


def _online_rows(
    session: Session, first: date, last: date, grouping: Grouping, store_ids: Collection[int] | None
) -> list[Any]:
    day = local_date(OnlineOrder.ordered_at, Store.timezone)
    period = period_of(day, grouping).label("period")
    start, end = _window(first, last)
    query = (
        select(
            period,
            OnlineOrder.location_id,
            func.count(),
            func.sum(OnlineOrder.total),
            func.sum(OnlineOrder.points_earned),
            func.sum(OnlineOrder.points_used),
        )
        .join(Store, Store.id == OnlineOrder.location_id)
        .where(
            OnlineOrder.ordered_at >= start,
            OnlineOrder.ordered_at < end,
            OnlineOrder.status != "cancelled",
            day >= first,
            day <= last,
        )
        .group_by(period, OnlineOrder.location_id)
    )
    if store_ids is not None:
        query = query.where(OnlineOrder.location_id.in_(list(store_ids)))
    return list(session.execute(query))


def _online_by_channel(
    session: Session, first: date, last: date, store_ids: Collection[int] | None
) -> list[ChannelTotal]:
    """The online orders in range per channel key, so a call centre's orders read as its own."""
    day = local_date(OnlineOrder.ordered_at, Store.timezone)
    start, end = _window(first, last)
    query = (
        select(Channel.name, Channel.kind, func.count(), func.sum(OnlineOrder.total))
        .select_from(OnlineOrder)
        .join(Store, Store.id == OnlineOrder.location_id)
        .join(Channel, Channel.id == OnlineOrder.channel_id)
        .where(
            OnlineOrder.ordered_at >= start, OnlineOrder.ordered_at < end, OnlineOrder.status != "cancelled"
        )
        .where(day >= first, day <= last)
        .group_by(Channel.id, Channel.name, Channel.kind)
        .order_by(Channel.name)
    )
    if store_ids is not None:
        query = query.where(OnlineOrder.location_id.in_(list(store_ids)))
    return [
        ChannelTotal(channel=name, kind=kind, orders=int(count), total=int(total or 0))
        for name, kind, count, total in session.execute(query)
    ]


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def summary(
    session: Session,
    *,
    first: date,
    last: date,
    grouping: Grouping = "day",
    by: By = "store",
    store_ids: Collection[int] | None = None,
) -> SummaryReport:
    """The report: one row per period, store (or the chain) and channel, plus totals per channel."""
    check_range(first, last)
    codes = dict(session.execute(select(Store.id, Store.code)).all())
    cells: dict[tuple[date, str | None, str], list[int]] = defaultdict(lambda: [0] * 7)
    rates: dict[tuple[date, str | None, str], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )

    def key(period: Any, store_id: int, channel: str) -> tuple[date, str | None, str]:
        return (_as_date(period), codes.get(store_id) if by == "store" else None, channel)

    mark = covered_before(session)
    for period, store_id, receipts, sales, returns, voids, issued, used in _store_rows(
        session, first, last, grouping, store_ids, mark
    ):
        cell = cells[key(period, store_id, "store")]
        for index, value in enumerate((receipts, sales, returns, voids, 0, issued, used)):
            cell[index] += int(value or 0)
    for period, store_id, rate, taxable, tax in _rate_rows(session, first, last, grouping, store_ids, mark):
        amounts = rates[key(period, store_id, "store")][int(rate)]
        amounts[0] += int(taxable or 0)
        amounts[1] += int(tax or 0)
    for period, store_id, count, total, issued, used in _online_rows(
        session, first, last, grouping, store_ids
    ):
        cell = cells[key(period, store_id, "online")]
        for index, value in ((0, count), (1, total), (5, issued), (6, used)):
            cell[index] += int(value or 0)
    rows = [
        _row(k, cells[k], rates.get(k, {})) for k in sorted(cells, key=lambda k: (k[0], k[1] or "", k[2]))
    ]
    return SummaryReport(
        first=first, last=last, group=grouping, by=by, rows=rows, totals=_totals(rows, first),
        online_by_channel=_online_by_channel(session, first, last, store_ids),
    )  # fmt: skip


def _row(key: tuple[date, str | None, str], cell: list[int], rates: dict[int, list[int]]) -> SummaryRow:
    period, store, channel = key
    receipts, sales, returns, voids, _unused, issued, used = cell
    return SummaryRow(
        period=period, store=store, channel=channel, receipts=receipts, sales=sales, returns=returns,
        voids=voids, net=sales + returns + voids, points_issued=issued, points_used=used,
        rates=[RateAmount(rate=rate, taxable=rates[rate][0], tax=rates[rate][1]) for rate in sorted(rates, reverse=True)]
        if rates else [],
    )  # fmt: skip


def _totals(rows: Iterable[SummaryRow], first: date) -> list[SummaryRow]:
    by_channel: dict[str, list[SummaryRow]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)
    totals = []
    for channel in sorted(by_channel):
        group = by_channel[channel]
        rates: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for row in group:
            for amount in row.rates:
                rates[amount.rate][0] += amount.taxable
                rates[amount.rate][1] += amount.tax
        totals.append(
            SummaryRow(
                period=first,
                store=None,
                channel=channel,
                **{
                    name: sum(getattr(row, name) for row in group)
                    for name in (
                        "receipts",
                        "sales",
                        "returns",
                        "voids",
                        "net",
                        "points_issued",
                        "points_used",
                    )
                },
                rates=[
                    RateAmount(rate=rate, taxable=v[0], tax=v[1])
                    for rate, v in sorted(rates.items(), reverse=True)
                ],
            )
        )
    return totals


CSV_COLUMNS = (
    "period", "store", "channel", "receipts", "sales", "returns", "voids", "net", "points_issued", "points_used",
    "taxable_10", "tax_10", "taxable_8", "tax_8",
)  # fmt: skip


def rate_amount(row: SummaryRow, rate: int) -> RateAmount:
    """The row's amounts at ``rate`` (zero when it had none)."""
    return next(
        (amount for amount in row.rates if amount.rate == rate), RateAmount(rate=rate, taxable=0, tax=0)
    )


def to_csv(report: SummaryReport) -> str:
    """The rows as CSV for Excel: a BOM, CRLF line ends, a header, one line per row, per-rate columns."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        ten, eight = rate_amount(row, 10), rate_amount(row, 8)
        writer.writerow([
            row.period.isoformat(), row.store or "", row.channel, row.receipts, row.sales, row.returns, row.voids,
            row.net, row.points_issued, row.points_used, ten.taxable, ten.tax, eight.taxable, eight.tax,
        ])  # fmt: skip
    return buffer.getvalue()
