"""A catalog download (first download, or a resync): into bare tables, swapped into place at the end.

A page of a download is plain ``INSERT``s into ``products_load`` (no indexes, no ``ON CONFLICT``)
and its two search-index tables, committed with the pull cursor, so a download cut short (a crash,
a kill, a power cut) goes on from the last committed page. When the feed is drained, one transaction
drops the old catalog, renames the loaded tables into place and builds their indexes: the counter
scans the old catalog until that commit and the new one after it, never an empty or half one.

Other cached tables (stock, clerks, customers) are small next to the catalog and are upserted in
place as usual; a download first marks their rows (version 0), pages overwrite what the feed still
has, and the swap deletes what it no longer has. A sale written during a resync keeps working on
the old rows; writers wait (``busy_timeout``) for the few seconds of the swap, readers never.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from posapp.store import fts
from posapp.store.models import CatalogLoad
from sync.protocol.catalog import PRODUCT_COLUMNS, ProductRow

SUFFIX = "_load"
LOAD_TABLE = "products" + SUFFIX
# The products table exactly as migration 0003 makes it, under another name.
_PRODUCTS_DDL = (
    "CREATE TABLE {name} (id INTEGER NOT NULL, sku VARCHAR(40) NOT NULL, jan VARCHAR(13), "
    "item_code VARCHAR(10), name VARCHAR(200) NOT NULL, name_kana VARCHAR(200) NOT NULL, "
    "price INTEGER NOT NULL, tax_class VARCHAR(20) NOT NULL, category VARCHAR(60), "
    "active BOOLEAN NOT NULL, version INTEGER NOT NULL, CONSTRAINT pk_products PRIMARY KEY (id))"
)
PRODUCT_INDEXES = {
    "uq_products_sku": "CREATE UNIQUE INDEX uq_products_sku ON products (sku)",
    "ix_products_jan": "CREATE INDEX ix_products_jan ON products (jan)",
    "ix_products_item_code": "CREATE INDEX ix_products_item_code ON products (item_code)",
}
# Marked at the start of a download, swept at its end: what the feed no longer sends is gone.
_MARK = (
    "UPDATE stock_levels SET version = 0",
    "UPDATE clerks SET version = 0",
    "UPDATE customers SET version = 0 WHERE server_id IS NOT NULL",
)
_SWEEP = (
    "DELETE FROM stock_levels WHERE version = 0",
    "DELETE FROM clerks WHERE version = 0",
    "DELETE FROM customers WHERE server_id IS NOT NULL AND version = 0",
)
_INSERT = (
    f"INSERT INTO {LOAD_TABLE} (id, {', '.join(PRODUCT_COLUMNS)}) "
    f"VALUES (?, {', '.join('?' for _ in PRODUCT_COLUMNS)})"
)
# Sorting a million keys for an index spills to disk with SQLite's default 2 MB of cache.
_SWAP_CACHE_KIB = 128 * 1024


def products_ddl(name: str) -> str:
    """The products table's DDL under ``name`` (the migration and the download share it)."""
    return _PRODUCTS_DDL.format(name=name)


def _raw(session: Session) -> sqlite3.Connection:
    connection = session.connection().connection.dbapi_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def current(session: Session) -> CatalogLoad | None:
    """The download in progress, if any."""
    return session.scalar(select(CatalogLoad).where(CatalogLoad.id == 1))


def begin(session: Session, *, now: datetime, resync: bool) -> CatalogLoad:
    """Start a download from an empty cursor (replacing one in progress: the feed starts over)."""
    raw = _raw(session)
    _drop_load_tables(raw)
    raw.execute(products_ddl(LOAD_TABLE))
    for ddl in fts.index_ddl(SUFFIX):
        raw.execute(ddl)
    for statement in _MARK:
        raw.execute(statement)
    existing = current(session)
    if existing is not None:
        session.delete(existing)
        session.flush()
    load = CatalogLoad(id=1, started_at=now, rows_done=0, rows_total=None, resync=resync)
    session.add(load)
    session.flush()
    return load


def _drop_load_tables(raw: sqlite3.Connection) -> None:
    for table in (LOAD_TABLE, fts.TEXT_INDEX + SUFFIX, fts.GRAMS_INDEX + SUFFIX):
        raw.execute(f"DROP TABLE IF EXISTS {table}")


def add_products(session: Session, rows: Sequence[ProductRow]) -> None:
    """Append a page of products (one row per SKU in the page) to the download."""
    if not rows:
        return
    raw = _raw(session)
    first = raw.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {LOAD_TABLE}").fetchone()[0]
    raw.executemany(_INSERT, [(first + n, *row) for n, row in enumerate(rows)])
    fts.index_rows(raw.cursor(), [(first + n, row[3], row[4]) for n, row in enumerate(rows)], suffix=SUFFIX)


def finish(session: Session) -> int:
    """Swap the downloaded catalog into place in this transaction; returns how many products it has."""
    raw = _raw(session)
    (cache_kib,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size = -{_SWAP_CACHE_KIB}")
    try:
        raw.execute("DROP TABLE products")  # its indexes and triggers go with it
        raw.execute(f"ALTER TABLE {LOAD_TABLE} RENAME TO products")
        _unique_skus(raw)
        for name, ddl in PRODUCT_INDEXES.items():
            if name != "uq_products_sku":
                raw.execute(ddl)
        for index in (fts.TEXT_INDEX, fts.GRAMS_INDEX):
            raw.execute(f"DROP TABLE {index}")
            raw.execute(f"ALTER TABLE {index}{SUFFIX} RENAME TO {index}")
        fts.create_triggers(raw)
        for statement in _SWEEP:
            raw.execute(statement)
    finally:
        raw.execute(f"PRAGMA cache_size = {cache_kib}")
    load = current(session)
    if load is not None:
        session.delete(load)
    session.flush()
    return int(raw.execute("SELECT count(*) FROM products").fetchone()[0])


def _unique_skus(raw: sqlite3.Connection) -> None:
    """The SKU index; a SKU the feed sent twice (changed during the download) keeps its newest row."""
    raw.execute("SAVEPOINT unique_skus")
    try:
        raw.execute(PRODUCT_INDEXES["uq_products_sku"])
    except sqlite3.IntegrityError:
        raw.execute("ROLLBACK TO unique_skus")
        stale = "SELECT id FROM products WHERE id NOT IN (SELECT max(id) FROM products GROUP BY sku)"
        for index, column, function in (
            (fts.TEXT_INDEX + SUFFIX, "text", fts.TEXT_FUNCTION),
            (fts.GRAMS_INDEX + SUFFIX, "grams", fts.GRAMS_FUNCTION),
        ):
            raw.execute(
                f"INSERT INTO {index}({index}, rowid, {column}) SELECT 'delete', id, {function}(name, name_kana) "
                f"FROM products WHERE id IN ({stale})"
            )
        raw.execute(f"DELETE FROM products WHERE id IN ({stale})")
        raw.execute(PRODUCT_INDEXES["uq_products_sku"])
    raw.execute("RELEASE unique_skus")
