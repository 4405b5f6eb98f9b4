"""What the status bar tells: store, clerk, online or not, events waiting, last sync, the last problem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from posapp.services.records import dead_letter_count, pending_event_count
from posapp.store.models import SyncState

if TYPE_CHECKING:
    from posapp.services.counter import ClerkInfo, Counter


@dataclass(frozen=True, slots=True)
class TerminalStatus:
    """What the status bar shows."""

    store_code: str
    store_name: str
    terminal_code: str
    clerk: ClerkInfo | None
    online: bool
    pending_events: int
    dead_letters: int
    last_sync: datetime | None
    last_error: str


def _database_problem(counter: Counter) -> str:
    result = getattr(counter.db, "full_check_result", "ok")
    return "" if result in ("ok", "pending", "skipped") else f"database check failed: {result}"


def terminal_status(counter: Counter) -> TerminalStatus:
    """Online or not, events waiting, last sync: the truth the status bar tells."""
    with counter.db.read() as session:
        state = session.scalar(select(SyncState).where(SyncState.id == 1))
        pending = pending_event_count(session)
        dead = dead_letter_count(session)
    last_sync = None
    if state is not None:
        times = [t for t in (state.last_push_at, state.last_pull_at) if t is not None]
        last_sync = max(times) if times else None
    settings = counter.settings
    return TerminalStatus(
        store_code=settings.store_code,
        store_name=settings.store_name,
        terminal_code=settings.terminal_code,
        clerk=counter.clerk,
        online=bool(state and state.online),
        pending_events=pending,
        dead_letters=dead,
        last_sync=last_sync,
        last_error=_database_problem(counter) or (state.last_error if state else ""),
    )
