"""Pay: keypad, quick cash buttons, split tenders, points, and the change in the largest type."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from posapp.domain.tender import TenderKind
from posapp.services.receipts import CompletedSale
from posapp.services.sale import SaleSession
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.formatting import parse_amount, points, tender_text, yen
from posapp.ui.i18n import tr
from posapp.ui.widgets import Keypad, caption, touch_button
from posapp.ui.worker import DbWorker

PAY_KINDS = (TenderKind.CASH, TenderKind.CARD, TenderKind.EMONEY, TenderKind.QR, TenderKind.VOUCHER)
"""The buttons of the pay dialog, in this order; points are used through their own field."""
QUICK_CASH = (1_000, 5_000, 10_000)


class PayDialog(PosDialog):
    """Collects tenders for the sale; Enter adds what is typed and completes once paid in full."""

    completed = Signal(object)

    def __init__(self, sale: SaleSession, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("会計"), parent)
        self.sale = sale
        self.completing = False
        # Built left column first, then right: the tab order follows.
        grid = QGridLayout(self)
        grid.addLayout(self._build_left(), 0, 0)
        grid.addLayout(self._build_right(), 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.resize(980, 640)
        self.refresh()
        self.amount.setFocus()

    # ---- building the screen -----------------------------------------------------------------------

    def _build_left(self) -> QVBoxLayout:
        """What is due, points, the tender kinds, the amount with its quick amounts and keypad."""
        self.due_caption = caption(tr("お支払い"))
        self.due = QLabel()
        self.due.setObjectName("payDue")
        left = QVBoxLayout()
        left.addWidget(self.due_caption)
        left.addWidget(self.due)
        left.addLayout(self._build_points_row())
        left.addLayout(self._build_kinds_row())
        self.amount = QLineEdit()
        self.amount.setObjectName("payAmount")
        self.amount.setPlaceholderText(tr("お預り金額"))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.textChanged.connect(lambda _t: self.refresh())
        self.amount.returnPressed.connect(self.enter)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(tr("承認番号(カード番号は入力しない)"))
        left.addWidget(self.amount)
        left.addWidget(self.reference)
        left.addLayout(self._build_quick_row())
        self.keypad = Keypad(self.amount)
        self.keypad.enter_button.setText(tr("確定 (Enter)"))
        self.keypad.entered.connect(self.enter)
        left.addWidget(self.keypad)
        return left

    def _build_points_row(self) -> QHBoxLayout:
        self.points_info = QLabel()
        self.points_input = QLineEdit()
        self.points_input.setObjectName("pointsInput")
        self.points_input.setPlaceholderText(tr("使用ポイント"))
        self.points_input.returnPressed.connect(self.apply_points)
        use_points = touch_button(tr("ポイント使用"), focus=True)
        use_points.clicked.connect(self.apply_points)
        points_row = QHBoxLayout()
        points_row.addWidget(self.points_info, 1)
        points_row.addWidget(self.points_input)
        points_row.addWidget(use_points)
        return points_row

    def _build_kinds_row(self) -> QHBoxLayout:
        self.kinds = QButtonGroup(self)
        self.kinds.setExclusive(True)
        kinds_row = QHBoxLayout()
        self.kind_buttons: dict[TenderKind, QWidget] = {}
        for kind in PAY_KINDS:
            button = touch_button(tender_text(kind), name="tenderKind")
            button.setCheckable(True)
            self.kinds.addButton(button)
            self.kind_buttons[kind] = button
            button.setProperty("tender", kind.value)
            kinds_row.addWidget(button)
        self.kind_buttons[TenderKind.CASH].setChecked(True)  # type: ignore[attr-defined]
        return kinds_row

    def _build_quick_row(self) -> QHBoxLayout:
        """Exact, and the usual notes."""
        quick_row = QHBoxLayout()
        exact = touch_button(tr("ちょうど"), name="quick")
        exact.clicked.connect(self.exact)
        quick_row.addWidget(exact)
        for value in QUICK_CASH:
            button = touch_button(yen(value), name="quick")
            button.clicked.connect(lambda _c=False, v=value: self._set_amount(v))
            quick_row.addWidget(button)
        return quick_row

    def _build_right(self) -> QVBoxLayout:
        """The tenders taken so far, what remains, the change, and complete / back."""
        self.tenders = QListWidget()
        self.tenders.setObjectName("tenderList")
        self.tenders.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        remove = touch_button(tr("支払取消"))
        remove.clicked.connect(self.remove_tender)
        self.remaining = QLabel()
        self.remaining.setObjectName("payRemaining")
        self.change_caption = caption(tr("お釣り"))
        self.change = QLabel()
        self.change.setObjectName("change")
        self.change.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        cancel = touch_button(tr("戻る (Esc)"))
        cancel.clicked.connect(self.reject)
        self.complete_button = touch_button(tr("会計完了"), name="pay")
        self.complete_button.clicked.connect(self.complete)
        right = QVBoxLayout()
        right.addWidget(caption(tr("お預り")))
        right.addWidget(self.tenders, 1)
        right.addWidget(remove)
        right.addWidget(self.remaining)
        right.addWidget(self.change_caption)
        right.addWidget(self.change)
        right.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.complete_button, 1)
        right.addLayout(buttons)
        return right

    # ---- reading the screen ---------------------------------------------------------------------

    @property
    def kind(self) -> TenderKind:
        """The tender kind chosen."""
        for kind, button in self.kind_buttons.items():
            if button.isChecked():  # type: ignore[attr-defined]
                return kind
        return TenderKind.CASH

    def select_kind(self, kind: TenderKind) -> None:
        """Choose the tender kind (what the kind buttons do)."""
        self.kind_buttons[kind].setChecked(True)  # type: ignore[attr-defined]
        self.amount.setFocus()

    def _set_amount(self, value: int) -> None:
        self.amount.setText(str(value))
        self.amount.setFocus()

    def refresh(self) -> None:
        """Due, tenders, remaining and change as they are now (with what is being typed)."""
        sale = self.sale
        settlement = sale.settlement
        self.due.setText(yen(settlement.due))
        customer = sale.customer
        self.points_info.setVisible(customer is not None)
        self.points_input.setVisible(customer is not None)
        if customer is not None:
            self.points_info.setText(
                f"{customer.name}  "
                + tr("利用可能")
                + f" {points(customer.available_points)}  "
                + tr("使用")
                + f" {points(sale.cart.points_used)}"
            )
        self.tenders.clear()
        for tender in settlement.tenders:
            self.tenders.addItem(f"{tender_text(tender.kind)}  {yen(tender.amount)}")
        typed = parse_amount(self.amount.text()) or 0
        tendered = settlement.tendered + typed
        self.remaining.setText(tr("残り") + f" {yen(max(settlement.due - tendered, 0))}")
        self.change.setText(yen(max(tendered - settlement.due, 0)))

    # ---- actions --------------------------------------------------------------------------------

    def exact(self) -> None:
        """ちょうど: the amount still due."""
        self._set_amount(self.sale.settlement.remaining)

    def apply_points(self) -> None:
        """Use the typed number of the member's points (on the worker: online, the server holds them)."""
        value = parse_amount(self.points_input.text())
        if value is None:
            return
        sale = self.sale
        # A refusal leaves the sale unchanged (``use_points`` checks before it changes anything).
        self.run(lambda: sale.use_points(value), self._points_applied)

    def _points_applied(self, _result: object) -> None:
        self.points_input.clear()
        self.refresh()
        self.amount.setFocus()
        if self.sale.settlement.due == 0 and not self.sale.tenders:
            self.complete()  # the points paid it all: there is no tender to ask for

    def add_tender(self) -> bool:
        """Add what is typed as a tender of the chosen kind."""
        value = parse_amount(self.amount.text())
        if value is None:
            return True
        try:
            self.sale.add_tender(self.kind, value, reference=self.reference.text().strip() or None)
        except Exception as error:  # noqa: BLE001 - any refusal of a service call is shown, never lost
            self.show_error(error)
            return False
        self.clear_error()
        self.amount.clear()
        self.reference.clear()
        self.refresh()
        return True

    def remove_tender(self) -> None:
        """Take back the chosen (or last) tender."""
        row = self.tenders.currentRow()
        count = len(self.sale.tenders)
        if count:
            self.sale.remove_tender(row if 0 <= row < count else count - 1)
            self.refresh()

    def enter(self) -> None:
        """Enter: add what is typed; complete when paid; with nothing typed, pay the rest and complete."""
        if self.completing:
            return
        if not self.amount.text().strip() and self.sale.settlement.remaining:
            self.exact()
        if self.add_tender() and self.sale.settlement.paid_in_full:
            self.complete()

    def complete(self) -> None:
        """Store the sale on the worker (one durable transaction)."""
        if self.completing or not self.add_tender():
            return
        self.completing = True
        self.complete_button.setEnabled(False)
        sale = self.sale
        self.worker.run(sale.complete, success=self._completed, failure=self._failed)

    def _completed(self, done: CompletedSale) -> None:
        self.completed.emit(done)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.completing = False
        self.complete_button.setEnabled(True)
        self.show_error(error)
