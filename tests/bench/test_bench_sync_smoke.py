"""The sync benchmark runs end to end at tiny sizes (its numbers belong in bench/SYNC.md, not here)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from bench import bench_sync
from bench.latency_proxy import LatencyProxy


@pytest.mark.pg
@pytest.mark.slow
def test_sync_benchmark_reports_push_and_pull(pg_url: str, tmp_path: Path) -> None:
    results = bench_sync.run(pg_url, sales=50, products=[500], rtts=[0.0], workers=1, folder=tmp_path)
    kinds = [(r.kind, r.count, r.rtt_ms) for r in results]
    assert kinds == [("push", 50, 0.0), ("reference", 50, 0.0), ("pull", 500, 0.0)]
    ours = [r for r in results if r.kind != "reference"]
    assert all(r.seconds > 0 and r.per_second > 0 and r.pages > 0 and r.bytes_received > 0 for r in ours)
    push = results[0]
    assert push.server_cpu is not None and push.server_cpu > 0
    # The database's own CPU beside the server's, when PostgreSQL runs on this machine (as in CI).
    assert push.database_cpu is None or push.database_cpu >= 0
    assert (f"PostgreSQL CPU {push.database_cpu:.2f} s" in push.note) == (push.database_cpu is not None)
    table = bench_sync.markdown(results)
    assert "| push 50 queued sales | 0 ms | 50 |" in table
    assert "| initial pull of 500 products | 0 ms | 500 |" in table
    # PouchDB's figure from the same run, or how to get it.
    reference = results[1]
    assert "replication of 50 sale docs" in reference.operation
    assert (
        reference.seconds > 0
        if (bench_sync.POUCHDB_DIR / "node_modules").is_dir()
        else "npm ci" in reference.note
    )


def _echo_server() -> tuple[socket.socket, int]:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            while data := connection.recv(65536):
                connection.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    return listener, int(listener.getsockname()[1])


def test_latency_proxy_adds_the_round_trip_once_per_exchange() -> None:
    listener, port = _echo_server()
    proxy = LatencyProxy(port, 60).start()
    try:
        with socket.create_connection(("127.0.0.1", proxy.port)) as client:
            payload = b"x" * 1_000_000  # many chunks: latency must not add up per chunk
            start = time.perf_counter()
            client.sendall(payload)
            received = 0
            while received < len(payload):
                received += len(client.recv(1 << 20))
            elapsed = time.perf_counter() - start
    finally:
        proxy.stop()
        listener.close()
    assert 0.06 <= elapsed < 0.5
    assert proxy.bytes_up == proxy.bytes_down == len(payload)
