"""Product search: type-ahead by name, kana or code, with price and this store's stock."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posapp.domain.tax import TaxClass
from posapp.services import Terminal
from posapp.services.catalog import ProductInfo
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.formatting import yen
from posapp.ui.i18n import tr
from posapp.ui.widgets import touch_button
from posapp.ui.worker import DbWorker

TYPE_AHEAD_MS = 150
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class SearchDialog(PosDialog):
    """Emits ``chosen(sku)`` for the product picked with Enter or a double click."""

    chosen = Signal(str)

    def __init__(
        self, terminal: Terminal, worker: DbWorker, query: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(worker, tr("商品検索"), parent)
        self.terminal = terminal
        self.results: list[ProductInfo] = []
        self.query = QLineEdit(query)
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText(tr("品名・カナ・コードの一部"))
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(TYPE_AHEAD_MS)
        self.debounce.timeout.connect(self.search)
        self.query.textChanged.connect(lambda _t: self.debounce.start())
        self.query.returnPressed.connect(self.choose)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("searchResults")
        self.table.setHorizontalHeaderLabels([tr("商品名"), tr("コード"), tr("価格"), tr("在庫")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.choose())
        add = touch_button(tr("追加"), name="primary", focus=True)
        add.clicked.connect(self.choose)
        close = touch_button(tr("閉じる"), focus=True)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(add)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(760, 520)
        if query:
            self.search()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Up and down move through the results while the query keeps focus."""
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.table.rowCount():
            row = self.table.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.table.selectRow(max(0, min(row, self.table.rowCount() - 1)))
            return
        super().keyPressEvent(event)

    def search(self) -> None:
        """Look up what was typed (on the worker: a catalog can be large)."""
        text = self.query.text()
        self.run(lambda: self.terminal.search_products(text), lambda found: self._show(text, found))

    def _show(self, text: str, found: list[ProductInfo]) -> None:
        if text != self.query.text():
            return  # an older answer; a newer search is on its way
        self.results = found
        self.table.setRowCount(len(found))
        for row, product in enumerate(found):
            mark = "※" if product.tax_class is TaxClass.REDUCED else "\u3000"
            cells = [
                mark + product.name,
                product.jan or product.sku,
                yen(product.price),
                "—" if product.stock is None else str(product.stock),
            ]
            for column, text_value in enumerate(cells):
                item = QTableWidgetItem(text_value)
                if column >= 2:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(row, column, item)
        if found:
            self.table.selectRow(0)

    def choose(self) -> None:
        """Add the selected product to the sale."""
        row = self.table.currentRow()
        if 0 <= row < len(self.results):
            self.chosen.emit(self.results[row].sku)
            self.accept()
