"""The server's Python work for a 1,000-sale push (3 lines each), no database: parse, screen, validate
each payload, judge, build rows.

    PYTHONPATH=$PWD .venv/bin/python -m bench.bench_push_parse

Each stage is timed on its own (best and median of 15 runs, milliseconds per 1,000 sales), in the
order the bulk path runs them (``syncfeed.screen``, ``ingest``, ``bulk``, ``figures``, ``rows``); the
database writes that follow are ``bench_sync.py``'s. The poison-pill bounds (issue 15) walk every
payload value for NUL, NaN and 64-bit overflow; a scan of the raw body skips that walk when the body
cannot hold any of them (bench/SYNC.md).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from posapp.domain.tax import TaxPolicy
from sync.protocol.events import Event, SaleCompleted
from sync.server.auth.service import Caller
from sync.server.db.base import utcnow
from sync.server.syncfeed import bulk, figures, rows
from sync.server.syncfeed.screen import screen
from tests.server.terminal_events import Line, Till

RUNS = 15


def timed(work: Callable[[], Any]) -> tuple[float, float]:
    """Best and median milliseconds of ``RUNS`` runs of ``work``."""
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    timings.sort()
    return timings[0] * 1000, timings[RUNS // 2] * 1000


def main() -> None:
    till = Till()
    member = "M000000001"
    events = [
        till.sale(
            Line("A1", 138), Line("B2", 298, quantity=2, tax_class="reduced"), Line("C3", 98), member=member
        )
        for _ in range(1000)
    ]
    body = json.dumps({"protocol_version": 1, "terminal_code": "01", "events": events}).encode()
    caller = Caller(kind="device", credential_id="d1", store_id=1, store_code="S001")
    pushed = screen(body).request.events
    typed: list[SaleCompleted] = [e.typed_payload() for e in pushed]  # type: ignore[misc]
    tax, managers, now = TaxPolicy(), frozenset[str](), utcnow()
    judged = [figures.judge_plain_sale(s, tax=tax, member=True, managers=managers) for s in typed]

    def rows_of(event: Event, sale: SaleCompleted, verdict: figures.SaleFigures) -> tuple[Any, ...]:
        return (
            rows.sale_row(caller, sale, verdict, 1, now),
            rows.rate_rows(sale.sale_id, verdict.by_rate),
            bulk.received_row(caller, event, list(verdict.flags), now),
        )

    stages: list[tuple[str, Callable[[], Any]]] = [
        ("parse and screen the body (screen.screen)", lambda: screen(body)),
        ("each payload validated as SaleCompleted (once)", lambda: [e.typed_payload() for e in pushed]),
        ("bulk.fast_candidates", lambda: bulk.fast_candidates(caller, "01", list(zip(range(1000), pushed, typed, strict=True)))),
        ("figures.judge_plain_sale (the bulk path)", lambda: [figures.judge_plain_sale(s, tax=tax, member=True,
                                                               managers=managers) for s in typed]),
        ("figures.judge_sale (the careful path, for comparison)", lambda: [figures.judge_sale(s, tax=tax,
                                                                           member=True, managers=managers) for s in typed]),
        ("rows: sale, rates, received event (payload hash)", lambda: [rows_of(e, s, v) for e, s, v
                                                                      in zip(pushed, typed, judged, strict=True)]),
    ]  # fmt: skip
    print(f"{len(body) / 1e6:.2f} MB, 1,000 sales of 3 lines; ms per 1,000 sales, best / median of {RUNS}")
    total = 0.0
    for name, work in stages:
        best, median = timed(work)
        if "careful" not in name:
            total += best
        print(f"  {name:<58} {best:6.1f} / {median:6.1f}")
    print(f"  {'the bulk path before the database (sum of bests)':<58} {total:6.1f}")


if __name__ == "__main__":
    main()
