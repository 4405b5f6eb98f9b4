"""`make demo`: a central server on embedded SQLite with demo data, and a POS window paired to it.

`make demo-terminal` (``--join``) opens a second terminal on the same running demo server, so a sale
on one shows up in the customer's history on the other. Everything lives in ``.demo/`` in the
checkout; delete that folder to start over. The device tokens of the demo terminals are kept in a
plain-file keyring inside ``.demo/`` — clearly named NOT-SECURE, and for the demo only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
DEMO = Path(os.environ.get("POSAPP_DEMO_DIR", ROOT / ".demo"))
SERVER_DIR = DEMO / "server"
HOST, PORT = "127.0.0.1", int(os.environ.get("POSAPP_DEMO_PORT", "8765"))
URL = f"http://{HOST}:{PORT}"


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "POSAPP_DATA_DIR": str(SERVER_DIR),
        "POSAPP_KEYRING": "file",
        "PYTHONUNBUFFERED": "1",
    }


def _server_cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args], cwd=ROOT, env=_env(), check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    return done.stdout.strip()


def _healthy() -> bool:
    try:
        return requests.get(URL + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def start_server() -> subprocess.Popen[bytes] | None:
    """Start the demo server unless one already answers; load the demo data the first time."""
    if _healthy():
        return None
    if not (SERVER_DIR / "server.sqlite3").exists():
        SERVER_DIR.mkdir(parents=True, exist_ok=True)
        print("Loading demo data (2 stores, 5,000 products, 500 members)…", flush=True)
        _server_cli("demo-data")
        _server_cli("admin-token", "--save", "--label", "demo")
    log = (DEMO / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "run", "--host", HOST, "--port", str(PORT)],
        cwd=ROOT, env=_env(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(150):
        if _healthy():
            print(f"Demo server on {URL} (log: {DEMO / 'server.log'})", flush=True)
            return process
        if process.poll() is not None:
            sys.exit(f"the demo server stopped; see {DEMO / 'server.log'}")
        time.sleep(0.2)
    process.terminate()
    sys.exit("the demo server did not start in 30 s")


def pair_terminal(data_dir: Path, terminal_code: str) -> None:
    """Pair the terminal in ``data_dir`` with the demo server, once."""
    os.environ["POSAPP_KEYRING"] = "file"
    from posapp.services import Terminal

    terminal = Terminal.open(data_dir)
    try:
        if terminal.is_paired:
            return
        admin = _server_cli("admin-token", "--show")
        code = requests.post(
            f"{URL}/v1/admin/stores/S001/pairing-codes",
            headers={"Authorization": f"Bearer {admin}"},
            timeout=10,
        ).json()["code"]
        print(f"Pairing terminal {terminal_code} with store S001 and downloading its data…", flush=True)
        terminal.pair_with_server(
            server_url=URL,
            pairing_code=code,
            device_name=f"デモ レジ{terminal_code}",
            terminal_code=terminal_code,
        )
    finally:
        terminal.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--join", action="store_true", help="open a second terminal on the running demo server"
    )
    parser.add_argument(
        "--no-window", action="store_true", help="set everything up but do not open the window"
    )
    parser.add_argument(
        "--screenshot", type=Path, help="open the window, save its first screen as PNG, and stop"
    )
    args = parser.parse_args(argv)
    DEMO.mkdir(exist_ok=True)
    if args.join and not _healthy():
        sys.exit("no demo server is running: start `make demo` first, then `make demo-terminal`")
    server = start_server()
    terminal_code = "02" if args.join else "01"
    data_dir = DEMO / f"terminal-{terminal_code}"
    try:
        pair_terminal(data_dir, terminal_code)
        print("Sign in with clerk 1001 / PIN 1234 (manager: 9001 / PIN 9999).", flush=True)
        if args.no_window:
            return 0
        command = [sys.executable, "-m", "posapp", "--data-dir", str(data_dir), "--demo"]
        if args.screenshot:
            command += ["--screenshot", str(args.screenshot.resolve())]
        window = subprocess.run(command, cwd=ROOT, env=_env(), check=False)
        return window.returncode
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
            print("Demo server stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
