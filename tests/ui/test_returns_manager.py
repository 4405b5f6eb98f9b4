"""Returns with a manager's approval, the manager screen, and the Qt-free helpers of the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.dialogs.manager import ManagerDialog
from posapp.ui.dialogs.returns import ReturnsDialog
from posapp.ui.sale_view import SalePage
from tests.services.conftest import CASHIER, MANAGER

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def sell(terminal: Terminal, *codes: str) -> str:
    sale = terminal.start_sale()
    for code in codes:
        sale.scan(code)
    sale.add_tender(TenderKind.CASH, 5000)
    return sale.complete().receipt_no


def approve(qtbot: QtBot, dialog: ApprovalDialog, code: str, pin: str) -> None:
    dialog.code.clear()
    dialog.pin.clear()
    qtbot.keyClicks(dialog.code, code)
    qtbot.keyClicks(dialog.pin, pin)
    dialog.submit()


def test_a_return_with_manager_approval(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    receipt_no = sell(terminal, "4901234567894", "4901234567832")
    page.open_returns(receipt_no)
    dialog = page.active_dialog
    assert isinstance(dialog, ReturnsDialog)
    qtbot.waitUntil(lambda: len(dialog.lines) == 2)
    dialog.set_quantity(2, 1)
    dialog.refund_button.click()
    approval = dialog.approval_dialog
    approve(qtbot, approval, *CASHIER)  # a cashier cannot approve
    qtbot.waitUntil(lambda: approval.error.isVisible())
    assert "責任者コード" in approval.error.text() and dialog.refund_result is None
    approve(qtbot, approval, *MANAGER)
    qtbot.waitUntil(lambda: dialog.refund_result is not None)
    assert dialog.refund_result is not None and dialog.refund_result.total == 657
    assert "返品" in dialog.preview.toPlainText() and "S001-02-000002" in dialog.preview.toPlainText()
    assert terminal.returnable_lines(receipt_no)[1].returnable == 0


def test_manager_screen_runs_the_z_report(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    sell(terminal, "4901234567894")
    page.keys.buttons["manager"].click()
    approval = page.active_dialog
    assert isinstance(approval, ApprovalDialog)
    approve(qtbot, approval, *MANAGER)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ManagerDialog))
    manager = page.active_dialog
    assert isinstance(manager, ManagerDialog)
    qtbot.waitUntil(lambda: "¥138" in manager.x_text.toPlainText())
    assert manager.grid.expected == 138
    manager.grid.counts[100].setValue(1)
    manager.grid.counts[10].setValue(3)
    manager.grid.counts[5].setValue(1)
    manager.grid.counts[1].setValue(3)
    assert manager.grid.over_short.text().startswith("¥0")
    manager.run_z()
    qtbot.waitUntil(lambda: manager.z_tab.confirm is not None)
    confirm = manager.z_tab.confirm
    assert confirm is not None  # a Z is confirmed before it runs
    qtbot.keyClick(confirm.yes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No.1" in manager.z_result.toPlainText())
    assert terminal.x_report().figures.customers == 0


def test_manager_settings_save_the_rounding(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    # The printer has its own setup dialog now (tests/ui/test_device_setup.py).
    page.keys.buttons["manager"].click()
    approval = page.active_dialog
    assert isinstance(approval, ApprovalDialog)
    approve(qtbot, approval, *MANAGER)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ManagerDialog))
    manager = page.active_dialog
    assert isinstance(manager, ManagerDialog)
    manager.rounding.setCurrentIndex(manager.rounding.findData("half_up"))
    manager.save_settings()
    qtbot.waitUntil(lambda: terminal.reload_settings().tax_rounding == "half_up")
