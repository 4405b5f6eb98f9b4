"""Click & collect at the counter (F11): the orders waiting here, find one by member card or order
number, hand it over (taking payment when it is due)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QVBoxLayout, QWidget

from posapp.domain.tender import Tender, TenderKind
from posapp.services import Terminal
from posapp.services.pickups import Pickup, collect_pickup, find_pickup, pickups_waiting
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.formatting import local_time, yen
from posapp.ui.i18n import tr
from posapp.ui.widgets import touch_button
from posapp.ui.worker import DbWorker, Lane


def pickup_line(pickup: Pickup, zone: str) -> str:
    """``C-1042  鈴木 花子  3点  ¥3,240 (店頭払い)  11/20 14:05〜``."""
    items = sum(line.quantity for line in pickup.lines)
    due = "  " + tr("店頭払い") + f" {yen(pickup.amount_due)}" if pickup.amount_due else "  " + tr("支払済")
    late = "  ⚠ " + tr("期限超過") if pickup.overdue else ""
    return (f"{pickup.order_id}  {pickup.customer_name}  {items}" + tr("点") + f"  {yen(pickup.total)}{due}  "
            f"{local_time(pickup.waiting_since, zone, '%m/%d %H:%M')}〜{late}")  # fmt: skip


class PickupsDialog(PosDialog):
    """The pickup list; the clerk scans the member card or the order QR, then hands over."""

    def __init__(self, terminal: Terminal, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("店舗受取"), parent)
        self.terminal = terminal
        self.pickups: list[Pickup] = []
        self.finder = QLineEdit()
        self.finder.setPlaceholderText(tr("会員カード・注文番号をスキャン"))
        self.finder.returnPressed.connect(self.look_up)
        self.orders = QListWidget()
        self.hand_over = touch_button(tr("お渡し"), name="primary", focus=True)
        self.hand_over.clicked.connect(self.collect)
        close = touch_button(tr("閉じる"), focus=True)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addStretch(1)
        buttons.addWidget(self.hand_over)
        layout = QVBoxLayout(self)
        layout.addWidget(self.finder)
        layout.addWidget(self.orders, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(820, 520)
        self.run(lambda: pickups_waiting(terminal.counter), self.show_pickups, lane=Lane.IO)

    def show_pickups(self, pickups: list[Pickup]) -> None:
        """List the orders, the first one selected."""
        self.pickups = pickups
        self.orders.clear()
        for pickup in pickups:
            self.orders.addItem(pickup_line(pickup, self.terminal.settings.timezone))
        if pickups:
            self.orders.setCurrentRow(0)
        else:
            self.orders.addItem(tr("受け取り待ちの注文はありません"))

    def look_up(self) -> None:
        """A member card or an order number narrows the list."""
        text = self.finder.text().strip()
        self.finder.clear()
        self.run(lambda: find_pickup(self.terminal.counter, text), self.show_pickups, lane=Lane.IO)

    def collect(self) -> None:
        """Hand the selected order over; a pay-at-store order is paid in cash here."""
        row = self.orders.currentRow()
        if not 0 <= row < len(self.pickups):
            return
        pickup = self.pickups[row]
        tenders = [Tender(TenderKind.CASH, pickup.amount_due)] if pickup.amount_due else []
        self.run(
            lambda: collect_pickup(self.terminal.counter, order_id=pickup.order_id, tenders=tenders),
            lambda _done: self.run(
                lambda: pickups_waiting(self.terminal.counter), self.show_pickups, lane=Lane.IO
            ),
            lane=Lane.IO,
        )
