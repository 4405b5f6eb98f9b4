""" "Export diagnostics": one zip a store can send to support, with nothing secret in it.

It holds the terminal's log files, the versions of everything that matters, the settings (the device
token lives in the keyring and is never read here; an address with a password in it is cut), and the
sync state: events waiting in the outbox, dead letters, last sync and last error.
"""

from __future__ import annotations

import json
import platform
import sqlite3
import sys
import zipfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import text

from posapp.logfile import log_files
from posapp.services.counter import Counter
from posapp.services.status import terminal_status
from posapp.version import software_version
from sync.protocol import PROTOCOL_VERSION

SECRET_WORDS = ("token", "secret", "password", "pin", "key")


def _without_secrets(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings fit for support: secret-named values hidden, user info cut from addresses."""
    clean: dict[str, Any] = {}
    for name, value in settings.items():
        if any(word in name.lower() for word in SECRET_WORDS):
            clean[name] = "(hidden)" if value else ""
        elif isinstance(value, str) and "://" in value and "@" in value:
            parts = urlsplit(value)
            clean[name] = urlunsplit(parts._replace(netloc=parts.hostname or ""))
        else:
            clean[name] = value
    return clean


def versions(counter: Counter) -> dict[str, Any]:
    """OmniPOS, protocol, schema, Python, SQLite, Qt and the operating system."""
    with counter.db.read() as session:
        schema = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    found: dict[str, Any] = {
        "omnipos": software_version(),
        "protocol": PROTOCOL_VERSION,
        "schema": schema,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
    }
    qt_core = sys.modules.get("PySide6.QtCore")
    if qt_core is not None:
        found["qt"] = qt_core.qVersion()
    return found


def export_diagnostics(counter: Counter, folder: Path, *, log_dir: Path | None = None) -> Path:
    """Write the zip into ``folder`` and return its path."""
    settings = counter.settings
    status = terminal_status(counter)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"omnipos-diagnostics-{settings.store_code or 'unpaired'}-{settings.terminal_code}-{stamp}.zip"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    sync = {
        "online": status.online,
        "outbox_waiting": status.pending_events,
        "dead_letters": status.dead_letters,
        "last_sync": status.last_sync.isoformat() if status.last_sync else None,
        "last_error": status.last_error,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("versions.json", json.dumps(versions(counter), ensure_ascii=False, indent=2))
        archive.writestr(
            "settings.json", json.dumps(_without_secrets(asdict(settings)), ensure_ascii=False, indent=2)
        )
        archive.writestr("sync.json", json.dumps(sync, ensure_ascii=False, indent=2))
        for log in log_files(log_dir):
            archive.write(log, f"logs/{log.name}")
    return path
