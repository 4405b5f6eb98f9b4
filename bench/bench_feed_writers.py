"""Concurrent pushes from many stores into one server with N workers: commits per second and how long
committing writers wait on locks (the change feed's chain-wide lock before issue 19, none after).

    .venv/bin/python bench/bench_feed_writers.py --workers 4 --stores 40 --writers 16 --seconds 30

Each writer thread pushes one sale at a time (one request, one transaction) for its own stores, so
every push is one commit that writes change-feed rows (stock of its store, points of its members).
While they run, ``pg_stat_activity`` is sampled every 20 ms: the share of samples with a backend of
the bench database waiting on a lock, by wait event (``advisory`` is the feed's lock), and the mean
number of backends waiting. ``BENCH_SOURCE=/path/to/another/checkout`` runs that tree's server and
code (for a before/after in one sitting); the machine's load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(os.environ.get("BENCH_SOURCE") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.load_sim.chain import ServerProcess, _pair_store, _read_cache, load_demo_data, prepare_database  # noqa: E402
from bench.load_sim.sales import build_sale, envelope  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/omnipos_feed_scale"


def _pair(url: str, admin_token: str, stores: int) -> list[tuple[str, str, str]]:
    async def run() -> list[tuple[str, str, str]]:
        admin = {"Authorization": f"Bearer {admin_token}"}
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            paired = []
            for index in range(1, stores + 1):
                for t in await _pair_store(client, admin, index, 1):
                    paired.append((t.store_code, t.terminal_code, t.token))
            return paired

    return asyncio.run(run())


def _sample_waits(database: str, stop: threading.Event, waits: Counter[str], counts: list[int]) -> None:
    engine = create_engine(database.replace("+psycopg", "+psycopg"), isolation_level="AUTOCOMMIT")
    query = text(
        "SELECT wait_event FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    with engine.connect() as connection:
        while not stop.is_set():
            events = [row[0] for row in connection.execute(query)]
            counts.append(len(events))
            for event in set(events):
                waits[event] += 1
            time.sleep(0.02)
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", DEFAULT_DB))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--stores", type=int, default=40)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    prepare_database(args.database)
    admin_token = load_demo_data(args.database, data_dir)
    server = ServerProcess(args.database, data_dir, args.workers)
    try:
        server.start()  # inside: a server that fails to answer in time is still stopped
        terminals = _pair(server.url, admin_token, args.stores)
        catalog, members, _latest = _read_cache(args.database)
        done: list[int] = [0] * args.writers
        errors: Counter[str] = Counter()
        stop = threading.Event()

        def writer(number: int) -> None:
            rng = random.Random(number)
            mine = terminals[number :: args.writers]
            seq = 0
            with httpx.Client(base_url=server.url, timeout=60) as client:
                while not stop.is_set():
                    store, terminal_code, token = mine[seq % len(mine)]
                    seq += 1
                    sale = build_sale(rng, catalog=catalog, members=members,
                                      receipt_no=f"{store}-{terminal_code}-{number}-{seq:06d}")  # fmt: skip
                    body = json.dumps({"protocol_version": 1, "terminal_code": terminal_code, "events": [
                        envelope(sale, seq=seq, store_code=store, terminal_code=terminal_code)]}).encode()  # fmt: skip
                    answer = client.post("/v1/sync/push", content=gzip.compress(body, 5), headers={
                        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
                        "Content-Encoding": "gzip"})  # fmt: skip
                    if answer.status_code == 200:
                        done[number] += 1
                    else:
                        errors[str(answer.status_code)] += 1

        waits: Counter[str] = Counter()
        counts: list[int] = []
        sampler = threading.Thread(target=_sample_waits, args=(args.database, stop, waits, counts))
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.writers)]
        load_before = os.getloadavg()
        started = time.perf_counter()
        sampler.start()
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in [*threads, sampler]:
            thread.join(120)
        elapsed = time.perf_counter() - started
        samples = max(1, len(counts))
        print(f"source {ROOT}")
        print(f"workers {args.workers}, stores {args.stores}, writer threads {args.writers}, {elapsed:.1f} s")
        print(f"commits/s {sum(done) / elapsed:.1f} ({sum(done)} pushes of one sale; errors {dict(errors)})")
        print(f"samples with a lock wait: {sum(1 for c in counts if c) / samples:.1%}; "
              f"mean backends waiting {sum(counts) / samples:.2f}; by event "
              f"{ {event: f'{n / samples:.1%}' for event, n in waits.most_common()} }")  # fmt: skip
        print(
            f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)"
        )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
