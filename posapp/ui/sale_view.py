"""The sale screen: scan line, cart, totals, customer panel and function keys (keys: ``sale_keys``, dialogs: ``sale_dialogs``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from posapp.devices.display import CounterView, Phase
from posapp.devices.plain import receipt_text
from posapp.services import Terminal
from posapp.services.contacts import MemberContacts
from posapp.services.history import CustomerHistory
from posapp.services.interests import OnlineInterests, online_interests
from posapp.services.printing import print_receipt
from posapp.services.receipts import CompletedSale
from posapp.services.sale import SaleSession
from posapp.ui.cart_model import CartTableModel
from posapp.ui.customer_panel import CustomerPanel, PanelPurchase, panel_purchases
from posapp.ui.dialogs.pickups import PickupsDialog
from posapp.ui.history_text import age_text
from posapp.ui.i18n import tr
from posapp.ui.messages import error_text, printer_text
from posapp.ui.sale_bars import FunctionKeyBar, TotalsBar
from posapp.ui.sale_dialogs import SaleDialogs
from posapp.ui.sale_keys import SaleKeys
from posapp.ui.scan_input import ScanLineEdit
from posapp.ui.status_header import StatusHeader
from posapp.ui.widgets import Banner, Retranslating, touch_button
from posapp.ui.worker import DbWorker, Lane

# Coupon QR codes from the web shop and the app carry this prefix: "CPN:SPRING-1234".
if TYPE_CHECKING:
    from posapp.devices.printer import PrintResult


EAT_IN_KEY = "Ctrl+E"


class SalePage(SaleKeys, SaleDialogs, Retranslating, QWidget):
    """The main screen. Cart edits run here (sub-millisecond, in key order); slow work goes to the worker."""

    sign_out_requested = Signal()
    language_requested = Signal(str)
    cart_changed = Signal(object)
    """A ``CounterView`` after every change of the sale: this screen draws from it, so does the
    customer display (connected after this screen's own slot, so the cashier's table updates first)."""
    devices_changed = Signal(object)
    """The manager saved the device setup (a ``DeviceSetup``)."""

    def __init__(self, terminal: Terminal, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.terminal = terminal
        self.worker = worker
        self._history_for: tuple[SaleSession, str] | None = None
        self._history_found: CustomerHistory | None = None
        self.sale: SaleSession | None = None
        self.active_dialog: QDialog | None = None
        self.last_sale: CompletedSale | None = None
        self.header = StatusHeader()
        self.banner = Banner()
        self._build_scan_line()
        self._build_cart_table()
        self._build_side()
        self.totals = TotalsBar()
        self._build_function_keys()
        self._build_eat_in()
        self._lay_out()
        self.cart_changed.connect(self._show_cart)
        self.retranslate()

    # ---- building the screen ----------------------------------------------------------------------

    def _build_scan_line(self) -> None:
        self.input = ScanLineEdit()
        self.input.setObjectName("scanInput")
        self.input.scanned.connect(self.handle_scan)
        self.input.submitted.connect(self.handle_typed)
        self.input.navigate.connect(self._move_selection)

    def _build_cart_table(self) -> None:
        self.model = CartTableModel()
        self.table = QTableView()
        self.table.setObjectName("cart")
        self.table.setModel(self.model)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._size_number_columns()

    def _build_side(self) -> None:
        """Beside the cart: the member's panel, or the last receipt after a sale."""
        self.customer_panel = CustomerPanel()
        self.customer_panel.contact_requested.connect(self.open_contact)
        contact_key = QShortcut(QKeySequence("Shift+F2"), self)
        contact_key.setContext(Qt.ShortcutContext.WindowShortcut)
        contact_key.activated.connect(self.open_contact)
        self.receipt_preview = QPlainTextEdit()
        self.receipt_preview.setObjectName("receiptPreview")
        self.receipt_preview.setReadOnly(True)
        self.receipt_preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # 42 columns, as printed
        self.receipt_preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.side = QStackedWidget()
        self.side.addWidget(self.customer_panel)
        self.side.addWidget(self.receipt_preview)
        self.side.setMinimumWidth(330)
        self.side.setMaximumWidth(420)

    def _build_function_keys(self) -> None:
        self.keys = FunctionKeyBar(
            {
                "search": self.open_search,
                "customer": self.open_customer,
                "quantity": self.apply_quantity,
                "discount": self.apply_discount,
                "suspend": self.suspend,
                "resume": self.open_resume,
                "returns": self.open_returns,
                "points": self.apply_points,
                "void_line": self.void_line,
                "pay": self.open_pay,
                "manager": self.open_manager,
                "pickups": lambda: self.open_dialog(PickupsDialog(self.terminal, self.worker, self)),
            }
        )

    def _build_eat_in(self) -> None:
        # Eat-in (店内飲食): food eaten here is taxed at 10 %, not 8 %. A button the cashier can touch,
        # and Ctrl+E from the keyboard (every F key is taken); it never takes the scan line's focus.
        self.eat_in = touch_button(name="eatIn")
        self.eat_in.setCheckable(True)
        self.eat_in.toggled.connect(self.set_eat_in)
        eat_in_key = QShortcut(QKeySequence(EAT_IN_KEY), self)
        eat_in_key.setContext(Qt.ShortcutContext.WindowShortcut)
        eat_in_key.activated.connect(self.eat_in.toggle)

    def _lay_out(self) -> None:
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.input, 1)
        scan_row.addWidget(self.eat_in)
        left = QVBoxLayout()
        left.addLayout(scan_row)
        left.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        inner = QWidget()
        inner.setObjectName("saleBody")
        inner.setLayout(body)
        body.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(inner, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.keys)

    # ---- state ----------------------------------------------------------------------------------

    def begin(self) -> None:
        """Start a fresh sale for the clerk who just signed in."""
        zone = self.terminal.settings.timezone
        self.header.zone = self.customer_panel.zone = zone
        abandoned = self.sale
        if abandoned is not None and (abandoned.points_hold or abandoned.coupon):
            # Give its holds back; the IO lane, as nothing here waits for it.
            self.worker.run(abandoned.cancel, success=lambda _r: None, lane=Lane.IO)
        self.sale = self.terminal.start_sale()
        self.refresh()
        self.input.setFocus()

    def retranslate(self) -> None:
        """Texts in the current language."""
        self.input.setPlaceholderText(tr("スキャン・商品コード・品名で検索"))
        eat_in = self.eat_in.isChecked()
        self.eat_in.setText(
            (tr("店内飲食 10%") if eat_in else tr("持ち帰り 8%"))
            + (f"\n({EAT_IN_KEY} " + tr("イートイン") + ")")
        )
        self.model.retranslate()
        if self.last_sale is not None:
            self.receipt_preview.setPlainText(
                receipt_text(self.last_sale.receipt, language=self.terminal.settings.language)
            )

    def _size_number_columns(self) -> None:
        # Fixed widths that fit the largest figures: sizing to contents measured every row of the
        # cart on every scan.
        self.table.ensurePolished()
        metrics = self.table.fontMetrics()
        padding = 2 * metrics.horizontalAdvance("M")
        for column, widest in ((0, "999"), (2, "9999"), (3, "¥9,999,999"), (4, "¥99,999,999")):
            self.table.horizontalHeader().resizeSection(column, metrics.horizontalAdvance(widest) + padding)

    def refresh(self, select_row: int | None = None) -> None:
        """Show the sale as it is now (announced on ``cart_changed``)."""
        if self.sale is None:
            return
        if self.eat_in.isChecked() != self.sale.cart.eat_in:
            self.eat_in.blockSignals(True)
            self.eat_in.setChecked(self.sale.cart.eat_in)
            self.eat_in.blockSignals(False)
            self.retranslate()
        self.cart_changed.emit(CounterView.for_cart(self.sale.cart, self.sale.totals, select_row))
        if self.side.currentWidget() is self.customer_panel:
            self.customer_panel.show_customer(self.sale.customer, self._history(), self._history_age())
        if select_row is not None and 0 <= select_row < len(self.sale.cart.lines):
            self.table.selectRow(select_row)

    def _show_cart(self, view: CounterView) -> None:
        if view.phase is not Phase.SALE or view.cart is None or view.totals is None:
            return
        self.model.set_cart(view.cart)
        if self.last_sale is None:
            self.totals.show_totals(view.totals)

    def _history(self) -> list[PanelPurchase] | None:
        # Asked of the server on every attach (a sale on another register shows on the next attach),
        # on the worker; the panel says "loading" until it arrives, then how old it is.
        customer = self.sale.customer if self.sale else None
        if customer is None or self.sale is None:
            self._history_for = None  # the next member attached is looked up afresh
            return None
        attachment = (self.sale, customer.member_no)
        if (
            self._history_for is None
            or self._history_for[0] is not self.sale
            or self._history_for[1] != attachment[1]
        ):
            member_no = customer.member_no
            self._history_for, self._history_found = attachment, None
            self.customer_panel.show_interests(None)
            self.customer_panel.show_contacts(None)
            terminal = self.terminal
            self.worker.run(
                lambda: (
                    terminal.customer_history(member_no, max_age=timedelta(0)),
                    online_interests(terminal.counter, member_no),
                    terminal.customer_contacts(member_no),
                ),
                success=lambda found: self._history_arrived(attachment, *found),
                lane=Lane.IO,
            )
        return None if self._history_found is None else panel_purchases(self._history_found)

    def _history_age(self) -> str:
        if self._history_found is None:
            return ""
        return age_text(self._history_found, self.terminal.now(), self.terminal.settings.timezone)

    def _history_arrived(
        self,
        attachment: tuple[SaleSession, str],
        history: CustomerHistory,
        interests: OnlineInterests,
        contacts: MemberContacts,
    ) -> None:
        if (
            self._history_for is not None
            and self._history_for[0] is attachment[0]
            and self._history_for[1] == attachment[1]
        ):
            self._history_found = history
            self.customer_panel.show_interests(interests)
            self.customer_panel.show_contacts(contacts)
            self.refresh()

    def _reload_contacts(self) -> None:
        customer = self.sale.customer if self.sale else None
        if customer is None:
            return
        member_no, terminal = customer.member_no, self.terminal
        self.worker.run(
            lambda: terminal.customer_contacts(member_no),
            success=lambda found: self._contacts_arrived(member_no, found),
            lane=Lane.IO,
        )

    def _contacts_arrived(self, member_no: str, contacts: MemberContacts) -> None:
        if self._history_for is not None and self._history_for[1] == member_no:
            self.customer_panel.show_contacts(contacts)

    def set_eat_in(self, eat_in: bool) -> None:
        """The eat-in button: the sale's food lines move to 10 % (or back to 8 %) at once.

        Whatever is typed in the scan line stays; the keyboard stays there.
        """
        self.retranslate()
        sale = self.sale
        if sale is None:
            return
        if sale.cart.eat_in != eat_in:
            sale.set_eat_in(eat_in)
        if self.last_sale is not None:
            self._leave_after_sale()
        else:
            self.refresh()
        self.input.setFocus()

    def selected_row(self) -> int | None:
        """The chosen line, or the last one."""
        if self.sale is None or not self.sale.cart.lines:
            return None
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else len(self.sale.cart.lines) - 1

    def _move_selection(self, step: int) -> None:
        current = self.selected_row()
        if current is not None:
            self.table.selectRow(max(0, min(current + step, self.model.rowCount() - 1)))

    def show_error(self, error: BaseException) -> None:
        """Tell the cashier what went wrong, with a sound; the scan line keeps focus."""
        self.banner.show_error(error_text(error))
        self.input.setFocus()

    def _leave_after_sale(self) -> None:
        if self.last_sale is not None:
            self.last_sale = None
            self.side.setCurrentWidget(self.customer_panel)
            self.refresh()

    def _attempt(self, change: Callable[[], object], select_row: int | None = None) -> bool:
        """Apply a cart change; show the error if it is refused (the cart stays as it was)."""
        try:
            change()
        except Exception as error:  # noqa: BLE001 - any refusal of a service call is shown, never lost
            self.show_error(error)
            return False
        self.banner.clear()
        self.input.clear()
        self.refresh(select_row)
        return True

    # ---- a completed sale ----------------------------------------------------------------------

    def sale_completed(self, done: CompletedSale) -> None:
        """Show the receipt and the change; an empty sale waits for the next scan."""
        self.last_sale = done
        self.sale = self.terminal.start_sale()
        self.model.set_cart(self.sale.cart)
        self.totals.show_totals(None, change=done.change)
        self.cart_changed.emit(
            CounterView.for_payment(
                total=done.total,
                tendered=sum(t.amount for t in done.receipt.tenders),
                change=done.change,
                points_used=done.points_used,
                points_earned=done.points_earned,
                item_count=done.receipt.item_count,
            )
        )
        self.receipt_preview.setPlainText(
            receipt_text(done.receipt, language=self.terminal.settings.language)
        )
        self.side.setCurrentWidget(self.receipt_preview)
        self.banner.clear()
        self.input.setFocus()
        # The IO lane: a dead printer's timeout must not stand in front of the next sale's complete().
        terminal = self.terminal
        self.worker.run(
            lambda: print_receipt(terminal.counter, done.receipt), success=self._printed, lane=Lane.IO
        )

    def _printed(self, result: PrintResult | None) -> None:
        if result is not None and not result.ok:
            self.banner.show_error(printer_text(result.message_key))
