"""The status header follows the core's status events, not a poll (Electrum-style ``on_event``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from posapp.services import Terminal, TerminalStatus
from posapp.ui.main_window import MainWindow
from tests.services.conftest import CASHIER

NEVER_MS = 3_600_000
"""A safety refresh that never comes during a test: whatever the header shows came by event."""


@pytest.fixture
def window(qtbot: QtBot, terminal: Terminal, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(terminal, data_dir=tmp_path / "terminal", poll_ms=NEVER_MS)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def signed_in(qtbot: QtBot, window: MainWindow) -> TerminalStatus:
    qtbot.keyClicks(window.sign_in.code, CASHIER[0])
    qtbot.keyClicks(window.sign_in.pin, CASHIER[1])
    with qtbot.waitSignal(window.status_events.changed, timeout=10_000) as signed:
        window.sign_in.submit()
    status: TerminalStatus = signed.args[0]
    assert status.clerk is not None and status.clerk.code == CASHIER[0]
    return status


def test_a_fact_recorded_off_the_gui_thread_updates_the_header_at_once(
    qtbot: QtBot, window: MainWindow, terminal: Terminal
) -> None:
    before = signed_in(qtbot, window)
    assert before.pending_events == 0
    assert window.status_timer.interval() == NEVER_MS

    # The way the worker's DB lane or a headless caller records a fact: on another thread.
    with qtbot.waitSignal(window.status_events.changed, timeout=10_000) as pushed:
        thread = threading.Thread(target=lambda: terminal.cash_in(amount=5_000, reason="釣銭準備"))
        thread.start()
    thread.join()

    status: TerminalStatus = pushed.args[0]
    assert status.pending_events == 1
    assert window.sale.header.status == status
    assert "未送信 1" in window.sale.header.sync.text()


def test_signing_out_is_an_event_and_a_closed_window_stops_listening(
    qtbot: QtBot, window: MainWindow, terminal: Terminal
) -> None:
    signed_in(qtbot, window)
    with qtbot.waitSignal(window.status_events.changed, timeout=10_000) as pushed:
        terminal.sign_out()
    assert pushed.args[0].clerk is None

    window.close()
    heard: list[TerminalStatus] = []
    window.status_events.changed.connect(heard.append)  # same thread: would be delivered at once
    terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
    terminal.cash_in(amount=100, reason="after closing")
    assert heard == []
