"""A real server process on loopback (SQLite or PostgreSQL) and terminals paired with it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posapp.services import Terminal
from posapp.services.link import ServerLink
from sync.client.agent import SyncAgent
from sync.client.http import SyncClient
from sync.server.auth import service as auth_service
from sync.server.db.session import make_engine, make_session_factory
from tests.server.conftest import pg_migrated, truncate_all  # noqa: F401  (pg_migrated is a fixture)
from tests.services.conftest import PRODUCTS, FakeClock

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A ``posapp-server run`` child process and an admin session to set the chain up."""

    database_url: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    admin_token: str = ""
    _factory: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "run", "--database", self.database_url,
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "POSAPP_DATA_DIR": str(self.data_dir), "POSAPP_LOG_LEVEL": "warning"},
        )  # fmt: skip
        deadline = time.monotonic() + 60  # a machine shared with other suites can take its time
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert self.process.poll() is None, (self.data_dir / "server.log").read_text()[-3000:]
            time.sleep(0.1)
        self.stop(kill=True)  # never leave a server behind: the fixture's teardown does not run now
        raise AssertionError("the server did not start")

    def stop(self, *, kill: bool = False) -> None:
        if self.process is not None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(10)
            self.process = None

    def session(self) -> Session:
        # Sessions must come from the server's factory: it writes queued change-feed rows at commit.
        if self._factory is None:
            self._factory = make_session_factory(make_engine(self.database_url))
        return self._factory()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = requests.request(
            method,
            self.url + path,
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=30,
            **kwargs,
        )
        assert answer.status_code < 300, answer.text
        return answer.json()

    def pair(self, store: str, name: str) -> tuple[str, str]:
        code = self.call("POST", f"/v1/admin/stores/{store}/pairing-codes")["code"]
        pairing = SyncClient(self.url).pair(pairing_code=code, device_name=name)
        return pairing.device_id, pairing.token


def set_up_chain(server: LiveServer) -> None:
    """Two stores, the worked example's products, clerks, and a member with 1,240 points."""
    for code, name in (("S001", "渋谷店"), ("S002", "新宿店")):
        server.call("POST", "/v1/admin/stores", json={"code": code, "name": name,
                    "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"})  # fmt: skip
        server.call("POST", "/v1/admin/clerks", json={"store": code, "code": "1001", "name": "山田",
                    "pin": "1234", "role": "cashier"})  # fmt: skip
        server.call("POST", "/v1/admin/clerks", json={"store": code, "code": "9001", "name": "店長",
                    "pin": "9999", "role": "manager"})  # fmt: skip
    server.call("POST", "/v1/admin/products", json=[
        {"sku": sku, "jan": jan, "name": name, "name_kana": kana, "price": price, "tax_class": tax_class}
        for jan, sku, name, kana, price, tax_class in PRODUCTS
    ])  # fmt: skip
    for _jan, sku, *_ in PRODUCTS:
        server.call(
            "POST",
            "/v1/admin/stock",
            json={"location": "S001", "sku": sku, "delta": 100, "reason": "received"},
        )
    from sync.server.customers import service as customers_service
    from sync.server.points import service as points_service
    from sync.server.stores.models import Store

    with server.session() as session:
        # Her home store is S001: its feed carries her (a store's feed carries only its members).
        home = session.scalar(select(Store.id).where(Store.code == "S001"))
        customer = customers_service.register(session, name="鈴木 花子", name_kana="スズキ ハナコ",
                                              member_no="000000000042", phone="09012345678",
                                              home_store_id=home)  # fmt: skip
        points_service.adjust(
            session, customer_id=customer.id, points=1240, idempotency_key="welcome", reason="t"
        )
        session.commit()


def _database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    url: str = request.getfixturevalue("pg_migrated")
    engine = make_engine(url)
    truncate_all(engine)
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(_database_url(request, tmp_path), tmp_path)
    from sync.server.db.migrate import upgrade

    engine = make_engine(live.database_url)
    upgrade(engine)
    with Session(engine) as session:
        live.admin_token = auth_service.create_admin_token(session, label="sync tests")
        session.commit()
    engine.dispose()
    live.start()
    set_up_chain(live)
    yield live
    live.stop()


@dataclass
class PairedTerminal:
    """A terminal with its agent, paired with the live server."""

    terminal: Terminal
    agent: SyncAgent
    clock: FakeClock

    def sell(self, *jans: str, member_no: str | None = None, points: int = 0) -> str:
        from posapp.domain.tender import TenderKind

        sale = self.terminal.start_sale()
        for jan in jans:
            sale.scan(jan)
        if member_no:
            sale.attach_customer(member_no)
            if points:
                sale.use_points(points)
        if sale.totals.amount_due:  # points may pay it all: then there is no tender
            sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
        return sale.complete().receipt_no


def pair_terminal(server: LiveServer, data_dir: Path, *, store: str = "S001", terminal_code: str = "01",
                  client: type[SyncClient] = SyncClient, **client_args: Any) -> PairedTerminal:  # fmt: skip
    """Pair, configure, pull the catalog, sign the cashier in."""
    _device_id, token = server.pair(store, f"レジ{terminal_code}")
    clock = FakeClock()
    terminal = Terminal.open(data_dir, clock=clock)
    terminal.configure(store_code=store, terminal_code=terminal_code)
    transport = client(server.url, token, **client_args)
    agent = SyncAgent(terminal.db, transport, store_code=store, terminal_code=terminal_code, clock=clock)
    faults_on = getattr(transport, "enabled", None)
    if faults_on is not None:
        transport.enabled = False  # type: ignore[attr-defined]  # the first download is not under test
    agent.sync_once()
    if faults_on is not None:
        transport.enabled = faults_on  # type: ignore[attr-defined]
    terminal.reload_settings()
    # As Terminal.connect makes it (not started: the tests drive the agent): live look-ups use it.
    terminal.link = ServerLink(transport, agent)
    terminal.sign_in(code="1001", pin="1234")
    return PairedTerminal(terminal, agent, clock)


def server_sales(server: LiveServer) -> dict[str, int]:
    """Receipt number → total of every store sale the server holds."""
    from sync.server.sales.models import StoreSale

    with server.session() as session:
        return dict(
            session.execute(
                select(StoreSale.receipt_no, StoreSale.total).where(StoreSale.kind == "sale")
            ).all()
        )


def points_consistent(server: LiveServer) -> None:
    """Every balance equals the sum of its ledger."""
    from sync.server.points.models import PointsAccount, PointsEntry

    with server.session() as session:
        for account in session.scalars(select(PointsAccount)):
            ledger = session.scalar(
                select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
                    PointsEntry.customer_id == account.customer_id
                )
            )
            assert account.balance == ledger, f"customer {account.customer_id}: {account.balance} != {ledger}"


__all__ = ["BACKENDS", "LiveServer", "PairedTerminal", "pair_terminal", "points_consistent", "server_sales",
           "shutil"]  # fmt: skip
