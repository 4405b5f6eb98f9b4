"""Sync benchmark against a real server process on PostgreSQL (loopback, optionally with added latency).

    .venv/bin/python bench/bench_sync.py --sales 10000 --products 100000,1000000 --rtt-ms 0,50

Pushes N queued sales from a terminal's outbox, and pulls a catalog of P products into an empty
terminal (search index included), through the real agent, HTTP client and server. Targets on
loopback: push 10,000 ≤ 1 s, pull 100,000 ≤ 5 s (PouchDB: about 3.2 s and 26 s).

Right after each push, PouchDB 9 replicates as many sale-like docs to an express-pouchdb peer on
loopback (``bench/pouchdb/replicate.js``), so both figures come from the same minutes of the same
machine. It needs Node.js and ``npm ci --prefix bench/pouchdb`` once; without them the table says so.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.latency_proxy import LatencyProxy, free_port  # noqa: E402
from posapp.domain.barcodes import ean_check_digit  # noqa: E402
from posapp.domain.tender import TenderKind  # noqa: E402
from posapp.services import Terminal  # noqa: E402
from posapp.store.models import Product as CachedProduct  # noqa: E402
from sync.client.agent import SyncAgent  # noqa: E402
from sync.client.http import SyncClient  # noqa: E402
from sync.server.auth import service as auth_service  # noqa: E402
from sync.server.changes.service import record_change  # noqa: E402
from sync.server.db.migrate import upgrade  # noqa: E402
from sync.server.db.session import make_engine, make_session_factory  # noqa: E402
from sync.server.products.models import Product  # noqa: E402
from sync.server.sales.models import StoreSale  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/omnipos_bench"
SELLING_CATALOG = 200  # products the push terminal sells from (the big catalogs are loaded after)
LOAD_CHUNK = 50_000
# (operation kind, count the target is stated for) → seconds on loopback; PouchDB for reference.
TARGETS = {("push", 10_000): 1.0, ("pull", 100_000): 5.0}
POUCHDB = {("push", 10_000): 3.2, ("pull", 100_000): 26.0}  # the figures, when not measured
POUCHDB_DIR = ROOT / "bench" / "pouchdb"
BRANDS = ["明治", "森永", "雪印", "キリン", "アサヒ", "花王", "ライオン", "日清", "カルビー", "伊藤園"]
ITEMS = [("おいしい牛乳", "オイシイギュウニュウ", "reduced"), ("緑茶", "リョクチャ", "reduced"),
         ("ポテトチップス うすしお", "ポテトチップス ウスシオ", "reduced"), ("食器用洗剤", "ショッキヨウセンザイ", "standard"),
         ("カップヌードル", "カップヌードル", "reduced"), ("ハミガキ", "ハミガキ", "standard"),
         ("ヨーグルト", "ヨーグルト", "reduced"), ("缶コーヒー 微糖", "カンコーヒー ビトウ", "reduced")]  # fmt: skip
SIZES = ["100g", "200ml", "500ml", "1L", "6個入", "12枚", "3P", "大容量", "お徳用", "限定"]


@dataclass
class Result:
    """One row of the table."""

    kind: str  # "push" or "pull"
    operation: str
    rtt_ms: float
    count: int
    seconds: float
    pages: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    note: str = ""
    server_cpu: float | None = None
    """CPU seconds of the server's processes (user + system) during the operation, when measured."""
    database_cpu: float | None = None
    """CPU seconds of the PostgreSQL processes during the operation, when they run on this machine."""

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def target(self) -> str:
        if self.kind == "reference":
            return "—"
        goal = TARGETS.get((self.kind, self.count))
        if goal is None or self.rtt_ms:
            reference = POUCHDB.get((self.kind, self.count))
            return f"— (PouchDB {reference:g} s)" if reference else "—"
        return f"≤ {goal:g} s: {'met' if self.seconds <= goal else 'missed'}"


def jan(n: int) -> str:
    """A valid 13-digit JAN for product number ``n``."""
    body = f"49{n:010d}"
    return body + ean_check_digit(body)


def product_row(n: int) -> dict[str, Any]:
    """Product number ``n`` as the server's products table holds it (realistic Japanese name and kana)."""
    item, kana, tax_class = ITEMS[(n // len(BRANDS)) % len(ITEMS)]
    return {"sku": f"P{n:07d}", "jan": jan(n), "name": f"{BRANDS[n % len(BRANDS)]} {item} {SIZES[n // 97 % 10]} #{n}",
            "name_kana": kana, "price": 98 + (n * 37) % 2900, "tax_class": tax_class, "category": item,
            "active": True}  # fmt: skip


def prepare_database(url: str) -> Engine:
    """Create the database if missing, drop and recreate its schema, migrate it."""
    base, name = url.rsplit("/", 1)
    admin = make_engine(base + "/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine


class BenchServer:
    """``python -m sync.server.cli run`` on the bench database, with an HQ token to set the chain up."""

    def __init__(self, url: str, *, workers: int, log_path: Path) -> None:
        self.engine = prepare_database(url)
        self.sessions = make_session_factory(self.engine)  # writes queued change-feed rows at commit
        with self.sessions() as session:
            self.admin_token = auth_service.create_admin_token(session, label="bench")
            session.commit()
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "run", "--database", url, "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers)],
            cwd=ROOT, env={**os.environ, "POSAPP_LOG_LEVEL": "warning"},
            stdout=log_path.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {log_path}")
            time.sleep(0.1)

    def _healthy(self) -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).ok
        except requests.RequestException:
            return False

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """An HQ call; raises on an error answer."""
        answer = requests.request(method, f"http://127.0.0.1:{self.port}{path}", timeout=60,
                                  headers={"Authorization": f"Bearer {self.admin_token}"}, **kwargs)  # fmt: skip
        answer.raise_for_status()
        return answer.json()

    def set_up_store(self) -> None:
        """One store and its cashier."""
        self.call("POST", "/v1/admin/stores", json={"code": "S001", "name": "ベンチ店",
                  "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"})  # fmt: skip
        self.call("POST", "/v1/admin/clerks", json={"store": "S001", "code": "1001", "name": "ベンチ",
                  "pin": "1234", "role": "cashier"})  # fmt: skip

    def load_products(self, first: int, last: int) -> float:
        """Products ``first..last`` and their change-feed rows, in bulk as an HQ catalog import; seconds taken."""
        start = time.perf_counter()
        now = datetime.now(UTC)
        for chunk in range(first, last + 1, LOAD_CHUNK):
            rows = [product_row(n) for n in range(chunk, min(chunk + LOAD_CHUNK, last + 1))]
            with self.sessions() as session:
                session.execute(insert(Product), [{**row, "updated_at": now} for row in rows])
                for row in rows:
                    record_change(session, entity="product", key=row["sku"], store_code=None, payload=row)
                session.commit()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE change_log"))  # fresh statistics, as after a real import
        return time.perf_counter() - start

    def forget_stock_changes(self) -> None:
        """Drop the stock rows the pushed sales put on the feed, so a pull of N products moves N rows."""
        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM change_log WHERE entity = 'stock'"))

    def store_sales(self, terminal_code: str) -> int:
        """How many sales of ``terminal_code`` the server holds."""
        with Session(self.engine) as session:
            query = (
                select(func.count())
                .select_from(StoreSale)
                .where(StoreSale.receipt_no.like(f"%-{terminal_code}-%"))
            )
            return int(session.scalar(query) or 0)

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the server process and its worker processes so far (from /proc)."""
        return sum(cpu for pid, parent, _, cpu in _processes() if self.process.pid in (pid, parent))

    def stop(self) -> None:
        """Stop the server process."""
        self.process.terminate()
        self.process.wait(15)
        self.engine.dispose()


def _processes() -> Iterator[tuple[int, int, str, float]]:
    """Every process this user can see: pid, parent pid, name, user + system CPU seconds so far."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        yield int(stat.parent.name), int(fields[1]), head.split("(", 1)[1], cpu


def database_cpu_seconds() -> float | None:
    """CPU seconds of every PostgreSQL process on this machine so far (backends, WAL writer, checkpointer);
    ``None`` when none is visible (a database on another machine)."""
    seconds = [cpu for _, _, name, cpu in _processes() if name in ("postgres", "postmaster")]
    return sum(seconds) if seconds else None


class WireMeter:
    """Counts requests and body bytes as sent (gzip) on one client's session."""

    def __init__(self, client: SyncClient) -> None:
        self.requests = self.sent = self.received = 0
        client.http.hooks["response"].append(self._count)

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.requests += 1
        body = response.request.body
        self.sent += len(body) if isinstance(body, bytes | str) else 0
        self.received += int(response.headers.get("content-length") or len(response.content))


def new_terminal(server: BenchServer, folder: Path, port: int) -> tuple[Terminal, SyncAgent, WireMeter]:
    """Pair a fresh terminal; its agent talks to ``port`` (the server, or a latency proxy in front of it)."""
    code = server.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"]
    pairing = SyncClient(f"http://127.0.0.1:{server.port}").pair(pairing_code=code, device_name="bench")
    terminal = Terminal.open(folder)
    terminal.configure(store_code="S001", terminal_code=pairing.terminal_code)
    client = SyncClient(f"http://127.0.0.1:{port}", pairing.token, timeout=900)
    agent = SyncAgent(terminal.db, client, store_code="S001", terminal_code=pairing.terminal_code)
    return terminal, agent, WireMeter(client)


def sell(terminal: Terminal, sales: int, *, seed: int) -> float:
    """Complete ``sales`` cash sales of 1–5 lines through the Terminal API; seconds taken."""
    rng = random.Random(seed)
    start = time.perf_counter()
    for _ in range(sales):
        sale = terminal.start_sale()
        for _line in range(rng.randint(1, 5)):
            sale.scan(jan(rng.randint(1, SELLING_CATALOG)))
        sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
        sale.complete()
    return time.perf_counter() - start


@contextmanager
def profiled(name: str, *, server: BenchServer, folder: Path | None) -> Iterator[None]:
    """When ``folder`` is given: cProfile this process (the terminal side), py-spy the server process."""
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(server.process.pid), "--rate", "250",
         "--format", "raw", "--output", str(folder / f"{name}-server.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.0)  # attached before the work starts
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(folder / f"{name}-client.prof")
        spy.send_signal(signal.SIGINT)  # py-spy writes its samples on SIGINT
        spy.wait(60)


def bench_push(
    server: BenchServer, *, sales: int, rtt_ms: float, port: int, folder: Path, profile: Path | None = None
) -> Result:
    """Time ``push_all`` of ``sales`` queued sales until the outbox is empty."""
    terminal, agent, meter = new_terminal(server, folder, port)
    try:
        agent.pull_all()
        terminal.reload_settings()
        terminal.sign_in(code="1001", pin="1234")
        selling = sell(terminal, sales, seed=int(rtt_ms) + 1)
        before = meter.requests, meter.sent, meter.received
        with profiled(f"push-{sales}-{rtt_ms:g}ms", server=server, folder=profile):
            cpu_before, database_before = server.cpu_seconds(), database_cpu_seconds()
            start = time.perf_counter()
            pushed, rejected = agent.push_all()
            seconds = time.perf_counter() - start
            server_cpu, database_after = server.cpu_seconds() - cpu_before, database_cpu_seconds()
        pending = terminal.status().pending_events
        code = terminal.require_configured().terminal_code
    finally:
        terminal.close()
    held = server.store_sales(code)
    database_cpu = (
        database_after - database_before
        if database_before is not None and database_after is not None
        else None
    )
    if (pushed, rejected, pending, held) != (sales, 0, 0, sales):
        raise AssertionError(f"push: pushed={pushed} rejected={rejected} pending={pending} on server={held}")
    return Result("push", f"push {sales:,} queued sales", rtt_ms, sales, seconds, meter.requests - before[0],
                  meter.sent - before[1], meter.received - before[2],
                  f"server process CPU {server_cpu:.2f} s; {_database_note(database_cpu)}selling them through the "
                  f"Terminal API took {selling:.1f} s", server_cpu, database_cpu)  # fmt: skip


def _database_note(seconds: float | None) -> str:
    return "" if seconds is None else f"PostgreSQL CPU {seconds:.2f} s; "


def pouchdb_push(docs: int) -> Result:
    """PouchDB's figure for the same push: ``replicate.js`` with ``docs`` sale-like docs, seconds."""
    script = POUCHDB_DIR / "replicate.js"
    if not (POUCHDB_DIR / "node_modules").is_dir():
        return Result("reference", f"PouchDB replication of {docs:,} sale docs", 0, docs, 0.0,
                      note="not measured: run `npm ci --prefix bench/pouchdb` (Node.js 18+) once")  # fmt: skip
    done = subprocess.run(["node", str(script), "--docs", str(docs)], cwd=POUCHDB_DIR, capture_output=True,
                          text=True, timeout=900, check=True)  # fmt: skip
    figure = json.loads(done.stdout.strip().splitlines()[-1])
    return Result("reference", f"PouchDB {figure['pouchdb']} replication of {docs:,} sale docs", 0, docs,
                  float(figure["seconds"]), note=f"same run; {figure['adapter']} on both sides, express-pouchdb "
                  f"peer in its own process, batch size {figure['batch_size']} (PouchDB's default)")  # fmt: skip


def raw_bulk_load(products: int, folder: Path) -> tuple[float, float]:
    """The raw limit beside a pull: plain ``sqlite3`` loading the same rows into an empty file.

    Returns (seconds to insert the rows in pages and build the three indexes, seconds to fill the two
    search indexes from texts already folded): what SQLite alone takes, no HTTP, JSON or validation.
    """
    from posapp.store import catalog_load, fts
    from posapp.store.search_text import fold_rows, gram_rows

    folder.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute(catalog_load.products_ddl("products"))
    for ddl in fts.index_ddl():
        raw.execute(ddl)
    columns = "id, sku, jan, item_code, name, name_kana, price, tax_class, category, active, version"
    insert_sql = f"INSERT INTO products ({columns}) VALUES ({', '.join('?' * 11)})"
    pages = []
    for first in range(1, products + 1, 20_000):
        rows = [product_row(n) for n in range(first, min(first + 20_000, products + 1))]
        pages.append([(n, r["sku"], r["jan"], None, r["name"], r["name_kana"], r["price"], r["tax_class"],
                       r["category"], True, n) for n, r in enumerate(rows, start=first)])  # fmt: skip
    start = time.perf_counter()
    for page in pages:
        raw.execute("BEGIN")
        raw.executemany(insert_sql, page)
        raw.execute("COMMIT")
    raw.execute("BEGIN")
    for ddl in catalog_load.PRODUCT_INDEXES.values():
        raw.execute(ddl)
    raw.execute("COMMIT")
    load_seconds = time.perf_counter() - start
    texts = [fold_rows([(r[4], r[5]) for r in page]) for page in pages]
    grams = [gram_rows(t) for t in texts]
    start = time.perf_counter()
    for page, folded, gram in zip(pages, texts, grams, strict=True):
        ids = [r[0] for r in page]
        raw.execute("BEGIN")
        raw.executemany("INSERT INTO products_fts(rowid, text) VALUES (?, ?)", zip(ids, folded, strict=True))
        raw.executemany("INSERT INTO products_grams(rowid, grams) VALUES (?, ?)", zip(ids, gram, strict=True))
        raw.execute("COMMIT")
    index_seconds = time.perf_counter() - start
    raw.close()
    return load_seconds, index_seconds


def bench_pull(
    server: BenchServer, *, products: int, rtt_ms: float, port: int, folder: Path, profile: Path | None = None
) -> Result:
    """Time an initial ``pull_all`` of a catalog of ``products`` into an empty terminal, FTS5 index included."""
    terminal, agent, meter = new_terminal(server, folder, port)
    try:
        with profiled(f"pull-{products}-{rtt_ms:g}ms", server=server, folder=profile):
            start = time.perf_counter()
            rows = agent.pull_all()
            seconds = time.perf_counter() - start
        wal = folder / "terminal.db-wal"
        wal_mb = wal.stat().st_size / 2**20 if wal.exists() else 0.0
        with terminal.db.read() as session:
            cached = session.scalar(select(func.count()).select_from(CachedProduct))
        found = terminal.search_products("牛乳")
    finally:
        terminal.close()
    if cached != products or not found:
        raise AssertionError(f"pull: {cached} products cached of {products}; search found {len(found)}")
    raw_load, raw_index = raw_bulk_load(products, folder / "raw")
    return Result("pull", f"initial pull of {products:,} products", rtt_ms, products, seconds, meter.requests,
                  meter.sent, meter.received, f"{rows:,} feed rows, search indexes included; WAL after "
                  f"{wal_mb:.0f} MB; raw sqlite3 beside it: rows + indexes {raw_load:.1f} s, "
                  f"search indexes {raw_index:.1f} s")  # fmt: skip


def run(
    database: str,
    *,
    sales: int,
    products: list[int],
    rtts: list[float],
    workers: int,
    folder: Path,
    profile: Path | None = None,
    pouchdb: bool = True,
) -> list[Result]:
    """Every measurement, in order: pushes (small catalog) each followed by PouchDB's, then pulls."""
    server = BenchServer(database, workers=workers, log_path=folder / "server.log")
    proxies = {rtt: LatencyProxy(server.port, rtt).start() for rtt in rtts if rtt}
    ports = {rtt: proxies[rtt].port if rtt else server.port for rtt in rtts}
    results: list[Result] = []
    try:
        server.set_up_store()
        server.load_products(1, SELLING_CATALOG)
        for rtt in rtts:
            where = folder / f"push-{rtt:g}"
            results.append(
                bench_push(server, sales=sales, rtt_ms=rtt, port=ports[rtt], folder=where, profile=profile)
            )
            if pouchdb and not rtt and sales:
                reference = pouchdb_push(sales)
                results.append(reference)
                if reference.seconds:
                    push = results[-2]
                    push.note += (f"; PouchDB in the same run: {reference.seconds:.2f} s, "
                                  f"{reference.seconds / push.seconds:.1f} × this push's time")  # fmt: skip
        server.forget_stock_changes()
        loaded = SELLING_CATALOG
        for count in sorted(products):
            if count > loaded:
                seconds = server.load_products(loaded + 1, count)
                print(f"loaded {count:,} products into the server ({seconds:.1f} s)", file=sys.stderr)
                loaded = count
            for rtt in rtts:
                where = folder / f"pull-{count}-{rtt:g}"
                result = bench_pull(
                    server, products=count, rtt_ms=rtt, port=ports[rtt], folder=where, profile=profile
                )
                results.append(result)
                print(markdown([result]).splitlines()[-1], file=sys.stderr, flush=True)  # as it comes
    finally:
        for proxy in proxies.values():
            proxy.stop()
        server.stop()
    return results


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 1e6 else f"{count / 1e3:,.0f} kB"


def markdown(results: list[Result]) -> str:
    """The table for bench/SYNC.md."""
    lines = ["| operation | rtt | count | seconds | per second | target | requests | gzip bytes up / down | note |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        lines.append(f"| {r.operation} | {r.rtt_ms:g} ms | {r.count:,} | {r.seconds:.2f} | {r.per_second:,.0f} | "
                     f"{r.target} | {r.pages:,} | {_size(r.bytes_sent)} / {_size(r.bytes_received)} | "
                     f"{r.note} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", default=DEFAULT_DB, help="its schema is dropped and recreated")
    parser.add_argument("--sales", type=int, default=10_000)
    parser.add_argument("--products", default="100000,1000000", help="comma-separated catalog sizes")
    parser.add_argument("--rtt-ms", default="0,50", help="comma-separated added round-trip times")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of the table")
    parser.add_argument("--no-pouchdb", action="store_true", help="skip PouchDB's figure beside the push")
    parser.add_argument("--profile", type=Path, help="write cProfile (terminal) and py-spy (server) files here; "
                        "the timings then include the profilers' overhead")  # fmt: skip
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as folder:
        results = run(args.database, sales=args.sales, workers=args.workers, folder=Path(folder),
                      profile=args.profile, products=[int(x) for x in args.products.split(",") if x],
                      pouchdb=not args.no_pouchdb,
                      rtts=[float(x) for x in args.rtt_ms.split(",") if x])  # fmt: skip
    if args.json:
        print(json.dumps([{**asdict(r), "per_second": r.per_second, "target": r.target} for r in results]))
    else:
        print(markdown(results))
        load_after = os.getloadavg()
        print(f"\nmachine load average (1/5/15 min) before: {' / '.join(f'{x:.2f}' for x in load_before)}; "
              f"after: {' / '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} cores")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
