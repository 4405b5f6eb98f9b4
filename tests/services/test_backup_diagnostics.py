"""Terminal operations: backup while selling and restore (the ``posapp`` command line), the diagnostics zip
from the manager screen, the version on the command line and in the window."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from posapp.domain.tender import TenderKind
from posapp.logfile import LOG_FILE, start_log_file
from posapp.services import Terminal
from posapp.services.backup import check_backup
from posapp.store.models import Sale
from posapp.version import software_version
from tests.services.conftest import CASHIER, seed

ROOT = Path(__file__).resolve().parents[2]


def posapp(*args: str) -> subprocess.CompletedProcess[str]:
    """The real ``posapp`` entry point in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "posapp", *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def sales_in(terminal: Terminal) -> int:
    with terminal.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Sale)) or 0)


def test_backup_while_selling_then_restore(tmp_path: Path) -> None:
    data = tmp_path / "terminal"
    terminal = Terminal.open(data)
    seed(terminal)
    terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
    stop = threading.Event()
    sold: list[str] = []
    failures: list[BaseException] = []

    def keep_selling() -> None:
        try:
            while not stop.is_set():
                sale = terminal.start_sale()
                sale.scan("4901234567894")
                sale.add_tender(TenderKind.CASH, 1000)
                sold.append(sale.complete().receipt_no)
        except BaseException as error:  # noqa: BLE001  # pragma: no cover - reported below
            failures.append(error)

    seller = threading.Thread(target=keep_selling)
    seller.start()
    try:
        while len(sold) < 5:
            stop.wait(0.05)
        backup = tmp_path / "backups" / "terminal.db"
        done = posapp("--data-dir", str(data), "--backup", str(backup))
        during = len(sold)
    finally:
        stop.set()
        seller.join(30)
    assert not failures
    assert done.returncode == 0, done.stderr
    in_backup = check_backup(backup)  # integrity_check ok, an OmniPOS database
    assert 5 <= in_backup <= during + 1
    assert f"({in_backup} sales)" in done.stdout
    assert posapp("--data-dir", str(data), "--backup", str(backup)).returncode == 1  # never overwrites

    refused = posapp("--data-dir", str(data), "--restore", str(backup))
    assert refused.returncode == 1 and "close the terminal" in refused.stderr  # the terminal is open
    total = sales_in(terminal)
    terminal.close()

    restored = posapp("--data-dir", str(data), "--restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert list(data.glob("terminal.db.before-restore-*"))  # the replaced database is kept
    again = Terminal.open(data)
    try:
        assert sales_in(again) == in_backup < total
        again.sign_in(code=CASHIER[0], pin=CASHIER[1])
        sale = again.start_sale()
        sale.scan("4901234567894")
        sale.add_tender(TenderKind.CASH, 1000)
        assert sale.complete().receipt_no
    finally:
        again.close()
    not_a_backup = tmp_path / "notes.db"
    not_a_backup.write_bytes(b"not a database")
    assert posapp("--data-dir", str(tmp_path / "other"), "--restore", str(not_a_backup)).returncode == 1


def test_version_on_the_command_line() -> None:
    done = posapp("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"OmniPOS {software_version()}"
    assert software_version() != "unknown"


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "logs"
    path = start_log_file(folder)
    logging.getLogger("posapp.test").warning("a line support will read")
    yield folder
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            root.removeHandler(handler)
            handler.close()


@pytest.mark.gui
@pytest.mark.usefixtures("log_dir")
def test_diagnostics_zip_from_the_manager_screen(qtbot: QtBot, tmp_path: Path) -> None:
    from posapp.ui.main_window import MainWindow
    from tests.ui.test_manager_tabs import open_manager
    from tests.ui.test_returns_manager import sell

    terminal = Terminal.open(tmp_path / "terminal")
    try:
        seed(terminal)
        terminal.configure(server_url="https://kiosk:hunter2@pos.example.co.jp")
        terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
        sell(terminal, "4901234567894")
        terminal.sign_out()
        window = MainWindow(terminal, data_dir=tmp_path / "terminal", poll_ms=50)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert software_version() in window.windowTitle()
        qtbot.keyClicks(window.sign_in.code, CASHIER[0])
        qtbot.keyClicks(window.sign_in.pin, CASHIER[1])
        window.sign_in.submit()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sale)
        manager = open_manager(qtbot, window.sale)
        manager.tabs.setCurrentWidget(manager.maintenance)
        qtbot.mouseClick(manager.maintenance.diagnostics_button, qtbot_left())
        qtbot.waitUntil(lambda: ".zip" in manager.maintenance.result.text(), timeout=10_000)
        path = Path(manager.maintenance.result.text().split(": ", 1)[1])
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            versions = json.loads(archive.read("versions.json"))
            settings_text = archive.read("settings.json").decode()
            sync = json.loads(archive.read("sync.json"))
            log = archive.read(f"logs/{LOG_FILE}").decode()
        assert {"versions.json", "settings.json", "sync.json", f"logs/{LOG_FILE}"} <= names
        assert versions["omnipos"] == software_version() and versions["qt"] and versions["schema"]
        assert "hunter2" not in settings_text and "pos.example.co.jp" in settings_text
        assert sync["outbox_waiting"] == terminal.status().pending_events >= 1
        assert sync["dead_letters"] == 0
        assert "a line support will read" in log
        manager.close()
        window.close()
    finally:
        terminal.close()


def qtbot_left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


@pytest.mark.gui
def test_demo_data_only_for_a_terminal_started_as_a_demo(qtbot: QtBot, tmp_path: Path) -> None:
    from posapp.services.demo import seed_demo
    from posapp.ui.main_window import MainWindow

    terminal = Terminal.open(tmp_path / "terminal")
    try:
        for demo, offered in ((None, False), (seed_demo, True)):
            window = MainWindow(terminal, data_dir=tmp_path / "terminal", demo=demo, poll_ms=50)
            qtbot.addWidget(window)
            window.show()
            qtbot.waitExposed(window)
            assert window.stack.currentWidget() is window.first_run
            assert window.first_run.demo_button.isVisible() is offered
            window.close()
    finally:
        terminal.close()


@pytest.mark.gui
def test_manager_resets_the_terminal_at_the_next_start(qtbot: QtBot, tmp_path: Path) -> None:
    from posapp.services.reset import RESET_REQUEST, apply_pending_reset
    from posapp.ui.main_window import MainWindow
    from tests.ui.test_manager_tabs import open_manager
    from tests.ui.test_returns_manager import sell

    data = tmp_path / "terminal"
    terminal = Terminal.open(data)
    closed = False
    try:
        seed(terminal)
        terminal.configure(server_url="https://pos.example.co.jp", device_id="dev-1")  # paired
        terminal.sign_in(code=CASHIER[0], pin=CASHIER[1])
        sell(terminal, "4901234567894")  # not yet on the server
        terminal.sign_out()
        window = MainWindow(terminal, data_dir=data, poll_ms=50)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.keyClicks(window.sign_in.code, CASHIER[0])
        qtbot.keyClicks(window.sign_in.pin, CASHIER[1])
        window.sign_in.submit()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sale)
        manager = open_manager(qtbot, window.sale)
        tab = manager.maintenance
        manager.tabs.setCurrentWidget(tab)
        qtbot.mouseClick(tab.reset_button, qtbot_left())
        assert "もう一度押すと" in tab.result.text()
        qtbot.mouseClick(tab.reset_button, qtbot_left())
        qtbot.waitUntil(lambda: "未送信の売上" in manager.error.text())  # refused: the sale would be stranded
        assert not (data / RESET_REQUEST).exists()

        terminal.configure(server_url="", device_id="")  # not paired (a demo): nothing waits for a server
        qtbot.mouseClick(tab.reset_button, qtbot_left())
        qtbot.mouseClick(tab.reset_button, qtbot_left())
        qtbot.waitUntil(lambda: "リセットを受け付けました" in tab.result.text())
        assert (data / RESET_REQUEST).exists()
        manager.close()
        window.close()
        terminal.close()
        closed = True
        moved = apply_pending_reset(data)  # what posapp does at start, before opening the database
        assert moved is not None and (moved / "terminal.db").exists()
        fresh = Terminal.open(data)
        try:
            assert fresh.settings.store_code == "" and sales_in(fresh) == 0
        finally:
            fresh.close()
        assert apply_pending_reset(data) is None  # once
    finally:
        if not closed:
            terminal.close()
