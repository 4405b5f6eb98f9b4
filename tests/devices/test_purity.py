"""posapp.devices stays a library: the domain, the standard library, python-escpos, pillow and qrcode only."""

from __future__ import annotations

import pathlib
import sys

from tests.domain.test_purity import imported_modules

DEVICES = pathlib.Path(__file__).resolve().parents[2] / "posapp" / "devices"
ALLOWED_THIRD_PARTY = ("escpos", "PIL", "qrcode")  # qrcode: python-escpos's own QR library


def test_devices_import_only_what_they_may() -> None:
    offenders = set()
    for path in sorted(DEVICES.glob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            # posapp.resources: paths to the files OmniPOS ships (the receipt font), no logic.
            if name.startswith(("posapp.domain", "posapp.devices", "posapp.resources")):
                continue
            if top in sys.stdlib_module_names or top == "__future__" or top in ALLOWED_THIRD_PARTY:
                continue
            offenders.add(f"{path.name}: {name}")
    assert offenders == set()
