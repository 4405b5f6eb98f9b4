"""The header of the sale screen: store, terminal, clerk, clock, and the truth about sync."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from posapp.devices.status import PrinterStatus
from posapp.services import TerminalStatus
from posapp.ui.formatting import clock_text, local_time
from posapp.ui.i18n import current_language, tr
from posapp.ui.widgets import Retranslating
from sync.client.errors import TERMINAL_TOO_NEW, TERMINAL_TOO_OLD


class StatusHeader(Retranslating, QFrame):
    """Shows the last ``TerminalStatus`` the core pushed; online/offline as icon + text + colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.zone = "Asia/Tokyo"
        self.status: TerminalStatus | None = None
        self.now: object = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(18)
        self.store = QLabel()
        self.store.setObjectName("headerStore")
        self.terminal_label = QLabel()
        self.clerk = QLabel()
        self.clock = QLabel()
        self.clock.setObjectName("headerClock")
        self.sync = QLabel()
        self.sync.setObjectName("syncState")
        self.printer = QLabel()
        self.printer.setObjectName("printerState")
        self.printer.hide()
        self.printer_status: PrinterStatus | None = None
        for widget in (self.store, self.terminal_label, self.clerk):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.clock)
        layout.addStretch(1)
        layout.addWidget(self.printer)
        layout.addWidget(self.sync)

    @property
    def online(self) -> bool:
        """What the header currently says."""
        return bool(self.status and self.status.online)

    def show_status(self, status: TerminalStatus) -> None:
        """Update from a new status (pushed by the core, or read by the safety refresh)."""
        self.status = status
        self.retranslate()

    def show_printer(self, status: PrinterStatus | None) -> None:
        """The printer's state when someone must act (paper, cover, offline); hidden otherwise."""
        self.printer_status = status
        self._show_printer()

    def _show_printer(self) -> None:
        from posapp.ui.device_words import status_text

        status = self.printer_status
        text = status_text(status.state) if status is not None else ""
        self.printer.setText(text)
        self.printer.setVisible(bool(text))
        if status is not None:
            self.printer.setProperty("state", "problem" if status.state.is_problem else "warning")
            self.printer.style().unpolish(self.printer)
            self.printer.style().polish(self.printer)

    def tick(self, now: object) -> None:
        """Show ``now`` (a datetime) in the store's zone."""
        from datetime import datetime

        if isinstance(now, datetime):
            self.now = now
            self.clock.setText(clock_text(now, self.zone, current_language()))

    def retranslate(self) -> None:
        """Texts in the current language."""
        if self.now is not None:
            self.tick(self.now)  # the weekday name follows the language
        self._show_printer()
        status = self.status
        if status is None:
            return
        self.store.setText(status.store_name or status.store_code)
        self.terminal_label.setText(tr("レジ") + status.terminal_code)
        self.clerk.setText(tr("担当") + " " + (status.clerk.name if status.clerk else "—"))
        last = local_time(status.last_sync, self.zone)
        if status.online:
            text = "● " + tr("オンライン") + "  " + tr("未送信") + f" {status.pending_events}"
        else:
            text = (
                "⚠ "
                + tr("オフライン")
                + (
                    " — "
                    + tr("未送信")
                    + f" {status.pending_events}"
                    + tr("件")
                    + " ("
                    + tr("最終同期")
                    + f" {last})"
                )
            )
        if status.dead_letters:
            text += "  ✖ " + tr("送信エラー") + f" {status.dead_letters}"
        if status.last_error.startswith(TERMINAL_TOO_OLD):
            text += "  ⚠ " + tr(
                "このレジのソフトウェアが古いため同期できません。更新してください(販売は続けられます)"
            )
        elif status.last_error.startswith(TERMINAL_TOO_NEW):
            text += "  ⚠ " + tr(
                "サーバーのソフトウェアが古いため同期できません。本部に連絡してください(販売は続けられます)"
            )
        self.sync.setText(text)
        self.sync.setProperty("state", "online" if status.online else "offline")
        self.sync.style().unpolish(self.sync)
        self.sync.style().polish(self.sync)
