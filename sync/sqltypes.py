"""Column types that both databases of the sync system declare: the terminal's SQLite store and the server.

The terminal's store (``posapp.store``) and the server (``sync.server``) may not import each other, but
both already depend on the ``sync`` package that carries the wire protocol between them. A UTC
timestamp is the one storage fact they share — every time on the wire and in both databases is an
aware UTC ``datetime`` — so its column type lives here, beside the protocol and independent of it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend: PostgreSQL keeps it as ``timestamptz``; SQLite keeps no
    zone, so the UTC wall time is stored and the zone is put back on read. A naive datetime is refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002 - TypeDecorator's signature
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002 - TypeDecorator's signature
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
