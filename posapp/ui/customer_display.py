"""The customer-facing display (客面表示): a window for the second screen, and a 2×20 pole display.

Both follow ``SalePage.cart_changed``, the signal the sale screen itself draws from, so they show
exactly what the cashier sees. The window is bilingual whatever the cashier's language (the customer
may be a visitor), with the total and the change in very large type. Drawing is left to Qt's next
paint; the pole display is fed on its own thread. Nothing here can slow a scan down or stop a sale.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from posapp.devices.display import CounterView, LineDisplay, Phase
from posapp.devices.setup import DisplaySetup
from posapp.domain.money import format_yen
from posapp.ui.cart_model import CartTableModel

log = logging.getLogger(__name__)
QTY_WIDTH, AMOUNT_WIDTH = 150, 260
THANKS_MS = 30_000
FRAME_MS = 100
"""The display draws at most ten times a second: a scanner burst of 20 codes a second repaints its
table half as often, and a customer cannot read faster than that anyway."""
"""How long the paid screen stays before the display goes back to the store's message."""


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    return label


class CustomerDisplayWindow(QWidget):
    """Idle: the store and its message. Sale: the lines as scanned, the total. Paid: tendered, change, points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("customerDisplay")
        self.setWindowTitle("OmniPOS — お客様表示 / Customer display")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)  # never steals the scanner's focus
        self.view = CounterView()
        self.stack = QStackedWidget()
        self._build_idle_page()
        self._build_sale_page()
        self._build_paid_page()
        for page in (self.idle_page, self.sale_page, self.paid_page):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.stack)
        self.resize(1024, 600)
        self.model.rowsInserted.connect(lambda *_: self.table.scrollToBottom())

    def _build_idle_page(self) -> None:
        """The store's name, a welcome and the store's message."""
        self.idle_page = QWidget()
        self.store = _label(name="cdStore")
        self.message = _label(name="cdMessage")
        self.welcome = _label("いらっしゃいませ  Welcome", "cdWelcome")
        idle = QVBoxLayout(self.idle_page)
        idle.addStretch(1)

    def _build_sale_page(self) -> None:
        """The lines as scanned under their column titles, and the total."""
        self.sale_page = QWidget()
        self.model = CartTableModel()
        self.table = QTableView()
        self.table.setObjectName("cdLines")
        self.table.setModel(self.model)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(56)
        self.table.setColumnHidden(0, True)
        self.table.setColumnHidden(3, True)
        self.table.setShowGrid(False)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(2, QTY_WIDTH)
        header.resizeSection(4, AMOUNT_WIDTH)
        titles = QHBoxLayout()
        titles.setSpacing(0)
        for text, width in (("商品  Item", 0), ("数量  Qty", QTY_WIDTH), ("金額  Amount", AMOUNT_WIDTH)):
            title = _label(text, "cdColumn")
            if width:
                title.setFixedWidth(width)
                title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            titles.addWidget(title, 0 if width else 1)
        self.count = _label(name="cdCount")
        self.points = _label(name="cdPoints")
        self.total = _label(name="cdTotal")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        totals = QFrame()
        totals.setObjectName("cdTotals")
        row = QGridLayout(totals)
        row.addWidget(_label("合計  Total", "cdCaption"), 0, 0)
        row.addWidget(self.count, 1, 0)
        row.addWidget(self.points, 2, 0)
        row.addWidget(self.total, 0, 1, 3, 1)
        row.setColumnStretch(1, 1)
        sale = QVBoxLayout(self.sale_page)
        sale.addLayout(titles)
        sale.addWidget(self.table, 1)
        sale.addWidget(totals)

    def _build_paid_page(self) -> None:
        """What was paid, tendered and given back, the points earned, and thanks."""
        self.paid_page = QWidget()
        self.paid_total = _label(name="cdPaidLine")
        self.tendered = _label(name="cdPaidLine")
        self.change = _label(name="cdChange")
        self.earned = _label(name="cdPaidLine")
        self.thanks = _label("ありがとうございました  Thank you", "cdWelcome")
        paid = QVBoxLayout(self.paid_page)
        paid.addStretch(1)

    def show_view(self, view: CounterView) -> None:
        """Show ``view``: the store idle, a sale line by line, or the payment."""
        self.view = view
        if view.phase is Phase.IDLE or view.is_empty_sale:
            self.store.setText(view.store_name)
            self.message.setText(view.message)
            self.stack.setCurrentWidget(self.idle_page)
            return
        if view.phase is Phase.PAID:
            self.paid_total.setText(f"合計 Total  {format_yen(view.total)}   ({view.item_count}点 items)")
            self.tendered.setText(f"お預り Paid  {format_yen(view.tendered)}")
            self.change.setText(format_yen(view.change))
            used = f"ご利用 Used {view.points_used:,} pt   " if view.points_used else ""
            earned = f"今回ポイント Points earned  {view.points_earned:,} pt" if view.points_earned else ""
            self.earned.setText(f"{used}{earned}".strip())
            self.stack.setCurrentWidget(self.paid_page)
            return
        assert view.cart is not None
        self.model.set_cart(view.cart)
        if view.last_index is not None:
            self.table.selectRow(view.last_index)
        self.count.setText(f"{view.item_count}点  items")
        self.points.setText(
            f"ポイント利用 Points  {format_yen(-view.points_used)}" if view.points_used else ""
        )
        self.total.setText(format_yen(view.total))
        self.stack.setCurrentWidget(self.sale_page)


class CustomerDisplay(QObject):
    """The store's customer displays as set up; ``show`` is connected to the sale screen's cart signal."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setup = DisplaySetup()
        self.window: CustomerDisplayWindow | None = None
        self.line: LineDisplay | None = None
        self.store_name = ""
        self.screen_missing = False
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(THANKS_MS)
        self.thanks_timer.timeout.connect(self.show_idle)
        self.pending: CounterView | None = None
        self.frame_timer = QTimer(self)
        self.frame_timer.setSingleShot(True)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._draw)

    def apply(self, setup: DisplaySetup, store_name: str) -> None:
        """Open, move or close the window and the pole display to match ``setup``."""
        self.setup, self.store_name = setup, store_name
        if self.line is not None and (not setup.line or setup.line != getattr(self.line, "spec", "")):
            self.line.close()
            self.line = None
        if setup.line and self.line is None:
            self.line = self._open_line(setup)
        screens = QGuiApplication.screens()
        self.screen_missing = setup.window and setup.screen >= len(screens)
        if not setup.window or self.screen_missing:
            if self.window is not None:
                self.window.close()
                self.window.deleteLater()
                self.window = None
        else:
            if self.window is None:
                self.window = CustomerDisplayWindow()
            screen = screens[setup.screen]
            self.window.setScreen(screen)
            self.window.setGeometry(screen.availableGeometry())
            if len(screens) > 1:
                self.window.showFullScreen()
            else:
                self.window.show()  # one screen (a test, a demo): an ordinary window
        self.show_idle()

    def _open_line(self, setup: DisplaySetup) -> LineDisplay | None:
        from posapp.devices.printer import open_transport
        from posapp.devices.setup import parse_transport

        try:
            line = LineDisplay(open_transport(parse_transport(setup.line)), kanji=setup.line_kanji)
        except Exception:  # a display that cannot be opened must not stop the counter
            log.exception("line display %s", setup.line)
            return None
        line.spec = setup.line  # type: ignore[attr-defined]
        return line

    def show(self, view: CounterView) -> None:
        """Follow the counter; an empty sale shows the store's message."""
        if view.phase is Phase.IDLE or view.is_empty_sale:
            if self.thanks_timer.isActive():
                return  # the change stays on screen until the next scan or the timeout
            view = self.idle_view()
        self.thanks_timer.stop()
        if view.phase is Phase.PAID:
            self.thanks_timer.start()
        # Only the newest view is kept; it is drawn when the frame timer fires (a few ms of work
        # per frame instead of per scan).
        self.pending = view
        if not self.frame_timer.isActive():
            self.frame_timer.start()

    def _draw(self) -> None:
        view, self.pending = self.pending, None
        if view is None:
            return
        if self.window is not None:
            self.window.show_view(view)
        if self.line is not None:
            self.line.show(view)

    def idle_view(self) -> CounterView:
        """The store's name and its message."""
        return CounterView.idle(self.store_name, self.setup.message)

    def show_idle(self) -> None:
        """Back to the store's message (after the thanks, at sign-out)."""
        self.thanks_timer.stop()
        self.show(self.idle_view())

    def close(self) -> None:
        """Close the window and stop the pole display's sender."""
        self.thanks_timer.stop()
        self.frame_timer.stop()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.line is not None:
            self.line.close()
            self.line = None
