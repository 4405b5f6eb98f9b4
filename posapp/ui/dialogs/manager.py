"""Manager (F12): X report, Z report with the denomination grid, cash in/out, settings."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from posapp.services import Approval, Terminal
from posapp.services.closing import ClosingReport
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.dialogs.closing_tab import ZTab, report_text
from posapp.ui.dialogs.maintenance_tab import MaintenanceTab
from posapp.ui.dialogs.manager_tabs import AttentionTab, NumbersTab, StockTab
from posapp.ui.formatting import parse_amount, yen
from posapp.ui.i18n import current_language, tr
from posapp.ui.widgets import touch_button
from posapp.ui.worker import DbWorker


class ManagerDialog(PosDialog):
    """The manager's menu, opened after an approval."""

    sign_out = Signal()
    language_changed = Signal(str)
    devices_changed = Signal(object)
    """The device setup was saved (a ``DeviceSetup``): the window re-applies it."""

    def __init__(
        self, terminal: Terminal, worker: DbWorker, approval: Approval, parent: QWidget | None = None
    ) -> None:
        super().__init__(worker, tr("管理") + f" — {approval.manager_name}", parent)
        self.terminal = terminal
        self.approval = approval
        self.tabs = QTabWidget()
        self.x_text = QPlainTextEdit()
        self.x_text.setReadOnly(True)
        self.x_text.setObjectName("reportText")
        self.tabs.addTab(self.x_text, tr("点検 (X)"))
        self.tabs.addTab(self._z_tab(), tr("精算 (Z)"))
        self.tabs.addTab(self._cash_tab(), tr("入出金"))
        self.stock = StockTab(terminal, approval, self.run)
        self.numbers = NumbersTab(terminal, self.run)
        self.attention = AttentionTab(terminal, self.run)
        self.tabs.addTab(self.stock, tr("在庫"))
        self.tabs.addTab(self.numbers, tr("本日の数字"))
        self.tabs.addTab(self.attention, tr("要確認"))
        self.tabs.addTab(self._settings_tab(), tr("設定"))
        self.maintenance = MaintenanceTab(terminal, self.run, approval)
        self.tabs.addTab(self.maintenance, tr("保守"))
        sign_out = touch_button(tr("サインアウト"), focus=True)
        sign_out.clicked.connect(self._sign_out)
        close = touch_button(tr("閉じる"), name="primary", focus=True)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(sign_out)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(900, 700)
        self.load_x()
        self.numbers.load()
        self.attention.load()

    def _z_tab(self) -> QWidget:
        self.z_tab = ZTab(self.terminal, self.approval, self.worker, self.show_error, self.clear_error)
        self.grid = self.z_tab.grid
        self.next_float = self.z_tab.next_float
        self.z_result = self.z_tab.result
        return self.z_tab

    def _cash_tab(self) -> QWidget:
        tab = QWidget()
        self.cash_amount = QLineEdit()
        self.cash_reason = QLineEdit()
        self.cash_done = QLabel()
        cash_in = touch_button(tr("入金"), focus=True)
        cash_in.clicked.connect(lambda: self.move_cash("in"))
        cash_out = touch_button(tr("出金"), focus=True)
        cash_out.clicked.connect(lambda: self.move_cash("out"))
        form = QFormLayout(tab)
        form.addRow(tr("金額"), self.cash_amount)
        form.addRow(tr("理由"), self.cash_reason)
        row = QHBoxLayout()
        row.addWidget(cash_in)
        row.addWidget(cash_out)
        form.addRow("", row)
        form.addRow("", self.cash_done)
        return tab

    def _settings_tab(self) -> QWidget:
        tab = QWidget()
        self.language = QComboBox()
        self.language.addItem("日本語", "ja")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if current_language() == "ja" else 1)
        self.points_cap = QSpinBox()
        self.points_cap.setRange(0, 1_000_000)
        self.points_cap.setSingleStep(100)
        self.points_cap.setValue(self.terminal.settings.offline_points_cap)
        self.points_cap.setSuffix(" pt")
        settings = self.terminal.settings
        self.devices_button = touch_button(tr("プリンター・客面表示の設定…"), focus=True)
        self.devices_button.clicked.connect(self.open_device_setup)
        self.rounding = QComboBox()
        for label, value in ((tr("切り捨て"), "down"), (tr("四捨五入"), "half_up"), (tr("切り上げ"), "up")):
            self.rounding.addItem(label, value)
        self.rounding.setCurrentIndex(max(self.rounding.findData(settings.tax_rounding), 0))
        self.footer = QLineEdit(" / ".join(settings.footer_messages))
        save = touch_button(tr("保存"), name="primary", focus=True)
        save.clicked.connect(self.save_settings)
        form = QFormLayout(tab)
        form.addRow(tr("表示言語"), self.language)
        form.addRow(tr("オフライン時のポイント利用上限"), self.points_cap)
        form.addRow(tr("レシートプリンター"), self.devices_button)
        form.addRow(tr("消費税の端数処理"), self.rounding)
        form.addRow(tr("レシートのメッセージ"), self.footer)
        form.addRow(tr("サーバー"), QLabel(settings.server_url or tr("未接続(デモ)")))
        self.settings_saved = QLabel()
        form.addRow("", save)
        form.addRow("", self.settings_saved)
        return tab

    def load_x(self) -> None:
        """Run the X report (it changes nothing)."""
        self.run(self.terminal.x_report, self._show_x)

    def _show_x(self, report: ClosingReport) -> None:
        self.x_text.setPlainText(report_text(report))
        self.grid.expected = report.figures.expected_cash
        self.grid.refresh()

    def run_z(self) -> None:
        """Ask, then close the period with the counted drawer (see ``ZTab``)."""
        self.z_tab.ask()

    def move_cash(self, direction: str) -> None:
        """Cash in or out of the drawer."""
        amount, reason, approval = (
            parse_amount(self.cash_amount.text()) or 0,
            self.cash_reason.text(),
            self.approval,
        )
        if direction == "in":
            op = lambda: self.terminal.cash_in(amount=amount, reason=reason)  # noqa: E731
        else:
            op = lambda: self.terminal.cash_out(amount=amount, reason=reason, approval=approval)  # noqa: E731
        label = tr("入金") if direction == "in" else tr("出金")
        self.run(op, lambda _r: self._cash_moved(f"✔ {label} {yen(amount)}"))

    def _cash_moved(self, text: str) -> None:
        self.cash_done.setText(text)
        self.cash_amount.clear()
        self.load_x()

    def save_settings(self) -> None:
        """Store the terminal settings (checked and audited by the Terminal API); switch the language at once."""
        from posapp.domain.tax import Rounding
        from posapp.services.counter_settings import SettingsChange

        change = SettingsChange(
            offline_points_cap=self.points_cap.value(),
            tax_rounding=Rounding(str(self.rounding.currentData())),
            footer_messages=tuple(m.strip() for m in self.footer.text().split("/") if m.strip()),
        )
        self.language_changed.emit(str(self.language.currentData()))
        terminal, approval = self.terminal, self.approval
        self.run(
            lambda: terminal.change_settings(change, approval=approval),
            lambda _s: self.settings_saved.setText("✔ " + tr("保存しました。")),
        )

    def open_device_setup(self) -> None:
        """The printer and customer display setup, over this dialog (its setup read on the worker)."""
        from posapp.services.devices import load_setup
        from posapp.ui.dialogs.device_setup import DeviceSetupDialog

        def show(setup: object) -> None:
            dialog = DeviceSetupDialog(self.terminal, self.worker, self.approval, setup, self)  # type: ignore[arg-type]
            dialog.saved.connect(self.devices_changed.emit)
            dialog.finished.connect(lambda _r: dialog.deleteLater())
            self.device_setup = dialog
            dialog.open()

        terminal = self.terminal
        self.run(lambda: load_setup(terminal.counter), show)

    def _sign_out(self) -> None:
        self.sign_out.emit()
        self.accept()
