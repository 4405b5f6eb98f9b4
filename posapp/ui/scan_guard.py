"""A scanner burst aimed at a dialog that takes no scans is taken back out of the field and refused.

A scanner types like a very fast keyboard: while, say, the pay or approval dialog is open, a scan
would land in its amount or PIN field. The guard watches key presses into the dialog's line edits;
when Enter ends a fast run of digits as long as a barcode, the run is removed from the field, the
Enter is swallowed, and ``refused`` is emitted (the dialog says so, with a sound).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from posapp.ui.scan_input import BURST_GAP_SECONDS, MIN_BURST_LENGTH


class ScanGuard(QObject):
    """Installed on the application while ``dialog`` is open (``SalePage.open_dialog``)."""

    refused = Signal(str)

    def __init__(self, dialog: QWidget, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.clock = clock
        self._field: QLineEdit | None = None
        self._before = ""
        self._run = ""
        self._last_key_at = 0.0

    def _reset(self) -> None:
        self._field, self._before, self._run = None, "", ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Track digit runs into the dialog's fields; swallow the Enter that ends a scan."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QLineEdit):
            return False
        if not self.dialog.isAncestorOf(watched):
            return False
        assert isinstance(event, QKeyEvent)
        now = self.clock()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            fast = now - self._last_key_at <= BURST_GAP_SECONDS
            if fast and watched is self._field and len(self._run) >= MIN_BURST_LENGTH:
                code = self._run
                watched.setText(self._before)
                self._reset()
                self.refused.emit(code)
                return True
            self._reset()
            return False
        text = event.text()
        if text.isdigit() and len(text) == 1:
            if watched is not self._field or now - self._last_key_at > BURST_GAP_SECONDS:
                self._field, self._before, self._run = watched, watched.text(), ""
            self._run += text
            self._last_key_at = now
        elif text:
            self._reset()
        return False
