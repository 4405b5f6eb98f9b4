"""The terminal's software version, as installed (the wheel's or the bundle's metadata)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


# Read once per process: the installed version cannot change under a running program, and reading the
# package metadata costs several file reads (a sixth of a /healthz answer's CPU, bench/REQUESTS.md).
@cache
def software_version() -> str:
    """``0.1.0`` and so on; ``unknown`` from a source tree that was never installed."""
    try:
        return version("omnipos")
    except PackageNotFoundError:
        return "unknown"
