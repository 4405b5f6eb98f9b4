"""A seeded terminal (store S001, terminal 02) behind a real window, signed in as the cashier."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from posapp.services import Terminal
from posapp.store.models import SyncState
from posapp.ui.i18n import set_language
from posapp.ui.main_window import MainWindow
from posapp.ui.sale_view import SalePage
from tests.services.conftest import CASHIER, FakeClock, seed


def set_online(terminal: Terminal, online: bool) -> None:
    """What the sync agent does: record whether the server answered."""
    with terminal.db.write() as session:
        state = session.get(SyncState, 1)
        if state is None:
            session.add(SyncState(id=1, online=online))
        else:
            state.online = online


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal.open(tmp_path / "terminal", clock=FakeClock())
    seed(term)
    yield term
    term.close()


@pytest.fixture
def window(qtbot: QtBot, terminal: Terminal, tmp_path: Path) -> Iterator[MainWindow]:
    set_language("ja")
    # The window's close ends with a full collection on the GUI thread (posapp.ui.gui_gc). Objects the
    # suite made before this test are not this window's garbage: frozen, that pass walks only this
    # test's objects (3 s → a few ms a window once the suite's heap has grown).
    gc.freeze()
    win = MainWindow(terminal, data_dir=tmp_path / "terminal", poll_ms=50)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()
    set_language("ja")


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow) -> SalePage:
    """The sale screen after the cashier signed in with code and PIN typed on the keyboard."""
    qtbot.keyClicks(window.sign_in.code, CASHIER[0])
    qtbot.keyClicks(window.sign_in.pin, CASHIER[1])
    window.sign_in.submit()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sale)
    qtbot.waitUntil(lambda: window.sale.header.status is not None)
    return window.sale
