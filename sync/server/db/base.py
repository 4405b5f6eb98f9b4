"""Declarative base with a stable naming convention, and column types shared by every model.

``UTCDateTime`` is the terminal's type too (``sync.sqltypes``); it is re-exported here because the
server's models and its Alembic revisions name it as ``sync.server.db.base.UTCDateTime``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Integer, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase
from uuid6 import uuid7 as new_uuid7

from sync.sqltypes import UTCDateTime as UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit id on PostgreSQL that is still SQLite's autoincrementing ``INTEGER PRIMARY KEY``."""

JsonDoc = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


def uuid7() -> str:
    """A time-ordered UUIDv7 as text (Python 3.11 has no ``uuid.uuid7``; the terminal's ids come from the
    same ``uuid6`` package)."""
    return str(new_uuid7())


class Base(DeclarativeBase):
    """Every server table derives from this; its metadata is what Alembic migrates."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
