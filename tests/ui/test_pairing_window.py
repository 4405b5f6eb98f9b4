"""Pairing as a new store does it: the first-run page, typed on the keyboard, against a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from posapp.app import pair_with_server
from posapp.services import Terminal
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.i18n import set_language
from posapp.ui.main_window import MainWindow
from sync.client import credentials
from sync.server.auth.models import Device, PairingCode
from tests.server.conftest import pg_migrated as pg_migrated  # used by the server fixture
from tests.sync.conftest import LiveServer, server_sales
from tests.sync.conftest import server as server  # the live server fixture

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.qt_log_ignore("propagateSizeHints")]
ONIGIRI = "4901234567894"


@pytest.fixture
def file_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    set_language("ja")
    terminal = Terminal.open(tmp_path / "terminal")
    win = MainWindow(terminal, data_dir=tmp_path / "terminal", pair=pair_with_server, poll_ms=50)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()
    terminal.close()


def type_pairing(qtbot: QtBot, window: MainWindow, server: LiveServer) -> str:
    code: str = server.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"]
    page = window.first_run
    qtbot.keyClicks(page.server, server.url)
    qtbot.keyClicks(page.code, code)
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    return code


def devices_in(server: LiveServer, store_code: str = "S001") -> int:
    from sync.server.stores.models import Store

    with server.session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(Device).join(Store).where(Store.code == store_code)
            )
            or 0
        )


@pytest.mark.parametrize("server", ["sqlite", pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
@pytest.mark.usefixtures("file_keyring")
def test_pairing_from_the_first_run_page_then_a_sale_reaches_the_server(
    qtbot: QtBot, server: LiveServer, window: MainWindow
) -> None:
    server.pair("S001", "レジ1")  # the store's first register exists already: this one is 02
    type_pairing(qtbot, window, server)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in, timeout=60_000)
    terminal = window.terminal
    assert terminal.settings.terminal_code == "02", "the register number comes from the server"
    assert terminal.settings.store_code == "S001"

    qtbot.keyClicks(window.sign_in.code, "1001")
    qtbot.keyClicks(window.sign_in.pin, "1234")
    qtbot.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sale, timeout=10_000)
    page = window.sale
    qtbot.waitUntil(lambda: page.header.status is not None)

    qtbot.keyClicks(page.input, ONIGIRI)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, PayDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # nothing typed: the exact amount, then complete
    qtbot.waitUntil(lambda: page.last_sale is not None)
    assert page.last_sale is not None
    receipt_no = page.last_sale.receipt_no
    assert re.fullmatch(r"S001-02-\d{6}", receipt_no), receipt_no
    assert "None" not in page.receipt_preview.toPlainText()

    qtbot.waitUntil(lambda: receipt_no in server_sales(server), timeout=30_000)
    assert server_sales(server)[receipt_no] == 138
    # The status bar (which raised TypeError with no register number) says the outbox is empty.
    qtbot.waitUntil(lambda: "オンライン  未送信 0" in page.header.sync.text(), timeout=30_000)
    assert page.header.online


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_without_a_keyring_the_pairing_code_is_not_spent(
    qtbot: QtBot, server: LiveServer, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(credentials.FILE_KEYRING_ENV, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code = type_pairing(qtbot, window, server)
        page = window.first_run
        qtbot.waitUntil(lambda: not page.banner.isHidden(), timeout=10_000)
    finally:
        keyring.set_keyring(previous)
    assert "キーリング" in page.banner.text.text() or "keyring" in page.banner.text.text().lower()
    assert window.stack.currentWidget() is page
    assert not window.terminal.is_paired and devices_in(server) == 0, "no orphan device on the server"
    with server.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(PairingCode).where(PairingCode.used_at.isnot(None))
            )
            == 0
        )

    # With a keyring, the same code still pairs the terminal.
    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")
    page.code.clear()
    qtbot.keyClicks(page.code, code)
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in, timeout=60_000)
    assert window.terminal.settings.terminal_code == "01" and devices_in(server) == 1
