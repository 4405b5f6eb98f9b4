"""The Z report from the manager screen, by keyboard: the count shows what is typed, the Z is
confirmed, and a double press does not record a second Z (with the whole drawer as a shortage)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.store.models import Closing
from posapp.ui.dialogs.approval import ApprovalDialog
from posapp.ui.dialogs.manager import ManagerDialog
from posapp.ui.sale_view import SalePage
from tests.services.conftest import MANAGER

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def closings(terminal: Terminal) -> list[tuple[int, int]]:
    with terminal.db.read() as session:
        rows = session.execute(select(Closing.closing_no, Closing.over_short).order_by(Closing.closing_no))
        return [(no, over_short) for no, over_short in rows]


def open_z(qtbot: QtBot, page: SalePage) -> ManagerDialog:
    """F12, the manager's code and PIN typed with Enter, then the 精算 tab."""
    qtbot.keyClick(page.input, Qt.Key.Key_F12)
    approval = page.active_dialog
    assert isinstance(approval, ApprovalDialog)
    qtbot.keyClicks(approval.code, MANAGER[0])
    qtbot.keyClicks(approval.pin, MANAGER[1])
    approval.submit()
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ManagerDialog))
    manager = page.active_dialog
    assert isinstance(manager, ManagerDialog)
    qtbot.waitUntil(lambda: manager.grid.expected == 657)
    manager.tabs.setCurrentWidget(manager.z_tab)
    return manager


def editor_width(field: QWidget) -> int:
    """The width the typed digits are drawn in."""
    editor = field.lineEdit() if isinstance(field, QAbstractSpinBox) else field
    assert isinstance(editor, QLineEdit)
    margins = editor.textMargins()
    return editor.contentsRect().width() - margins.left() - margins.right()


def type_count(qtbot: QtBot, field: QWidget, digits: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, digits)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def press_enter(qtbot: QtBot, expected_focus: QWidget) -> None:
    """Enter where the keyboard is, which must be ``expected_focus``."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is expected_focus)
    qtbot.keyClick(expected_focus, Qt.Key.Key_Return)


def test_double_z_records_one_z_and_a_second_only_on_purpose(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    sale = terminal.start_sale()
    sale.scan("4901234567832")  # ¥657
    sale.add_tender(TenderKind.CASH, 1000)
    sale.complete()
    manager = open_z(qtbot, page)
    grid = manager.grid

    # The count: what is typed is on screen, in a field a finger can hit; Enter goes to the next coin.
    for face, digits in ((500, "1"), (100, "1"), (50, "1"), (5, "1"), (1, "2")):
        type_count(qtbot, grid.counts[face], digits)
        assert grid.counts[face].text() == digits
    for field in grid.counts.values():
        assert editor_width(field) >= field.fontMetrics().horizontalAdvance("99999")
        assert field.height() >= 44
    assert grid.total.text() == "¥657" and grid.over_short.text().startswith("¥0")
    type_count(qtbot, grid.counts[1], "")  # Enter on the last coin moves on, pressing nothing
    assert closings(terminal) == []

    # The Z asks first; the cashier's double press is Enter, Enter.
    run = manager.z_tab.run_button
    run.setFocus()
    qtbot.keyClick(run, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: manager.z_tab.confirm is not None)
    confirm = manager.z_tab.confirm
    assert confirm is not None and "¥657" in confirm.text.text()
    assert closings(terminal) == []  # nothing runs before the answer
    press_enter(qtbot, confirm.yes)
    qtbot.waitUntil(lambda: "No.1" in manager.z_result.toPlainText())
    assert closings(terminal) == [(1, 0)]

    # Pressed again (the count is kept by habit, typed again): confirmed, then refused, Enter = no.
    for face, digits in ((500, "1"), (100, "1"), (50, "1"), (5, "1"), (1, "2")):
        type_count(qtbot, grid.counts[face], digits)
    run.setFocus()
    qtbot.keyClick(run, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: manager.z_tab.confirm is not None)
    first = manager.z_tab.confirm
    assert first is not None
    press_enter(qtbot, first.yes)
    qtbot.waitUntil(lambda: manager.z_tab.confirm is not None and manager.z_tab.confirm is not first)
    again = manager.z_tab.confirm
    assert again is not None and "No.1" in again.text.text()
    assert manager.error.isVisible() and "精算済み" in manager.error.text()
    press_enter(qtbot, again.no)  # the safe answer has the keyboard
    qtbot.waitUntil(lambda: manager.z_tab.confirm is None)
    assert closings(terminal) == [(1, 0)]  # no second Z, no −¥30,657 "shortage"
    assert run.isEnabled()

    # A second Z on purpose: Tab to もう一度精算する, Space.
    run.setFocus()
    qtbot.keyClick(run, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: manager.z_tab.confirm is not None)
    confirm = manager.z_tab.confirm
    assert confirm is not None
    press_enter(qtbot, confirm.yes)
    qtbot.waitUntil(lambda: manager.z_tab.confirm is not None and manager.z_tab.confirm is not confirm)
    again = manager.z_tab.confirm
    assert again is not None
    qtbot.keyClick(again.no, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is again.yes
    qtbot.keyClick(again.yes, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "No.2" in manager.z_result.toPlainText())
    with terminal.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Closing)) == 2


def test_the_count_can_be_typed_on_the_touch_keypad(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    sale = terminal.start_sale()
    sale.scan("4901234567832")  # ¥657
    sale.add_tender(TenderKind.CASH, 1000)
    sale.complete()
    manager = open_z(qtbot, page)
    grid, keypad = manager.grid, manager.z_tab.keypad
    keys = {button.text(): button for button in keypad.findChildren(QPushButton)}
    qtbot.mouseClick(grid.counts[500], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["1"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.enter_button, Qt.MouseButton.LeftButton)  # on to ¥100
    assert QApplication.focusWidget() is grid.counts[100]
    for key in ("1", "5", "←"):
        qtbot.mouseClick(keys[key], Qt.MouseButton.LeftButton)
    assert (grid.counts[500].text(), grid.counts[100].text()) == ("1", "1")
    assert grid.total.text() == "¥600"
