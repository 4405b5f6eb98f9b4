"""A catalog download: killed in the middle it resumes where it stopped; a resync never takes the catalog away."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from posapp.domain.barcodes import ean_check_digit
from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.store.models import CatalogLoad
from posapp.store.models import Product as CachedProduct
from sync.client import agent as agent_module
from sync.client.agent import SyncAgent
from sync.client.http import SyncClient
from sync.protocol.catalog import PullPage
from tests.services.conftest import PRODUCTS
from tests.sync.conftest import LiveServer, pair_terminal

ROOT = Path(__file__).resolve().parents[2]
CATALOG = 12_000
PAGE = 500


def jan(n: int) -> str:
    body = f"45{n:010d}"
    return body + ean_check_digit(body)


def load_catalog(server: LiveServer, first: int, last: int) -> None:
    """Products ``first..last`` and their feed rows, as an HQ catalog import writes them."""
    from sync.server.changes.service import record_change
    from sync.server.db.base import utcnow
    from sync.server.products.models import Product

    rows = [{"sku": f"C{n:06d}", "jan": jan(n), "name": f"商品 {n} 鏡餅" if n % 997 == 0 else f"商品 {n}",
             "name_kana": "ショウヒン", "price": 100 + n % 900, "tax_class": "reduced", "category": None,
             "active": True} for n in range(first, last + 1)]  # fmt: skip
    with server.session() as session:
        session.execute(insert(Product), [{**row, "updated_at": utcnow()} for row in rows])
        for row in rows:
            record_change(session, entity="product", key=str(row["sku"]), store_code=None, payload=row)
        session.commit()


def server_catalog(server: LiveServer) -> set[tuple[Any, ...]]:
    from sync.server.products.models import Product

    with server.session() as session:
        return {tuple(row) for row in session.execute(
            select(Product.sku, Product.jan, Product.name, Product.name_kana, Product.price, Product.active))}  # fmt: skip


def terminal_catalog(terminal: Terminal) -> set[tuple[Any, ...]]:
    with terminal.db.read() as session:
        return {tuple(row) for row in session.execute(
            select(CachedProduct.sku, CachedProduct.jan, CachedProduct.name, CachedProduct.name_kana,
                   CachedProduct.price, CachedProduct.active))}  # fmt: skip


class RecordingClient(SyncClient):
    """Remembers every cursor it was asked to pull after."""

    def __init__(self, *args: Any, delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursors: list[str] = []
        self.delay = delay

    def pull(self, *, cursor: str, limit: int = 20_000, count: bool = False) -> PullPage:
        self.cursors.append(cursor)
        time.sleep(self.delay)
        return super().pull(cursor=cursor, limit=limit, count=count)


def download_state(path: Path) -> tuple[int, int, int] | None:
    """(rows done, rows total, products in the live table) while a download is in progress, read beside
    the terminal with plain sqlite3; ``None`` when none is."""
    with sqlite3.connect(path) as raw:
        row = raw.execute("SELECT rows_done, coalesce(rows_total, 0) FROM catalog_load").fetchone()
        live = raw.execute("SELECT count(*) FROM products").fetchone()[0]
    return None if row is None else (row[0], row[1], live)


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_a_download_killed_in_the_middle_resumes_and_ends_with_the_servers_catalog(
    server: LiveServer, tmp_path: Path
) -> None:
    load_catalog(server, 1, CATALOG)
    _device, token = server.pair("S001", "レジ01")
    data_dir = tmp_path / "terminal"
    terminal = Terminal.open(data_dir)
    terminal.configure(store_code="S001", terminal_code="01")
    terminal.close()

    child = subprocess.Popen(
        [sys.executable, "-m", "tests.sync.download_child", str(data_dir), server.url, token, str(PAGE)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert child.stdout is not None
    for _ in range(6):  # six pages in: well inside a download of 24
        assert child.stdout.readline().startswith("pulled"), "the child stopped before it was killed"
    child.send_signal(signal.SIGKILL)
    child.wait(10)

    state = download_state(data_dir / "terminal.db")
    assert state is not None, "the download was still in progress"
    done, total, live = state
    assert 0 < done < total, f"killed in the middle: {done} of {total}"
    assert live == 0, "nothing of a half download is on the counter"
    # HQ changes the catalog while the terminal is down: a product it already has, and a new one.
    server.call("POST", "/v1/admin/products", json=[
        {"sku": "C000001", "jan": jan(1), "name": "商品 1 改", "name_kana": "ショウヒン", "price": 999, "tax_class": "reduced"},
        {"sku": "NEW-1", "jan": jan(CATALOG + 1), "name": "新商品", "price": 500, "tax_class": "standard"},
    ])  # fmt: skip

    terminal = Terminal.open(data_dir)
    client = RecordingClient(server.url, token)
    agent_module.PULL_PAGE = PAGE
    try:
        pulled = SyncAgent(terminal.db, client, store_code="S001", terminal_code="01").pull_all()
    finally:
        agent_module.PULL_PAGE = 20_000
    assert client.cursors[0] != "", "the download went on from its cursor, it did not start over"
    assert pulled < total - done + 10, f"only what was left came down again ({pulled} rows)"
    assert terminal_catalog(terminal) == server_catalog(server)
    with terminal.db.read() as session:
        assert session.get(CatalogLoad, 1) is None
    assert [p.sku for p in terminal.search_products("商品 1 改")] == ["C000001"]
    assert len(terminal.search_products("鏡餅")) == CATALOG // 997
    terminal.close()
    wal = data_dir / "terminal.db-wal"
    assert not wal.exists() or wal.stat().st_size < 4 * 2**20, "the WAL was cut back after the download"


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_a_resync_keeps_the_catalog_on_the_counter_until_the_new_one_is_in(
    server: LiveServer, tmp_path: Path
) -> None:
    load_catalog(server, 1, 3_000)
    paired = pair_terminal(server, tmp_path / "t1")
    terminal = paired.terminal
    jans = [p[0] for p in PRODUCTS] + [jan(n) for n in range(1, 3_001, 37)]
    # The server is rebuilt (a restore from backup starts a new epoch): the next pull says "resync".
    from sync.server.changes.service import start_new_epoch

    with server.session() as session:
        start_new_epoch(session)
        session.commit()
    server.call("POST", "/v1/admin/products", json=[{"sku": "C000002", "jan": jan(2), "name": "商品 2 新価格",
                "name_kana": "ショウヒン", "price": 777, "tax_class": "reduced"}])  # fmt: skip

    agent_module.PULL_PAGE = 200
    slow = RecordingClient(
        server.url, paired.agent.client.http.headers["Authorization"].split()[1], delay=0.05
    )
    agent = SyncAgent(terminal.db, slow, store_code="S001", terminal_code="01", clock=paired.clock)
    failures: list[BaseException] = []
    puller = threading.Thread(target=lambda: _run(agent.pull_all, failures))
    puller.start()
    scans = during_download = 0
    sold = False
    try:
        while puller.is_alive():
            sale = terminal.start_sale()
            for code in jans[scans % len(jans) :][:5]:
                sale.scan(code)  # raises UnknownProduct if the catalog were gone
                scans += 1
            assert terminal.search_products("鏡餅"), "search works throughout too"
            loading = download_state(terminal.db.path) is not None
            during_download += loading
            if loading and not sold:
                sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
                sale.complete()  # a sale is written while the new catalog comes down
                sold = True
    finally:
        puller.join(60)
        agent_module.PULL_PAGE = 20_000
    assert not failures, failures
    assert during_download >= 3 and sold, f"the scans ran while the resync downloaded ({during_download})"
    assert terminal_catalog(terminal) == server_catalog(server)
    assert terminal.start_sale().scan(jan(2)) is not None
    assert terminal.search_products("商品 2 新価格")[0].price == 777


def _run(work: Any, failures: list[BaseException]) -> None:
    try:
        work()
    except BaseException as error:  # noqa: BLE001 - reported by the test thread
        failures.append(error)
