"""Server CPU per request type: each type alone for a phase, CPU seconds divided by requests served.

The workers and PostgreSQL serve every request type at once, so their CPU samples cannot say what a
push costs against a look-up. Here the same server (no restart between phases) serves one type at a
time at the offered rate, and each phase's CPU time — the uvicorn processes, and the PostgreSQL
backends connected to the load database — less what the idle server uses in the same time, is
divided by the requests it served. A pull is measured with the pushes that give it something to
read (a pull of an empty feed would be cheaper than any real one): its cost is that phase's CPU less
the pushes' at the push phase's price. The last phase runs the whole mix and checks that the
per-type costs add up to what the mix really used. The generator's CPU is reported apart.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field

from bench.load_sim.monitor import Monitor
from bench.load_sim.traffic import ENDPOINTS, LOOKUP, ORDER, PULL, PUSH, Traffic

IDLE, PUSHES, TERMINALS, LOOKUPS, ORDERS, MIX = "idle", "push", "push + pull", "look-up", "order", "mix"
PHASES: tuple[tuple[str, frozenset[str]], ...] = (
    (IDLE, frozenset()),
    (PUSHES, frozenset({PUSH})),
    (TERMINALS, frozenset({PUSH, PULL})),
    (LOOKUPS, frozenset({LOOKUP})),
    (ORDERS, frozenset({ORDER})),
    (MIX, frozenset(ENDPOINTS)),
)
SERVER, POSTGRES, PG_BACKGROUND, GENERATOR = "server", "postgresql", "pg background", "generator"


def role_of(group: str) -> str:
    """Which column a monitored process group adds to."""
    if group.startswith(("worker", "uvicorn")):
        return SERVER
    if group.startswith("postgresql (backends"):
        return POSTGRES
    if group.startswith("postgresql"):
        return PG_BACKGROUND
    return GENERATOR


@dataclass
class PhaseResult:
    """One phase: what was served, and the CPU seconds each role used meanwhile."""

    name: str
    wall_s: float
    served: dict[str, int]
    errors: int
    cpu_s: dict[str, float]
    load_average: dict[str, float]
    examples: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Cost:
    """CPU milliseconds one request of a type costs."""

    endpoint: str
    requests: int
    server_ms: float
    postgres_ms: float
    generator_ms: float


async def _phase(
    traffic: Traffic, monitor: Monitor, terminals: int, duration: float, kinds: frozenset[str]
) -> None:
    if PULL in kinds:
        await traffic.catch_up(terminals=terminals)  # before the clock: the pushes of earlier phases
    sampling = asyncio.create_task(monitor.run(math.inf))
    try:
        if kinds:
            await traffic.run(terminals=terminals, duration=duration, kinds=kinds)
        else:
            await asyncio.sleep(duration)
    finally:
        monitor.stop()
        await sampling


def run_phase(traffic: Traffic, monitor: Monitor, name: str, kinds: frozenset[str], terminals: int,
              duration: float) -> PhaseResult:  # fmt: skip
    """Serve ``kinds`` alone for ``duration`` seconds (plus the outboxes' drain) and account its CPU."""
    asyncio.run(_phase(traffic, monitor, terminals, duration, kinds))
    recorder = traffic.recorder if kinds else None
    served = {e: (len(recorder.latencies_ms[e]) - recorder.errors[e]) if recorder else 0 for e in ENDPOINTS}
    cpu = dict.fromkeys((SERVER, POSTGRES, PG_BACKGROUND, GENERATOR), 0.0)
    for group, seconds in monitor.cpu_seconds.items():
        cpu[role_of(group)] += seconds
    loads = monitor.load_average or [0.0]
    return PhaseResult(
        name, monitor.wall_seconds, served, sum(recorder.errors.values()) if recorder else 0, cpu,
        {"avg": sum(loads) / len(loads), "max": max(loads)}, recorder.examples[:5] if recorder else [],
    )  # fmt: skip


def costs(phases: list[PhaseResult]) -> list[Cost]:
    """CPU ms per request of each type, the idle server's CPU taken out."""
    by_name = {p.name: p for p in phases}
    idle = by_name[IDLE]
    idle_rate = {role: idle.cpu_s[role] / idle.wall_s for role in idle.cpu_s}

    def net(phase: PhaseResult, role: str) -> float:
        return phase.cpu_s[role] - idle_rate[role] * phase.wall_s

    found: list[Cost] = []
    per_push: dict[str, float] = {}
    for endpoint, phase_name in ((PUSH, PUSHES), (PULL, TERMINALS), (LOOKUP, LOOKUPS), (ORDER, ORDERS)):
        phase = by_name[phase_name]
        requests = phase.served[endpoint]
        spent = {role: net(phase, role) for role in (SERVER, POSTGRES, GENERATOR)}
        if endpoint == PULL:  # the same phase's pushes, at the push phase's price
            spent = {role: s - phase.served[PUSH] * per_push[role] for role, s in spent.items()}
        per_request = {role: s / requests if requests else math.nan for role, s in spent.items()}
        if endpoint == PUSH:
            per_push = per_request
        found.append(
            Cost(endpoint, requests, *(1000 * per_request[r] for r in (SERVER, POSTGRES, GENERATOR)))
        )
    return found


def target_rates(
    terminals: int, period: float, lookups_per_s: float, orders_per_s: float
) -> dict[str, float]:
    """The offered load per second: a push and a pull per terminal per period, look-ups and orders."""
    return {PUSH: terminals / period, PULL: terminals / period, LOOKUP: lookups_per_s, ORDER: orders_per_s}


def phase_table(phases: list[PhaseResult]) -> str:
    """Markdown: each phase's requests served, errors, CPU seconds per role and the load average."""
    lines = [
        "| phase | seconds | pushes | pulls | look-ups | orders | errors | server CPU s | PostgreSQL CPU s "
        "| PG background CPU s (shared) | generator CPU s | load avg (max) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in phases:
        served = " | ".join(str(p.served[e]) for e in ENDPOINTS)
        lines.append(
            f"| {p.name} | {p.wall_s:.0f} | {served} | {p.errors} | {p.cpu_s[SERVER]:.1f} | {p.cpu_s[POSTGRES]:.1f} "
            f"| {p.cpu_s[PG_BACKGROUND]:.1f} | {p.cpu_s[GENERATOR]:.1f} | {p.load_average['avg']:.2f} ({p.load_average['max']:.2f}) |"
        )
    return "\n".join(lines)


def cost_table(found: list[Cost], rates: dict[str, float]) -> str:
    """Markdown: CPU ms per request, and the cores the target load needs (generator excluded)."""
    lines = [
        "| request type | requests | server CPU ms/request | PostgreSQL CPU ms/request | generator CPU ms/request "
        "| target rate/s | server cores | PostgreSQL cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total_server = total_pg = 0.0
    for c in found:
        rate = rates[c.endpoint]
        server, pg = rate * c.server_ms / 1000, rate * c.postgres_ms / 1000
        total_server += server
        total_pg += pg
        lines.append(
            f"| `{c.endpoint}` | {c.requests} | {c.server_ms:.1f} | {c.postgres_ms:.1f} | {c.generator_ms:.1f} "
            f"| {rate:g} | {server:.2f} | {pg:.2f} |"
        )
    lines.append(f"| **total** | | | | | | **{total_server:.2f}** | **{total_pg:.2f}** |")
    return "\n".join(lines)


def projected_cores(found: list[Cost], rates: dict[str, float]) -> tuple[float, float]:
    """Server and PostgreSQL cores for ``rates`` at the measured cost per request."""
    server = sum(rates[c.endpoint] * c.server_ms / 1000 for c in found)
    pg = sum(rates[c.endpoint] * c.postgres_ms / 1000 for c in found)
    return server, pg


def mix_check(phases: list[PhaseResult], found: list[Cost]) -> str:
    """The mix phase's measured cores beside the per-type costs applied to what it served."""
    by_name = {p.name: p for p in phases}
    mix, idle = by_name[MIX], by_name[IDLE]
    served_rates = {e: mix.served[e] / mix.wall_s for e in ENDPOINTS}
    server, pg = projected_cores(found, served_rates)
    measured = {
        r: (mix.cpu_s[r] - idle.cpu_s[r] / idle.wall_s * mix.wall_s) / mix.wall_s for r in (SERVER, POSTGRES)
    }
    rates = ", ".join(f"{served_rates[e]:.1f} {e.split(' ')[1].split('/')[-1]}" for e in ENDPOINTS)
    return (
        f"Mix phase check (served per second: {rates}): measured server {measured[SERVER]:.2f} cores, "
        f"PostgreSQL {measured[POSTGRES]:.2f}; the per-type costs predict server {server:.2f}, PostgreSQL {pg:.2f}."
    )


def isolation_report(phases: list[PhaseResult], rates: dict[str, float], terminals: int) -> str:
    """The phases, the cost per request type and the projection against the one-core target."""
    found = costs(phases)
    server, pg = projected_cores(found, rates)
    verdict = "PASS" if server < 1 else "FAIL"
    errors = sum(p.errors for p in phases)
    parts = [
        f"### CPU per request type ({terminals} terminals; each type alone, then the mix)", "",
        "CPU seconds from /proc: server = the uvicorn workers and supervisor; PostgreSQL = the backends "
        "connected to the load database; PG background = the cluster's WAL writer, checkpointer, "
        "background writer and autovacuum, shared with every other database on the machine (not attributed).",
        "", phase_table(phases), "",
        "Per request (the idle phase's CPU rate subtracted; a pull = the push + pull phase less its pushes "
        "at the push phase's price):", "", cost_table(found, rates), "",
        mix_check(phases, found), "",
        f"Projection for {rates[PUSH]:g} pushes/s + {rates[PULL]:g} pulls/s + {rates[LOOKUP]:g} look-ups/s + "
        f"{rates[ORDER]:g} orders/s: server {server:.2f} cores, PostgreSQL {pg:.2f} cores, together {server + pg:.2f} "
        f"(generator excluded). Target: server < 1 core — **{verdict}**. Errors over all phases: {errors}.",
    ]  # fmt: skip
    examples = [e for p in phases for e in p.examples]
    if examples:
        parts += ["", "First errors:", "", *(f"- {e}" for e in examples[:10])]
    return "\n".join(parts)
