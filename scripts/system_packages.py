"""The system libraries ``make demo`` and ``make test`` need beside PyPI's, checked and (on Debian) installed.

    python -m scripts.system_packages demo    # the window on the desktop: Qt's xcb platform
    python -m scripts.system_packages test    # the suite: Qt offscreen (and Xvfb for screenshots)

Qt's wheels bring Qt itself but load a few of the system's libraries. What is missing is read from
the Qt plugins themselves (``ldd``: every library they cannot find), plus ``libxcb-cursor``, which Qt
6.5+ opens at run time. On Debian or Ubuntu as root the packages are installed; otherwise the one
exact command is printed and the exit code is 1. macOS and Windows need nothing (docs/deploy.md).
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE_OF = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libglib-2.0.so.0": "libglib2.0-0",
}
PLUGINS = {"demo": ["platforms/libqxcb.so"], "test": ["platforms/libqoffscreen.so"]}
DLOPENED = {"demo": ["libxcb-cursor.so.0"], "test": []}


def debian_package(soname: str) -> str:
    """Debian's package for a library: the table, else Debian's naming rule (libfoo.so.1 → libfoo1)."""
    if soname in PACKAGE_OF:
        return PACKAGE_OF[soname]
    stem, _, version = soname.partition(".so.")
    return f"{stem}-{version}" if stem[-1:].isdigit() else f"{stem}{version}"


def missing_libraries(purpose: str) -> list[str]:
    """Libraries Qt's plugins for ``purpose`` cannot load on this machine."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    missing: set[str] = set()
    for plugin in PLUGINS[purpose]:
        path = qt / "plugins" / plugin
        if path.exists() and shutil.which("ldd"):
            output = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
            missing |= set(re.findall(r"^\s*(\S+) => not found", output, flags=re.M))
    for soname in DLOPENED[purpose]:
        stem = soname.removeprefix("lib").partition(".so")[0]
        if ctypes.util.find_library(stem) is None:
            missing.add(soname)
    return sorted(missing)


def main(argv: list[str]) -> int:
    purpose = argv[0] if argv else "test"
    if not sys.platform.startswith("linux"):
        return 0
    missing = missing_libraries(purpose)
    if not missing:
        return 0
    packages = sorted({debian_package(name) for name in missing})
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    print(f"Qt needs system libraries for `make {purpose}`: {', '.join(missing)}")
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("installing: " + " ".join(packages), flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(command, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        still = missing_libraries(purpose)
        if still:
            print(f"still missing after the install: {', '.join(still)}", file=sys.stderr)
            return 1
        return 0
    if shutil.which("apt-get"):
        print("Run this once, then `make` again:\n\n    sudo " + " ".join(command) + "\n", file=sys.stderr)
    else:
        print(f"Install your distribution's packages that provide: {', '.join(missing)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
