"""Finding products: by what a scanner read, or by a few characters of a Japanese name or its kana."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posapp.domain.barcodes import BookPriceCode, InStoreCode, InStoreKind, InStoreLayout, ProductCode
from posapp.domain.tax import TaxClass, rate_for, tax_added_to
from posapp.services.errors import UnknownProduct
from posapp.store.models import InStoreLayoutRow
from posapp.store.search_text import fold, query_variants, to_katakana

__all__ = ["CatalogDownload", "ProductInfo", "catalog_download", "fold_text", "in_store_layouts", "product_by_sku", "product_for_scan",
           "search_products", "to_katakana"]  # fmt: skip

BOOK_SKU = "BOOK"
_MIN_TRIGRAM = 3


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A product as the counter sees it; ``stock`` is this store's level when known."""

    sku: str
    name: str
    name_kana: str
    price: int
    tax_class: TaxClass
    jan: str | None = None
    category: str | None = None
    stock: int | None = None


_COLUMNS = "sku, name, name_kana, price, tax_class, jan, category"
_BY_SKU = f"SELECT {_COLUMNS} FROM products WHERE sku = ? AND active"
_BY_JAN = f"SELECT {_COLUMNS} FROM products WHERE jan = ? AND active LIMIT 1"
_BY_ITEM_CODE = f"SELECT {_COLUMNS} FROM products WHERE item_code = ? AND active LIMIT 1"
_TEXT_MATCH = (
    f"SELECT p.id, {', '.join('p.' + c for c in _COLUMNS.split(', '))} FROM products_fts f "
    "JOIN products p ON p.id = f.rowid WHERE products_fts MATCH ? AND p.active LIMIT ?"
)
_GRAMS_MATCH = (
    f"SELECT p.id, {', '.join('p.' + c for c in _COLUMNS.split(', '))} FROM products_grams g "
    "JOIN products p ON p.id = g.rowid WHERE products_grams MATCH ? AND p.active LIMIT ?"
)
_CODE_PREFIX = (
    f"SELECT id, {_COLUMNS} FROM products WHERE {{column}} >= ? AND {{column}} < ? AND active "
    "ORDER BY {column} LIMIT ?"
)
_STOCK = (
    "SELECT sku, quantity FROM stock_levels WHERE location = ? AND sku IN (SELECT value FROM json_each(?))"
)
Row = tuple[Any, ...]


def _raw(source: Session | sqlite3.Connection) -> sqlite3.Connection:
    # The counter's look-ups are one indexed read each: SQLAlchemy's statement and result machinery
    # would cost more than SQLite takes to answer, so they run on the DBAPI connection (a session's,
    # or the database's look-up connection, ``Database.lookups``).
    if isinstance(source, sqlite3.Connection):
        return source
    connection = source.connection().connection.dbapi_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def _info(row: Sequence[Any], stock: int | None = None) -> ProductInfo:
    sku, name, name_kana, price, tax_class, jan, category = row
    return ProductInfo(sku, name, name_kana, price, TaxClass(tax_class), jan, category, stock)


def product_by_sku(session: Session | sqlite3.Connection, sku: str) -> ProductInfo:
    """The active product ``sku``; raises ``UnknownProduct``."""
    row = _raw(session).execute(_BY_SKU, (sku,)).fetchone()
    if row is None:
        raise UnknownProduct("no such product", value=sku)
    return _info(row)


def product_for_scan(
    session: Session | sqlite3.Connection, scan: ProductCode | InStoreCode | BookPriceCode
) -> tuple[ProductInfo, int | None]:
    """The product a scanned code names, and the price printed on the label when it carries one."""
    if isinstance(scan, BookPriceCode):
        price = scan.price_before_tax + tax_added_to(scan.price_before_tax, rate_for(TaxClass.STANDARD))
        return ProductInfo(BOOK_SKU, f"書籍 C{scan.c_code}", "ショセキ", price, TaxClass.STANDARD), price
    raw = _raw(session)
    if isinstance(scan, InStoreCode):
        row = raw.execute(_BY_ITEM_CODE, (scan.item_code.lstrip("0"),)).fetchone()
        if row is None:
            raise UnknownProduct("no product has this in-store code", value=scan.code)
        return _info(row), scan.price
    row = raw.execute(_BY_JAN, (scan.code,)).fetchone()
    if row is None and scan.code.startswith("0"):  # a UPC-A label may be stored as 12 digits
        row = raw.execute(_BY_JAN, (scan.code[1:],)).fetchone()
    if row is None:
        raise UnknownProduct("this barcode is not in the catalog", value=scan.code)
    return _info(row), None


def fold_text(query: str) -> str:
    """Half-width kana and full-width letters folded (NFKC), lower case."""
    return fold(query)


def _quoted(text: str) -> str:
    # Each variant is one FTS5 string, so FTS syntax characters in a query are taken literally.
    return '"' + text.replace('"', '""') + '"'


def _by_name(raw: sqlite3.Connection, variants: list[str], limit: int) -> list[Row]:
    length = len(variants[0])
    if length >= _MIN_TRIGRAM:
        match = " OR ".join(_quoted(v) for v in variants)
        return raw.execute(_TEXT_MATCH, (match, limit)).fetchall()
    if all(c.isalnum() or not c.isascii() for v in variants for c in v) and " " not in variants[0]:
        # One or two characters: a whole gram token, or (one character) every gram it starts.
        match = " OR ".join(_quoted(v) + ("*" if length == 1 else "") for v in variants)
        return raw.execute(_GRAMS_MATCH, (match, limit)).fetchall()
    # Two characters with ASCII punctuation or a space cannot be a gram token: scan (rare and short).
    likes = " OR ".join("name LIKE ? OR name_kana LIKE ?" for _ in variants)
    patterns = [f"%{v}%" for v in variants for _ in range(2)]
    sql = f"SELECT id, {_COLUMNS} FROM products WHERE active AND ({likes}) LIMIT ?"
    return raw.execute(sql, (*patterns, limit)).fetchall()


def _by_code_prefix(raw: sqlite3.Connection, digits: str, limit: int) -> list[Row]:
    # A range on the indexed column, not LIKE (which SQLite cannot answer from a case-sensitive index).
    after = digits[:-1] + chr(ord(digits[-1]) + 1)
    rows: list[Row] = []
    for column in ("jan", "sku"):
        rows += raw.execute(_CODE_PREFIX.format(column=column), (digits, after, limit)).fetchall()
    return rows


def search_products(
    source: Session | sqlite3.Connection, query: str, *, limit: int = 50, store_code: str = ""
) -> list[ProductInfo]:
    """Products whose name or kana contains ``query`` (Japanese partial match), or whose code starts with it.

    Queries are folded like the index (NFKC, lower case) and tried in katakana and hiragana too;
    a query of digits lists the JAN and SKU codes starting with it first.
    """
    variants = query_variants(query)
    if not variants:
        return []
    raw = _raw(source)
    needle = fold(query)
    rows: list[Row] = []
    if needle.isascii() and needle.isdigit():
        rows += _by_code_prefix(raw, needle, limit)
    if len(rows) < limit:
        rows += _by_name(raw, variants, limit)
    found = list({row[0]: row[1:] for row in rows}.values())[:limit]
    stock: dict[str, int] = {}
    if store_code and found:
        stock = dict(raw.execute(_STOCK, (store_code, json.dumps([row[0] for row in found]))).fetchall())
    return [_info(row, stock.get(row[0])) for row in found]


@dataclass(frozen=True, slots=True)
class CatalogDownload:
    """A catalog download in progress: rows applied, rows the server said there were (once known)."""

    rows_done: int
    rows_total: int | None
    started_at: datetime
    resync: bool


def catalog_download(connection: sqlite3.Connection) -> CatalogDownload | None:
    """The download in progress, if any (one indexed read: the window polls it on the GUI thread)."""
    row = connection.execute(
        "SELECT rows_done, rows_total, started_at, resync FROM catalog_load WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    started = datetime.fromisoformat(row[2]).replace(tzinfo=UTC)
    return CatalogDownload(int(row[0]), row[1], started, bool(row[3]))


def in_store_layouts(session: Session) -> dict[str, InStoreLayout] | None:
    """The store's in-store barcode layouts, or ``None`` to use the defaults.

    Read with the settings (``Terminal.reload_settings``) and kept: reading them on every scan was a
    third of a scan's time.
    """
    rows = list(session.scalars(select(InStoreLayoutRow)))
    if not rows:
        return None
    return {
        row.prefix: InStoreLayout(
            row.prefix, InStoreKind(row.kind), row.item_digits, row.price_digits, row.price_check
        )
        for row in rows
    }
