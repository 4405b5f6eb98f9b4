"""The sale screen's dialogs: opened window-modal over the sale, each feeding its result back to it.

A mixin of :class:`posapp.ui.sale_view.SalePage`, which owns the widgets and the sale these act on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog, QWidget

from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.dialogs.contact import ContactDialog
from posapp.ui.dialogs.customer import CustomerDialog
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.dialogs.pickups import PickupsDialog
from posapp.ui.dialogs.resume import ResumeDialog
from posapp.ui.dialogs.returns import ReturnsDialog
from posapp.ui.dialogs.search import SearchDialog
from posapp.ui.formatting import yen
from posapp.ui.i18n import tr
from posapp.ui.scan_guard import ScanGuard

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QStackedWidget, QTableView

    from posapp.services import Approval, Terminal, omni
    from posapp.services.receipts import CompletedSale
    from posapp.services.sale import SaleSession
    from posapp.ui.customer_panel import CustomerPanel
    from posapp.ui.scan_input import ScanLineEdit
    from posapp.ui.widgets import Banner
    from posapp.ui.worker import DbWorker

SCANNING_DIALOGS = (CustomerDialog, PickupsDialog, ReturnsDialog, SearchDialog)
"""Dialogs whose fields take a scan (a member card, an order, a receipt, a product code)."""


if TYPE_CHECKING:
    _Widget = QWidget  # the dialogs' parent is the page; at run time the page brings QWidget itself
else:
    _Widget = object


class SaleDialogs(_Widget):
    """Search, member, contact, resume, returns, pay, approval and manager dialogs over the sale screen."""

    if TYPE_CHECKING:  # provided by SalePage
        terminal: Terminal
        worker: DbWorker
        sale: SaleSession | None
        active_dialog: QDialog | None
        banner: Banner
        input: ScanLineEdit
        table: QTableView
        side: QStackedWidget
        customer_panel: CustomerPanel
        last_sale: CompletedSale | None
        sign_out_requested: SignalInstance
        language_requested: SignalInstance
        devices_changed: SignalInstance

        def show_error(self, error: BaseException) -> None: ...

        def refresh(self, select_row: int | None = None) -> None: ...
        def _leave_after_sale(self) -> None: ...
        def _attempt(self, change: Callable[[], object], select_row: int | None = None) -> bool: ...
        def _reload_contacts(self) -> None: ...
        def sale_completed(self, done: CompletedSale) -> None: ...

    def open_dialog(self, dialog: QDialog) -> None:
        """Show ``dialog`` window-modal; when it closes the scan line has focus again.

        A dialog that takes no scans refuses one, with a sound, instead of typing it into a field.
        """
        self.active_dialog = dialog
        if not isinstance(dialog, SCANNING_DIALOGS):
            guard = ScanGuard(dialog)
            guard.refused.connect(lambda _code: self._scan_refused(dialog))
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(guard)
                dialog.finished.connect(lambda _result: app.removeEventFilter(guard))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def _scan_refused(self, dialog: QDialog) -> None:
        message = tr("この画面ではスキャンできません。閉じてからスキャンしてください。")
        if isinstance(dialog, PosDialog):
            dialog.show_error(message)
        else:
            QApplication.beep()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        dialog.deleteLater()
        if self.active_dialog is None:
            self.input.setFocus()

    def with_approval(self, action: str, then: Callable[[Approval], object]) -> None:
        """Ask for a manager's code and PIN, then run ``then(approval)``."""
        dialog = ApprovalDialog(self.terminal, self.worker, action, self)
        dialog.approved.connect(then)
        self.open_dialog(dialog)

    def open_search(self, query: str = "") -> None:
        """F1: find a product by name, kana or code."""
        dialog = SearchDialog(self.terminal, self.worker, query if isinstance(query, str) else "", self)
        dialog.chosen.connect(self._add_chosen)
        self.open_dialog(dialog)

    def _add_chosen(self, sku: str) -> None:
        self._leave_after_sale()
        if self.sale is not None:
            sale = self.sale
            index: list[int] = []
            self._attempt(lambda: index.append(sale.add_product(sku)))
            if index:
                self.table.selectRow(index[0])

    def open_customer(self) -> None:
        """F2: find, view or register a member and attach them."""
        dialog = CustomerDialog(self.terminal, self.worker, self)
        dialog.attach.connect(self._attach_customer)
        self.open_dialog(dialog)

    def _attach_customer(self, member_no: str) -> None:
        if self.sale is not None:
            sale = self.sale
            self._leave_after_sale()
            self._attempt(lambda: sale.attach_customer(member_no))

    def open_contact(self) -> None:
        """Shift+F2 (or the panel's button): record a complaint or inquiry of the member on the sale."""
        customer = self.sale.customer if self.sale else None
        if customer is None:
            self.banner.show_info(tr("先に会員を選んでください(F2)。"))
            return
        if self.active_dialog is not None:
            return
        dialog = ContactDialog(self.terminal, self.worker, customer.member_no, customer.name, self)
        dialog.recorded.connect(self._reload_contacts)
        self.open_dialog(dialog)

    def open_resume(self) -> None:
        """F6: take back a suspended cart."""
        if self.sale is not None and self.sale.cart.lines:
            self.banner.show_info(tr("会計中の取引があります。保留してから呼び出してください。"))
            return
        dialog = ResumeDialog(self.terminal, self.worker, self)
        dialog.resumed.connect(self._start_new_sale_with)
        self.open_dialog(dialog)

    def open_returns(self, receipt_no: str = "") -> None:
        """F7: a return against a receipt, with a manager's approval."""
        dialog = ReturnsDialog(
            self.terminal, self.worker, receipt_no if isinstance(receipt_no, str) else "", self
        )
        self.open_dialog(dialog)

    def open_pay(self) -> None:
        """F10: take payment."""
        if self.sale is None or not self.sale.cart.lines:
            self.banner.show_info(tr("商品がありません。先に商品をスキャンしてください。"))
            return
        dialog = PayDialog(self.sale, self.worker, self)
        dialog.completed.connect(self.sale_completed)
        self.open_dialog(dialog)

    def _coupon_applied(self, applied: omni.AppliedCoupon) -> None:
        self.input.clear()
        self.banner.show_info(tr("クーポンを適用しました") + f": {applied.code} -{yen(applied.discount)}")
        self.refresh()

    def _start_new_sale_with(self, sale: SaleSession) -> None:
        self.sale = sale
        self.last_sale = None
        self.side.setCurrentWidget(self.customer_panel)
        self.refresh()
        if sale.notice is not None:  # e.g. its coupon was used elsewhere meanwhile and was taken off
            self.show_error(sale.notice)

    def open_manager(self) -> None:
        """F12: reports, closing, cash and settings, after a manager's approval."""

        def show(approval: Approval) -> None:
            # Imported here: the manager's charts (matplotlib) would add half a second to every start.
            from posapp.ui.dialogs.manager import ManagerDialog

            dialog = ManagerDialog(self.terminal, self.worker, approval, self)
            dialog.sign_out.connect(self.sign_out_requested.emit)
            dialog.language_changed.connect(self.language_requested.emit)
            dialog.devices_changed.connect(self.devices_changed.emit)
            self.open_dialog(dialog)

        self.with_approval("manager_menu", show)
