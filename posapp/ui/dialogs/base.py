"""What every dialog shares: a title, an error line with a sound, and worker calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QLineEdit, QWidget

from posapp.ui.messages import error_text
from posapp.ui.worker import DbWorker, Lane

T = TypeVar("T")


ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _acts_on_enter(widget: QWidget | None) -> bool:
    """A field that does its own thing on Enter (moves on, submits): the dialog must not act too."""
    return isinstance(widget, QLineEdit) and widget.receivers("2returnPressed()") > 0


class PosDialog(QDialog):
    """A dialog whose slow work runs on the DB worker; errors show inside it.

    Keyboard alone: Enter in a field that handles Enter does only that (Qt would also press the
    dialog's default button: in the approval dialog that was キャンセル, closing it under the
    cashier's fingers); Enter on a focused button presses that button; elsewhere Enter is Qt's
    (the default button); Esc cancels; Tab moves.
    Callbacks of worker jobs that finish after the dialog closed are dropped, not run on a deleted
    widget.
    """

    def __init__(self, worker: DbWorker, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(title)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter presses the focused button; a field's own Enter is left to the field."""
        if event.key() in ENTER_KEYS:
            focused = self.focusWidget()
            if isinstance(focused, QAbstractButton) and focused.isEnabled():
                focused.click()
                return
            if _acts_on_enter(focused):
                return
        super().keyPressEvent(event)

    def guarded(self, callback: Callable[[T], None]) -> Callable[[T], None]:
        """``callback`` that does nothing once the dialog is gone."""

        def call(value: T) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call

    def show_error(self, error: BaseException | str) -> None:
        """Show what went wrong, with a sound."""
        self.error.setText("⚠ " + (error if isinstance(error, str) else error_text(error)))
        self.error.show()
        QApplication.beep()

    def clear_error(self) -> None:
        """Hide the error line."""
        self.error.hide()

    def run(self, op: Callable[[], T], success: Callable[[T], None], *, lane: Lane = Lane.DB) -> None:
        """Run ``op`` on the worker (``Lane.IO`` for the server or the printer); a failure shows here."""
        self.clear_error()
        self.worker.run(op, success=self.guarded(success), failure=self.guarded(self.show_error), lane=lane)
