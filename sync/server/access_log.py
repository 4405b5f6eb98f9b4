"""One access-log line per request, with its request id (recorded by the gateway, ``gateway.py``).

The id is the caller's ``X-Request-ID`` when it sends one (a proxy's, or the terminal's), so one
request can be followed through every log; otherwise a new one, echoed in the answer.

The lines of a worker are written together, at most ``FLUSH_SECONDS`` after their request ended
(each line keeps its own time). Written alone at the end of its request, a line cost a look-up
40–100 µs of CPU, most of it the cache misses of running the logging code between two requests; in
a batch the same line costs about 20 µs (bench/REQUESTS.md). The price: a worker killed outright
(``SIGKILL``, a power cut) loses at most that last fraction of a second of lines; a normal shutdown
writes them (the gateway flushes when the app's lifespan ends).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time

log = logging.getLogger("sync.server.access")
REQUEST_ID = b"x-request-id"
FLUSH_SECONDS = 0.05
BATCH_LINES = 256
"""A batch this long is written at once, without waiting for the timer."""

Line = tuple[float, str, str, str, int, float]
"""When it ended (``time.time()``), request id, method, path, status, duration in ms."""


def new_request_id() -> str:
    """128 random bits as 32 hex digits, like ``uuid4().hex`` without building a UUID (a few % of a look-up)."""
    return os.urandom(16).hex()


class AccessLog:
    """The access-log lines of one worker, recorded at the end of each request, written in batches."""

    def __init__(self, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.flush_seconds = flush_seconds
        self._pending: list[Line] = []

    def record(self, request_id: str, method: str, path: str, status: int, started: float) -> None:
        """Note a request that ended now; ``started`` is its ``time.perf_counter()`` on arrival."""
        if not log.isEnabledFor(logging.INFO):
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        self._pending.append((time.time(), request_id, method, path, status, duration_ms))
        if len(self._pending) >= BATCH_LINES:
            self.flush()
        elif len(self._pending) == 1:
            asyncio.get_running_loop().call_later(self.flush_seconds, self.flush)

    def flush(self) -> None:
        """Write every line recorded and not yet written."""
        pending, self._pending = self._pending, []
        for ended, request_id, method, path, status, duration_ms in pending:
            line = log.makeRecord(
                log.name, logging.INFO, __file__, 0, "request", (), None,
                extra={"request_id": request_id, "method": method, "path": path, "status": status,
                       "duration_ms": duration_ms},
            )  # fmt: skip
            line.created, line.msecs = ended, (ended % 1) * 1000  # when the request ended, not now
            log.handle(line)
