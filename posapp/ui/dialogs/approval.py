"""The manager approval dialog (code + PIN), reused for discounts, returns, the manager menu."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from posapp.services import Approval, Terminal
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.i18n import tr
from posapp.ui.widgets import Keypad, touch_button
from posapp.ui.worker import DbWorker


class ApprovalDialog(PosDialog):
    """Emits ``approved(Approval)`` once a manager's code and PIN are accepted."""

    approved = Signal(object)

    def __init__(
        self, terminal: Terminal, worker: DbWorker, action: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(worker, tr("責任者承認"), parent)
        self.terminal = terminal
        self.action = action
        self._checking = False
        intro = QLabel(tr("責任者のコードと暗証番号を入力してください。"))
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("managerCode")
        self.pin = QLineEdit()
        self.pin.setObjectName("managerPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        form = QFormLayout()
        form.addRow(tr("責任者コード"), self.code)
        form.addRow(tr("暗証番号"), self.pin)
        self.keypad = Keypad(self.pin, with_enter=False)
        self.ok = touch_button(tr("承認"), name="primary", focus=True)
        self.ok.clicked.connect(self.submit)
        cancel = touch_button(tr("キャンセル"), focus=True)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.keypad)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.code.setFocus()

    def submit(self) -> None:
        """Check the code and PIN on the worker (the PIN hash is deliberately slow); once at a time."""
        if self._checking:
            return
        self._checking = True
        code, pin, action, terminal = self.code.text(), self.pin.text(), self.action, self.terminal
        self.ok.setEnabled(False)
        self.clear_error()
        self.worker.run(
            lambda: terminal.approve(code=code, pin=pin, action=action),
            success=self.guarded(self._accepted),
            failure=self.guarded(self._refused),
        )

    def _accepted(self, approval: Approval) -> None:
        # Closed first: what the approval opens (the manager screen) must not sit under this dialog.
        self.accept()
        self.approved.emit(approval)

    def _refused(self, error: Exception) -> None:
        self._checking = False
        self.ok.setEnabled(True)
        self.pin.setFocus()
        self.pin.clear()
        self.show_error(error)
