"""Two server instances on one PostgreSQL database behind a round-robin proxy: the fault schedule's
terminals push and pull through it while HQ changes stock from both instances at once. Every sale is
on the server exactly once, and the feed missed nothing: each terminal ends with the server's stock
and prices."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from posapp.store.models import Product as TerminalProduct
from posapp.store.models import StockLevel as TerminalStock
from sync.server.auth import service as auth_service
from sync.server.db.migrate import upgrade
from sync.server.db.session import make_engine
from sync.server.products.models import Product
from sync.server.stock.models import StockLevel
from sync.server.stores.models import Store
from tests.services.conftest import PRODUCTS
from tests.support.round_robin import RoundRobinProxy
from tests.sync import test_faults
from tests.sync.conftest import LiveServer, PairedTerminal, set_up_chain
from tests.sync.faults import FaultyClient

pytestmark = [pytest.mark.pg, pytest.mark.slow]
SKUS = [sku for _jan, sku, *_ in PRODUCTS]


@pytest.fixture
def front(pg_migrated: str, tmp_path: Path) -> Iterator[tuple[LiveServer, RoundRobinProxy]]:
    """Two ``posapp-server run`` processes on one database and a round-robin in front of them."""
    from tests.server.conftest import truncate_all

    engine = make_engine(pg_migrated)
    truncate_all(engine)
    upgrade(engine)
    with Session(engine) as session:
        token = auth_service.create_admin_token(session, label="two instances")
        session.commit()
    engine.dispose()
    instances = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        instances.append(LiveServer(pg_migrated, tmp_path / name, admin_token=token))
    proxy = RoundRobinProxy([instance.port for instance in instances])
    try:
        for instance in instances:
            instance.start()
        proxy.start()
        # What the terminals and HQ see: one server at the proxy's address (process None: not ours).
        shown = LiveServer(pg_migrated, tmp_path, port=proxy.port, admin_token=token)
        set_up_chain(shown)
        yield shown, proxy
    finally:
        proxy.stop()
        for instance in instances:
            instance.stop()


def _hq_moves_stock(server: LiveServer, stop: threading.Event, seed: int) -> None:
    """HQ receives and corrects stock in both stores while the terminals sell: feed rows written by
    both instances at once, between the terminals' pulls."""
    rng = random.Random(seed)
    while not stop.is_set():
        server.call("POST", "/v1/admin/stock", json={"location": rng.choice(["S001", "S002"]),
                    "sku": rng.choice(SKUS), "delta": rng.randint(1, 5), "reason": "received"})  # fmt: skip


def _terminal_state(paired: PairedTerminal, store: str) -> tuple[dict[str, int], dict[str, int]]:
    with paired.terminal.db.read() as session:
        stock = dict(session.execute(
            select(TerminalStock.sku, TerminalStock.quantity).where(TerminalStock.location == store)
        ).all())  # fmt: skip
        prices = dict(session.execute(select(TerminalProduct.sku, TerminalProduct.price)).all())
    return stock, prices


def _server_state(server: LiveServer, store: str) -> tuple[dict[str, int], dict[str, int]]:
    with server.session() as session:
        stock = dict(session.execute(
            select(Product.sku, StockLevel.quantity).join(Product, Product.id == StockLevel.product_id)
            .join(Store, Store.id == StockLevel.location_id).where(Store.code == store)
        ).all())  # fmt: skip
        prices = dict(session.execute(select(Product.sku, Product.price)).all())
    return stock, prices


def test_two_instances_behind_a_round_robin(
    front: tuple[LiveServer, RoundRobinProxy], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, proxy = front
    fleet: list[PairedTerminal] = []
    settle = test_faults.settle

    def keep_fleet(terminals: list[PairedTerminal]) -> None:
        fleet.extend(terminals)
        stop.set()
        hq.join(60)
        # A price change at the end: product rows reach every terminal through either instance.
        server.call("POST", "/v1/admin/products", json=[
            {"sku": sku, "jan": jan, "name": name, "name_kana": kana, "price": price + 10, "tax_class": tax}
            for jan, sku, name, kana, price, tax in PRODUCTS
        ])  # fmt: skip
        settle(terminals)
        for paired in terminals:  # one more pull each: the others' last pushes came after its own
            paired.agent.sync_once()

    stop = threading.Event()
    hq = threading.Thread(target=_hq_moves_stock, args=(server, stop, 7), daemon=True)
    monkeypatch.setattr(test_faults, "settle", keep_fleet)
    hq.start()
    try:
        sales_each = int(__import__("os").environ.get("POSAPP_FAULT_SALES", "200"))
        test_faults.run_schedule(server, tmp_path, terminals=5, sales_each=sales_each, seed=20261203)
    finally:
        stop.set()
        hq.join(60)
    assert all(proxy.served[port] > 100 for port in proxy.targets), proxy.served
    for number, paired in enumerate(fleet):
        assert isinstance(paired.agent.client, FaultyClient)
        store = "S001" if number < 3 else "S002"
        assert _terminal_state(paired, store) == _server_state(server, store), f"terminal {number + 1}"
