"""Head-office report endpoints (admin only), each as JSON or, with ``?format=csv``, as a CSV download."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query, Response

from sync.server.deps import AdminDep, SessionDep
from sync.server.problems import PROBLEM_RESPONSES, Invalid
from sync.server.reports import service, summary
from sync.server.reports.schemas import ChainDayRow, ChainReport, StoreDayRow, StoreSalesReport, SummaryReport
from sync.server.stores import service as stores_service

router = APIRouter(prefix="/v1/admin/reports", tags=["admin"], responses=PROBLEM_RESPONSES)

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "JSON, or CSV with a BOM"}
}
First = Annotated[date, Query(alias="from", description="first day, inclusive")]
Last = Annotated[date, Query(alias="to", description="last day, inclusive")]
Format = Annotated[Literal["json", "csv"], Query(description="csv: UTF-8 with a BOM, for Excel")]


def _csv(text: str, name: str) -> Response:
    return Response(
        content=text.encode("utf-8"),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/sales", response_model=StoreSalesReport, responses=CSV_RESPONSE)
def sales_per_store(
    first: First,
    last: Last,
    session: SessionDep,
    admin: AdminDep,
    store: Annotated[str | None, Query(min_length=1, max_length=16)] = None,
    format: Format = "json",
) -> StoreSalesReport | Response:
    """Sales per store per day: receipts, online orders fulfilled there, points issued and used."""
    report = service.store_sales(session, first=first, last=last, store=store)
    if format == "csv":
        return _csv(service.to_csv(StoreDayRow, report.rows), f"sales-{first}-{last}")
    return report


@router.get("/chain", response_model=ChainReport, responses=CSV_RESPONSE)
def chain_totals(
    first: First,
    last: Last,
    session: SessionDep,
    admin: AdminDep,
    timezone: Annotated[str, Query(min_length=1, max_length=64)] = "Asia/Tokyo",
    format: Format = "json",
) -> ChainReport | Response:
    """The chain's totals per day and channel (store, online), and the points ledger per day."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise Invalid(f"unknown time zone {timezone!r}", slug="bad-timezone") from error
    report = service.chain_sales(session, first=first, last=last, timezone=timezone)
    if format == "csv":
        return _csv(service.to_csv(ChainDayRow, report.rows), f"chain-{first}-{last}")
    return report


@router.get("/summary", response_model=SummaryReport, responses=CSV_RESPONSE)
def sales_and_tax(
    first: First,
    last: Last,
    session: SessionDep,
    admin: AdminDep,
    group: Annotated[Literal["day", "week", "month"], Query(description="period of each row")] = "day",
    by: Annotated[Literal["store", "chain"], Query(description="a row per store, or the chain")] = "store",
    store: Annotated[str | None, Query(min_length=1, max_length=16)] = None,
    format: Format = "json",
) -> SummaryReport | Response:
    """Sales, returns, voids, points and per-rate taxable amount and tax (10 %, 8 %) per period, store
    (or the chain) and channel, aggregated in the database; the HQ console's report is this one."""
    only = [stores_service.get_store(session, store).id] if store else None
    report = summary.summary(session, first=first, last=last, grouping=group, by=by, store_ids=only)
    if format == "csv":
        return _csv(summary.to_csv(report), f"sales-tax-{first}-{last}")
    return report
