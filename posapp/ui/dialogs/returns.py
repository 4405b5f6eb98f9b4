"""Returns: scan or type the receipt number, choose what comes back, a manager approves, refund."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posapp.devices.plain import receipt_text
from posapp.domain.tender import TenderKind
from posapp.services import Approval, Terminal
from posapp.services.aftersale import ReturnableLine
from posapp.services.receipts import CompletedSale
from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.dialogs.pay import PAY_KINDS
from posapp.ui.formatting import tender_text, yen
from posapp.ui.i18n import tr
from posapp.ui.widgets import touch_button
from posapp.ui.worker import DbWorker


class ReturnsDialog(PosDialog):
    """One return against one receipt; shows the return receipt when done."""

    def __init__(
        self, terminal: Terminal, worker: DbWorker, receipt_no: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(worker, tr("返品"), parent)
        self.terminal = terminal
        self.lines: list[ReturnableLine] = []
        self.refund_result: CompletedSale | None = None
        self.receipt_no = QLineEdit(receipt_no)
        self.receipt_no.setObjectName("returnReceiptNo")
        self.receipt_no.setPlaceholderText(tr("レシートのバーコードをスキャン、または番号を入力"))
        self.receipt_no.returnPressed.connect(self.look_up)
        find = touch_button(tr("呼出"), focus=True)
        find.clicked.connect(self.look_up)
        top = QHBoxLayout()
        top.addWidget(self.receipt_no, 1)
        top.addWidget(find)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("returnLines")
        self.table.setHorizontalHeaderLabels([tr("商品名"), tr("購入数"), tr("支払額"), tr("返品数")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(48)
        self.table.horizontalHeader().setMinimumSectionSize(120)
        self.refund_kind = QComboBox()
        for kind in PAY_KINDS:
            self.refund_kind.addItem(tender_text(kind), kind.value)
        self.refund_button = touch_button(tr("返品する(責任者承認)"), name="primary", focus=True)
        self.refund_button.clicked.connect(self.request_approval)
        self.refund_button.setEnabled(False)
        close = touch_button(tr("閉じる"), focus=True)
        close.clicked.connect(self.reject)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("receiptPreview")
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.refund_kind)
        bottom.addStretch(1)
        bottom.addWidget(close)
        bottom.addWidget(self.refund_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(820, 560)
        self.receipt_no.setFocus()
        if receipt_no:
            self.look_up()

    def look_up(self) -> None:
        """Load what can still be returned from the receipt."""
        number = self.receipt_no.text().strip()
        if number:
            self.run(lambda: self.terminal.returnable_lines(number), self._show)

    def _show(self, lines: list[ReturnableLine]) -> None:
        self.lines = lines
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            self.table.setItem(row, 0, QTableWidgetItem(line.name))
            for column, text in ((1, str(line.sold)), (2, yen(line.net_amount))):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            spin = QSpinBox()
            spin.setRange(0, line.returnable)
            spin.setEnabled(line.returnable > 0)
            spin.setMinimumSize(110, 40)
            self.table.setCellWidget(row, 3, spin)
        self.refund_button.setEnabled(bool(lines))

    def set_quantity(self, line_no: int, quantity: int) -> None:
        """Set how many of line ``line_no`` (1-based, as on the receipt) come back."""
        for row, line in enumerate(self.lines):
            if line.line_no == line_no:
                spin = self.table.cellWidget(row, 3)
                assert isinstance(spin, QSpinBox)
                spin.setValue(quantity)

    def quantities(self) -> dict[int, int]:
        """{line number: quantity} chosen."""
        chosen = {}
        for row, line in enumerate(self.lines):
            spin = self.table.cellWidget(row, 3)
            if isinstance(spin, QSpinBox) and spin.value():
                chosen[line.line_no] = spin.value()
        return chosen

    def request_approval(self) -> None:
        """A return needs a manager's code and PIN."""
        if not self.quantities():
            self.show_error(tr("返品する数量を選んでください。"))
            return
        self.approval_dialog = ApprovalDialog(self.terminal, self.worker, "return", self)
        self.approval_dialog.approved.connect(self.refund)
        self.approval_dialog.open()

    def refund(self, approval: Approval) -> None:
        """Record the return on the worker and show its receipt."""
        number, quantities = self.receipt_no.text().strip(), self.quantities()
        kind = str(self.refund_kind.currentData() or TenderKind.CASH.value)
        self.run(
            lambda: self.terminal.return_items(
                receipt_no=number, quantities=quantities, refund_kind=kind, approval=approval
            ),
            self._done,
        )

    def _done(self, result: CompletedSale) -> None:
        self.refund_result = result
        self.table.hide()
        self.preview.setPlainText(
            tr("返金額")
            + f" {yen(result.total)}\n\n"
            + receipt_text(result.receipt, language=self.terminal.settings.language)
        )
        self.preview.show()
        self.refund_button.setEnabled(False)
