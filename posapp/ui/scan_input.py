"""The sale screen's input line: tells a scanner burst from a person typing."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

BURST_GAP_SECONDS = 0.030
"""A scanner sends keys a few ms apart; a person types 80 ms or more apart."""
MIN_BURST_LENGTH = 8
"""The shortest code a scanner reads (EAN-8)."""


class ScanLineEdit(QLineEdit):
    """Emits ``scanned`` for a fast burst of digits + Enter, ``submitted`` for typed text + Enter.

    When a person has typed something (a quantity) and then scans, only the burst is the scan; what
    was typed stays in the line.
    """

    scanned = Signal(str)
    submitted = Signal(str)
    navigate = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._last_key_at = 0.0
        self._burst_start = 0
        self.clock = time.monotonic

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Track the timing of each key; route Enter."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.navigate.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        now = self.clock()
        if event.text() and now - self._last_key_at > BURST_GAP_SECONDS:
            self._burst_start = self.cursorPosition()  # a slow key starts a new run
        if event.text():
            self._last_key_at = now
        super().keyPressEvent(event)

    def _finish(self) -> None:
        text = self.text()
        fast = self.clock() - self._last_key_at <= BURST_GAP_SECONDS
        burst = text[self._burst_start :].strip()
        if fast and len(burst) >= MIN_BURST_LENGTH and burst.isdigit():
            self.setText(text[: self._burst_start])
            self._burst_start = len(self.text())
            self.scanned.emit(burst)
            return
        self._burst_start = 0
        self.submitted.emit(text.strip())
