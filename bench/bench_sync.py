"""Sync benchmark against a real server process on PostgreSQL (loopback, optionally with added latency).

    .venv/bin/python bench/bench_sync.py --sales 10000 --products 100000,1000000 --rtt-ms 0,50

Pushes N queued sales from a terminal's outbox, and pulls a catalog of P products into an empty
terminal (search index included), through the real agent, HTTP client and server. Targets on
loopback: push 10,000 ≤ 1 s, pull 100,000 ≤ 5 s (PouchDB: about 3.2 s and 26 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.bench_terminal import jan, product  # noqa: E402
from posapp.domain.tender import TenderKind  # noqa: E402
from posapp.services import Terminal  # noqa: E402
from sync.client.agent import SyncAgent  # noqa: E402
from sync.client.http import SyncClient  # noqa: E402
from sync.server.auth import service as auth_service  # noqa: E402
from sync.server.changes.models import ChangeLog  # noqa: E402
from sync.server.db.migrate import upgrade  # noqa: E402
from sync.server.db.session import make_engine  # noqa: E402
from sync.server.products.models import Product  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/omnipos_bench_sync"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = make_engine(url.rsplit("/", 1)[0] + "/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


class LatencyProxy:
    """A TCP proxy that holds every chunk for half the round-trip time in each direction."""

    def __init__(self, target_port: int, rtt_ms: float) -> None:
        self.target_port, self.delay, self.port = target_port, rtt_ms / 2000, free_port()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), self.loop).result(5)

    async def _serve(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                await asyncio.sleep(self.delay)
                writer.write(chunk)
                await writer.drain()
        finally:
            writer.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))


class Server:
    """``posapp-server run`` on the bench database."""

    def __init__(self, url: str, workers: int) -> None:
        self.url, self.port = url, free_port()
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as session:
            self.admin = auth_service.create_admin_token(session, label="bench")
            session.commit()
        self.engine = engine
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "run", "--database", url, "--port", str(self.port),
             "--workers", str(workers)],
            cwd=ROOT, env={**os.environ, "POSAPP_LOG_LEVEL": "warning"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(300):
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        self.call("POST", "/v1/admin/stores", json={"code": "S001", "name": "ベンチ店",
                  "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"})  # fmt: skip
        self.call("POST", "/v1/admin/clerks", json={"store": "S001", "code": "1001", "name": "ベンチ",
                  "pin": "1234", "role": "cashier"})  # fmt: skip

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = requests.request(method, f"http://127.0.0.1:{self.port}{path}",
                                  headers={"Authorization": f"Bearer {self.admin}"}, timeout=120, **kwargs)  # fmt: skip
        answer.raise_for_status()
        return answer.json()

    def load_products(self, count: int) -> None:
        """Products and their change-feed rows, in bulk (as an HQ import of a whole catalog would)."""
        now = datetime.now(UTC)
        with Session(self.engine) as session:
            session.execute(text("TRUNCATE products RESTART IDENTITY CASCADE"))
            session.execute(text("DELETE FROM change_log WHERE entity IN ('product', 'stock')"))
            for first in range(1, count + 1, 20_000):
                batch = [product(n).payload for n in range(first, min(first + 20_000, count + 1))]
                session.execute(insert(Product), [{**p, "active": True, "updated_at": now} for p in batch])
                session.execute(insert(ChangeLog), [{"entity": "product", "key": p["sku"], "store_code": None,
                                                     "payload": {**p, "active": True}, "created_at": now}
                                                    for p in batch])  # fmt: skip
            session.commit()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.engine.dispose()


def paired_terminal(server: Server, data_dir: Path, port: int) -> tuple[Terminal, SyncAgent]:
    code = server.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"]
    pairing = SyncClient(f"http://127.0.0.1:{server.port}").pair(pairing_code=code, device_name="bench")
    terminal = Terminal.open(data_dir)
    terminal.configure(store_code="S001", terminal_code=pairing.terminal_code)
    agent = SyncAgent(terminal.db, SyncClient(f"http://127.0.0.1:{port}", pairing.token, timeout=600),
                      store_code="S001", terminal_code=pairing.terminal_code)  # fmt: skip
    return terminal, agent


def bench_push(server: Server, sales: int, port: int, folder: Path) -> dict[str, Any]:
    server.load_products(200)
    terminal, agent = paired_terminal(server, folder / f"push-{port}", port)
    agent.pull_all()
    terminal.reload_settings()
    terminal.sign_in(code="1001", pin="1234")
    rng = random.Random(1)
    start = time.perf_counter()
    for _ in range(sales):
        sale = terminal.start_sale()
        for _line in range(rng.randint(1, 5)):
            sale.scan(jan(rng.randint(1, 200)))
        sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
        sale.complete()
    selling = time.perf_counter() - start
    start = time.perf_counter()
    pushed, rejected = agent.push_all()
    seconds = time.perf_counter() - start
    assert (pushed, rejected) == (sales, 0) and terminal.status().pending_events == 0
    terminal.close()
    return {"operation": f"push {sales:,} queued sales", "count": sales, "seconds": seconds,
            "per_second": sales / seconds, "note": f"selling them took {selling:.1f} s"}  # fmt: skip


def bench_pull(server: Server, products: int, port: int, folder: Path) -> dict[str, Any]:
    server.load_products(products)
    terminal, agent = paired_terminal(server, folder / f"pull-{products}-{port}", port)
    start = time.perf_counter()
    pulled = agent.pull_all()
    seconds = time.perf_counter() - start
    assert pulled >= products and terminal.search_products("牛乳")
    terminal.close()
    return {"operation": f"initial pull of {products:,} products", "count": products, "seconds": seconds,
            "per_second": products / seconds, "note": "including the FTS5 index"}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--products", default="100000,1000000")
    parser.add_argument("--rtt-ms", default="0,50")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as folder:
        for rtt in [float(x) for x in args.rtt_ms.split(",")]:
            fresh_database(args.database)
            server = Server(args.database, args.workers)
            port = LatencyProxy(server.port, rtt).port if rtt else server.port
            try:
                rows.append({**bench_push(server, args.sales, port, Path(folder)), "rtt_ms": rtt})
                for count in [int(x) for x in args.products.split(",") if x]:
                    rows.append({**bench_pull(server, count, port, Path(folder)), "rtt_ms": rtt})
            finally:
                server.stop()
    print("| operation | added RTT | seconds | per second | note |\n|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['operation']} | {row['rtt_ms']:g} ms | {row['seconds']:.2f} | {row['per_second']:,.0f} | "
              f"{row['note']} |")  # fmt: skip
    if args.json:
        print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
