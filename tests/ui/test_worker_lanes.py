"""Two background lanes: SQLite work never queues behind the printer or the server, and a failed
background job is shown to the cashier."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from posapp.domain.barcodes import make_member_card
from posapp.services import Terminal
from posapp.services.errors import UnknownCustomer
from posapp.services.link import ServerLink
from posapp.store.models import PrintFailure, Sale
from posapp.ui.dialogs.pay import PayDialog
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from posapp.ui.worker import DbWorker, Lane
from sync.client.agent import SyncAgent
from sync.client.http import SyncClient
from tests.services.conftest import MEMBER_NO

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port whose accept queue is full: a connection to it hangs until its timeout (a dead printer)."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(0)
    filler = socket.create_connection(hole.getsockname(), timeout=1)
    try:
        yield hole.getsockname()[1]
    finally:
        filler.close()
        hole.close()


def sell_by_keyboard(qtbot: QtBot, page: SalePage) -> None:
    """Scan by typing the JAN + Enter, F10, Enter (the exact amount, and complete)."""
    page.window().activateWindow()  # what the window manager does when the dialog closes
    qtbot.waitUntil(lambda: page.window().isActiveWindow())
    qtbot.keyClicks(page.input, "4901234567894")
    qtbot.keyClick(page.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and len(page.sale.cart.lines) == 1)
    qtbot.keyClick(page.input, Qt.Key.Key_F10)
    dialog = page.active_dialog
    assert isinstance(dialog, PayDialog)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)


def sales(terminal: Terminal) -> int:
    with terminal.db.read() as session:
        return session.scalar(select(func.count()).select_from(Sale)) or 0


@pytest.mark.slow  # waits out two real 5 s printer timeouts
def test_a_dead_printer_does_not_delay_the_next_sale(
    qtbot: QtBot, page: SalePage, terminal: Terminal, black_hole: int
) -> None:
    terminal.configure(printer=f"tcp://127.0.0.1:{black_hole}")
    sell_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: page.last_sale is not None and page.active_dialog is None)
    assert not page.worker.lane_idle(Lane.IO)  # the receipt is waiting on the dead printer
    started = time.monotonic()
    sell_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: sales(terminal) == 2 and page.last_sale is not None, timeout=5000)
    took = time.monotonic() - started
    assert took < 2.0, f"the second sale waited {took:.1f} s behind the printer"
    assert not page.worker.lane_idle(Lane.IO)  # still printing the first receipt
    # Both receipts fail in turn (5 s each); the cashier is told, the manager's list has them.
    qtbot.waitUntil(lambda: page.worker.lane_idle(Lane.IO), timeout=15_000)
    assert "プリンター" in page.banner.message
    with terminal.db.read() as session:
        assert session.scalar(select(func.count()).select_from(PrintFailure)) == 2


def test_a_black_holed_server_does_not_delay_the_next_sale(
    qtbot: QtBot, page: SalePage, terminal: Terminal, black_hole: int
) -> None:
    client = SyncClient(f"http://127.0.0.1:{black_hole}", "token")
    agent = SyncAgent(terminal.db, client, store_code="S001", terminal_code="02")  # never started
    terminal.link = ServerLink(client, agent)
    scan_member = make_member_card(MEMBER_NO)
    qtbot.keyClicks(page.input, scan_member)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.customer is not None)
    qtbot.waitUntil(lambda: not page.worker.lane_idle(Lane.IO))  # the history: 3 × 3 s to connect
    started = time.monotonic()
    sell_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: sales(terminal) == 1 and page.last_sale is not None, timeout=5000)
    took = time.monotonic() - started
    assert took < 2.0, f"the sale waited {took:.1f} s behind the server"
    assert not page.worker.lane_idle(Lane.IO)  # still waiting for the server


def test_a_slow_network_job_does_not_hold_the_database_lane(qtbot: QtBot) -> None:
    worker = DbWorker()
    release = threading.Event()
    done: list[str] = []
    try:
        worker.run(lambda: release.wait(10), success=lambda _r: done.append("io"), lane=Lane.IO)
        worker.run(lambda: "db", success=done.append)
        qtbot.waitUntil(lambda: done == ["db"], timeout=2000)
        assert not worker.idle and worker.lane_idle(Lane.DB)
        release.set()
        qtbot.waitUntil(lambda: done == ["db", "io"])
    finally:
        release.set()
        worker.shutdown()


def test_a_failed_background_job_is_shown_to_the_cashier(
    qtbot: QtBot, window: MainWindow, page: SalePage
) -> None:
    def look_up() -> None:
        raise UnknownCustomer("no such member")

    window.worker.run(look_up, success=lambda _r: None, lane=Lane.IO)
    qtbot.waitUntil(lambda: page.banner.message != "")
    assert "会員は見つかりません" in page.banner.message
