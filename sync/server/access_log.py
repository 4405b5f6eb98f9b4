"""One access-log line per request, with its request id, as plain ASGI middleware.

Starlette's ``BaseHTTPMiddleware`` (``@app.middleware("http")``) runs the rest of the app in a task of
its own and streams the answer back through memory channels: about a bare endpoint's whole cost again
per layer (bench/LOAD.md). Here the request passes straight through and only the answer's first message
is looked at, for its status and to add ``X-Request-ID``.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

log = logging.getLogger("sync.server.access")
Scope = dict[str, Any]
REQUEST_ID = b"x-request-id"


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (``name`` in lower case), as Starlette decodes it, or ``None``."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class AccessLog:
    """Log ``request`` with request id, method, path, status and duration; echo the id in the answer.

    The id is the caller's ``X-Request-ID`` when it sends one (a proxy's, or the terminal's), so one
    request can be followed through every log; otherwise a new one.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # 128 random bits as 32 hex digits, like uuid4().hex without building a UUID (a few % of a look-up)
        request_id = header(scope, REQUEST_ID) or os.urandom(16).hex()
        started = time.perf_counter()
        status = 500  # unless an answer starts: an exception left to the server's error handler

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != REQUEST_ID]
                headers.append((REQUEST_ID, request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
