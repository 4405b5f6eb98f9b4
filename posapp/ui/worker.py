"""The one way to run a Terminal API call off the GUI thread.

Database work is serialised on a single worker thread (SQLite allows one writer; one queue keeps
calls in order). The ``op`` never touches a widget: it returns a value or raises, and the result is
delivered on the GUI thread by a queued signal to ``success`` or ``failure``.

Cart edits (a scan, a quantity, a line void) deliberately run on the GUI thread instead: each is one
indexed SQLite read on the local file (well under a millisecond), must be applied in exactly the
order the keys arrived, and its result must be on screen before the next scan. A queue hop would
add latency and reordering risk for no gain. Anything that writes with ``synchronous=FULL``, hashes
a PIN, searches, or may touch the network goes through here.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from posapp.ui.gui_gc import gui_thread_collector

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Job:
    op: Callable[[], Any]
    success: Callable[[Any], None]
    failure: Callable[[Exception], None]
    outcome: tuple[bool, Any] | None = None


class DbWorker(QObject):
    """Runs ops one at a time on a background thread; results come back on the GUI thread."""

    _delivered = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posapp-db")
        # Jobs are owned here, on the GUI thread, so an op's closure (often holding a dialog) is
        # always released on the GUI thread: a widget freed on the worker thread crashes Qt.
        self._jobs: dict[int, _Job] = {}
        self._tickets = itertools.count(1)
        # Emitted from the worker thread; the receiver lives on the GUI thread, so Qt queues it.
        self._delivered.connect(self._deliver)
        # The worker thread allocates heavily; a collection it triggered could free widgets there.
        self._collector = gui_thread_collector()
        self._collector.acquire()
        self._running = True

    @property
    def idle(self) -> bool:
        """True when no op is queued or running (tests wait for this)."""
        return not self._jobs

    def run(
        self,
        op: Callable[[], T],
        *,
        success: Callable[[T], None],
        failure: Callable[[Exception], None] | None = None,
    ) -> None:
        """Queue ``op``; call ``success(result)`` or ``failure(error)`` later on the GUI thread."""
        if not self._running:
            return
        ticket = next(self._tickets)
        self._jobs[ticket] = _Job(op, success, failure or _log_failure)
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self._executor.submit(self._work, ticket)

    def _work(self, ticket: int) -> None:
        """On the worker thread: run the op, park its outcome on the job, wake the GUI thread."""
        job = self._jobs[ticket]
        try:
            job.outcome = (True, job.op())
        except Exception as error:
            job.outcome = (False, error)
        del job  # before the signal: the GUI thread must hold the last reference
        self._delivered.emit(ticket)

    def _deliver(self, ticket: int) -> None:
        job = self._jobs.pop(ticket, None)
        if job is None or job.outcome is None:
            return
        ok, value = job.outcome
        try:
            if ok:
                job.success(value)
            else:
                job.failure(value)
        finally:
            if not self._jobs:
                self.busy_changed.emit(False)

    def shutdown(self) -> None:
        """Finish what is running and stop taking work (results after this are dropped)."""
        if not self._running:
            return
        self._running = False
        self._delivered.disconnect(self._deliver)
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._jobs.clear()
        self._collector.release()


def _log_failure(error: Exception) -> None:
    log.error("background operation failed", exc_info=error)
