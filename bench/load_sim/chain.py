"""The system under test: a fresh PostgreSQL schema, the real server with N workers, a paired chain."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.load_sim.sales import CatalogItem, Member

ROOT = Path(__file__).resolve().parents[2]
TERMINALS_PER_STORE = 10


def prepare_database(url: str) -> None:
    """Create the database through the ``postgres`` maintenance database if missing; empty its schema."""
    parsed = make_url(url)
    maintenance = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with maintenance.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    maintenance.dispose()
    engine = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str, database: str, data_dir: Path) -> str:
    env = {**os.environ, "POSAPP_DATA_DIR": str(data_dir), "POSAPP_LOG_LEVEL": "warning"}
    done = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args, "--database", database],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"posapp-server {args[0]} failed: {done.stderr[-2000:]}")
    return done.stdout.strip()


@dataclass
class ServerProcess:
    """``posapp-server run`` with ``workers`` uvicorn workers on loopback."""

    database: str
    data_dir: Path
    workers: int
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start and wait until every worker answers (the health check is served by any of them)."""
        log = (self.data_dir / "server.log").open("ab")
        env = {**os.environ, "POSAPP_DATA_DIR": str(self.data_dir), "POSAPP_LOG_LEVEL": "warning"}
        command = [sys.executable, "-m", "sync.server.cli", "run", "--database", self.database,
                   "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.data_dir / "server.log").read_text()[-3000:])
            try:
                ready = httpx.get(self.url + "/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                ready = False
            if ready and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError("the server did not start in 60 s")

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (children of the supervisor), or the server itself with one worker."""
        assert self.process is not None
        if self.workers <= 1:
            return [self.process.pid]
        return children_of(self.process.pid)

    def stop(self) -> None:
        """Terminate the supervisor (it stops its workers) and wait; kill workers that do not stop."""
        if self.process is not None:
            workers = self.worker_pids() if self.workers > 1 else []
            self.process.terminate()
            time.sleep(3)
            for pid in workers:  # a wedged worker never finishes its graceful shutdown
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None


def children_of(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (read from /proc), skipping multiprocessing's resource tracker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"resource_tracker" not in cmdline:
            found.append(int(entry.name))
    return sorted(found)


@dataclass(frozen=True, slots=True)
class TerminalIdentity:
    """A paired terminal: its store, register number and device token."""

    store_code: str
    terminal_code: str
    token: str


@dataclass
class Chain:
    """Everything the simulator needs to act as the chain's terminals and its online shop."""

    url: str
    admin_token: str
    channel_key: str
    terminals: list[TerminalIdentity]
    catalog: list[CatalogItem]
    members: list[Member]
    start_cursor: str


def load_demo_data(database: str, data_dir: Path) -> str:
    """Migrate, load the demo data and return a new HQ token (all through the admin CLI)."""
    _cli("demo-data", database=database, data_dir=data_dir)
    return _cli("admin-token", "--label", "load test", database=database, data_dir=data_dir).splitlines()[-1]


async def _pair_store(
    client: httpx.AsyncClient, admin: dict[str, str], index: int, count: int
) -> list[TerminalIdentity]:
    code = f"L{index:03d}"
    answer = await client.post("/v1/admin/stores", headers=admin, json={
        "code": code, "name": f"負荷試験{index}号店", "registration_number": "T7000012050002"})  # fmt: skip
    answer.raise_for_status()
    paired = []
    for number in range(count):
        pairing = await client.post(f"/v1/admin/stores/{code}/pairing-codes", headers=admin)
        pairing.raise_for_status()
        device = await client.post(
            "/v1/devices/pair",
            json={"pairing_code": pairing.json()["code"], "device_name": f"レジ{number + 1:02d}"},
        )
        device.raise_for_status()
        body = device.json()
        paired.append(TerminalIdentity(body["store_code"], body["terminal_code"], body["token"]))
    return paired


async def _pair_all(url: str, admin_token: str, terminals: int) -> tuple[list[TerminalIdentity], str]:
    admin = {"Authorization": f"Bearer {admin_token}"}
    stores = -(-terminals // TERMINALS_PER_STORE)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        channel = await client.post("/v1/admin/channels", headers=admin, json={"name": "負荷試験EC"})
        channel.raise_for_status()
        gate = asyncio.Semaphore(4)

        async def one(index: int) -> list[TerminalIdentity]:
            count = min(TERMINALS_PER_STORE, terminals - (index - 1) * TERMINALS_PER_STORE)
            async with gate:
                return await _pair_store(client, admin, index, count)

        groups = await asyncio.gather(*(one(i) for i in range(1, stores + 1)))
    return [t for group in groups for t in group], str(channel.json()["api_key"])


def _read_cache(database: str) -> tuple[list[CatalogItem], list[Member], int]:
    """Products, members with balances and the newest change id, as a synced terminal would know them."""
    from sync.server.changes import service as changes_service
    from sync.server.customers.models import Customer
    from sync.server.db.session import make_engine, make_session_factory
    from sync.server.points.models import PointsAccount
    from sync.server.products.models import Product

    engine = make_engine(database, pool_size=1)
    with make_session_factory(engine)() as session:
        catalog = [
            CatalogItem(sku, name, price, tax_class)
            for sku, name, price, tax_class in session.execute(
                select(Product.sku, Product.name, Product.price, Product.tax_class).where(Product.active)
            )
        ]
        balance = func.coalesce(PointsAccount.balance, 0)
        members = [
            Member(member_no, kana, int(points))
            for member_no, kana, points in session.execute(
                select(Customer.member_no, Customer.name_kana, balance)
                .outerjoin(PointsAccount, PointsAccount.customer_id == Customer.id)
                .where(Customer.member_no.is_not(None), Customer.merged_into_id.is_(None))
            )
        ]
        latest = changes_service.latest_change_id(session)
    engine.dispose()
    return catalog, members, latest


def set_up_chain(server: ServerProcess, admin_token: str, terminals: int) -> Chain:
    """Stores of ten terminals each, every terminal paired through a pairing code, and a channel key."""
    paired, channel_key = asyncio.run(_pair_all(server.url, admin_token, terminals))
    catalog, members, latest = _read_cache(server.database)
    first = httpx.get(
        server.url + "/v1/sync/pull", params={"limit": 1},
        headers={"Authorization": f"Bearer {paired[0].token}"}, timeout=30,
    )  # fmt: skip
    first.raise_for_status()
    epoch = str(first.json()["cursor"]).rpartition(":")[0]
    # Terminals start caught up (a store opening, not a fleet's first download of the catalogue).
    return Chain(server.url, admin_token, channel_key, paired, catalog, members, f"{epoch}:{latest}")


def server_log_tail(data_dir: Path) -> str:
    """The last lines the server wrote (for a failed run's report)."""
    log = data_dir / "server.log"
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""
