""" "Reset this terminal": a manager's decision, carried out at the next start with nothing deleted.

The database cannot be swapped under a running window, so the manager screen only records the request
(who, when); ``posapp`` moves the database into a dated ``reset-…`` folder before it opens anything, and
the terminal starts at its first screen (pair with the server). A paired terminal with sales not yet on
the server refuses: they would be stranded in the moved file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from posapp.domain.errors import DomainError
from posapp.services.counter import Approval, Counter
from posapp.services.status import terminal_status
from posapp.store import DATABASE_FILE

RESET_REQUEST = "reset-requested.json"


class UnsentSalesBlockReset(DomainError):
    """The outbox still holds events for the server."""

    message_key = "error.reset.unsent"


def request_reset(counter: Counter, approval: Approval) -> Path:
    """Record the manager's request; refused while a paired terminal has events waiting."""
    status = terminal_status(counter)
    if counter.is_paired and status.pending_events:
        raise UnsentSalesBlockReset(f"{status.pending_events} events wait for the server")
    request = counter.data_dir / RESET_REQUEST
    request.write_text(
        json.dumps(
            {"manager": approval.manager_name, "at": datetime.now(UTC).isoformat()}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return request


def apply_pending_reset(data_dir: Path) -> Path | None:
    """At start, before the database is opened: move it aside if a reset was requested; the folder."""
    request = data_dir / RESET_REQUEST
    if not request.exists():
        return None
    folder = data_dir / f"reset-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    folder.mkdir()
    for name in (DATABASE_FILE, DATABASE_FILE + "-wal", DATABASE_FILE + "-shm"):
        if (data_dir / name).exists():
            (data_dir / name).rename(folder / name)
    request.rename(folder / RESET_REQUEST)
    return folder
