"""The printer's own state (DLE EOT) reaches the status bar and the manager's attention list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from posapp.services import Terminal
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from tests.devices.fake_printer import fake_printer
from tests.ui.test_device_setup import choose_network_printer, click, open_device_setup

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_status_changes_reach_the_status_bar_and_the_attention_list(
    qtbot: QtBot, window: MainWindow, page: SalePage, terminal: Terminal
) -> None:
    window.printer_watch.timer.setInterval(100)
    header = page.header
    with fake_printer() as fake:
        manager, dialog = open_device_setup(qtbot, page)
        choose_network_printer(qtbot, dialog, fake)
        watch = dialog.printer.watch_status
        watch.setFocus()
        qtbot.keyClick(watch, Qt.Key.Key_Space)
        assert watch.isChecked()
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: window.printer_watch.setup is not None)
        qtbot.waitUntil(lambda: window.printer_watch.status is not None)
        assert header.printer.isHidden()  # ready: nothing to say
        dialog.reject()
        manager.reject()

        fake.paper_near_end = True
        qtbot.waitUntil(lambda: header.printer.isVisible(), timeout=5000)
        assert header.printer.text() == "▲ プリンター: 用紙残りわずか"
        assert header.printer.property("state") == "warning"

        fake.cover_open = True
        qtbot.waitUntil(lambda: "カバー" in header.printer.text(), timeout=5000)
        assert header.printer.text() == "⚠ プリンター: カバーが開いています"
        assert header.printer.property("state") == "problem"
        items = terminal.attention_items()
        assert [(i.kind, getattr(i, "state", "")) for i in items][:1] == [("printer", "cover_open")]

        fake.cover_open = fake.paper_near_end = False
        qtbot.waitUntil(lambda: header.printer.isHidden(), timeout=5000)
        assert terminal.printer_alert is None

        fake.paper_out = True
        qtbot.waitUntil(lambda: "用紙切れ" in header.printer.text(), timeout=5000)
    qtbot.waitUntil(lambda: "接続できません" in header.printer.text(), timeout=5000)  # the printer is gone
    assert terminal.attention_items()[0].state == "offline"  # type: ignore[union-attr]
