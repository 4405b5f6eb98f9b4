"""The totals bar (the total is the largest thing on screen) and the function-key bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from posapp.domain.cart import CartTotals
from posapp.domain.tax import REDUCED_RATE
from posapp.ui.formatting import yen
from posapp.ui.i18n import QT_TR_NOOP, tr
from posapp.ui.widgets import Retranslating, touch_button

FUNCTION_KEYS: tuple[tuple[str, str, str], ...] = (
    ("F1", "search", QT_TR_NOOP("検索")),
    ("F2", "customer", QT_TR_NOOP("会員")),
    ("F3", "quantity", QT_TR_NOOP("数量")),
    ("F4", "discount", QT_TR_NOOP("値引")),
    ("F5", "suspend", QT_TR_NOOP("保留")),
    ("F6", "resume", QT_TR_NOOP("呼出")),
    ("F7", "returns", QT_TR_NOOP("返品")),
    ("F8", "points", QT_TR_NOOP("ポイント")),
    ("F9", "void_line", QT_TR_NOOP("取消")),
    ("F10", "pay", QT_TR_NOOP("会計")),
    ("F11", "pickups", QT_TR_NOOP("受取")),
    ("F12", "manager", QT_TR_NOOP("管理")),
)
"""In the order of a Japanese register."""


class TotalsBar(Retranslating, QFrame):
    """Item count, each rate's taxable amount and tax, and the total; or the change after a sale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalsBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        layout.setSpacing(24)
        self.count = QLabel()
        self.count.setObjectName("itemCount")
        self.rates = QLabel()
        self.rates.setObjectName("rateLines")
        self.rates.setWordWrap(True)
        self.total_caption = QLabel()
        self.total_caption.setObjectName("totalCaption")
        self.total = QLabel()
        self.total.setObjectName("total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.count)
        layout.addWidget(self.rates, 1)
        layout.addWidget(self.total_caption)
        layout.addWidget(self.total)
        self.totals: CartTotals | None = None
        self.change: int | None = None
        self.retranslate()

    def show_totals(self, totals: CartTotals | None, *, change: int | None = None) -> None:
        """Show a cart's totals, or after a sale the change handed back."""
        self.totals = totals
        self.change = change
        self.retranslate()

    def retranslate(self) -> None:
        """Texts in the current language."""
        totals = self.totals
        if self.change is not None:
            self.count.setText("")
            self.rates.setText(tr("ありがとうございました"))
            self.total_caption.setText(tr("お釣り"))
            self.total.setText(yen(self.change))
            return
        count = totals.item_count if totals else 0
        self.count.setText(f"{count}" + tr("点"))
        parts = []
        for rate in sorted(totals.by_rate if totals else (), key=lambda r: r.rate):
            mark = "※" if rate.rate == REDUCED_RATE else ""
            parts.append(
                f"{mark}{rate.rate}%"
                + tr("対象")
                + f" {yen(rate.gross)} ("
                + tr("内税")
                + f" {yen(rate.tax)})"
            )
        if totals and totals.points_discount:
            parts.append(tr("ポイント値引") + f" -{yen(totals.points_discount)[1:]}")
        self.rates.setText("   ".join(parts))
        self.total_caption.setText(tr("合計"))
        self.total.setText(yen(totals.amount_due if totals else 0))


class FunctionKeyBar(Retranslating, QFrame):
    """One touch button per function key, labelled with the key and its action."""

    def __init__(self, handlers: dict[str, Callable[[], None]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("functionKeys")
        layout = QGridLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for column, (key, action, _label) in enumerate(FUNCTION_KEYS):
            button = touch_button(name="pay" if action == "pay" else "fkey")
            button.setMinimumHeight(56)
            button.clicked.connect(handlers[action])
            layout.addWidget(button, 0, column)
            layout.setColumnStretch(column, 1)
            self.buttons[action] = button
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(handlers[action])
        self.retranslate()

    def retranslate(self) -> None:
        """Labels in the current language."""
        for key, action, label in FUNCTION_KEYS:
            self.buttons[action].setText(f"{key}\n{tr(label)}")
