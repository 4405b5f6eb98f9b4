"""The manager's device setup (F12 → 設定 → プリンター・客面表示): printer and customer display, with a test print.

Everything here is reachable by keyboard (Tab through the fields, Space/Enter on buttons, Esc
closes). Saving validates the whole setup, writes the logo into the printer when it changed, and
stores the setup with the manager's name in the audit log. The test print uses the form as it
stands, saved or not, and says in words what happened.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from posapp.devices.setup import InvalidDeviceSetting, PrinterSetup, TransportKind
from posapp.services import Approval, Terminal
from posapp.services import devices as device_service
from posapp.services.devices import DeviceSetup
from posapp.ui.device_words import logo_text, test_print_text
from posapp.ui.dialogs.base import PosDialog
from posapp.ui.dialogs.display_page import DisplayPage
from posapp.ui.dialogs.printer_page import PrinterPage
from posapp.ui.i18n import tr
from posapp.ui.widgets import touch_button
from posapp.ui.worker import DbWorker, Lane


class DeviceSetupDialog(PosDialog):
    """Printer and customer display setup; ``saved`` carries the stored setup."""

    saved = Signal(object)

    def __init__(
        self,
        terminal: Terminal,
        worker: DbWorker,
        approval: Approval | None,
        setup: DeviceSetup,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(worker, tr("プリンター・客面表示の設定"), parent)
        self.setObjectName("deviceSetup")
        self.terminal, self.approval = terminal, approval
        self.printer = PrinterPage(setup.printer, device_service.local_subnet())
        self.printer.scan_requested.connect(self.scan)
        self.printer.problem.connect(self.show_error)
        self.display = DisplayPage(setup.display)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.printer, tr("プリンター"))
        self.tabs.addTab(self.display, tr("客面表示"))
        self.outcome = QLabel()
        self.outcome.setObjectName("deviceResult")
        self.outcome.setWordWrap(True)
        self.with_drawer = QCheckBox(tr("ドロアーも開けて確かめる"))
        self.test_button = touch_button(tr("テスト印刷"), focus=True)
        self.test_button.clicked.connect(self.test_print)
        self.save_button = touch_button(tr("保存"), name="primary", focus=True)
        self.save_button.clicked.connect(self.save)
        close = touch_button(tr("閉じる"), focus=True)
        close.clicked.connect(self.reject)
        for button in (self.test_button, self.save_button, close):
            button.setAutoDefault(False)  # Enter in a field must not print or close by surprise
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.with_drawer)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(1000, 720)
        self.printer.kind.setFocus()

    def show_error(self, error: BaseException | str) -> None:
        """The error line says what is wrong; the result line stops saying "working"."""
        self.outcome.clear()
        super().show_error(error)

    def _read(self) -> DeviceSetup | None:
        """The form as a setup, or ``None`` after showing what is wrong and putting the cursor there."""
        try:
            return DeviceSetup(self.printer.setup(), self.display.setup())
        except InvalidDeviceSetting as error:
            self.show_error(error)
            for tab, page in ((0, self.printer), (1, self.display)):
                widget = page.fields.get(error.field)
                if widget is not None:
                    self.tabs.setCurrentIndex(tab)
                    widget.setFocus()
                    break
            return None

    def test_print(self) -> None:
        """Print the test page with the form's settings and say what happened."""
        setup = self._read()
        if setup is None:
            return
        printer, terminal, drawer = setup.printer, self.terminal, self.with_drawer.isChecked()
        has_printer = printer.transport_spec().kind is not TransportKind.NONE
        self.outcome.setText(tr("印刷しています…"))
        self.run(
            lambda: device_service.print_test_page(terminal.counter, printer, open_drawer=drawer),
            lambda outcome: self.outcome.setText(test_print_text(*outcome, has_printer=has_printer)),
            lane=Lane.IO,
        )

    def save(self) -> None:
        """Validate, write a new logo into the printer, store the setup (audited)."""
        setup = self._read()
        if setup is None:
            return
        terminal, approval = self.terminal, self.approval

        def op() -> tuple[DeviceSetup, object]:
            printer: PrinterSetup = setup.printer
            logo_result = None
            if _logo_needs_writing(printer):
                logo_result, printer = device_service.store_logo(printer)
            stored = device_service.save_setup(
                terminal.counter, DeviceSetup(printer, setup.display), approval=approval
            )
            return stored, logo_result

        self.outcome.setText(tr("保存しています…"))
        self.run(op, self._saved)

    def _saved(self, outcome: tuple[DeviceSetup, object]) -> None:
        stored, logo_result = outcome
        self.printer.original = stored.printer
        self.printer.refresh_preview()
        self.printer.show_logo_state()
        self.outcome.setText(("✔ " + tr("保存しました。") + " " + logo_text(logo_result)).strip())  # type: ignore[arg-type]
        self.saved.emit(stored)

    def scan(self, subnet: str, port: int) -> None:
        """Look for printers on the shop's network (on the worker: it takes a second or two)."""
        self.outcome.setText(tr("ネットワークを探しています…"))

        def found(hosts: list[str]) -> None:
            self.outcome.setText(tr("見つかったプリンター") + f": {len(hosts)}")
            self.printer.show_found(hosts)

        self.run(lambda: device_service.scan_subnet(subnet, port=port), found, lane=Lane.IO)


def _logo_needs_writing(setup: PrinterSetup) -> bool:
    from posapp.devices.graphics import logo_fingerprint

    return (
        bool(setup.logo_png)
        and setup.transport_spec().kind is not TransportKind.NONE
        and setup.logo_in_printer != logo_fingerprint(setup.logo_png)
    )
