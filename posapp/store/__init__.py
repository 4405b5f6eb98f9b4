"""The terminal's own SQLite database: schema, migrations, and opening it safely."""

from posapp.store.db import (
    DATABASE_FILE,
    Database,
    DatabaseError,
    DatabaseTooNew,
    DatabaseUnreadable,
    StorageFull,
    open_database,
)

__all__ = [
    "DATABASE_FILE",
    "Database",
    "DatabaseError",
    "DatabaseTooNew",
    "DatabaseUnreadable",
    "StorageFull",
    "open_database",
]
