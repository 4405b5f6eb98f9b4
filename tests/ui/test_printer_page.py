"""The printer form opened on a saved setup shows that setup's connection."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from posapp.devices.setup import PrinterSetup, TransportKind
from posapp.ui.dialogs.printer_page import PrinterPage


def test_a_saved_file_printer_opens_on_its_form_without_status_watching(qtbot: QtBot) -> None:
    # The connection was shown before the rest of the form existed: the page raised in its slot and
    # left "watch the printer's status" on for a file, which has no status to watch.
    page = PrinterPage(PrinterSetup(transport="file:///tmp/receipts.bin"), "192.168.1.0/24")
    qtbot.addWidget(page)
    assert page.transport_kind() is TransportKind.FILE
    assert page.stack.currentWidget() is page.forms[TransportKind.FILE]
    assert not page.watch_status.isEnabled()
