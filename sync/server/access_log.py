"""One access-log line per request, with its request id (written by the gateway, ``gateway.py``).

The id is the caller's ``X-Request-ID`` when it sends one (a proxy's, or the terminal's), so one
request can be followed through every log; otherwise a new one, echoed in the answer.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("sync.server.access")
REQUEST_ID = b"x-request-id"


def new_request_id() -> str:
    """128 random bits as 32 hex digits, like ``uuid4().hex`` without building a UUID (a few % of a look-up)."""
    return os.urandom(16).hex()


def log_request(request_id: str, method: str, path: str, status: int, started: float) -> None:
    """The line of one answered request; ``started`` is its ``time.perf_counter()`` on arrival."""
    log.info(
        "request",
        extra={
            "request_id": request_id,
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
