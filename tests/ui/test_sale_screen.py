"""The sale screen driven through its real widgets (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from posapp.domain.barcodes import make_member_card
from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from tests.services.conftest import MEMBER_NO
from tests.ui.conftest import set_online

# The offscreen platform says this for every dialog it shows; it is not about our code.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
ONIGIRI, TEA, BATTERY = "4901234567894", "4901234567801", "4901234567832"


def scan(qtbot: QtBot, page: SalePage, code: str) -> None:
    """A scanner burst: digits as fast as keys go, then Enter."""
    qtbot.keyClicks(page.input, code)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)


def test_a_scanner_burst_adds_the_product(qtbot: QtBot, page: SalePage) -> None:
    scan(qtbot, page, ONIGIRI)
    assert page.model.rowCount() == 1
    assert "おにぎり鮭" in page.model.index(0, 1).data() and page.model.index(0, 1).data().startswith("※")
    assert page.totals.total.text() == "¥138"
    assert page.input.text() == ""


def test_typed_text_before_a_scan_stays_in_the_line(qtbot: QtBot, page: SalePage) -> None:
    page.input.setText("3")
    page.input.setCursorPosition(1)
    page.input._last_key_at = 0.0  # noqa: SLF001 - ages the last keystroke instead of sleeping: the "3" was typed long ago
    scan(qtbot, page, TEA)
    assert page.model.rowCount() == 1 and page.input.text() == "3"
    page.keys.buttons["quantity"].click()
    assert page.model.index(0, 2).data() == "3"


def test_unknown_barcode_shows_the_banner_and_keeps_focus(qtbot: QtBot, page: SalePage) -> None:
    scan(qtbot, page, "4569951116179")
    assert not page.banner.isHidden()
    assert "登録されていません" in page.banner.text.text()
    assert page.model.rowCount() == 0
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.input)


def test_full_sale_with_member_points_and_split_tender(qtbot: QtBot, page: SalePage) -> None:
    for code in (ONIGIRI, ONIGIRI, TEA, BATTERY):
        scan(qtbot, page, code)
    scan(qtbot, page, make_member_card(MEMBER_NO))
    assert page.customer_panel.name.text() == "鈴木 花子"
    assert "1,240 pt" in page.customer_panel.points.text()
    qtbot.keyClicks(page.input, "100")
    page.keys.buttons["points"].click()
    qtbot.waitUntil(lambda: page.totals.total.text() == "¥984")  # 138×2 + 151 + 657 − 100
    page.keys.buttons["pay"].click()
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog)
    dialog.select_kind(TenderKind.CARD)
    qtbot.keyClicks(dialog.amount, "500")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert dialog.remaining.text().endswith("¥484") and page.last_sale is None
    dialog.select_kind(TenderKind.CASH)
    dialog.findChildren(type(dialog.complete_button), "quick")[1].click()  # ¥1,000
    assert dialog.change.text() == "¥516"
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.last_sale is not None)
    assert page.model.rowCount() == 0
    assert page.totals.total.text() == "¥516" and page.totals.total_caption.text() == "お釣り"
    assert "鈴木" not in page.customer_panel.name.text() or (
        page.sale is not None and page.sale.customer is None
    )
    assert "S001-02-000001" in page.receipt_preview.toPlainText()
    scan(qtbot, page, TEA)
    assert page.totals.total.text() == "¥151" and page.totals.total_caption.text() == "合計"


@pytest.mark.usefixtures("window")
def test_offline_status_shows_and_selling_goes_on(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    set_online(terminal, True)
    qtbot.waitUntil(lambda: "オンライン" in page.header.sync.text() and page.header.online)
    set_online(terminal, False)
    qtbot.waitUntil(lambda: "オフライン" in page.header.sync.text(), timeout=3000)
    assert page.header.sync.text().startswith("⚠")  # an icon and words, not colour alone
    scan(qtbot, page, ONIGIRI)
    assert page.model.rowCount() == 1
    page.keys.buttons["pay"].click()
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # nothing typed: exact, then complete
    qtbot.waitUntil(lambda: page.last_sale is not None)
    qtbot.waitUntil(lambda: "未送信 1件" in page.header.sync.text())


def test_language_switch_changes_the_labels(qtbot: QtBot, window: MainWindow, page: SalePage) -> None:
    assert page.keys.buttons["pay"].text() == "F10\n会計"
    window.change_language("en")
    qtbot.waitUntil(lambda: page.keys.buttons["pay"].text() == "F10\nPay")  # LanguageChange is posted
    assert page.totals.total_caption.text() == "TOTAL"
    assert page.customer_panel.name.text() == "Scan a member card"
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "Item"
    scan(qtbot, page, "4569951116179")
    assert "not registered" in page.banner.text.text()
    window.change_language("ja")
    qtbot.waitUntil(lambda: page.keys.buttons["pay"].text() == "F10\n会計")
