"""Sales and per-rate tax: per store or for the chain, by day, week or month, with a chart and CSV.

The page and ``GET /v1/admin/reports/summary`` are one service (``reports.summary``); a store
manager gets the same report limited to their stores.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sync.server.deps import SessionDep
from sync.server.hq.charts import stacked_bars
from sync.server.hq.web import PageDep, chain_today, render
from sync.server.reports.schemas import SummaryReport
from sync.server.reports.summary import rate_amount, summary, to_csv
from sync.server.stores import service as stores_service

router = APIRouter()
Group = Annotated[Literal["day", "week", "month"], Query()]
By = Annotated[Literal["store", "chain"], Query()]


def _report(page: PageDep, session: SessionDep, first: date | None, last: date | None, group: Group, by: By,
            store: str) -> SummaryReport:  # fmt: skip
    last = last or chain_today()
    first = first or (last - timedelta(days=13))
    scope = page.viewer.store_ids if page.viewer.role == "manager" else None
    if store:
        chosen = stores_service.get_store(session, store)
        page.require_store(chosen.id)
        scope = frozenset({chosen.id})
    return summary(session, first=first, last=last, grouping=group, by=by, store_ids=scope)


@router.get("/reports")
def reports(
    request: Request,
    page: PageDep,
    session: SessionDep,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    group: Group = "day",
    by: By = "store",
    store: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The report page."""
    report = _report(page, session, first, last, group, by, store)
    series: dict[date, dict[str, int]] = {}
    for row in report.rows:
        series.setdefault(row.period, {}).setdefault(row.channel, 0)
        series[row.period][row.channel] += row.net
    chart = stacked_bars(series, ("store", "online"), "%m/%d" if group != "month" else "%Y/%m")
    scope = page.viewer.store_ids if page.viewer.role == "manager" else None
    query = {
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "group": group,
        "by": by,
        "store": store,
    }
    return render(page, request, "reports.html", report=report, chart=chart, query=query,
                  stores=stores_service.list_stores(session, store_ids=scope), rate_amount=rate_amount)  # fmt: skip


@router.get("/reports.csv")
def reports_csv(
    page: PageDep,
    session: SessionDep,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    group: Group = "day",
    by: By = "store",
    store: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The same report as CSV for Excel (UTF-8 with a BOM)."""
    report = _report(page, session, first, last, group, by, store)
    return Response(
        content=to_csv(report).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sales-{report.first}-{report.last}.csv"'},
    )
