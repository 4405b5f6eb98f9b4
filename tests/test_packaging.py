"""Packages match the boundary: the server runs without the terminal's extra; the wheel carries resources."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _closure(requirements: list[str]) -> set[str]:
    """Installed distributions needed by ``requirements``, transitively (extras followed)."""
    seen: set[str] = set()
    todo = [Requirement(text) for text in requirements]
    while todo:
        req = todo.pop()
        name = req.name.lower().replace("_", "-")
        if name == "omnipos":
            todo += [
                Requirement(text) for extra in req.extras for text in PROJECT["optional-dependencies"][extra]
            ]
            continue
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a marker excluded it on this machine
        seen.add(name)
        for text in dist.requires or []:
            sub = Requirement(text)
            if (
                sub.marker is None
                or sub.marker.evaluate({"extra": ""})
                or any(sub.marker.evaluate({"extra": extra}) for extra in req.extras)
            ):
                todo.append(sub)
    return seen


def terminal_only_modules() -> set[str]:
    """Top-level modules that only ``omnipos[terminal]`` brings (PySide6, PIL, escpos, pyusb, pyserial…)."""
    server = _closure(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["server"])
    terminal = _closure(PROJECT["optional-dependencies"]["terminal"]) - server
    modules = {
        module
        for module, dists in metadata.packages_distributions().items()
        if {d.lower().replace("_", "-") for d in dists} <= terminal and not module.startswith("_")
    }
    assert {"PySide6", "escpos", "PIL", "qrcode", "usb", "serial", "keyring", "requests"} <= modules
    return modules


SERVER_WITHOUT_TERMINAL = """
import importlib.abc, json, sys
BLOCKED = set(json.loads(sys.argv[1]))

class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed with omnipos[server]")
        return None

sys.meta_path.insert(0, Blocked())
from sync.server.cli import main
assert main(["migrate", "--database", sys.argv[2]]) == 0
from fastapi.testclient import TestClient
from sync.server.app import create_app
from sync.server.config import Settings
app = create_app(Settings(database_url=sys.argv[2], data_dir=sys.argv[3], migrate_on_start=False))
with TestClient(app) as client:
    assert client.get("/healthz").status_code == 200
    assert client.get("/hq/login").status_code == 200
import sync.server.hq.pages.stores  # noqa: the console's pages (QR codes through segno, not qrcode)
loaded = sorted({m.split(".")[0] for m in sys.modules} & BLOCKED)
assert not loaded, loaded
print("server ok without", len(BLOCKED), "terminal modules")
"""


def test_server_runs_without_the_terminals_packages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    blocked = sorted(terminal_only_modules())
    import json

    done = subprocess.run(
        [sys.executable, "-c", SERVER_WITHOUT_TERMINAL, json.dumps(blocked), url, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "server ok without" in done.stdout


@pytest.mark.slow
def test_wheel_carries_the_terminals_resources(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("omnipos-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "posapp/resources/styles/pos.qss",
        "posapp/resources/translations/posapp_en.ts",
        "posapp/resources/fonts/BIZUDGothic-Regular.ttf",
        "posapp/resources/fonts/BIZUDGothic-Bold.ttf",
        "posapp/resources/fonts/OFL.txt",
        "posapp/store/migrations/env.py",
        "sync/server/hq/templates/home.html",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "bench/"))]
