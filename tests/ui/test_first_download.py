"""The first-run page: pairing downloads the catalog with a progress bar that survives a restart."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from posapp.app import pair_with_server
from posapp.services import Terminal
from posapp.ui.i18n import set_language
from posapp.ui.main_window import MainWindow
from sync.client import agent as agent_module
from sync.client import credentials
from sync.client.http import ServerUnavailable, SyncClient
from sync.protocol.catalog import PullPage
from tests.sync.conftest import LiveServer
from tests.sync.conftest import server as server  # the live server fixture
from tests.sync.test_catalog_download import load_catalog, server_catalog, terminal_catalog

CATALOG = 4_000
PAGE = 200


class SlowLine:
    """The real client's pull on a slow line that drops once, after a few pages; remembers the cursors."""

    def __init__(self, drop_after: int | None) -> None:
        self.cursors: list[str] = []
        self.drop_after = drop_after
        self.real = SyncClient.pull

    def __call__(
        self, client: SyncClient, *, cursor: str, limit: int = 20_000, count: bool = False
    ) -> PullPage:
        self.cursors.append(cursor)
        if self.drop_after is not None and len(self.cursors) > self.drop_after:
            self.drop_after = None
            raise ServerUnavailable("injected: the line dropped")
        # Slow enough that the window samples the rate several times (it polls every 0.5 s) before the
        # drop, on a quiet machine or a busy one: the time-left estimate needs two samples apart.
        time.sleep(0.25)
        return self.real(client, cursor=cursor, limit=limit, count=count)


@pytest.fixture
def slow_line(monkeypatch: pytest.MonkeyPatch) -> SlowLine:
    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")
    monkeypatch.setattr(agent_module, "PULL_PAGE", PAGE)
    line = SlowLine(drop_after=8)
    monkeypatch.setattr(SyncClient, "pull", lambda client, **kw: line(client, **kw))
    return line


def open_window(qtbot: QtBot, terminal: Terminal, data_dir: Path) -> MainWindow:
    window = MainWindow(terminal, data_dir=data_dir, pair=pair_with_server, poll_ms=50)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def shown(window: MainWindow) -> tuple[int, int]:
    """(value, maximum) of the progress bar, as the clerk sees it."""
    bar = window.first_run.download_bar
    return bar.value(), bar.maximum()


@pytest.mark.gui
@pytest.mark.integration
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_pairing_shows_the_download_and_a_restart_goes_on_from_where_it_stopped(
    qtbot: QtBot, server: LiveServer, tmp_path: Path, slow_line: SlowLine
) -> None:
    set_language("ja")
    load_catalog(server, 1, CATALOG)
    data_dir = tmp_path / "terminal"
    terminal = Terminal.open(data_dir)
    window = open_window(qtbot, terminal, data_dir)
    page = window.first_run
    code = server.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"]
    qtbot.keyClicks(page.server, server.url)
    qtbot.keyClicks(page.code, code)
    qtbot.keyClick(page.code, Qt.Key.Key_Return)

    # The bar reads the download's real progress: rows of the feed out of the total the server gave.
    qtbot.waitUntil(lambda: page.download_bar.isVisible() and shown(window)[0] > 0, timeout=30_000)
    value, maximum = shown(window)
    assert maximum >= CATALOG and 0 < value < maximum
    assert f"/ {maximum:,} 件" in page.download_label.text()
    assert not page.pair_button.isVisible()
    qtbot.waitUntil(lambda: "残り 約" in page.download_left.text(), timeout=30_000)
    assert re.search(r"残り 約\d+分\d+秒", page.download_left.text())

    # The line drops mid-download: the page stays on the download, the agent takes it up. Then the
    # terminal is closed in the middle and opened again.
    qtbot.waitUntil(lambda: len(slow_line.cursors) > 9, timeout=30_000)
    window.close()
    terminal.close()
    cursors_before_restart = len(slow_line.cursors)

    terminal = Terminal.open(data_dir)
    progress = terminal.catalog_download()
    assert progress is not None and 0 < progress.rows_done < (progress.rows_total or 0)
    window = open_window(qtbot, terminal, data_dir)
    page = window.first_run
    assert window.stack.currentWidget() is page and page.download_bar.isVisible()
    assert shown(window)[0] == progress.rows_done, "the bar starts where the download stopped, not at zero"
    assert "中断したところから続けています" in page.download_label.text()
    window.connect_in_background()  # what the app does after the first frame
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in, timeout=60_000)
    assert "" not in slow_line.cursors[cursors_before_restart:], "after the restart it never started over"
    assert terminal_catalog(terminal) == server_catalog(server)
    window.close()
    terminal.close()


def test_the_bar_says_what_it_does_not_know_yet(qtbot: QtBot) -> None:
    from posapp.ui.pages import FirstRunPage

    set_language("ja")
    page = FirstRunPage()
    qtbot.addWidget(page)
    page.show()
    page.show_download(0, None, None)
    assert page.download_bar.maximum() == 0, "a busy bar until the server says how many rows"
    assert "… 件" in page.download_label.text() and "計算" in page.download_left.text()
    page.show_download(250_000, 1_000_000, 95.4)
    assert (page.download_bar.value(), page.download_bar.maximum()) == (250_000, 1_000_000)
    assert page.download_left.text() == "残り 約1分35秒"
    set_language("en")
    qtbot.waitUntil(lambda: page.download_left.text() == "About 1 min 35 s left")
    assert "250,000 / 1,000,000" in page.download_label.text()
    set_language("ja")
