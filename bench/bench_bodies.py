"""Hostile request bodies against a real server process: time, the server's peak memory, and how long
a health check waits meanwhile.

    python bench/bench_bodies.py [--root CHECKOUT] [--inflated-mib 60]

``--root`` runs the server from another checkout (for before/after numbers against ``main``). The
gzip bomb is a push whose body inflates to ``--inflated-mib`` of JSON (a list of small objects:
many values, as the issue's 141 KiB → 60 MiB push); the raw body is a 400 MB ``Content-Length``.
Peak memory is the server process's ``VmHWM`` (Linux) before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bomb(inflated_mib: int) -> bytes:
    item = b'{"kind":"sale.completed","lines":[0,0,0,0,0,0,0,0],"x":"aaaaaaaa"},'
    count = inflated_mib * 1024 * 1024 // len(item)
    body = b'{"protocol_version":1,"terminal_code":"01","events":[' + item * count + b"{}]}"
    return gzip.compress(body, compresslevel=9)


def start(root: Path, data_dir: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    from sync.server.auth import service as auth_service
    from sync.server.db.migrate import upgrade
    from sync.server.db.session import make_engine

    url = f"sqlite:///{data_dir / 'server.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        admin = auth_service.create_admin_token(session, label="bench")
        session.commit()
    engine.dispose()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "run", "--database", url, "--port", str(port)],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "POSAPP_DATA_DIR": str(data_dir), "POSAPP_LOG_LEVEL": "warning"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    headers = {"Authorization": f"Bearer {admin}"}
    requests.post(base + "/v1/admin/stores", headers=headers, timeout=30, json={
        "code": "S001", "name": "渋谷店", "registration_number": "T7000012050002", "timezone": "Asia/Tokyo"})  # fmt: skip
    code = requests.post(base + "/v1/admin/stores/S001/pairing-codes", headers=headers, timeout=30).json()[
        "code"
    ]
    token = requests.post(base + "/v1/devices/pair", timeout=30,
                          json={"pairing_code": code, "device_name": "bench"}).json()["token"]  # fmt: skip
    return process, base, token


def health_watch(base: str, stop: threading.Event, worst: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        with contextlib.suppress(requests.RequestException):
            requests.get(base + "/healthz", timeout=120)
        worst[0] = max(worst[0], time.perf_counter() - started)
        time.sleep(0.05)


def raw_content_length(base: str, token: str, length: int) -> tuple[str, float]:
    """Headers claiming ``length`` bytes, then 64 KiB of them: when does the server answer?"""
    host, port = base.removeprefix("http://").split(":")
    started = time.perf_counter()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            f"POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n".encode()
            + b" " * 65536
        )
        sock.settimeout(10)
        try:
            answer = sock.recv(200).decode(errors="replace").split("\r\n")[0]
        except TimeoutError:
            answer = "no answer within 10 s (the server is waiting for the whole body)"
    return answer, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--inflated-mib", type=int, default=60)
    args = parser.parse_args()
    body = bomb(args.inflated_mib)
    with tempfile.TemporaryDirectory() as tmp:
        process, base, token = start(args.root.resolve(), Path(tmp))
        try:
            rss_before = peak_rss_mib(process.pid)
            stop, worst = threading.Event(), [0.0]
            watcher = threading.Thread(target=health_watch, args=(base, stop, worst))
            watcher.start()
            started = time.perf_counter()
            answer = requests.post(
                base + "/v1/sync/push", data=body, timeout=600,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                         "Content-Encoding": "gzip"},
            )  # fmt: skip
            took = time.perf_counter() - started
            stop.set()
            watcher.join()
            rss_after = peak_rss_mib(process.pid)
            raw_answer, raw_took = raw_content_length(base, token, 400_000_000)
        finally:
            process.terminate()
            process.wait(10)
    print(json.dumps({
        "root": str(args.root), "gzip_kib": round(len(body) / 1024, 1), "inflated_mib": args.inflated_mib,
        "bomb_status": answer.status_code, "bomb_seconds": round(took, 2),
        "server_peak_rss_mib_before": round(rss_before), "server_peak_rss_mib_after": round(rss_after),
        "worst_healthz_seconds_meanwhile": round(worst[0], 2),
        "raw_400MB_answer": raw_answer, "raw_400MB_seconds": round(raw_took, 2),
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
