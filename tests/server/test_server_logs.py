"""The server's operations surface: JSON log lines from every worker, and ``--help`` that tells the truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sync.server.cli import build_parser
from sync.server.config import Settings, default_config_file
from sync.server.products.csv_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from tests.sync.conftest import ROOT, free_port

DOCS = ROOT / "docs" / "deploy.md"


@pytest.mark.slow
def test_two_workers_both_log_json_lines_with_request_ids_and_no_colours(tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "server.log"
    env = {**os.environ, "POSAPP_DATA_DIR": str(tmp_path), "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "run", "--database", f"sqlite:///{tmp_path / 's.db'}",
             "--port", str(port), "--workers", "2", "--log-level", "info"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None, log_path.read_text()[-3000:]
            time.sleep(0.2)
        ids = [f"test-{n}" for n in range(20)]
        for request_id in ids:  # a new connection each: the kernel hands them to either worker
            with requests.Session() as session:
                assert session.get(url + "/healthz", headers={"X-Request-ID": request_id}, timeout=10).ok

        def lines() -> list[dict[str, object]]:
            # Read while the workers write: a line is only whole once its newline is there (a write that
            # crosses a page boundary can be seen half done), so the unfinished tail is left for later.
            written = log_path.read_text(encoding="utf-8")
            whole = written[: written.rfind("\n") + 1]
            return [json.loads(line) for line in whole.splitlines() if line]

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len({e.get("request_id") for e in lines()} & set(ids)) < len(
            ids
        ):
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(20)
    text = log_path.read_text(encoding="utf-8")
    assert text.endswith("\n"), "every line written whole once the workers have stopped"
    assert "\x1b" not in text and "\\u001b" not in text  # raw, or escaped inside a JSON string
    entries = lines()  # every line is JSON (json.loads raises otherwise)
    started = {e["pid"] for e in entries if str(e["message"]).startswith("Started server process")}
    assert len(started) >= 2, "each worker's own startup line (uvicorn's, through our handler)"
    assert {e["logger"] for e in entries} >= {"uvicorn.error", "sync.server.access"}
    assert "uvicorn.access" not in {e["logger"] for e in entries}, "one line per request: the app's own"
    access = [e for e in entries if e["logger"] == "sync.server.access"]
    assert {e["request_id"] for e in access} >= set(ids)
    assert {e["pid"] for e in access} <= started


def test_run_help_names_every_setting_its_variable_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for name, field in Settings.model_fields.items():
        assert f"POSAPP_{name.upper()}" in shown
        if name not in ("database_url",):
            assert f"default: {field.get_default(call_default_factory=True)}" in shown
    assert str(default_config_file()) in shown and "POSAPP_CONFIG" in shown
    for flag in ("--host", "--port", "--workers", "--log-level", "--data-dir", "--database"):
        assert flag in shown


def test_deploy_doc_names_the_config_file_the_code_reads() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    assert default_config_file().name in doc
    assert "posapp-server.toml" not in doc
    for name in ("database_url", "host", "port", "workers", "data_dir", "log_level"):
        assert f"POSAPP_{name.upper()}" in doc


def test_import_products_help_names_the_csv_columns(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["import-products", "--help"])
    shown = capsys.readouterr().out
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        assert column in shown
    assert "cp932" in shown
