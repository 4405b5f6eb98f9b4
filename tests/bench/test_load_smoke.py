"""The load simulator end to end, small: five terminals, a few look-ups and orders, nothing lost."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load_sim.run import LoadOptions, run_load
from bench.load_sim.traffic import LOOKUP, ORDER, PULL, PUSH


@pytest.fixture
def load_database(pg_url: str) -> Iterator[str]:
    """A database of its own beside the session's, dropped afterwards (the simulator resets its schema)."""
    url = make_url(pg_url).set(database=f"omnipos_load_smoke_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    yield rendered
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


@pytest.mark.pg
@pytest.mark.slow
def test_five_terminals_lose_and_duplicate_nothing(load_database: str) -> None:
    began = time.monotonic()
    options = LoadOptions(steps=[5], duration=5, period=2.5, lookups_per_s=2, orders_per_s=1, workers=1,
                          database=load_database)  # fmt: skip
    outcome = run_load(options)
    if outcome.data_dir is not None:
        shutil.rmtree(outcome.data_dir, ignore_errors=True)
    [step] = outcome.steps
    assert step.errors == 0, step.examples
    assert step.endpoints[PUSH]["requests"] >= 1 and step.endpoints[PULL]["requests"] >= 1
    assert step.endpoints[LOOKUP]["requests"] >= 1 and step.endpoints[ORDER]["requests"] >= 1
    audit = outcome.audit
    assert audit is not None and audit.clean, audit
    assert audit.confirmed == audit.stored >= 1
    # A guard against a hang, not a speed target (those live in bench/LOAD.md): a busy CI box takes ~60 s.
    assert time.monotonic() - began < 180
