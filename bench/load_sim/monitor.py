"""Resource samples from /proc: CPU% and RSS of the server's processes and PostgreSQL, load average."""

from __future__ import annotations

import asyncio
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
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


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

    async def run(self, until: float) -> None:
        """Sample until the monotonic time ``until`` (also measures this event loop's lag)."""
        self.usage = {name: Usage() for name in self.groups}
        before = {pid: _cpu_ticks(pid) for pids in self.groups.values() for pid in pids()}
        last = time.monotonic()
        while time.monotonic() < until:
            await asyncio.sleep(self.interval)
            now = time.monotonic()
            self.loop_lag_ms.append(max(now - last - self.interval, 0.0) * 1000)
            elapsed, last = now - last, now
            for name, find_pids in self.groups.items():
                pids = find_pids()
                spent = 0
                for pid in pids:
                    ticks, previous = _cpu_ticks(pid), before.get(pid)
                    if ticks is not None and previous is not None:
                        spent += ticks - previous
                    before[pid] = ticks
                usage = self.usage[name]
                usage.cpu.append(100.0 * spent / TICKS / elapsed)
                usage.rss_max_mb = max(usage.rss_max_mb, sum(_rss_mb(pid) for pid in pids))
            self.load_average.append(float(Path("/proc/loadavg").read_text().split()[0]))
