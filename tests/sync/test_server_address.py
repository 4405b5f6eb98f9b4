"""The terminal's "TLS off loopback" rule reads the server address as the HTTP stack does.

``http://attacker.example\\@127.0.0.1:8765`` looked like loopback to ``urllib.parse``, while
``requests`` (urllib3) connects to attacker.example in plain HTTP and sends the pairing code or the
device token there. These tests go through the first-run page the person pairing the till types in.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import requests
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from posapp.app import pair_with_server
from posapp.services import Terminal
from posapp.ui.i18n import set_language
from posapp.ui.main_window import MainWindow
from sync.client import credentials
from sync.client.errors import InsecureServer, UnsafeServerAddress, check_server_url

SMUGGLED = "http://attacker.example\\@127.0.0.1:8765"

REFUSED = [
    SMUGGLED,
    "http://attacker.example\\@localhost:8765",
    "http://127.0.0.1:8765\\@attacker.example",
    "http://user:pass@127.0.0.1:8765",
    "https://user@pos.example.com",
    "http://attacker.example@127.0.0.1:8765",
    "http://127.0.0.1:8765?x=@attacker.example",
    "http://127.0.0.1:8765#@attacker.example",
    "http://127.0.0.1 :8765",
    "http://127.0.0.1:8765/\tx",
]


@pytest.mark.parametrize("url", REFUSED)
def test_addresses_two_parsers_could_read_differently_are_refused(url: str) -> None:
    with pytest.raises(InsecureServer) as refused:
        check_server_url(url)
    assert refused.value.message_key in ("error.sync.address", "error.sync.insecure")


def test_the_smuggled_address_really_goes_elsewhere_with_requests() -> None:
    """Why the check must use the HTTP stack's parser: requests sends this one to attacker.example."""
    prepared = requests.Request("GET", SMUGGLED + "/v1/devices/pair").prepare()
    assert prepared.url is not None and prepared.url.startswith("http://attacker.example/")
    with pytest.raises(UnsafeServerAddress):
        check_server_url(SMUGGLED)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("http://localhost:8765", "http://localhost:8765"),
        ("http://[::1]:8765", "http://[::1]:8765"),
        ("HTTP://127.0.0.1:8765", "HTTP://127.0.0.1:8765"),
        ("  https://pos.example.com/  ", "https://pos.example.com"),
        ("https://pos.example.com/omnipos", "https://pos.example.com/omnipos"),
    ],
)
def test_ordinary_addresses_still_pass(url: str, kept: str) -> None:
    assert check_server_url(url) == kept


@pytest.mark.parametrize("url", ["http://pos.example.com", "http://10.0.0.5:8765", "ftp://127.0.0.1"])
def test_plain_http_off_loopback_is_still_refused(url: str) -> None:
    with pytest.raises(InsecureServer):
        check_server_url(url)


@pytest.mark.gui
@pytest.mark.parametrize("url", [SMUGGLED, "http://user:secret@127.0.0.1:8765"])
def test_pairing_page_refuses_the_address_and_connects_nowhere(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")
    dialled: list[Any] = []

    def no_network(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        dialled.append(address)
        raise OSError("the test allows no connection")

    monkeypatch.setattr("urllib3.util.connection.create_connection", no_network)
    monkeypatch.setattr("urllib3.connection.connection.create_connection", no_network)
    set_language("ja")
    data_dir = tmp_path / "terminal"
    terminal = Terminal.open(data_dir)
    window = MainWindow(terminal, data_dir=data_dir, pair=pair_with_server, poll_ms=50)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.first_run
    qtbot.keyClicks(page.server, url)
    qtbot.keyClicks(page.code, "123456")
    qtbot.keyClick(page.code, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: bool(page.banner.message), timeout=10_000)
    assert "使えない文字" in page.banner.message
    assert dialled == [], "nothing may be sent to any host"
    assert not terminal.is_paired and window.stack.currentWidget() is page
    window.close()
    terminal.close()


def test_the_refusal_says_what_to_type_in_both_languages() -> None:
    from posapp.ui.messages import error_text

    with pytest.raises(UnsafeServerAddress) as refused:
        check_server_url(SMUGGLED)
    set_language("en")
    try:
        assert "cannot have" in error_text(refused.value) and "https://host:port" in error_text(refused.value)
    finally:
        set_language("ja")
    assert "使えない文字" in error_text(refused.value)
