"""The migrations build exactly the schema the models describe, on both databases.

A model that says ``NOT NULL`` where the migrated column allows NULL, an index only a migration knows,
a constraint under another name: each is a difference alembic's autogenerate would turn into a
surprise migration, and a test database built from the models would not be the one in production.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Index, Integer

from sync.server.app import create_app  # noqa: F401 - every model registered on the metadata
from sync.server.db.base import Base
from sync.server.db.session import make_engine


def _postgresql_only(item: Any, _name: str | None, type_: str, *_: Any) -> bool:
    """On SQLite, the indexes only PostgreSQL can build (trigram GIN) are left out, as the migration does."""
    return not (type_ == "index" and isinstance(item, Index) and item.dialect_options["postgresql"]["using"])


def _sqlite_integers_are_one_type(
    _context: Any, _inspected: Any, _metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    """SQLite has one integer type (64 bits): INTEGER and BIGINT columns are the same column there."""
    if isinstance(inspected_type, Integer) and isinstance(metadata_type, Integer):
        return False
    return None  # alembic's own comparison


def differences(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            options: dict[str, Any] = {"compare_type": True}
            if sqlite:
                options |= {"include_object": _postgresql_only, "compare_type": _sqlite_integers_are_one_type}
            return list(compare_metadata(MigrationContext.configure(connection, opts=options), Base.metadata))
    finally:
        engine.dispose()


def test_sqlite_migrations_match_the_models(sqlite_template: Path) -> None:
    assert differences(f"sqlite:///{sqlite_template}") == []


@pytest.mark.pg
def test_postgresql_migrations_match_the_models(pg_migrated: str) -> None:
    assert differences(pg_migrated) == []
