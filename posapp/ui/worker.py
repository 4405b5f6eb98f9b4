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

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


class DbWorker(QObject):
    """Runs ops one at a time on a background thread; results come back on the GUI thread."""

    _delivered = Signal(object, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posapp-db")
        self._pending = 0
        # Emitted from the worker thread; the receiver lives on the GUI thread, so Qt queues it.
        self._delivered.connect(self._deliver)

    @property
    def idle(self) -> bool:
        """True when no op is queued or running (tests wait for this)."""
        return self._pending == 0

    def run(
        self,
        op: Callable[[], T],
        *,
        success: Callable[[T], None],
        failure: Callable[[Exception], None] | None = None,
    ) -> None:
        """Queue ``op``; call ``success(result)`` or ``failure(error)`` later on the GUI thread."""
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def job() -> None:
            try:
                result: Any = op()
            except Exception as error:
                self._delivered.emit(failure or _log_failure, error)
            else:
                self._delivered.emit(success, result)

        self._executor.submit(job)

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        self._pending -= 1
        try:
            callback(value)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def shutdown(self) -> None:
        """Finish what is running and stop taking work (results after this are dropped)."""
        self._delivered.disconnect(self._deliver)
        self._executor.shutdown(wait=True, cancel_futures=True)


def _log_failure(error: Exception) -> None:
    log.error("background operation failed", exc_info=error)
