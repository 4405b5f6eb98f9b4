"""Python's cyclic garbage collector, pinned to the GUI thread.

CPython runs a collection in whichever thread crosses the allocation threshold. In the POS that is
often the DB worker, the sync agent or the checkpoint thread, and a collection there can free a
dialog caught in a reference cycle, which destroys a QWidget off the GUI thread and crashes the
process (seen in CI: a segfault inside ``gc`` on ``posapp-db`` while a returns dialog was closing).
So while a window is open, automatic collection is off and a GUI-thread timer collects instead,
with the same generational thresholds CPython would use (the pattern pyqtgraph and calibre use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_EVERY_MS = 100


class GuiThreadCollector(QObject):
    """Collects whichever generations are over their threshold, on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._users = 0
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.collect_due)

    def acquire(self) -> None:
        """One more window needs the pin (automatic collection goes off with the first)."""
        self._users += 1
        if self._users == 1:
            self._was_enabled = gc.isenabled()
            gc.disable()
            self._timer.start()

    def release(self) -> None:
        """A window closed; the last one gives collection back to CPython, after one final pass here."""
        self._users = max(0, self._users - 1)
        if self._users == 0:
            self._timer.stop()
            gc.collect()
            if self._was_enabled:
                gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count is over its threshold; returns objects freed."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                return gc.collect(generation)
        return 0


_collector: GuiThreadCollector | None = None


def gui_thread_collector() -> GuiThreadCollector:
    """The application's one collector (it lives as long as the QApplication)."""
    global _collector
    app = QCoreApplication.instance()
    if _collector is None or _collector.parent() is not app:
        _collector = GuiThreadCollector(app)
    return _collector
