"""Pairing through the Terminal API, the token in a keyring, and live look-ups with an offline fallback."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from posapp.services import Terminal
from sync.client import credentials
from sync.client.http import InsecureServer, check_server_url
from tests.services.conftest import MEMBER_NO, PRODUCTS, FakeClock
from tests.sync.conftest import LiveServer

JANS = [jan for jan, *_ in PRODUCTS]


@pytest.fixture
def file_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")


def paired_terminal(server: LiveServer, data_dir: Path) -> Terminal:
    code = server.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"]
    terminal = Terminal.open(data_dir, clock=FakeClock())
    terminal.pair_with_server(
        server_url=server.url, pairing_code=code, device_name="レジ02", terminal_code="02"
    )
    return terminal


@pytest.mark.usefixtures("file_keyring")
def test_pairing_keeps_the_token_out_of_plain_settings(server: LiveServer, tmp_path: Path) -> None:
    terminal = paired_terminal(server, tmp_path / "t")
    assert (terminal.settings.store_code, terminal.settings.terminal_code) == ("S001", "02")
    assert terminal.search_products("緑茶")[0].price == 151
    keyring_file = tmp_path / "t" / "demo-keyring-NOT-SECURE.cfg"
    token = credentials.load_token(
        server_url=server.url, device_id=terminal.settings.device_id, data_dir=tmp_path / "t", plain_file=True
    )
    assert token and token.startswith("dev_") and keyring_file.exists()
    database = (tmp_path / "t" / "terminal.db").read_bytes()
    assert token.encode() not in database, "the token must never be stored in the database"
    terminal.close()


@pytest.mark.usefixtures("file_keyring")
def test_live_history_and_stock_then_offline_fallback(server: LiveServer, tmp_path: Path) -> None:
    terminal = paired_terminal(server, tmp_path / "t")
    terminal.connect(background=False)
    terminal.sign_in(code="1001", pin="1234")
    from posapp.domain.tender import TenderKind

    sale = terminal.start_sale()
    sale.scan(JANS[0])
    sale.attach_customer(MEMBER_NO)
    sale.add_tender(TenderKind.CASH, 138)
    receipt_no = sale.complete().receipt_no
    assert terminal.link is not None
    terminal.link.agent.sync_once()

    history = terminal.customer_history(MEMBER_NO)
    assert history.live and any(entry.reference == receipt_no for entry in history.entries)
    stock = terminal.stock_everywhere("SKU-ONIGIRI")
    assert stock.live and {level.location: level.quantity for level in stock.levels}["S001"] == 99

    server.stop()
    history = terminal.customer_history(MEMBER_NO)
    # Offline: the history last seen live at this terminal, with when it was seen.
    assert not history.live and history.as_of is not None
    assert [entry.reference for entry in history.entries if entry.kind == "store_sale"] == [receipt_no]
    stock = terminal.stock_everywhere("SKU-ONIGIRI")
    assert not stock.live and stock.as_of is not None
    server.start()
    terminal.close()


@pytest.mark.usefixtures("file_keyring")
def test_a_server_that_does_not_answer_costs_a_look_up_the_configured_timeout(
    server: LiveServer, tmp_path: Path
) -> None:
    terminal = paired_terminal(server, tmp_path / "t")
    terminal.connect(background=False)
    terminal.configure(lookup_timeout_seconds=0.3)
    assert terminal.stock_everywhere("SKU-ONIGIRI").live
    assert server.process is not None
    server.process.send_signal(signal.SIGSTOP)  # the port still accepts connections; nothing answers
    try:
        started = time.monotonic()
        stock = terminal.stock_everywhere("SKU-ONIGIRI")
        waited = time.monotonic() - started
    finally:
        server.process.send_signal(signal.SIGCONT)
    assert not stock.live and stock.as_of is not None
    assert waited < 1.2, f"waited {waited:.2f} s for a look-up configured to give up after 0.3 s"
    terminal.close()


def test_no_keyring_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(credentials.FILE_KEYRING_ENV, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        with pytest.raises(credentials.NoKeyring, match="POSAPP_KEYRING=file"):
            credentials.save_token(server_url="http://127.0.0.1:1", device_id="d", token="dev_x")
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize("url", ["http://pos.example.com", "ftp://127.0.0.1", "http://10.0.0.5:8765"])
def test_plain_http_only_to_loopback(url: str) -> None:
    with pytest.raises(InsecureServer):
        check_server_url(url)
    assert check_server_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert check_server_url("https://pos.example.com") == "https://pos.example.com"


@pytest.mark.usefixtures("file_keyring")
def test_pairing_again_replaces_the_previous_token_in_the_keyring(server: LiveServer, tmp_path: Path) -> None:
    terminal = paired_terminal(server, tmp_path / "t")
    first = terminal.settings.device_id
    code = server.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"]
    terminal.pair_with_server(
        server_url=server.url, pairing_code=code, device_name="レジ02", terminal_code="02"
    )
    second = terminal.settings.device_id
    assert second and second != first

    def token_of(device_id: str) -> str | None:
        return credentials.load_token(
            server_url=server.url, device_id=device_id, data_dir=tmp_path / "t", plain_file=True
        )

    assert token_of(first) is None, "the replaced pairing's token must not stay in the keyring"
    assert (token_of(second) or "").startswith("dev_")
    terminal.close()
