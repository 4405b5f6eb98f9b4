"""Turning samples into the tables a chain's IT asks for, with the targets beside them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from bench.load_sim.checks import SalesAudit
from bench.load_sim.monitor import Monitor
from bench.load_sim.traffic import ENDPOINTS, LOOKUP, PUSH, Recorder

P99_LOOKUP_TARGET_MS = 100.0


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


@dataclass
class StepResult:
    """The numbers of one load level."""

    terminals: int
    duration: float
    endpoints: dict[str, dict[str, float]]
    resources: dict[str, dict[str, float]]
    load_average: dict[str, float]
    loop_lag_ms: dict[str, float]
    examples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return int(sum(self.endpoints[e]["errors"] for e in ENDPOINTS))

    def p99(self, endpoint: str) -> float:
        return self.endpoints[endpoint]["p99_ms"]


def summarise(terminals: int, duration: float, recorder: Recorder, monitor: Monitor) -> StepResult:
    """Per-endpoint counts and percentiles, per-process CPU and memory."""
    endpoints = {}
    for endpoint, latencies in {**recorder.latencies_ms, **recorder.detail_ms}.items():
        endpoints[endpoint] = {
            "requests": len(latencies),
            "per_s": len(latencies) / duration,
            "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=0.0),
            "errors": recorder.errors.get(endpoint, 0),
        }
    resources = {
        name: {"cpu_avg": u.cpu_avg, "cpu_max": u.cpu_max, "rss_max_mb": u.rss_max_mb}
        for name, u in monitor.usage.items()
    }
    loads = monitor.load_average or [0.0]
    return StepResult(
        terminals, duration, endpoints, resources,
        {"avg": sum(loads) / len(loads), "max": max(loads)},
        {"p99": percentile(monitor.loop_lag_ms, 0.99), "max": max(monitor.loop_lag_ms, default=0.0)},
        recorder.examples,
    )  # fmt: skip


def endpoint_table(step: StepResult) -> str:
    """endpoint | requests | throughput/s | p50 | p99 | max | errors."""
    lines = [
        "| endpoint | requests | throughput/s | p50 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e in step.endpoints.items():
        lines.append(f"| `{name}` | {e['requests']:.0f} | {e['per_s']:.1f} | {e['p50_ms']:.1f} | "
                     f"{e['p99_ms']:.1f} | {e['max_ms']:.0f} | {e['errors']:.0f} |")  # fmt: skip
    return "\n".join(lines)


def resource_table(step: StepResult) -> str:
    """process | CPU% avg | CPU% max | RSS max (100% = one core)."""
    lines = ["| process | CPU % avg | CPU % max | RSS max MB |", "|---|---:|---:|---:|"]
    for name, r in step.resources.items():
        lines.append(f"| {name} | {r['cpu_avg']:.0f} | {r['cpu_max']:.0f} | {r['rss_max_mb']:.0f} |")
    return "\n".join(lines)


def verdict_table(step: StepResult, audit: SalesAudit | None) -> str:
    """The targets beside the measurements."""
    rows = [("p99 customer look-up ≤ 100 ms", f"{step.p99(LOOKUP):.1f} ms", step.p99(LOOKUP) <= P99_LOOKUP_TARGET_MS),
            ("zero errors", str(step.errors), step.errors == 0)]  # fmt: skip
    if audit is not None:
        lost, unsent = len(audit.lost), audit.unconfirmed
        dup = len(audit.duplicated_receipts) + len(audit.unexpected)
        rows.append(
            (
                "zero lost sales (confirmed to a terminal, not stored)",
                f"{lost} of {audit.confirmed} confirmed; {audit.stored} stored",
                lost == 0 and not audit.stores_mismatched,
            )
        )
        rows.append(("zero duplicated sales", f"{dup} duplicated or never sent", dup == 0))
        if audit.stored_unconfirmed:
            rows.append(("(stored, answer lost in transit: resend is answered duplicate)",
                         f"{audit.stored_unconfirmed} still in outboxes", True))  # fmt: skip
        rows.append(
            ("every sale accepted by the end (outboxes empty)", f"{unsent} still unsent", unsent == 0)
        )
        rows.append(("every confirmed online order stored, once",
                     f"{len(audit.orders_missing)} missing; {audit.orders_stored} stored, {audit.orders_confirmed} confirmed",
                     not audit.orders_missing))  # fmt: skip
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {target} | {measured} | {'PASS' if ok else 'FAIL'} |" for target, measured, ok in rows]
    return "\n".join(lines)


def full_report(step: StepResult, audit: SalesAudit | None, notes: dict[str, Any]) -> str:
    """The whole markdown report of one run."""
    parts = [f"### {step.terminals} terminals, {step.duration:.0f} s", "", endpoint_table(step), "",
             "Server processes (100 % = one core of 2):", "", resource_table(step), "",
             f"Load average during the run: avg {step.load_average['avg']:.2f}, max {step.load_average['max']:.2f}. "
             f"Load generator event-loop lag: p99 {step.loop_lag_ms['p99']:.0f} ms, max {step.loop_lag_ms['max']:.0f} ms.",
             "", verdict_table(step, audit)]  # fmt: skip
    if audit is not None and audit.flags:
        parts += [
            "",
            "Flags the server put on applied sales: "
            + ", ".join(f"{k} × {v}" for k, v in sorted(audit.flags.items())),
        ]
    for key, value in notes.items():
        parts += ["", f"{key}: {value}"]
    if step.examples:
        parts += ["", "First errors:", "", *(f"- {e}" for e in step.examples[:10])]
    return "\n".join(parts)


def knee_table(steps: list[StepResult]) -> tuple[str, int | None]:
    """One row per step, and the first terminal count where push or look-up p99 doubled from the first step."""
    base = steps[0]
    knee = next(
        (
            s.terminals
            for s in steps[1:]
            if s.p99(PUSH) >= 2 * base.p99(PUSH) or s.p99(LOOKUP) >= 2 * base.p99(LOOKUP)
        ),
        None,
    )
    names = list(ENDPOINTS)
    header = (
        "| terminals | "
        + " | ".join(f"{n.split(' ')[1]} p99 ms" for n in names)
        + " | errors | server CPU % | PostgreSQL CPU % | generator CPU % | generator loop lag p99 ms | load avg |"
    )
    lines = [header, "|" + "---:|" * (len(names) + 7)]
    for s in steps:
        server_cpu = sum(r["cpu_avg"] for name, r in s.resources.items() if name.startswith("worker"))
        pg_cpu = sum(
            r["cpu_avg"] for name, r in s.resources.items() if name.startswith("postgresql (backends")
        )
        generator_cpu = sum(
            r["cpu_avg"] for name, r in s.resources.items() if name.startswith("load generator")
        )
        cells = " | ".join(f"{s.p99(n):.0f}" for n in names)
        lines.append(
            f"| {s.terminals} | {cells} | {s.errors} | {server_cpu:.0f} | {pg_cpu:.0f} | {generator_cpu:.0f} | "
            f"{s.loop_lag_ms['p99']:.0f} | {s.load_average['avg']:.2f} |"
        )
    return "\n".join(lines), knee
