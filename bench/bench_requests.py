"""Cost per request of the real server beside a bare FastAPI endpoint, one worker each, same uvicorn.

    .venv/bin/python bench/bench_requests.py                      # 10 s per row
    .venv/bin/python bench/bench_requests.py --seconds 20 --server-source /path/to/other/checkout

Resets the schema of a scratch PostgreSQL database, loads the demo data with the admin CLI, starts
``posapp-server run --workers 1`` on loopback, pairs a terminal, then drives each endpoint with
``wrk`` (8 keep-alive connections, closed loop: each connection sends its next request when the
answer arrives). The bare app (``bench/bare_app.py``) runs under the same uvicorn settings in the
same sitting, with a second floor: the same app answering one PostgreSQL look-up by key over psycopg's
async pool (what no read that asks the database can go below). Both servers stay up, and every row
is measured in each of ``--rounds`` rounds that start with the bare endpoint, so each share of bare is
taken against a floor measured a minute before, not at the start of the run: on a shared machine the
floor itself drifts by a fifth within minutes. Prints a Markdown table of medians over the rounds:
requests/s, p50/p99, the server process's CPU per request (what a shared machine blurs least) and
each row's share of the bare figure with its range, with the load average.

``--server-source`` serves (and migrates, and loads demo data) from another checkout, e.g. a
worktree of an older commit, so before and after are measured by the same generator in one sitting.
Target (issue 19): authenticated reads at least 50 % of the bare figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.load_sim.chain import prepare_database  # noqa: E402
from bench.load_sim.sales import CatalogItem, build_sale, envelope  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/omnipos_req_cost"
TARGET_SHARE = 0.5

LUA = """
local method, path, body_file = {method!r}, {path!r}, {body_file!r}
local headers = {{}}
{headers}
local bodies = {{}}
if body_file ~= "" then
  for line in io.lines(body_file) do bodies[#bodies + 1] = line end
end
local sent = {start}
request = function()
  sent = sent + 1
  local body = nil
  if #bodies > 0 then body = bodies[((sent - 1) % #bodies) + 1] end
  return wrk.format(method, path, headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n@@{{"requests":%d,"seconds":%f,"p50_us":%d,"p99_us":%d,"non_2xx":%d,"socket_errors":%d,"bodies":%d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, #bodies))
end
"""


@dataclass
class Row:
    """One line of the table."""

    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    errors: int
    load_before: float
    load_after: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Served:
    """A uvicorn process (the real server or the bare app) on a free loopback port."""

    def __init__(self, command: list[str], source: Path, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)],
                cwd=source,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-3000:])
            try:
                if httpx.get(self.url + path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{path} did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def server_env(source: Path, data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "POSAPP_DATA_DIR": str(data_dir), "PYTHONPATH": str(source)}
    env.pop("POSAPP_LOG_LEVEL", None)  # the production default (info): one access-log line per request
    return env


def cli(source: Path, data_dir: Path, database: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args, "--database", database],
        cwd=source, env=server_env(source, data_dir), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"posapp-server {args[0]} failed: {done.stderr[-2000:]}")
    return done.stdout.strip()


def wrk(url: str, *, method: str = "GET", path: str, headers: dict[str, str], seconds: float,  # noqa: PLR0913
        connections: int, work: Path, body_file: Path | None = None, start: int = 0) -> dict[str, float]:  # fmt: skip
    """Run wrk against ``url + path`` and return its figures (from the Lua ``done`` hook)."""
    lua = work / f"wrk-{abs(hash((method, path)))}.lua"
    header_lines = "\n".join(f"headers[{k!r}] = {v!r}" for k, v in headers.items())
    lua.write_text(
        LUA.format(
            method=method, path=path, body_file=str(body_file or ""), headers=header_lines, start=start
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(lua), url],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    marker = [line for line in done.stdout.splitlines() if line.startswith("@@")]
    if done.returncode != 0 or not marker:
        raise RuntimeError(f"wrk failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return dict(json.loads(marker[-1][2:]))


def measure(name: str, served: Served, *, seconds: float, connections: int, work: Path, warm_up: float,
            **request: object) -> Row:  # fmt: skip
    if warm_up:
        wrk(served.url, seconds=warm_up, connections=connections, work=work, **request)  # type: ignore[arg-type]
    load_before = os.getloadavg()[0]
    cpu_before = cpu_seconds(served.process.pid)
    figures = wrk(served.url, seconds=seconds, connections=connections, work=work, **request)  # type: ignore[arg-type]
    cpu = cpu_seconds(served.process.pid) - cpu_before
    requests = int(figures["requests"])
    note = ""
    if figures["bodies"] and int(request.get("start", 0)) + requests > figures["bodies"]:  # type: ignore[call-overload]
        note = f"bodies reused after {int(figures['bodies'])} (later ones answered 'duplicate')"
    return Row(
        name=name, requests=requests, seconds=float(figures["seconds"]),
        p50_ms=figures["p50_us"] / 1000, p99_ms=figures["p99_us"] / 1000,
        cpu_ms_per_request=1000 * cpu / max(1, requests),
        errors=int(figures["non_2xx"] + figures["socket_errors"]),
        load_before=load_before, load_after=os.getloadavg()[0], note=note,
    )  # fmt: skip


def caught_up_cursor(url: str, headers: dict[str, str]) -> str:
    """The cursor after the whole feed: a pull from it has nothing new."""
    cursor = ""
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        while True:
            page = client.get("/v1/sync/pull", params={"cursor": cursor, "limit": 5000})
            page.raise_for_status()
            body = page.json()
            cursor = body["cursor"]
            if not body["has_more"]:
                return str(cursor)


def push_bodies(database: str, path: Path, *, count: int, store_code: str, terminal_code: str) -> None:
    """``count`` push requests of one new sale each, as the terminal's agent sends them."""
    engine = create_engine(database)
    with engine.connect() as connection:
        catalog = [
            CatalogItem(*row)
            for row in connection.execute(
                text("SELECT sku, name, price, tax_class FROM products WHERE active ORDER BY sku LIMIT 200")
            )
        ]
    engine.dispose()
    rng = random.Random(19)
    with path.open("w", encoding="utf-8") as out:
        for seq in range(1, count + 1):
            sale = build_sale(
                rng, catalog=catalog, members=[], receipt_no=f"{store_code}-{terminal_code}-{seq:06d}"
            )
            event = envelope(sale, seq=seq, store_code=store_code, terminal_code=terminal_code)
            body = {"protocol_version": 1, "terminal_code": terminal_code, "events": [event]}
            out.write(json.dumps(body, ensure_ascii=False) + "\n")


def run(args: argparse.Namespace) -> list[Row]:
    source = Path(args.server_source).resolve()
    work = Path(tempfile.mkdtemp(prefix="bench-requests-"))
    data_dir = work / "data"
    data_dir.mkdir()
    timing = {"seconds": args.seconds, "connections": args.connections, "work": work, "warm_up": args.warm_up}
    rows: list[Row] = []

    prepare_database(args.database)
    cli(source, data_dir, args.database, "demo-data")
    admin_token = cli(source, data_dir, args.database, "admin-token", "--label", "bench").splitlines()[-1]
    engine = create_engine(args.database)
    with engine.connect() as connection:
        sku = connection.scalar(text("SELECT sku FROM products WHERE active ORDER BY sku LIMIT 1"))
        member_no = connection.scalar(
            text("SELECT member_no FROM customers WHERE member_no IS NOT NULL ORDER BY id LIMIT 1")
        )
    engine.dispose()

    bare = Served([sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--host", "127.0.0.1",
                   "--workers", "1", "--no-access-log", "--timeout-keep-alive", "75"],
                  ROOT, {**os.environ, "PYTHONPATH": str(ROOT), "BARE_DATABASE_URL": args.database},
                  work / "bare.log")  # fmt: skip
    server = Served([sys.executable, "-m", "sync.server.cli", "run", "--database", args.database,
                     "--host", "127.0.0.1", "--workers", "1"],
                    source, server_env(source, data_dir), work / "server.log")  # fmt: skip
    try:
        bare.wait("/bare")
        server.wait("/healthz")
        admin = {"Authorization": f"Bearer {admin_token}"}
        with httpx.Client(base_url=server.url, headers=admin, timeout=30) as client:
            code = client.post("/v1/admin/stores/S001/pairing-codes").raise_for_status().json()["code"]
            paired = (
                client.post(
                    "/v1/devices/pair", json={"pairing_code": code, "device_name": "bench"}, headers={}
                )
                .raise_for_status()
                .json()
            )
        device = {"Authorization": f"Bearer {paired['token']}"}
        bodies = work / "push.jsonl"
        push_bodies(args.database, bodies, count=args.push_bodies, store_code=paired["store_code"],
                    terminal_code=paired["terminal_code"])  # fmt: skip
        pulled: dict[str, object] = {
            "path": "/v1/sync/pull?cursor=",
            "headers": device,
        }  # caught up each round
        plan: list[tuple[str, Served, dict[str, object]]] = [
            ("bare FastAPI sync endpoint", bare, {"path": "/bare", "headers": {}}),
            ("bare FastAPI + one PostgreSQL look-up (async psycopg pool)", bare, {"path": f"/bare-query/{sku}", "headers": {}}),
            ("`GET /healthz` (no token)", server, {"path": "/healthz", "headers": {}}),
            ("device `GET /v1/sync/pull` (nothing new)", server, pulled),
            ("device `GET /v1/customers?q=<member no>`", server, {"path": f"/v1/customers?q={member_no}", "headers": device}),
            ("admin `GET /v1/admin/products/{sku}`", server, {"path": f"/v1/admin/products/{sku}", "headers": admin}),
            ("device `POST /v1/sync/push` (one new sale)", server, {
                "method": "POST", "path": "/v1/sync/push", "body_file": bodies,
                "headers": {**device, "Content-Type": "application/json"}}),
        ]  # fmt: skip
        for _, served, request in plan:  # each row's request works at all
            if request.get("method") != "POST":
                answer = httpx.get(served.url + str(request["path"]), headers=request["headers"], timeout=30)  # type: ignore[arg-type]
                answer.raise_for_status()
        pushed = 0  # push bodies already sent: each round sends new sales
        for _ in range(args.rounds):
            # The last round's pushes changed the store's stock: catch up again, so the pull has nothing new.
            pulled["path"] = f"/v1/sync/pull?cursor={caught_up_cursor(server.url, device)}"
            for name, served, request in plan:
                posting = request.get("method") == "POST"
                row = measure(name, served, **{**timing, "warm_up": 0.0 if posting else args.warm_up},
                              **request, **({"start": pushed} if posting else {}))  # type: ignore[arg-type]  # fmt: skip
                pushed += row.requests if posting else 0
                rows.append(row)
    finally:
        server.stop()
        bare.stop()
        shutil.rmtree(work, ignore_errors=True)
    return rows


def shares(rows: list[Row]) -> dict[str, list[float]]:
    """Each row's req/s as a share of the bare endpoint's in the same round (rounds start with it)."""
    by_name: dict[str, list[float]] = {}
    floor = rows[0].rate
    for row in rows:
        if row.name == rows[0].name:
            floor = row.rate
        by_name.setdefault(row.name, []).append(row.rate / floor)
    return by_name


def table(rows: list[Row]) -> str:
    """Medians over the rounds; the share of bare is each round's own, its range beside the median."""
    of_bare = shares(rows)
    lines = [
        "| request | req/s | p50 ms | p99 ms | server CPU ms/req | share of bare (range) | errors | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, ratios in of_bare.items():
        mine = [row for row in rows if row.name == name]
        loads = [row.load_before for row in mine] + [row.load_after for row in mine]
        spread = f" ({min(ratios):.0%}–{max(ratios):.0%})" if len(ratios) > 1 else ""
        lines.append(
            f"| {name} | {median([r.rate for r in mine]):,.0f} | {median([r.p50_ms for r in mine]):.2f} "
            f"| {median([r.p99_ms for r in mine]):.2f} | {median([r.cpu_ms_per_request for r in mine]):.3f} "
            f"| {median(ratios):.0%}{spread} | {sum(r.errors for r in mine)} | {min(loads):.2f}–{max(loads):.2f} |"
        )
    notes = sorted({f"- {row.name}: {row.note}" for row in rows if row.note})
    return "\n".join(lines + (["", *notes] if notes else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default=DEFAULT_DB, help="scratch PostgreSQL database (its schema is reset)"
    )
    parser.add_argument("--seconds", type=float, default=10, help="seconds per row (default 10)")
    parser.add_argument("--warm-up", type=float, default=2, help="seconds of unmeasured load before each row")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of every row, the bare endpoint first in each (default 3)",
    )
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--push-bodies", type=int, default=20_000, help="distinct one-sale push bodies")
    parser.add_argument(
        "--server-source", default=str(ROOT), help="checkout to serve from (default: this one)"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench_requests.py needs wrk (apt-get install -y wrk); it is not on PATH", file=sys.stderr)
        return 2
    rows = run(args)
    print(f"server source: {Path(args.server_source).resolve()}  "
          f"({subprocess.run(['git', '-C', args.server_source, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()})")  # fmt: skip
    print(table(rows))
    of_bare = {name: median(ratios) for name, ratios in shares(rows).items()}
    lowest = min((share, name) for name, share in of_bare.items() if "device `GET" in name or "admin" in name)
    print(
        f"\nauthenticated reads: lowest median share of bare {lowest[0]:.0%}, {lowest[1]} (target ≥ {TARGET_SHARE:.0%})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
