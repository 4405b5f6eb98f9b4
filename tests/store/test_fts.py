"""The catalog's search index survives a bulk load: suspended, loaded, rebuilt once, then kept by triggers."""

from __future__ import annotations

from posapp.services import Terminal
from posapp.store import fts
from posapp.store.cache import CacheChange, apply_changes


def product(version: int, sku: str, name: str) -> CacheChange:
    return CacheChange(version, "product", sku, {"sku": sku, "name": name, "name_kana": "", "price": 100,
                                                 "tax_class": "standard"})  # fmt: skip


def test_bulk_load_then_rebuild_then_triggers_again(terminal: Terminal) -> None:
    with terminal.db.write() as session:
        fts.enter_bulk_mode(session)
        assert fts.in_bulk_mode(session)
        apply_changes(session, [product(1000, "P1", "北海道バター 200g")], store_code="S001")
    assert terminal.search_products("バター") == [], "no index while in bulk mode"
    with terminal.db.write() as session:
        fts.leave_bulk_mode(session)
        assert not fts.in_bulk_mode(session)
    assert [p.sku for p in terminal.search_products("バター")] == ["P1"]
    assert terminal.search_products("おにぎり"), "products loaded before the bulk load are indexed too"
    with terminal.db.write() as session:
        apply_changes(session, [product(1001, "P1", "北海道チーズ 200g")], store_code="S001")
    assert terminal.search_products("バター") == [] and terminal.search_products("チーズ")[0].sku == "P1"
