"""Report rows: money in yen, points in points, days in the store's (or the chain's) calendar."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class StoreDayRow(BaseModel):
    """One location's day: store receipts and online orders fulfilled there, with their points."""

    day: date
    store: str
    store_count: int
    store_total: int
    online_count: int
    online_total: int
    points_issued: int
    points_used: int


class StoreSalesReport(BaseModel):
    """Sales per store per day over ``first`` … ``last``."""

    first: date
    last: date
    rows: list[StoreDayRow]


class ChainDayRow(BaseModel):
    """The chain's day in one channel (``store`` or ``online``)."""

    day: date
    channel: str
    count: int
    total: int
    points_issued: int
    points_used: int


class LedgerDayRow(BaseModel):
    """The points ledger's day: points issued, used, and the net of every entry but holds."""

    day: date
    issued: int
    used: int
    net: int


class ChainReport(BaseModel):
    """The chain's totals per day and channel, and the points ledger per day, in ``timezone``."""

    first: date
    last: date
    timezone: str
    rows: list[ChainDayRow]
    ledger: list[LedgerDayRow]


class RateAmount(BaseModel):
    """Taxable amount (tax included) and tax at one rate, as the receipts state them, net of returns."""

    rate: int
    taxable: int
    tax: int


class SummaryRow(BaseModel):
    """One period of one store (or the whole chain) in one channel (``store`` or ``online``).

    ``receipts`` counts sales less voids; ``sales`` is what was sold, ``returns`` and ``voids`` what
    was given back (negative), ``net`` their sum. Points are net of returns and voids.
    """

    period: date
    store: str | None
    channel: str
    receipts: int
    sales: int
    returns: int
    voids: int
    net: int
    points_issued: int
    points_used: int
    rates: list[RateAmount]


class ChannelTotal(BaseModel):
    """Online orders one channel key took over the report's range (the web shop, the call centre…)."""

    channel: str = Field(description="the channel key's name")
    kind: str = Field(description="web or call_centre")
    orders: int
    total: int


class SummaryReport(BaseModel):
    """Sales and per-rate tax over ``first`` … ``last``, by ``group`` period, per store or for the chain."""

    first: date
    last: date
    group: str
    by: str
    rows: list[SummaryRow]
    totals: list[SummaryRow]
    online_by_channel: list[ChannelTotal] = Field(
        default_factory=list, description="the online rows' orders split by the channel that took them"
    )
