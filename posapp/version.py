"""The terminal's software version, as installed (the wheel's or the bundle's metadata)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def software_version() -> str:
    """``0.1.0`` and so on; ``unknown`` from a source tree that was never installed."""
    try:
        return version("omnipos")
    except PackageNotFoundError:
        return "unknown"
