"""The server's worker processes tune the garbage collector (app.tune_collector); a test process does not."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from sync.server.app import YOUNG_COLLECTION_THRESHOLD, create_app
from sync.server.config import Settings


def test_a_server_process_freezes_its_start_up_objects_and_collects_young_ones_less_often(
    tmp_path: Path,
) -> None:
    # The factory uvicorn calls in each worker process (``posapp-server run``), in a process of its own.
    probe = (
        "import gc, json; from sync.server.app import create_app_from_env; create_app_from_env(); "
        "print(json.dumps([gc.get_threshold()[0], gc.get_freeze_count()]))"
    )
    env = {
        **os.environ,
        "POSAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "POSAPP_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    threshold, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert threshold == YOUNG_COLLECTION_THRESHOLD
    assert frozen > 50_000  # the modules and the app, no longer walked by any collection


def test_making_an_app_in_a_test_process_leaves_the_collector_alone(tmp_path: Path) -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    create_app(Settings(database_url=f"sqlite:///{tmp_path / 'server.sqlite3'}", data_dir=tmp_path))
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
