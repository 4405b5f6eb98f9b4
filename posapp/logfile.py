"""The terminal's own log file: rotating, in the platform's log folder, for support and diagnostics.

Linux ``~/.local/state/omnipos/log``, macOS ``~/Library/Logs/omnipos``, Windows
``%LOCALAPPDATA%\\omnipos\\Logs``. Five files of 2 MB at most: weeks of a busy counter, never a full disk.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

LOG_FILE = "posapp.log"
MAX_BYTES = 2_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
_started_in: Path | None = None
"""The folder ``start_log_file`` writes to in this process (``--log-dir`` or the platform's)."""


def default_log_dir() -> Path:
    """The platform's per-user log folder for OmniPOS."""
    return Path(platformdirs.user_log_dir("omnipos", appauthor=False))


def start_log_file(log_dir: Path | None = None, *, level: int = logging.INFO) -> Path:
    """Send this process's log records to the rotating file (once); returns the file's path."""
    global _started_in
    directory = log_dir or default_log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _started_in = directory
    path = directory / LOG_FILE
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return path


def log_files(log_dir: Path | None = None) -> list[Path]:
    """The current log file and its rotated predecessors, newest first (this process's folder by default)."""
    directory = log_dir or _started_in or default_log_dir()
    return sorted(directory.glob(LOG_FILE + "*"), key=lambda p: p.stat().st_mtime, reverse=True)
