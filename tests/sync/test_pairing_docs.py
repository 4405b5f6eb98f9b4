"""docs/terminal-api.md's pairing example runs against a real server process, as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.server.conftest import pg_migrated as pg_migrated  # used by the server fixture
from tests.sync.conftest import LiveServer
from tests.sync.conftest import server as server  # the live server fixture

DOC = Path(__file__).resolve().parents[2] / "docs" / "terminal-api.md"


@pytest.mark.integration
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_the_pairing_example_runs(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from sync.client import credentials

    monkeypatch.setenv(credentials.FILE_KEYRING_ENV, "file")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    [example] = [block for block in blocks if "pair_with_server(" in block]
    code = server.call("POST", "/v1/admin/stores/S001/pairing-codes")["code"]
    exec(compile(example, str(DOC), "exec"), {"server_url": server.url, "pairing_code": code})
