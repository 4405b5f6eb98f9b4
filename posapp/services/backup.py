"""Backup and restore of the terminal's database, safe while the terminal is selling.

A file copy of a live WAL database can miss the WAL or catch a page half-written. ``VACUUM INTO``
writes a consistent, compact copy of one read snapshot through SQLite itself, from a connection of
its own, so a backup can run from another process while the window sells (``posapp --backup FILE``).
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from posapp.domain.errors import DomainError
from posapp.store import DATABASE_FILE

BUSY_TIMEOUT_S = 30


class BackupError(DomainError):
    """The backup could not be made or the file is not a usable terminal database."""

    message_key = "error.backup.failed"


def backup_database(data_dir: Path, target: Path) -> Path:
    """Write a consistent copy of ``data_dir``'s database to ``target`` (a new file); returns it."""
    source = data_dir / DATABASE_FILE
    if not source.exists():
        raise BackupError(f"no terminal database in {data_dir}")
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        connection.execute("VACUUM INTO ?", (str(target),))
    finally:
        connection.close()
    check_backup(target)
    return target


def check_backup(path: Path) -> int:
    """Refuse a damaged file or one that is not a terminal database; returns its number of sales."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if verdict != "ok":
                raise BackupError(f"{path} is damaged: {verdict}")
            if not {"alembic_version", "sales", "outbox", "settings"} <= tables:
                raise BackupError(f"{path} is not an OmniPOS terminal database")
            (sales,) = connection.execute("SELECT count(*) FROM sales").fetchone()
            return int(sales)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable database: {error}") from error


def restore_database(data_dir: Path, backup: Path) -> Path | None:
    """Put ``backup`` in place of ``data_dir``'s database (the terminal must be closed).

    The database it replaces is kept beside it, renamed with the time; returns that file (or ``None``
    when there was none). The next start migrates the restored file if it is older.
    """
    check_backup(backup)
    data_dir.mkdir(parents=True, exist_ok=True)
    current = data_dir / DATABASE_FILE
    kept: Path | None = None
    if current.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = current.with_name(f"{DATABASE_FILE}.before-restore-{stamp}")
        # Leaving WAL mode needs the only connection to the file: it checkpoints and tells whether a
        # terminal (or anything else) still has the database open.
        probe = sqlite3.connect(current, timeout=0.5, isolation_level=None)
        try:
            (mode,) = probe.execute("PRAGMA journal_mode=DELETE").fetchone()
        except sqlite3.OperationalError:
            mode = "busy"
        finally:
            probe.close()
        if str(mode).lower() != "delete":
            raise BackupError("close the terminal before restoring (the database is in use)")
        current.rename(kept)
        for suffix in ("-wal", "-shm"):
            side = current.with_name(current.name + suffix)
            if side.exists():
                side.rename(kept.with_name(kept.name + suffix))
    partial = current.with_name(current.name + ".restoring")
    shutil.copyfile(backup, partial)
    partial.replace(current)
    return kept
