"""The one way to run a Terminal API call off the GUI thread: two lanes, one thread each; and the one
bridge from the core's status events to a Qt signal (``StatusEvents``).

``Lane.DB``: SQLite work, serialised on one thread (SQLite allows one writer; one queue keeps calls
in order): completing a sale, suspending, the status, searches, reports.
``Lane.IO``: the network and the printer, on another thread: a live look-up on a black-holed server
(3 × 3 s) or a dead printer (5 s) waits there and never in front of the next ``complete()``.

The ``op`` never touches a widget: it returns a value or raises, and the result is delivered on
the GUI thread by a queued signal to ``success`` or ``failure``. A job without a ``failure`` of its
own is not only logged: ``failed`` carries the error to the window, which tells the cashier.

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
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from posapp.ui.gui_gc import gui_thread_collector

if TYPE_CHECKING:
    from posapp.services import Terminal

log = logging.getLogger(__name__)
T = TypeVar("T")


class Lane(StrEnum):
    """Which background thread runs a job."""

    DB = "db"
    """The terminal's SQLite file: in order, never waiting on anything outside this PC."""
    IO = "io"
    """The server and the printer: may block for seconds."""


@dataclass
class _Job:
    op: Callable[[], Any]
    success: Callable[[Any], None]
    failure: Callable[[Exception], None] | None
    lane: Lane
    outcome: tuple[bool, Any] | None = None


class DbWorker(QObject):
    """Runs ops one at a time per lane on background threads; results come back on the GUI thread."""

    _delivered = Signal(object)
    failed = Signal(object)
    """An op without a ``failure`` handler raised (the exception): the window shows it to the cashier."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executors = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"posapp-{lane.value}")
            for lane in Lane
        }
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
        """True when no op is queued or running on either lane (tests wait for this)."""
        return not self._jobs

    def lane_idle(self, lane: Lane) -> bool:
        """True when nothing is queued or running on ``lane``."""
        return not any(job.lane is lane for job in self._jobs.values())

    def run(
        self,
        op: Callable[[], T],
        *,
        success: Callable[[T], None],
        failure: Callable[[Exception], None] | None = None,
        lane: Lane = Lane.DB,
    ) -> None:
        """Queue ``op`` on ``lane``; call ``success(result)`` or ``failure(error)`` later on the GUI thread.

        Without ``failure`` an error is logged and emitted on ``failed``.
        """
        if not self._running:
            return
        ticket = next(self._tickets)
        self._jobs[ticket] = _Job(op, success, failure, lane)
        self._executors[lane].submit(self._work, ticket)

    def _work(self, ticket: int) -> None:
        """On the worker thread: run the op, park its outcome on the job, wake the GUI thread."""
        job = self._jobs[ticket]
        try:
            job.outcome = (True, job.op())
        except Exception as error:  # noqa: BLE001 - every failure goes back to the caller by signal
            job.outcome = (False, error)
        del job  # before the signal: the GUI thread must hold the last reference
        self._delivered.emit(ticket)

    def _deliver(self, ticket: int) -> None:
        job = self._jobs.pop(ticket, None)
        if job is None or job.outcome is None:
            return
        ok, value = job.outcome
        if ok:
            job.success(value)
        elif job.failure is not None:
            job.failure(value)
        else:
            log.error("background operation failed", exc_info=value)
            self.failed.emit(value)

    def shutdown(self) -> None:
        """Finish what is running and stop taking work (results after this are dropped)."""
        if not self._running:
            return
        self._running = False
        self._delivered.disconnect(self._deliver)
        for executor in self._executors.values():
            # Waiting for the IO lane would hold the window open for a dead printer's timeout.
            executor.shutdown(wait=executor is self._executors[Lane.DB], cancel_futures=True)
        self._jobs.clear()
        self._collector.release()


class StatusEvents(QObject):
    """The core's status events on the GUI thread: the Terminal publishes each new status on the thread
    that changed it (the DB lane after a sale, the sync agent after a round); ``changed`` re-emits it,
    queued to the GUI thread by Qt, for the header."""

    changed = Signal(object)
    """The new ``TerminalStatus``."""

    def __init__(self, terminal: Terminal, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = terminal.on_status(self.changed.emit)

    def close(self) -> None:
        """Stop listening (the window is closing)."""
        self._unsubscribe()
