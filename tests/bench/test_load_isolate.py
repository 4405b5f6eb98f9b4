"""The load test's CPU accounting: per-request costs from isolated phases, and whose backends count."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load_sim.isolate import (
    GENERATOR,
    IDLE,
    LOOKUPS,
    MIX,
    ORDERS,
    PG_BACKGROUND,
    POSTGRES,
    PUSHES,
    SERVER,
    TERMINALS,
    PhaseResult,
    costs,
    isolation_report,
    projected_cores,
    target_rates,
)
from bench.load_sim.monitor import database_backends, postgres_background
from bench.load_sim.traffic import ENDPOINTS, LOOKUP, ORDER, PULL, PUSH


def _phase(name: str, wall: float, server: float, pg: float, **served: int) -> PhaseResult:
    counts = dict.fromkeys(ENDPOINTS, 0)
    for key, value in served.items():
        counts[{"push": PUSH, "pull": PULL, "lookup": LOOKUP, "order": ORDER}[key]] = value
    cpu = {SERVER: server, POSTGRES: pg, PG_BACKGROUND: 0.0, GENERATOR: 0.0}
    return PhaseResult(name, wall, counts, 0, cpu, {"avg": 1.0, "max": 1.0})


def test_costs_take_out_the_idle_rate_and_price_a_pull_net_of_its_pushes() -> None:
    phases = [
        _phase(IDLE, 10, server=1.0, pg=0.5),  # 0.1 and 0.05 cores with nothing to do
        _phase(PUSHES, 100, server=10 + 20.0, pg=5 + 6.0, push=2000),  # 10 ms and 3 ms a push
        _phase(TERMINALS, 100, server=10 + 20.0 + 8.0, pg=5 + 6.0 + 2.0, push=2000, pull=2000),
        _phase(LOOKUPS, 100, server=10 + 6.0, pg=5 + 1.0, lookup=1000),
        _phase(ORDERS, 100, server=10 + 5.0, pg=5 + 1.0, order=250),
        _phase(MIX, 100, server=10 + 39.0, pg=5 + 10.0, push=2000, pull=2000, lookup=1000, order=250),
    ]
    found = {c.endpoint: c for c in costs(phases)}
    assert found[PUSH].server_ms == pytest.approx(10.0) and found[PUSH].postgres_ms == pytest.approx(3.0)
    assert found[PULL].server_ms == pytest.approx(4.0) and found[PULL].postgres_ms == pytest.approx(1.0)
    assert found[LOOKUP].server_ms == pytest.approx(6.0)
    assert found[ORDER].server_ms == pytest.approx(20.0) and found[ORDER].requests == 250
    server, pg = projected_cores(list(found.values()), target_rates(300, 10.0, 20, 5))
    assert server == pytest.approx(30 * 0.010 + 30 * 0.004 + 20 * 0.006 + 5 * 0.020)
    assert pg == pytest.approx(30 * 0.003 + 30 * 0.001 + 20 * 0.001 + 5 * 0.004)
    report = isolation_report(phases, target_rates(300, 10.0, 20, 5), 300)
    assert "**PASS**" in report and "server 0.64 cores" in report


def test_a_type_that_served_nothing_has_no_cost_rather_than_a_division_error() -> None:
    phases = [_phase(IDLE, 10, 0, 0), _phase(PUSHES, 10, 1, 1, push=10), _phase(TERMINALS, 10, 1, 1, push=10),
              _phase(LOOKUPS, 10, 1, 1), _phase(ORDERS, 10, 1, 1, order=1), _phase(MIX, 10, 1, 1)]  # fmt: skip
    found = {c.endpoint: c for c in costs(phases)}
    assert math.isnan(found[LOOKUP].server_ms) and math.isnan(found[PULL].server_ms)


@pytest.mark.pg
def test_postgresql_cpu_counts_the_load_databases_backends_only(pg_url: str) -> None:
    url = make_url(pg_url)
    engine = create_engine(url)
    with engine.connect() as connection:
        own = connection.scalar(text("SELECT pg_backend_pid()"))
        assert own in database_backends(url.database or "")()
        assert own not in database_backends("some_other_database")()
        assert own not in postgres_background()
    engine.dispose()
