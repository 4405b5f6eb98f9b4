"""What every dialog shares: a title, an error line with a sound, and worker calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget

from posapp.ui.messages import error_text
from posapp.ui.worker import DbWorker, Lane

T = TypeVar("T")


class PosDialog(QDialog):
    """A dialog whose slow work runs on the DB worker; errors show inside it."""

    def __init__(self, worker: DbWorker, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(title)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.hide()

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
        self.worker.run(op, success=success, failure=self.show_error, lane=lane)
