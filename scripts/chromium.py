"""Debian's chromium for Playwright: the browser the HQ console's tests and screenshots drive.

Never a downloaded browser: ``/usr/bin/chromium`` comes from the system packages (`.ci/run`
installs it), with flags that keep it from reaching out to the network on its own.
"""

from __future__ import annotations

import os
from typing import Any

CHROMIUM = os.environ.get("POSAPP_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def available() -> bool:
    """Whether the system browser is installed."""
    return os.access(CHROMIUM, os.X_OK)


def launch(playwright: Any) -> Any:
    """A headless chromium from the system path."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
