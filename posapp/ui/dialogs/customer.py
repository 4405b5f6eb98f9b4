"""Customer: search by number, phone or name; the 360° view; register a new member (offline too)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from posapp.services import Terminal
from posapp.services.customers import CustomerInfo
from posapp.services.history import CustomerHistory
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.formatting import local_time, points, rank_text
from posapp.ui.history_text import age_text, timeline_text
from posapp.ui.i18n import tr
from posapp.ui.widgets import caption, touch_button
from posapp.ui.worker import DbWorker, Lane


class CustomerView(QWidget):
    """The 360° view: profile, points, one timeline of store and online orders, notes."""

    def __init__(self, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.profile = QLabel()
        self.profile.setObjectName("customer360Profile")
        self.profile.setWordWrap(True)
        self.points = QLabel()
        self.points.setObjectName("customerPoints")
        self.points.setWordWrap(True)
        self.timeline_age = QLabel()
        self.timeline_age.setObjectName("historyAge")
        self.timeline = QLabel()
        self.timeline.setObjectName("historyText")
        self.timeline.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(caption(tr("プロフィール"), name="sectionTitle"))
        layout.addWidget(self.profile)
        layout.addWidget(caption(tr("ポイント"), name="sectionTitle"))
        layout.addWidget(self.points)
        layout.addWidget(caption(tr("購入履歴(店舗・オンライン)"), name="sectionTitle"))
        layout.addWidget(self.timeline_age)
        layout.addWidget(self.timeline)
        layout.addStretch(1)

    def show_customer(self, customer: CustomerInfo | None) -> None:
        """Fill the view from the cached customer (the timeline waits for the server look-up)."""
        if customer is None:
            self.profile.setText(tr("会員を選んでください。"))
            self.points.clear()
            self.timeline.clear()
            self.timeline_age.clear()
            return
        lines = [
            f"{customer.name}  ({customer.name_kana})",
            f"No.{customer.member_no}   {rank_text(customer.rank)}",
            tr("電話") + f" {customer.phone or '—'}   {customer.email}",
            tr("最終来店") + f" {local_time(customer.last_visit, self.zone, '%Y/%m/%d')}",
        ]
        if customer.note:
            lines.append(f"⚠ {customer.note}")
        if customer.registered_here_offline:
            lines.append(tr("このレジで登録(サーバー未送信)"))
        self.profile.setText("\n".join(lines))
        as_of = local_time(customer.balance_as_of, self.zone, "%m/%d %H:%M")
        self.points.setText(
            tr("残高")
            + f" {points(customer.points_balance)} ("
            + tr("店舗・EC共通")
            + ")\n"
            + tr("利用可能")
            + f" {points(customer.available_points)}   "
            + tr("時点")
            + f" {as_of}"
        )
        self.timeline_age.clear()
        self.timeline.setText(tr("履歴を読み込んでいます…"))

    def show_history(self, history: CustomerHistory, now: datetime) -> None:
        """The whole timeline (purchases, returns, voids, online orders, points, notes) and its age."""
        self.timeline_age.setText(age_text(history, now, self.zone))
        self.timeline.setText(timeline_text(history, self.zone))


class CustomerDialog(PosDialog):
    """Emits ``attach(member_no)`` for the member to put on the sale."""

    attach = Signal(str)

    def __init__(self, terminal: Terminal, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("会員"), parent)
        self.terminal = terminal
        self.found: list[CustomerInfo] = []
        self.query = QLineEdit()
        self.query.setObjectName("customerQuery")
        self.query.setPlaceholderText(tr("会員番号・電話番号・お名前(カナ可)"))
        self.query.returnPressed.connect(self.search)
        find = touch_button(tr("検索"), focus=True)
        find.clicked.connect(self.search)
        self.results = QListWidget()
        self.results.setObjectName("customerResults")
        self.results.currentRowChanged.connect(self._selected)
        self.results.itemActivated.connect(lambda _item: self.attach_selected())  # Enter on the list
        self.view = CustomerView(terminal.settings.timezone)
        search_tab = QWidget()
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(find)
        body = QHBoxLayout()
        body.addWidget(self.results, 2)
        body.addWidget(self.view, 3)
        search_layout = QVBoxLayout(search_tab)
        search_layout.addLayout(top)
        search_layout.addLayout(body, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(search_tab, tr("検索・360°"))
        self.tabs.addTab(self._register_tab(), tr("新規会員登録"))
        self.attach_button = touch_button(tr("この会員で会計"), name="primary", focus=True)
        self.attach_button.clicked.connect(self.attach_selected)
        close = touch_button(tr("閉じる"), focus=True)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.attach_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(940, 580)
        self.view.show_customer(None)
        self.query.setFocus()

    def _register_tab(self) -> QWidget:
        tab = QWidget()
        self.new_name = QLineEdit()
        self.new_kana = QLineEdit()
        self.new_phone = QLineEdit()
        self.new_email = QLineEdit()
        form = QFormLayout(tab)
        form.addRow(tr("お名前"), self.new_name)
        form.addRow(tr("フリガナ"), self.new_kana)
        form.addRow(tr("電話番号"), self.new_phone)
        form.addRow(tr("メール"), self.new_email)
        register = touch_button(tr("登録する"), name="primary", focus=True)
        register.clicked.connect(self.register)
        form.addRow("", register)
        form.addRow("", QLabel(tr("オフラインでも登録できます。サーバーには後で送信されます。")))
        return tab

    def search(self) -> None:
        """Find members on the worker (the look-up is audited)."""
        text = self.query.text()
        self.run(lambda: self.terminal.find_customers(text), self._show)

    def _show(self, found: list[CustomerInfo]) -> None:
        self.found = found
        self.results.clear()
        for customer in found:
            self.results.addItem(f"{customer.name}\nNo.{customer.member_no}")
        if found:
            self.results.setCurrentRow(0)
            self.results.setFocus()  # Enter now puts the member on the sale; Esc closes
        else:
            self.view.show_customer(None)
            self.show_error(tr("該当する会員がいません。"))

    def _selected(self, row: int) -> None:
        customer = self.found[row] if 0 <= row < len(self.found) else None
        self.view.show_customer(customer)
        if customer is None:
            return
        member_no, terminal = customer.member_no, self.terminal
        self.run(
            lambda: terminal.customer_history(member_no, max_age=timedelta(0)),
            lambda history: self._history_arrived(member_no, history),
            lane=Lane.IO,  # the server: never in front of SQLite work
        )

    def _history_arrived(self, member_no: str, history: CustomerHistory) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self.found) and self.found[row].member_no == member_no:
            self.view.show_history(history, self.terminal.now())

    def register(self) -> None:
        """Register the member from the form, then select them."""
        name, kana = self.new_name.text(), self.new_kana.text()
        phone, email = self.new_phone.text(), self.new_email.text()
        self.run(
            lambda: self.terminal.register_member(name=name, name_kana=kana, phone=phone, email=email),
            lambda customer: self._show_registered(customer),
        )

    def _show_registered(self, customer: CustomerInfo) -> None:
        self._show([customer])
        self.tabs.setCurrentIndex(0)

    def attach_selected(self) -> None:
        """Put the chosen member on the sale."""
        row = self.results.currentRow()
        if 0 <= row < len(self.found):
            self.attach.emit(self.found[row].member_no)
            self.accept()
