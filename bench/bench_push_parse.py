"""Parse cost of a 1,000-sale push (3 lines each): what the server does before it touches the database.

    .venv/bin/python -m bench.bench_push_parse

The poison-pill bounds (issue 15) walk every payload value for NUL, NaN and 64-bit overflow; a
scan of the raw body skips that walk when the body cannot hold any of them (bench/SYNC.md).
"""

from __future__ import annotations

import json
import time

from sync.server.syncfeed.screen import screen
from tests.server.terminal_events import Line, Till


def main() -> None:
    till = Till()
    events = [till.sale(Line("A1", 138), Line("B2", 298, quantity=2), Line("C3", 98)) for _ in range(1000)]
    body = json.dumps({"protocol_version": 1, "terminal_code": "01", "events": events}).encode()
    timings = []
    for _ in range(15):
        started = time.perf_counter()
        screen(body)
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"{len(body) / 1e6:.2f} MB, 1,000 events: min {timings[0] * 1000:.1f} ms, median {timings[7] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
