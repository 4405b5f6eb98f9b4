"""Every dialog by keyboard alone: Enter approves, Esc cancels, Tab moves; scans never land in a dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.sale_view import SalePage
from tests.services.conftest import MANAGER

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
TEA, BATTERY = "4901234567801", "4901234567832"


def focus_window(qtbot: QtBot, page: SalePage) -> None:
    """What the window manager does when a dialog closes (the offscreen platform leaves none active)."""
    page.window().activateWindow()
    qtbot.waitUntil(lambda: page.window().isActiveWindow())


def type_and_enter(qtbot: QtBot, page: SalePage, text: str) -> None:
    qtbot.keyClicks(page.input, text)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)


def approval_dialog(qtbot: QtBot, page: SalePage) -> ApprovalDialog:
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ApprovalDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, ApprovalDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.code)
    return dialog


def approve_by_keyboard(qtbot: QtBot, dialog: ApprovalDialog) -> None:
    """Code, Enter (to the PIN), PIN, Enter: no mouse."""
    qtbot.keyClicks(QApplication.focusWidget(), MANAGER[0])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.pin
    qtbot.keyClicks(QApplication.focusWidget(), MANAGER[1])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


@pytest.mark.usefixtures("window")
def test_enter_in_the_approval_dialog_opens_the_manager_screen(qtbot: QtBot, page: SalePage) -> None:
    from posapp.ui.dialogs.manager import ManagerDialog

    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F12)
    dialog = approval_dialog(qtbot, page)
    approve_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ManagerDialog), timeout=10_000)
    manager = page.active_dialog
    assert manager is not None
    qtbot.wait(300)  # a second approval (Enter reaching the default button too) would show up here
    assert (
        len([w for w in QApplication.topLevelWidgets() if isinstance(w, ManagerDialog) and w.isVisible()])
        == 1
    )
    qtbot.keyClick(manager, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.active_dialog is None)
    qtbot.waitUntil(lambda: page.window().focusWidget() is page.input)


@pytest.mark.usefixtures("window")
def test_enter_approves_a_large_discount(qtbot: QtBot, page: SalePage) -> None:
    type_and_enter(qtbot, page, BATTERY)
    qtbot.keyClicks(page.input, "50%")
    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F4)
    dialog = approval_dialog(qtbot, page)
    approve_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: page.totals.total.text() == "¥329", timeout=10_000)  # 657 − 328
    qtbot.waitUntil(lambda: page.active_dialog is None)


@pytest.mark.usefixtures("window")
def test_esc_cancels_the_approval_and_a_wrong_pin_can_be_retyped(qtbot: QtBot, page: SalePage) -> None:
    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F12)
    dialog = approval_dialog(qtbot, page)
    qtbot.keyClicks(dialog.code, MANAGER[0])
    qtbot.keyClick(dialog.code, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.pin, "Tab moves from the code to the PIN"
    qtbot.keyClicks(dialog.pin, "0000")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert dialog.isVisible() and dialog.pin.text() == ""
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.active_dialog is None)
    qtbot.waitUntil(lambda: page.window().focusWidget() is page.input)


@pytest.mark.usefixtures("window")
def test_a_scan_while_the_approval_dialog_is_open_is_refused_not_typed(qtbot: QtBot, page: SalePage) -> None:
    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F12)
    dialog = approval_dialog(qtbot, page)
    qtbot.keyClicks(dialog.code, TEA)  # a scanner burst: keys a few ms apart, then Enter
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.code.text() == "", "the scan was not typed into the manager code"
    assert dialog.error.isVisible() and "スキャンできません" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.code, "Enter did not move on to the PIN"
    assert page.model.rowCount() == 0
    # Typing by hand still works.
    approve_by_keyboard(qtbot, dialog)
    qtbot.waitUntil(lambda: not isinstance(page.active_dialog, ApprovalDialog), timeout=10_000)


@pytest.mark.usefixtures("window")
def test_search_by_keyboard_enter_chooses_esc_closes(qtbot: QtBot, page: SalePage) -> None:
    from posapp.ui.dialogs.search import SearchDialog

    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, SearchDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, SearchDialog)
    qtbot.keyClicks(dialog.query, "490123456780")
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 1, timeout=5_000)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert page.model.rowCount() == 1

    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, SearchDialog))
    second = page.active_dialog
    assert second is not None
    qtbot.keyClick(second, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert page.model.rowCount() == 1 and page.window().focusWidget() is page.input


@pytest.mark.usefixtures("window")
def test_member_by_keyboard_number_enter_then_enter_attaches(qtbot: QtBot, page: SalePage) -> None:
    from posapp.ui.dialogs.customer import CustomerDialog
    from tests.services.conftest import MEMBER_NO

    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, CustomerDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, CustomerDialog)
    qtbot.keyClicks(dialog.query, "42")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.results.count() == 1 and dialog.results.hasFocus(), timeout=5_000)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert page.sale is not None and page.sale.customer is not None
    assert page.sale.customer.member_no == MEMBER_NO
