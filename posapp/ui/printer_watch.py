"""Watching the receipt printer (``DLE EOT``) every few seconds, on a thread of its own.

Not on the database worker: a printer that does not answer holds a poll for up to the terminal's
``printer_status_timeout_seconds`` (1.5 s), and the counter's database calls must not queue behind it.
Only changes are announced.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from posapp.devices.setup import PrinterSetup, TransportKind
from posapp.services.devices import poll_status
from posapp.ui.gui_gc import gui_thread_collector

PRINTER_POLL_MS = 3_000


class PrinterWatch(QObject):
    """Polls the configured printer while watching is on; ``changed`` carries a ``PrinterStatus`` or ``None``."""

    changed = Signal(object)
    _arrived = Signal(object, object)

    def __init__(self, interval_ms: int = PRINTER_POLL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="posapp-printer-status")
        self._collector = gui_thread_collector()
        self._collector.acquire()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self._arrived.connect(self._show)
        self.setup: PrinterSetup | None = None
        self.timeout = 0.0
        self.status: object = None
        self._in_flight = False
        self._running = True

    def apply(self, setup: PrinterSetup | None, *, timeout: float) -> None:
        """Watch ``setup``'s printer when the store asked for it, each poll waiting up to ``timeout``
        seconds; otherwise stop and clear."""
        watching = (
            setup is not None and setup.watch_status and setup.transport_spec().kind is not TransportKind.NONE
        )
        self.setup = setup if watching else None
        self.timeout = timeout
        if self.setup is None:
            self.timer.stop()
            self._show(None, None)
            return
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        """Ask once (skipped while the last question is unanswered)."""
        setup = self.setup
        if setup is None or self._in_flight or not self._running:
            return
        self._in_flight = True
        timeout = self.timeout
        self._executor.submit(lambda: self._arrived.emit(setup, poll_status(setup, timeout=timeout)))

    def _show(self, setup: object, status: object) -> None:
        self._in_flight = False
        if setup is not None and setup is not self.setup:
            return  # an answer about a printer no longer configured
        if status != self.status:
            self.status = status
            self.changed.emit(status)

    def shutdown(self) -> None:
        """Stop polling and let a poll in progress finish."""
        if not self._running:
            return
        self._running = False
        self.timer.stop()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._collector.release()
