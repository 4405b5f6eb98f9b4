"""What the status bar tells (store, clerk, online or not, events waiting, last sync, the last problem),
and the feed that tells it whenever it changes.

The core pushes the status instead of being polled, as Electrum's core pushes ``on_event_*`` to its
GUIs: a use case that recorded a fact, a sync round, a sign-in or sign-out publishes; listeners get
the new ``TerminalStatus`` (only when it differs from the last one) on the thread that changed it —
a front end hops to its own thread (``posapp.ui.worker.StatusEvents`` re-emits it as a Qt signal).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from posapp.services.records import dead_letter_count, pending_event_count
from posapp.store.models import SyncState

if TYPE_CHECKING:
    from posapp.services.counter import ClerkInfo, Counter

log = logging.getLogger(__name__)


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


StatusListener = Callable[[TerminalStatus], None]


class StatusFeed:
    """Listeners of the terminal's status; ``publish`` reads it and tells them when it changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[StatusListener] = []
        self._last: TerminalStatus | None = None

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        """Call ``listener`` with each new status; returns the function that stops it."""
        with self._lock:
            self._listeners.append(listener)
            self._last = None  # the next publish reaches the newcomer even if nothing changed

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, counter: Counter) -> None:
        """Something the status shows may have changed: read it, tell the listeners if it did."""
        with self._lock:
            if not self._listeners:
                return  # no reader, no query: the headless API and the tests pay nothing
        try:
            status = terminal_status(counter)
        except Exception:
            log.exception("could not read the status to publish")
            return
        with self._lock:
            if status == self._last:
                return
            self._last = status
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(status)
            except Exception:
                log.exception("status listener failed")
