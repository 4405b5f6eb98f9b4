"""The product search indexes: FTS5 trigram for three characters and more, grams for one or two.

Both are contentless FTS5 tables keyed by the product's id: they keep no copy of the names, only the
index. What they index is the folded text of ``posapp.store.search_text`` — made by Python, so
SQLite calls the two registered functions from the triggers that keep the indexes in step with
``products`` (a terminal database written to by another program without these functions refuses
to change product names rather than let the index drift).

A catalog download fills ``products_load`` and its own two index tables page by page, and the swap
renames them into place (``posapp.store.catalog_load``); the DDL here serves both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from posapp.store.search_text import fold_rows, gram_rows, row_grams, row_text

TEXT_FUNCTION = "pos_search_text"
GRAMS_FUNCTION = "pos_search_grams"
TEXT_INDEX = "products_fts"
GRAMS_INDEX = "products_grams"


def register_functions(connection: sqlite3.Connection) -> None:
    """Make the folding functions the index triggers call available on ``connection``."""
    connection.create_function(TEXT_FUNCTION, 2, row_text, deterministic=True)
    connection.create_function(GRAMS_FUNCTION, 2, row_grams, deterministic=True)


def index_ddl(suffix: str = "") -> list[str]:
    """The two index tables (``suffix`` "_load" for a download's)."""
    return [
        f"CREATE VIRTUAL TABLE {TEXT_INDEX}{suffix} USING fts5(text, content='', tokenize='trigram')",
        # Grams are looked up as whole tokens or by their first character, never as phrases: no
        # positions needed (detail=none), and a one-character prefix index answers "牛*" directly.
        f"CREATE VIRTUAL TABLE {GRAMS_INDEX}{suffix} USING fts5("
        "grams, content='', tokenize='ascii', prefix='1', detail='none')",
    ]


def _index_row(table: str, column: str, function: str, row: str) -> str:
    return f"INSERT INTO {table}(rowid, {column}) VALUES ({row}.id, {function}({row}.name, {row}.name_kana));"


def _unindex_row(table: str, column: str, function: str) -> str:
    return (
        f"INSERT INTO {table}({table}, rowid, {column}) "
        f"VALUES ('delete', old.id, {function}(old.name, old.name_kana));"
    )


_INDEXES = ((TEXT_INDEX, "text", TEXT_FUNCTION), (GRAMS_INDEX, "grams", GRAMS_FUNCTION))
TRIGGERS = {
    "products_search_insert": "CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN "
    + " ".join(_index_row(t, c, f, "new") for t, c, f in _INDEXES)
    + " END",
    "products_search_delete": "CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN "
    + " ".join(_unindex_row(t, c, f) for t, c, f in _INDEXES)
    + " END",
    # A price change rewrites the name columns too (the upsert sets every column): reindex only when
    # the text really changed.
    "products_search_update": "CREATE TRIGGER products_search_update AFTER UPDATE OF name, name_kana "
    "ON products WHEN old.name IS NOT new.name OR old.name_kana IS NOT new.name_kana BEGIN "
    + " ".join(_unindex_row(t, c, f) for t, c, f in _INDEXES)
    + " "
    + " ".join(_index_row(t, c, f, "new") for t, c, f in _INDEXES)
    + " END",
}


def create_triggers(connection: sqlite3.Connection) -> None:
    """(Re)create the triggers on ``products``."""
    for name, ddl in TRIGGERS.items():
        connection.execute(f"DROP TRIGGER IF EXISTS {name}")
        connection.execute(ddl)


def index_rows(cursor: sqlite3.Cursor, rows: Sequence[tuple[int, str, str]], *, suffix: str = "") -> None:
    """Index ``(id, name, name_kana)`` rows in both indexes, folded a page at a time."""
    if not rows:
        return
    ids = [row[0] for row in rows]
    texts = fold_rows([(row[1], row[2]) for row in rows])
    cursor.executemany(
        f"INSERT INTO {TEXT_INDEX}{suffix}(rowid, text) VALUES (?, ?)", zip(ids, texts, strict=True)
    )
    cursor.executemany(
        f"INSERT INTO {GRAMS_INDEX}{suffix}(rowid, grams) VALUES (?, ?)",
        zip(ids, gram_rows(texts), strict=True),
    )
