"""The customer display: set up from F12, it follows the scans, the total, points and the change, then idles."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from posapp.devices.display import CounterView, line_display_text
from posapp.domain.barcodes import make_member_card
from posapp.domain.tender import TenderKind
from posapp.services import Terminal
from posapp.services.devices import load_setup
from posapp.ui.customer_display import CustomerDisplayWindow
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from tests.devices.fake_printer import FakePrinter, fake_printer
from tests.services.conftest import MEMBER_NO
from tests.ui.test_device_setup import click, open_device_setup, type_into
from tests.ui.test_sale_screen import BATTERY, ONIGIRI, TEA, scan

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def set_up_display(qtbot: QtBot, page: SalePage, line: FakePrinter) -> CustomerDisplayWindow:
    """The manager ticks the window, names the pole display and a message, and saves."""
    manager, dialog = open_device_setup(qtbot, page)
    dialog.tabs.setCurrentWidget(dialog.display)
    form = dialog.display
    form.window_on.setFocus()
    qtbot.keyClick(form.window_on, Qt.Key.Key_Space)
    qtbot.keyClick(form.window_on, Qt.Key.Key_Tab)
    assert form.screen_choice.hasFocus() and "接続されていません" in form.screen_choice.currentText()
    qtbot.keyClick(form.screen_choice, Qt.Key.Key_Up)  # a test machine has one screen: show it there
    assert form.screen_choice.currentData() == 0
    type_into(qtbot, form.line, line.spec)
    form.message.setText("本日ポイント2倍")  # Japanese arrives through the input method, not key by key
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: "保存しました" in dialog.outcome.text(), timeout=5000)
    dialog.reject()
    manager.reject()
    window = page.window()
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(
        lambda: window.customer_display is not None and window.customer_display.window is not None
    )
    assert window.customer_display is not None and window.customer_display.window is not None
    return window.customer_display.window


def last_frame(line: FakePrinter, top: str, bottom: str) -> None:
    """The pole display's newest frame shows ``top`` / ``bottom`` (its bytes decoded)."""

    def shows() -> bool:
        jobs = line.print_jobs()
        if not jobs:
            return False
        frame = jobs[-1]
        rows = frame.split(b"\x1f$")
        text = [row[2:].replace(b"\x1c&", b"").replace(b"\x1c.", b"").decode("cp932") for row in rows[1:]]
        return [t.replace("\\", "¥") for t in text] == [top.rstrip(), bottom.rstrip()]

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not shows():
        QApplication.processEvents()
        time.sleep(0.02)
    assert shows(), line.print_jobs()[-1:]


def test_the_display_follows_the_sale(qtbot: QtBot, page: SalePage, terminal: Terminal) -> None:
    with fake_printer() as pole:
        display = set_up_display(qtbot, page, pole)
        assert load_setup(terminal.counter).display.window
        qtbot.waitUntil(lambda: display.store.text() != "")
        assert display.isVisible() and display.stack.currentWidget() is display.idle_page
        assert display.store.text() == "○○マート 渋谷店" and display.message.text() == "本日ポイント2倍"
        last_frame(pole, "本日ポイント2倍", "○○マート 渋谷店")

        for code in (ONIGIRI, ONIGIRI, TEA):
            scan(qtbot, page, code)
        qtbot.waitUntil(lambda: display.model.rowCount() == 2)  # drawn at most ten times a second
        assert display.stack.currentWidget() is display.sale_page
        assert display.model.rowCount() == page.model.rowCount() == 2
        assert display.total.text() == "¥427" == page.totals.total.text()
        assert display.count.text().startswith("3点")
        assert display.table.selectionModel().selectedRows()[0].row() == 1  # the tea just scanned
        last_frame(pole, "緑茶 500ml" + " " * 6 + "¥151", "合計 3点" + " " * 8 + "¥427")  # 20 columns each

        scan(qtbot, page, make_member_card(MEMBER_NO))
        scan(qtbot, page, BATTERY)
        qtbot.keyClicks(page.input, "100")
        page.keys.buttons["points"].click()
        qtbot.waitUntil(lambda: display.points.text() != "")
        assert display.points.text() == "ポイント利用 Points  -¥100" and display.total.text() == "¥984"

        page.keys.buttons["pay"].click()
        pay = page.active_dialog
        assert isinstance(pay, PayDialog)
        pay.select_kind(TenderKind.CASH)
        qtbot.keyClicks(pay.amount, "1000")
        qtbot.keyClick(pay.amount, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: page.last_sale is not None)
        qtbot.waitUntil(lambda: display.stack.currentWidget() is display.paid_page)
        assert display.change.text() == "¥16"
        assert display.tendered.text() == "お預り Paid  ¥1,000"
        earned = page.last_sale.points_earned  # type: ignore[union-attr]
        assert (
            f"Points earned  {earned:,} pt" in display.earned.text()
            and "Used 100 pt" in display.earned.text()
        )
        last_frame(pole, "お預り" + " " * 8 + "¥1,000", "お釣り" + " " * 11 + "¥16")

        scan(qtbot, page, TEA)  # the next customer
        qtbot.waitUntil(lambda: display.stack.currentWidget() is display.sale_page)
        assert display.model.rowCount() == 1


def test_the_cashiers_language_does_not_change_the_display(
    qtbot: QtBot, window: MainWindow, page: SalePage
) -> None:
    with fake_printer() as pole:
        display = set_up_display(qtbot, page, pole)
    window.change_language("en")
    scan(qtbot, page, ONIGIRI)
    qtbot.waitUntil(lambda: display.total.text() == "¥138")
    assert display.welcome.text() == "いらっしゃいませ  Welcome"


def test_line_display_text_fits_twenty_columns() -> None:
    from posapp.domain.cart import Cart, CartLine
    from posapp.domain.tax import TaxClass, TaxPolicy

    cart = Cart(policy=TaxPolicy()).add(
        CartLine(
            sku="x",
            name="とても長い名前の商品ですよ",
            unit_price=12_345,
            quantity=12,
            tax_class=TaxClass.STANDARD,
        )
    )
    for kanji in (True, False):
        top, bottom = line_display_text(CounterView.for_cart(cart, cart.totals()), kanji=kanji)
        assert top.endswith("¥148,140") and bottom.endswith("¥148,140")
    assert line_display_text(CounterView.for_cart(cart, cart.totals()), kanji=False)[0].startswith("ﾄﾃﾓ")
