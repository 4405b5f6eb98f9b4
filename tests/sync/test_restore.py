"""The server is restored from an older backup: terminals resync and no sale is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.services.conftest import PRODUCTS
from tests.sync.conftest import LiveServer, pair_terminal, server_sales

JANS = [jan for jan, *_ in PRODUCTS]


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: consistent even while the server runs in WAL mode."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_restore_from_backup_resyncs_without_losing_a_sale(server: LiveServer, tmp_path: Path) -> None:
    if not server.database_url.startswith("sqlite"):
        pytest.skip("a file copy is the backup here; PostgreSQL restores are covered in docs/deploy.md")
    database = Path(server.database_url.removeprefix("sqlite:///"))
    paired = pair_terminal(server, tmp_path / "t1")
    before_backup = paired.sell(JANS[0])
    paired.agent.sync_once()
    copy_database(database, tmp_path / "backup.sqlite3")

    after_backup = paired.sell(JANS[1])  # acknowledged by the server, then lost in the restore
    paired.agent.sync_once()
    server.call("POST", "/v1/admin/products", json=[{"sku": "SKU-NEW", "jan": "4901234567856", "name": "新商品",
                                                     "price": 500, "tax_class": "standard"}])  # fmt: skip
    paired.agent.sync_once()
    assert paired.terminal.search_products("新商品")

    server.stop()
    copy_database(tmp_path / "backup.sqlite3", database)
    server.start()
    unsent = paired.sell(JANS[2])  # made while the server was down
    assert set(server_sales(server)) == {before_backup}

    paired.agent.sync_once()  # pull answers "resync": the cache is dropped, the outbox offered again
    paired.agent.sync_once()
    assert set(server_sales(server)) == {before_backup, after_backup, unsent}
    assert paired.terminal.search_products("おにぎり"), "the catalog came back after the resync"
    assert not paired.terminal.search_products("新商品"), "what the restored server no longer has is gone"
    assert paired.terminal.status().pending_events == 0
