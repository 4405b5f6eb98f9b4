"""The manager's stock, numbers and attention tabs, and the Z report that warns about unsent events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from posapp.services import Terminal
from posapp.ui.bar_chart import BAR_COLOUR
from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.dialogs.manager import ManagerDialog
from posapp.ui.sale_view import SalePage
from tests.services.conftest import MANAGER
from tests.ui.test_returns_manager import approve, sell

pytestmark = [pytest.mark.gui]


def open_manager(qtbot: QtBot, page: SalePage) -> ManagerDialog:
    page.keys.buttons["manager"].click()
    approval = page.active_dialog
    assert isinstance(approval, ApprovalDialog)
    approve(qtbot, approval, *MANAGER)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ManagerDialog))
    manager = page.active_dialog
    assert isinstance(manager, ManagerDialog)
    return manager


def test_stock_offline_is_labelled_and_receiving_changes_it(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    manager = open_manager(qtbot, page)
    manager.stock.query.setText("緑茶")
    manager.stock.look_up()
    qtbot.waitUntil(lambda: "緑茶 500ml" in manager.stock.levels.toPlainText())
    text = manager.stock.levels.toPlainText()
    assert "このレジの記録" in text and "S001" in text and "20" in text
    manager.stock.quantity.setValue(12)
    manager.stock.change_stock()
    qtbot.waitUntil(lambda: "32" in manager.stock.levels.toPlainText())
    assert terminal.status().pending_events == 1  # the receipt of goods waits in the outbox


def test_todays_numbers_chart_and_attention(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    sell(terminal, "4901234567894", "4901234567825")
    manager = open_manager(qtbot, page)
    qtbot.waitUntil(lambda: manager.numbers.report is not None and manager.numbers.report.net_sales == 536)
    assert "¥536" in manager.numbers.summary.toPlainText()
    chart = manager.numbers.chart
    assert chart.bars and sum(value for _hour, value in chart.bars) == 536, "a bar per hour"
    picture = chart.grab().toImage()
    drawn = {picture.pixel(x, y) for x in range(0, picture.width(), 2) for y in range(0, picture.height(), 2)}
    assert BAR_COLOUR.rgb() in drawn, "the bars are painted"
    qtbot.waitUntil(lambda: manager.attention.items.count() >= 1)


def test_z_report_100_yen_short_warns_of_unsent_events(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    sell(terminal, "4901234567894")
    manager = open_manager(qtbot, page)
    manager.grid.counts[100].setValue(0)
    manager.grid.counts[10].setValue(3)
    manager.grid.counts[5].setValue(1)
    manager.grid.counts[1].setValue(3)
    manager.run_z()
    qtbot.waitUntil(lambda: manager.z_tab.confirm is not None)
    confirm = manager.z_tab.confirm
    assert confirm is not None and "-¥100" in confirm.text.text().replace("−", "-")  # asked first
    qtbot.keyClick(confirm.yes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No.1" in manager.z_result.toPlainText())
    text = manager.z_result.toPlainText()
    assert "未送信" in text and "-¥100" in text.replace("−", "-")
