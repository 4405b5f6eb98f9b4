"""The eat-in button on the sale screen: food eaten in is taxed at 10 %, and the receipt says so."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from posapp.services import Terminal
from posapp.store.models import Sale
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.sale_view import SalePage

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

ONIGIRI, DETERGENT = "4901234567894", "4901234567825"  # ¥138 food (8 % to take out), ¥398 standard


def scan(qtbot: QtBot, page: SalePage, code: str) -> None:
    qtbot.keyClicks(page.input, code)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)


def rates(page: SalePage) -> dict[int, int]:
    assert page.sale is not None
    return {r.rate: r.gross for r in page.sale.totals.by_rate}


def test_eat_in_by_keyboard_moves_food_to_10_percent_and_prints_it(
    qtbot: QtBot, page: SalePage, terminal: Terminal
) -> None:
    assert page.eat_in.isVisible() and page.eat_in.height() >= 44
    assert not page.eat_in.isChecked() and "8%" in page.eat_in.text()
    scan(qtbot, page, ONIGIRI)
    scan(qtbot, page, DETERGENT)
    assert rates(page) == {10: 398, 8: 138}
    qtbot.keyClicks(page.input, "12")  # half-typed: the toggle keeps it
    qtbot.keyClick(page.input, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert page.eat_in.isChecked() and "10%" in page.eat_in.text()
    assert rates(page) == {10: 398 + 138}
    assert "10%" in page.totals.rates.text() and "8%" not in page.totals.rates.text()
    assert page.input.text() == "12" and page.input.hasFocus()
    page.input.clear()
    qtbot.keyClick(page.input, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # and back
    assert rates(page) == {10: 398, 8: 138}
    qtbot.keyClick(page.input, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_sale is not None)
    assert page.last_sale is not None and page.last_sale.receipt.eat_in
    assert "店内飲食" in page.receipt_preview.toPlainText()
    with terminal.db.read() as session:
        sale = session.scalar(select(Sale))
        assert sale is not None and sale.eat_in
        assert [r["rate"] for r in sale.by_rate] == [10]
    assert terminal.receipt(page.last_sale.receipt_no).eat_in  # a reprint says it too

    # The next customer starts as take-out.
    scan(qtbot, page, ONIGIRI)
    assert not page.eat_in.isChecked() and rates(page) == {8: 138}


def test_the_button_is_a_touch_target(qtbot: QtBot, page: SalePage) -> None:
    scan(qtbot, page, ONIGIRI)
    qtbot.mouseClick(page.eat_in, Qt.MouseButton.LeftButton)
    assert rates(page) == {10: 138}
    assert page.input.hasFocus()
