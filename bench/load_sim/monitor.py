"""Resource samples from /proc: CPU% and RSS of the server's processes and PostgreSQL, load average."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def _rss_mb(pid: int) -> float:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except OSError:
        return 0.0
    return pages * PAGE / 1e6


def postgres_pids() -> list[int]:
    """Every process named ``postgres`` (the server, its backends and background workers)."""
    return [pid for pid, _ in _postgres_titles()]


def _postgres_titles() -> list[tuple[int, list[str]]]:
    """Each ``postgres`` process with its process title as words (PostgreSQL writes who and what there)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    found.append((int(entry.name), title.split()))
            except OSError:
                continue
    return found


def database_backends(database: str) -> Callable[[], list[int]]:
    """The backends connected to ``database`` (title ``postgres: [cluster:] user database host(port) …``).

    Only these are the load test's: on a shared machine other databases' backends belong to other
    people's tests, and counting every ``postgres`` process would charge their work to this server.
    """

    def find() -> list[int]:
        return [pid for pid, words in _postgres_titles() if database in words[1:5] and "postgres:" in words]

    return find


def postgres_background() -> list[int]:
    """The cluster's own processes (WAL writer, checkpointer, background writer, autovacuum): shared by
    every database on the machine, so reported beside the backends, not added to them."""
    return [pid for pid, words in _postgres_titles() if not any(map(_is_client_address, words))]


def _is_client_address(word: str) -> bool:
    return word == "[local]" or (word.endswith(")") and "(" in word)


@dataclass
class Usage:
    """CPU% samples and the largest RSS of one process or group."""

    cpu: list[float] = field(default_factory=list)
    rss_max_mb: float = 0.0

    @property
    def cpu_avg(self) -> float:
        return sum(self.cpu) / len(self.cpu) if self.cpu else 0.0

    @property
    def cpu_max(self) -> float:
        return max(self.cpu, default=0.0)


@dataclass
class Monitor:
    """Samples named process groups once a second while the load runs (a group's pids are re-read each time)."""

    groups: dict[str, Callable[[], list[int]]]
    interval: float = 1.0
    usage: dict[str, Usage] = field(default_factory=dict)
    load_average: list[float] = field(default_factory=list)
    loop_lag_ms: list[float] = field(default_factory=list)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # each group's CPU time over the run
    wall_seconds: float = 0.0
    stopped: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        """End ``run`` now (after one last sample), before ``until``."""
        self.stopped.set()

    async def run(self, until: float) -> None:
        """Sample until the monotonic time ``until`` or ``stop()`` (also measures this event loop's lag)."""
        self.usage = {name: Usage() for name in self.groups}
        self.cpu_seconds = dict.fromkeys(self.groups, 0.0)
        before = {pid: _cpu_ticks(pid) for pids in self.groups.values() for pid in pids()}
        began = last = time.monotonic()
        while time.monotonic() < until and not self.stopped.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopped.wait(), self.interval)
            now = time.monotonic()
            if not self.stopped.is_set():
                self.loop_lag_ms.append(max(now - last - self.interval, 0.0) * 1000)
            elapsed, last = max(now - last, 1e-6), now
            for name, find_pids in self.groups.items():
                pids = find_pids()
                spent = 0
                for pid in pids:
                    # A process first seen now started during the run (a pool's new connection): all
                    # of its CPU time is the run's.
                    ticks, previous = _cpu_ticks(pid), before.get(pid, 0)
                    if ticks is not None and previous is not None:
                        spent += ticks - previous
                    before[pid] = ticks
                usage = self.usage[name]
                usage.cpu.append(100.0 * spent / TICKS / elapsed)
                self.cpu_seconds[name] += spent / TICKS
                usage.rss_max_mb = max(usage.rss_max_mb, sum(_rss_mb(pid) for pid in pids))
            self.load_average.append(float(Path("/proc/loadavg").read_text().split()[0]))
        self.wall_seconds = time.monotonic() - began
