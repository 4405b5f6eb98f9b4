"""The product search index (FTS5, trigram) and its bulk-load mode.

Row by row, the index triggers cost about four times the insert itself; a first download of a
large catalog therefore drops the triggers, loads, and rebuilds the index in one pass (0.55 s per
100,000 products instead of 5.7 s). The triggers' absence *is* the state: a download cut short by
a crash resumes in bulk mode and rebuilds when it completes.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

TRIGGERS = {
    "products_fts_insert": (
        "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
        "INSERT INTO products_fts(rowid, name, name_kana) VALUES (new.id, new.name, new.name_kana); END"
    ),
    "products_fts_delete": (
        "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
        "INSERT INTO products_fts(products_fts, rowid, name, name_kana) "
        "VALUES ('delete', old.id, old.name, old.name_kana); END"
    ),
    "products_fts_update": (
        "CREATE TRIGGER products_fts_update AFTER UPDATE OF name, name_kana ON products BEGIN "
        "INSERT INTO products_fts(products_fts, rowid, name, name_kana) "
        "VALUES ('delete', old.id, old.name, old.name_kana); "
        "INSERT INTO products_fts(rowid, name, name_kana) VALUES (new.id, new.name, new.name_kana); END"
    ),
}


def in_bulk_mode(session: Session) -> bool:
    """True while the index triggers are suspended for a bulk load."""
    present = session.execute(
        text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'products_fts_%'")
    ).scalar_one()
    return present < len(TRIGGERS)


def enter_bulk_mode(session: Session) -> None:
    """Suspend the index triggers and empty the index (the catalog is about to be loaded anew)."""
    for name in TRIGGERS:
        session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    session.execute(text("INSERT INTO products_fts(products_fts) VALUES ('delete-all')"))


def leave_bulk_mode(session: Session) -> None:
    """Rebuild the index from the products table in one pass and restore the triggers."""
    session.execute(text("INSERT INTO products_fts(products_fts) VALUES ('rebuild')"))
    for name, ddl in TRIGGERS.items():
        session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        session.execute(text(ddl))
