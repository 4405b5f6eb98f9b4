"""``make demo``/``make test`` check Qt's system libraries: installed on Debian as root, else one command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.system_packages import debian_package

ROOT = Path(__file__).resolve().parents[1]

FAKE_LDD = """#!/bin/sh
# Qt's xcb plugin as on a fresh Debian: two libraries missing until the fake apt-get has run.
if [ ! -e "{marker}" ]; then
  echo "	libxcb-icccm.so.4 => not found"
  echo "	libxcb-keysyms.so.1 => not found"
fi
echo "	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x0000)"
"""
FAKE_APT = """#!/bin/sh
echo "$@" >> "{log}"
[ "$1" = "install" ] && touch "{marker}"
exit 0
"""


def run_check(tmp_path: Path, purpose: str) -> tuple[subprocess.CompletedProcess[str], str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    marker, log = tmp_path / "installed", tmp_path / "apt.log"
    for name, text in (("ldd", FAKE_LDD), ("apt-get", FAKE_APT)):
        (bin_dir / name).write_text(text.format(marker=marker, log=log))
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(
        [sys.executable, "-m", "scripts.system_packages", purpose],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    return done, log.read_text() if log.exists() else ""


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="Linux, as root")
def test_demo_installs_the_xcb_libraries_qt_cannot_find(tmp_path: Path) -> None:
    import ctypes.util

    has_cursor = ctypes.util.find_library("xcb-cursor") is not None  # opened at run time, not in ldd
    done, apt = run_check(tmp_path, "demo")
    wanted = (
        ["libxcb-icccm4", "libxcb-keysyms1"]
        if has_cursor
        else ["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"]
    )
    assert "install -y --no-install-recommends " + " ".join(wanted) in apt
    assert "libxcb-icccm.so.4" in done.stdout
    assert done.returncode == (0 if has_cursor else 1), done.stderr  # the fake apt-get installs no cursor


def test_the_package_names_follow_debian() -> None:
    assert debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libxcb-xinput.so.0") == "libxcb-xinput0"


def test_nothing_to_do_when_qt_finds_everything() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.system_packages", "test"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
