"""The cart as a table: a read-only model over the sale's immutable ``Cart``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from posapp.domain.cart import Cart
from posapp.domain.receipt import REDUCED_MARK
from posapp.domain.tax import REDUCED_RATE
from posapp.ui.formatting import yen
from posapp.ui.i18n import QT_TR_NOOP, tr

Index = QModelIndex | QPersistentModelIndex
HEADERS = (QT_TR_NOOP("#"), QT_TR_NOOP("商品名"), QT_TR_NOOP("数量"), QT_TR_NOOP("単価"), QT_TR_NOOP("金額"))
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class CartTableModel(QAbstractTableModel):
    """Rows are cart lines: #, name (※ for the reduced rate), quantity, unit price, amount."""

    def __init__(self) -> None:
        super().__init__()
        self.cart = Cart()

    def set_cart(self, cart: Cart) -> None:
        """Show ``cart`` (a new immutable value after every change).

        A scan appends one line or changes one, so the view is told exactly that: a model reset made
        the table re-measure and repaint every row on every scan (40 ms a scan with 50 lines).
        """
        old, new = self.cart.lines, cart.lines
        if cart.eat_in != self.cart.eat_in or len(new) < len(old) or len(new) > len(old) + 1:
            self.beginResetModel()
            self.cart = cart
            self.endResetModel()
            return
        changed = [row for row in range(len(old)) if old[row] is not new[row] and old[row] != new[row]]
        if len(new) == len(old) + 1:
            self.beginInsertRows(QModelIndex(), len(old), len(old))
            self.cart = cart
            self.endInsertRows()
        else:
            self.cart = cart
        if changed:
            last = len(HEADERS) - 1
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per line."""
        return 0 if parent.isValid() else len(self.cart.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Five columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles."""
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(HEADERS[section])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return LEFT if section == 1 else RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911 - one return per Qt role and column
        """Cell text and alignment."""
        if not index.isValid():
            return None
        line = self.cart.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(index.row() + 1)
            if column == 1:
                reduced = line.rate(eat_in=self.cart.eat_in) == REDUCED_RATE
                text = (REDUCED_MARK if reduced else "\u3000") + line.name
                if line.discount is not None:
                    text += "  (" + tr("値引") + f" -{yen(line.discount_amount)[1:]})"
                return text
            if column == 2:
                return str(line.quantity)
            if column == 3:
                return yen(line.price)
            return yen(line.amount)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column == 1 else RIGHT
        return None

    def retranslate(self) -> None:
        """Titles and discount labels follow the language."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
        self.set_cart(self.cart)
