"""A terminal and a server on different sync protocols: 426, the terminal says which side to update (in
words, ja and en), and it keeps selling offline; the sale goes up once versions agree again."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from pytestqt.qtbot import QtBot

from posapp.ui.i18n import set_language
from posapp.ui.status_header import StatusHeader
from posapp.version import software_version
from sync.client.errors import TERMINAL_TOO_NEW, TERMINAL_TOO_OLD, VersionMismatch
from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import PROTOCOL_HEADER
from tests.sync.conftest import LiveServer, pair_terminal, server_sales
from tests.sync.conftest import server as server  # the live server fixture


def test_server_names_its_protocol_and_refuses_another(server: LiveServer) -> None:
    answer = requests.get(server.url + "/healthz", timeout=10)
    assert answer.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)
    health = answer.json()
    assert health["protocol"] == PROTOCOL_VERSION and health["version"] == software_version()
    old = requests.get(server.url + "/v1/sync/pull", headers={PROTOCOL_HEADER: "0"}, timeout=10)
    assert old.status_code == 426 and old.headers["content-type"].startswith("application/problem+json")
    assert "update the terminal" in old.json()["detail"]
    new = requests.get(
        server.url + "/v1/sync/pull", headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION + 1)}, timeout=10
    )
    assert new.status_code == 426 and "update the server" in new.json()["detail"]


@pytest.mark.gui
@pytest.mark.parametrize(
    ("spoken", "prefix", "japanese", "english"),
    [
        (PROTOCOL_VERSION - 1, TERMINAL_TOO_OLD, "このレジのソフトウェアが古い", "too old to sync"),
        (PROTOCOL_VERSION + 1, TERMINAL_TOO_NEW, "サーバーのソフトウェアが古い", "call head office"),
    ],
)
def test_terminal_says_which_side_to_update_and_keeps_selling(
    qtbot: QtBot, server: LiveServer, tmp_path: Path, spoken: int, prefix: str, japanese: str, english: str
) -> None:
    paired = pair_terminal(server, tmp_path / "terminal")
    try:
        paired.agent.client.http.headers[PROTOCOL_HEADER] = str(spoken)  # as a terminal of that version
        with pytest.raises(VersionMismatch):
            paired.agent.sync_once()
        paired.agent.start()
        deadline = time.monotonic() + 10
        while not paired.terminal.status().last_error.startswith(prefix) and time.monotonic() < deadline:
            time.sleep(0.05)
        receipt = paired.sell("4901234567894")  # selling goes on
        status = paired.terminal.status()
        assert status.last_error.startswith(prefix) and not status.online
        assert status.pending_events >= 1
        header = StatusHeader()
        qtbot.addWidget(header)
        header.show_status(status)
        assert japanese in header.sync.text()
        set_language("en")
        try:
            qtbot.waitUntil(lambda: english in header.sync.text())
        finally:
            set_language("ja")
        paired.agent.stop()
        assert receipt not in server_sales(server)

        paired.agent.client.http.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)  # updated
        paired.agent.sync_once()
        assert receipt in server_sales(server)
        assert paired.terminal.status().last_error == ""
    finally:
        paired.agent.stop()
        paired.terminal.close()
