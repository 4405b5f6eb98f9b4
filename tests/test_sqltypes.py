"""The UTC timestamp column both databases declare: one type, the same stored text on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from uuid6 import UUID

from posapp.store import models as terminal_models
from sync.server.db import base as server_base
from sync.sqltypes import UTCDateTime

TOKYO = timezone(timedelta(hours=9))


def test_the_terminal_and_the_server_declare_the_same_type() -> None:
    assert terminal_models.UTCDateTime is server_base.UTCDateTime is UTCDateTime  # type: ignore[attr-defined]
    column = terminal_models.OutboxEvent.__table__.c.created_at
    assert isinstance(column.type, UTCDateTime)


def round_trip(engine: sa.Engine) -> tuple[object, datetime]:
    table = sa.Table("t", sa.MetaData(), sa.Column("at", UTCDateTime()))
    with engine.begin() as connection:
        table.drop(connection, checkfirst=True)
        table.create(connection)
        connection.execute(table.insert().values(at=datetime(2026, 1, 2, 9, 30, tzinfo=TOKYO)))
        stored = connection.execute(sa.text("SELECT at FROM t")).scalar_one()
        read = connection.execute(sa.select(table.c.at)).scalar_one()
        with pytest.raises(sa.exc.StatementError, match="naive"):
            connection.execute(table.insert().values(at=datetime(2026, 1, 2, 9, 30)))
        table.drop(connection)
    return stored, read


def test_sqlite_keeps_the_utc_wall_time_and_reads_it_back_aware() -> None:
    stored, read = round_trip(sa.create_engine("sqlite://"))
    assert stored == "2026-01-02 00:30:00.000000"  # what terminal databases written before hold
    assert read == datetime(2026, 1, 2, 0, 30, tzinfo=UTC) and read.tzinfo is UTC


def test_postgresql_keeps_a_timestamptz(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    try:
        stored, read = round_trip(engine)
    finally:
        engine.dispose()
    assert isinstance(stored, datetime) and stored.utcoffset() is not None
    assert read == datetime(2026, 1, 2, 0, 30, tzinfo=UTC) and read.utcoffset() == timedelta(0)


def test_server_ids_are_uuid7_from_the_same_package_as_the_terminals() -> None:
    first, second = server_base.uuid7(), server_base.uuid7()
    assert UUID(first).version == 7 and first < second
