"""`make demo` from nothing: demo server, pairing, and a window at the sign-in screen (proved by its picture)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.gui
def test_demo_reaches_the_sign_in_screen(tmp_path: Path) -> None:
    picture = tmp_path / "demo.png"
    env = {**os.environ, "POSAPP_DEMO_DIR": str(tmp_path / "demo"), "POSAPP_DEMO_PORT": str(free_port()),
           "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "scripts.demo", "--screenshot", str(picture)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Sign in with clerk 1001" in done.stdout and "Demo server stopped." in done.stdout
    assert picture.stat().st_size > 10_000
    from PySide6.QtGui import QImage

    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1366, 768)
