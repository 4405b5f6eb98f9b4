"""Resume (呼出): pick a suspended cart."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QVBoxLayout, QWidget

from posapp.services import Terminal
from posapp.services.sale import SaleSession
from posapp.services.suspended import SuspendedSaleInfo
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.formatting import local_time
from posapp.ui.i18n import tr
from posapp.ui.widgets import touch_button
from posapp.ui.worker import DbWorker


class ResumeDialog(PosDialog):
    """Emits ``resumed(SaleSession)`` with the cart taken back."""

    resumed = Signal(object)

    def __init__(self, terminal: Terminal, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("保留呼出"), parent)
        self.terminal = terminal
        self.items: list[SuspendedSaleInfo] = []
        self.list = QListWidget()
        # Enter (``keyPressEvent``) or a double tap resumes the chosen cart, once (``resuming``).
        self.list.itemDoubleClicked.connect(lambda _i: self.resume())
        self.resuming = False
        ok = touch_button(tr("呼出"), name="primary", focus=True)
        ok.setDefault(True)
        ok.clicked.connect(self.resume)
        close = touch_button(tr("閉じる"), focus=True)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(520, 380)
        self.run(terminal.suspended_sales, self._show)

    def _show(self, items: list[SuspendedSaleInfo]) -> None:
        self.items = items
        zone = self.terminal.settings.timezone
        for info in items:
            label = info.label or tr("保留")
            self.list.addItem(f"{local_time(info.at, zone)}  {label}  {info.item_count}" + tr("点"))
        if items:
            self.list.setCurrentRow(0)
        else:
            self.show_error(tr("保留中の取引はありません。"))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on the list resumes the chosen cart (and never also presses 閉じる)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() is self.list:
            self.resume()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Closing waits while a cart is being taken back: it is already off the list, so it must arrive."""
        if not self.resuming:
            super().reject()

    def resume(self) -> None:
        """Take the chosen cart back."""
        row = self.list.currentRow()
        if 0 <= row < len(self.items) and not self.resuming:
            self.resuming = True
            suspended_id = self.items[row].id
            self.clear_error()
            self.worker.run(
                lambda: self.terminal.resume_sale(suspended_id),
                success=self.guarded(self._resumed),
                failure=self.guarded(self._failed),
            )

    def _failed(self, error: Exception) -> None:
        self.resuming = False
        self.show_error(error)

    def _resumed(self, sale: SaleSession) -> None:
        self.resumed.emit(sale)
        self.accept()
