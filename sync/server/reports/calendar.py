"""Calendar days, weeks and months of UTC timestamps in a store's time zone, computed in SQL.

PostgreSQL converts with ``timezone(zone, ts)``; SQLite has no time zones, so the engine registers
``posapp_local_date(ts, zone)`` (``local_date_text`` below) on every connection. Either way the
database groups the rows: a year of a chain is never loaded into Python to be bucketed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

Grouping = Literal["day", "week", "month"]
SQLITE_FUNCTION = "posapp_local_date"


class local_date(FunctionElement[date]):
    """``local_date(ts, zone)``: the calendar day of the UTC timestamp ``ts`` in time zone ``zone``."""

    type = Date()
    inherit_cache = True
    name = "local_date"


class period_start(FunctionElement[date]):
    """``period_start(day, 'week')``: the Monday of the day's ISO week, or the 1st of its month."""

    type = Date()
    inherit_cache = True
    name = "period_start"


@compiles(local_date, "postgresql")
def _local_date_pg(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    ts, zone = list(element.clauses)
    return f"CAST(timezone({compiler.process(zone, **kw)}, {compiler.process(ts, **kw)}) AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(period_start, "postgresql")
def _period_pg(element: period_start, compiler: SQLCompiler, **kw: Any) -> str:
    day, unit = list(element.clauses)
    return f"CAST(date_trunc({compiler.process(unit, **kw)}, {compiler.process(day, **kw)}) AS DATE)"


@compiles(period_start, "sqlite")
def _period_sqlite(element: period_start, compiler: SQLCompiler, **kw: Any) -> str:
    day, unit = (compiler.process(clause, **kw) for clause in element.clauses)
    return (
        f"CASE {unit} WHEN 'month' THEN date({day}, 'start of month') "
        f"WHEN 'week' THEN date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7) || ' days') "
        f"ELSE {day} END"
    )


def period_of(day: Any, grouping: Grouping) -> ColumnElement[date]:
    """The first day of the period ``day`` falls in (``day`` itself for daily grouping)."""
    if grouping == "day":
        return cast("ColumnElement[date]", day)  # a column or a column attribute of a model
    return period_start(day, grouping)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date_text(stamp: str | None, zone: str | None) -> str | None:
    """SQLite's ``posapp_local_date``: a stored UTC timestamp's ISO day in ``zone``."""
    if stamp is None or zone is None:
        return None
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(zone)).date().isoformat()


def first_day_of(day: date, grouping: Grouping) -> date:
    """The same as ``period_of`` in Python (for labels and tests)."""
    if grouping == "month":
        return day.replace(day=1)
    if grouping == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    return day
