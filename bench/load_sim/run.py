"""One load-test session: fresh database, real server, paired chain, one or more load steps, audit."""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.load_sim.chain import (
    ServerProcess,
    load_demo_data,
    prepare_database,
    server_log_tail,
    set_up_chain,
)
from bench.load_sim.checks import SalesAudit, audit_sales
from bench.load_sim.isolate import PHASES, PhaseResult, run_phase
from bench.load_sim.monitor import Monitor, database_backends, postgres_background
from bench.load_sim.profile import profile_table, start_profilers
from bench.load_sim.report import StepResult, summarise
from bench.load_sim.sizes import TableSize, table_sizes
from bench.load_sim.traffic import Traffic


@dataclass
class LoadOptions:
    """What to run: the load levels (terminal counts) in order, each for ``duration`` seconds."""

    steps: list[int]
    duration: float
    lookups_per_s: float = 20
    orders_per_s: float = 5
    workers: int = 2
    database: str = "postgresql+psycopg://postgres@127.0.0.1:5432/omnipos_load"
    profile_seconds: int = 0  # py-spy on every worker for this long, in the middle of the last step
    period: float = 10.0  # seconds between a terminal's sales (and its pulls)
    keepalive_expiry: float | None = None  # the terminals' idle-connection expiry (httpx default: 5 s)
    isolate: bool = (
        False  # instead of the steps: each request type alone, then the mix (bench/load_sim/isolate.py)
    )
    idle_seconds: float = (
        20.0  # the isolation's idle phase (the server's own CPU rate, subtracted from the others)
    )


@dataclass
class LoadOutcome:
    """Each step's numbers, the sales audit and the profile."""

    steps: list[StepResult] = field(default_factory=list)
    audit: SalesAudit | None = None
    profile: str = ""
    setup_s: float = 0.0
    server_log: str = ""
    data_dir: Path | None = None  # the server's log and the py-spy stacks; the caller may remove it
    phases: list[PhaseResult] = field(default_factory=list)
    sizes_before: dict[str, TableSize] = field(default_factory=dict)
    sizes_after: dict[str, TableSize] = field(default_factory=dict)


async def _step(traffic: Traffic, monitor: Monitor, options: LoadOptions, terminals: int, profile_dir: Path | None,
                workers: list[int]) -> list[subprocess.Popen[bytes]]:  # fmt: skip
    until = time.monotonic() + options.duration
    profilers: list[subprocess.Popen[bytes]] = []

    async def profile_later() -> None:
        if profile_dir is None:
            return
        seconds = int(min(options.profile_seconds, options.duration * 0.6))
        await asyncio.sleep((options.duration - seconds) / 2)
        profilers.extend(start_profilers(workers, seconds, profile_dir))

    await asyncio.gather(
        traffic.run(terminals=terminals, duration=options.duration), monitor.run(until), profile_later()
    )
    return profilers


def _fixed(pids: list[int]) -> Callable[[], list[int]]:
    return lambda: pids


def _worker_groups(pids: list[int]) -> dict[str, Callable[[], list[int]]]:
    return {f"worker {i + 1} (pid {pid})": _fixed([pid]) for i, pid in enumerate(pids)}


def run_load(options: LoadOptions) -> LoadOutcome:
    """Set everything up, run the steps in order (the database keeps growing), audit, tear down."""
    outcome = LoadOutcome()
    began = time.monotonic()
    prepare_database(options.database)
    data_dir = outcome.data_dir = Path(tempfile.mkdtemp(prefix="omnipos-load-"))
    admin_token = load_demo_data(options.database, data_dir)
    server = ServerProcess(options.database, data_dir, options.workers)
    server.start()
    try:
        chain = set_up_chain(server, admin_token, max(options.steps))
        traffic = Traffic(chain, options.lookups_per_s, options.orders_per_s)
        traffic.keepalive_expiry = options.keepalive_expiry
        traffic.period = options.period
        workers = server.worker_pids()
        assert server.process is not None
        groups = _worker_groups(workers)
        if options.workers > 1:
            groups["uvicorn supervisor"] = lambda: [server.process.pid] if server.process else []
        groups["postgresql (backends of the load database)"] = database_backends(
            make_url(options.database).database or ""
        )
        groups["postgresql (background, shared with other databases)"] = postgres_background
        groups["load generator (this process)"] = _fixed([os.getpid()])
        outcome.setup_s = time.monotonic() - began
        outcome.sizes_before = table_sizes(options.database)
        if options.isolate:
            for name, kinds in PHASES:
                duration = options.idle_seconds if not kinds else options.duration
                phase = run_phase(traffic, Monitor(groups), name, kinds, max(options.steps), duration)
                outcome.phases.append(phase)
        for index, terminals in enumerate([] if options.isolate else options.steps):
            if index:  # a fresh server per step, so a step that wedged it cannot spoil the next
                server.stop()
                server.start()
                workers = server.worker_pids()
                groups.update(_worker_groups(workers))
                for name in [
                    n for n in groups if n.startswith("worker") and n not in _worker_groups(workers)
                ]:
                    del groups[name]
            last = index == len(options.steps) - 1
            profile_dir = data_dir if last and options.profile_seconds else None
            monitor = Monitor(groups)
            profilers = asyncio.run(_step(traffic, monitor, options, terminals, profile_dir, workers))
            for profiler in profilers:
                profiler.wait(120)
            if profilers:
                outcome.profile = profile_table(sorted(data_dir.glob("worker-*.txt")))
            outcome.steps.append(summarise(terminals, options.duration, traffic.recorder, monitor))
        outcome.audit = audit_sales(options.database, traffic)
        outcome.sizes_after = table_sizes(options.database)
    finally:
        server.stop()
        outcome.server_log = server_log_tail(data_dir)
    return outcome
