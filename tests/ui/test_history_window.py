"""History true at the counter: two registers, a real server, the window driven by keyboard."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from posapp.domain.barcodes import make_member_card
from posapp.services.link import ServerLink
from posapp.ui.dialogs.customer import CustomerDialog
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.i18n import set_language
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from tests.server.conftest import pg_migrated as pg_migrated  # used by the server fixture
from tests.services.conftest import MEMBER_NO
from tests.sync.conftest import LiveServer, PairedTerminal, pair_terminal
from tests.sync.conftest import server as server  # the live server fixture

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.qt_log_ignore("propagateSizeHints")]
TEA, BATTERY = "4901234567801", "4901234567832"


@pytest.fixture
def registers(server: LiveServer, tmp_path: Path) -> Iterator[tuple[PairedTerminal, PairedTerminal]]:
    first = pair_terminal(server, tmp_path / "r1", terminal_code="01")
    second = pair_terminal(server, tmp_path / "r2", terminal_code="02")
    for register in (first, second):
        register.terminal.link = ServerLink(register.agent.client, register.agent)
    yield first, second
    for register in (first, second):
        register.terminal.link = None
        register.agent.client.close()
        register.terminal.close()


@pytest.fixture
def counter(
    qtbot: QtBot, registers: tuple[PairedTerminal, PairedTerminal], tmp_path: Path
) -> Iterator[SalePage]:
    """The second register's window, the cashier signed in by keyboard."""
    set_language("ja")
    terminal = registers[1].terminal
    window = MainWindow(terminal, data_dir=tmp_path / "r2", poll_ms=50)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    qtbot.keyClicks(window.sign_in.code, "1001")
    qtbot.keyClicks(window.sign_in.pin, "1234")
    qtbot.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sale, timeout=10_000)
    yield window.sale
    window.close()


SHOTS = os.environ.get("POSAPP_SCREENSHOTS")
"""``POSAPP_SCREENSHOTS=docs/screenshots pytest tests/ui/test_history_window.py -k 'sqlite and other'``
saves 27-history-after-other-register.png and 28-customer-360-history.png from this test."""


def shot(qtbot: QtBot, widget: QWidget, name: str) -> None:
    if not SHOTS:
        return
    from posapp.app import STYLE_SHEET
    from posapp.ui.fonts import apply_ui_font

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_ui_font(app)
    app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    qtbot.wait(300)
    path = Path(SHOTS) / f"{name}.png"
    widget.grab().save(str(path), "PNG")
    if shutil.which("convert"):  # 8-bit palette, as scripts/screenshots.py does
        subprocess.run(["convert", str(path), "-colors", "256", f"PNG8:{path}"], check=False)


def scan(qtbot: QtBot, page: SalePage, code: str) -> None:
    qtbot.keyClicks(page.input, code)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)


def panel_history(page: SalePage) -> str:
    return page.customer_panel.history_text.text()


def attach_and_wait(qtbot: QtBot, page: SalePage) -> None:
    scan(qtbot, page, make_member_card(MEMBER_NO))
    qtbot.waitUntil(lambda: "最新" in page.customer_panel.history_title.text(), timeout=10_000)


def focus_window(qtbot: QtBot, page: SalePage) -> None:
    """What the window manager does when a dialog closes: the main window is active again (function
    keys are window shortcuts; the offscreen platform leaves no window active)."""
    page.window().activateWindow()
    qtbot.waitUntil(lambda: page.window().isActiveWindow())


def pay_exact(qtbot: QtBot, page: SalePage) -> None:
    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # nothing typed: the exact amount, then complete
    qtbot.waitUntil(lambda: page.last_sale is not None)


@pytest.mark.parametrize("server", ["sqlite", pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
def test_a_sale_on_the_other_register_shows_on_the_next_attach(
    qtbot: QtBot, registers: tuple[PairedTerminal, PairedTerminal], counter: SalePage
) -> None:
    other, _this = registers
    page = counter
    scan(qtbot, page, TEA)
    attach_and_wait(qtbot, page)
    assert "¥657" not in panel_history(page)

    # The other register sells a battery to the same member and syncs.
    receipt = other.sell(BATTERY, member_no=MEMBER_NO)
    other.agent.sync_once()

    # This register finishes its own sale (not sent yet: the agent has not run) …
    pay_exact(qtbot, page)
    # … and the member comes back: both sales are in the history, the other register's from the server.
    scan(qtbot, page, TEA)
    attach_and_wait(qtbot, page)
    history = panel_history(page)
    assert "渋谷店  ¥657" in history, history
    assert history.count("¥151") == 1, "this register's own sale, once, before it is sent"

    # The other register voids its sale: the next attach shows the void as a void, not a purchase.
    approval = other.terminal.approve(code="9001", pin="9999", action="void")
    other.terminal.void_sale(receipt_no=receipt, approval=approval)
    other.agent.sync_once()
    pay_exact(qtbot, page)
    scan(qtbot, page, TEA)
    attach_and_wait(qtbot, page)
    assert "取消  -¥657" in panel_history(page), panel_history(page)
    shot(qtbot, page.window(), "27-history-after-other-register")

    # The 360° view (F2) loads the whole timeline with items and quantities, and says how fresh it is.
    focus_window(qtbot, page)
    qtbot.keyClick(page.input, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, CustomerDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, CustomerDialog)
    qtbot.keyClicks(dialog.query, MEMBER_NO)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "渋谷店" in dialog.view.timeline.text(), timeout=10_000)
    timeline = dialog.view.timeline.text()
    assert "取消  -¥657" in timeline and "店舗購入  ¥657" in timeline
    assert "乾電池 単3x4 ×1" in timeline
    assert dialog.view.timeline_age.text() == "最新"
    shot(qtbot, dialog, "28-customer-360-history")
    assert "履歴はサーバー接続時に表示" not in timeline
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_offline_the_last_history_seen_here_is_shown_with_its_age(
    qtbot: QtBot, server: LiveServer, registers: tuple[PairedTerminal, PairedTerminal], counter: SalePage
) -> None:
    other, this = registers
    other.sell(BATTERY, member_no=MEMBER_NO)
    other.agent.sync_once()
    page = counter
    scan(qtbot, page, TEA)
    attach_and_wait(qtbot, page)
    pay_exact(qtbot, page)

    server.stop()
    this.clock.advance(minutes=5)
    scan(qtbot, page, TEA)
    scan(qtbot, page, make_member_card(MEMBER_NO))
    qtbot.waitUntil(lambda: "5分前の情報" in page.customer_panel.history_title.text(), timeout=15_000)
    history = panel_history(page)
    assert "¥657" in history, "the other register's sale, from the history cached here"
    assert "¥151" in history, "this register's own sale, made after the history was fetched"
    server.start()
