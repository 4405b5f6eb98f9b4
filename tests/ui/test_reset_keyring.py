"""A reset terminal forgets its device token: the manager asks for the reset in the window's maintenance
tab, and the real ``posapp`` carries it out at its next start, deleting the token from the keyring (the
file keyring the suite uses, ``POSAPP_KEYRING=file``). A keyring that fails is logged and the reset
goes on; a token already gone is no error."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import keyring.errors
import pytest
from keyrings.alt.file import PlaintextKeyring
from pytestqt.qtbot import QtBot

from posapp.services import Terminal
from posapp.services.reset import RESET_REQUEST, apply_pending_reset
from sync.client import credentials
from tests.services.conftest import CASHIER, seed

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
ROOT = Path(__file__).resolve().parents[2]
SERVER = "https://pos.example.co.jp"
DEVICE = "dev-1"
TOKEN = "device-token-that-must-go"


@pytest.fixture(autouse=True)
def file_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")


def token_in(data: Path) -> str | None:
    return credentials.load_token(server_url=SERVER, device_id=DEVICE, data_dir=data, plain_file=True)


def reset_from_the_window(qtbot: QtBot, data: Path) -> None:
    """A paired terminal with its token in the keyring; the manager presses リセット twice."""
    from posapp.ui.main_window import MainWindow
    from tests.services.test_backup_diagnostics import qtbot_left
    from tests.ui.test_manager_tabs import open_manager

    terminal = Terminal.open(data)
    try:
        seed(terminal)
        terminal.configure(server_url=SERVER, device_id=DEVICE)  # as pairing leaves it
        credentials.save_token(
            server_url=SERVER, device_id=DEVICE, token=TOKEN, data_dir=data, plain_file=True
        )
        window = MainWindow(terminal, data_dir=data, poll_ms=50)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.keyClicks(window.sign_in.code, CASHIER[0])
        qtbot.keyClicks(window.sign_in.pin, CASHIER[1])
        window.sign_in.submit()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sale)
        manager = open_manager(qtbot, window.sale)
        manager.tabs.setCurrentWidget(manager.maintenance)
        qtbot.mouseClick(manager.maintenance.reset_button, qtbot_left())
        qtbot.mouseClick(manager.maintenance.reset_button, qtbot_left())
        qtbot.waitUntil(lambda: "リセットを受け付けました" in manager.maintenance.result.text())
        manager.close()
        window.close()
    finally:
        terminal.close()
    assert (data / RESET_REQUEST).exists() and token_in(data) == TOKEN


def test_the_next_start_of_posapp_deletes_the_device_token(qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "terminal"
    reset_from_the_window(qtbot, data)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", credentials.FILE_KEYRING_ENV: "file"}
    started = subprocess.run(
        [sys.executable, "-m", "posapp", "--data-dir", str(data), "--log-dir", str(tmp_path / "logs"),
         "--screenshot", str(tmp_path / "first.png")],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    assert [p.name for p in data.glob("reset-*")] and not (data / RESET_REQUEST).exists()
    assert token_in(data) is None  # was still in the keyring after a reset
    keyring_file = data / "demo-keyring-NOT-SECURE.cfg"
    assert TOKEN not in keyring_file.read_text(encoding="utf-8")


def test_a_failing_keyring_is_logged_and_the_reset_still_happens(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "terminal"
    reset_from_the_window(qtbot, data)

    def locked(*_args: object) -> None:
        raise keyring.errors.KeyringError("the keyring is locked")

    monkeypatch.setattr(PlaintextKeyring, "delete_password", locked)
    with caplog.at_level(logging.INFO, logger="posapp.services.reset"):
        moved = apply_pending_reset(data)  # what posapp does at start, before opening the database
    assert moved is not None and (moved / "terminal.db").exists()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "could not be deleted" in warning.getMessage() and "the keyring is locked" in warning.getMessage()
    assert TOKEN not in caplog.text


def test_a_token_already_gone_is_no_error(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "terminal"
    reset_from_the_window(qtbot, data)
    assert credentials.delete_token(server_url=SERVER, device_id=DEVICE, data_dir=data, plain_file=True)
    with caplog.at_level(logging.INFO, logger="posapp.services.reset"):
        moved = apply_pending_reset(data)
    assert moved is not None and (moved / "terminal.db").exists()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "was not in the keyring" in caplog.text
