"""The server's one ASGI layer around the app: every request passes it once, in this order.

1. The request's headers are read in one pass.
2. Its body is read whole, bounded and inflated (``bodies.py``) before anything else, so a slow or
   hostile body never holds an admission place.
3. A terminal naming another sync protocol gets 426 (``versions.py``).
4. It waits for an admission place (``admission.py``); health checks never wait.
5. The app answers, through gzip only for a client that accepts it (Starlette's ``GZipMiddleware``,
   which leaves answers under ``gzip_minimum`` bytes as they are).

Every answer, a refusal of steps 2–4 included, carries ``X-Request-ID`` and the server's protocol
version, and is logged once (``access_log.py``, in batches). These were four middleware layers and
Starlette's gzip, each with its own pass over the headers and its own wrapper around ``send``: about a
sixth of a look-up's CPU (bench/REQUESTS.md). Plain ASGI, not Starlette's ``BaseHTTPMiddleware``, which runs the app in a task
of its own and streams the answer through memory channels.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fastapi.middleware.gzip import GZipMiddleware

from sync.server import versions
from sync.server.access_log import REQUEST_ID, AccessLog, new_request_id
from sync.server.admission import UNGATED, Gate
from sync.server.bodies import BodyReader, BodyRefused, BodyRules
from sync.server.problems import problem_response

Scope = dict[str, Any]
Message = dict[str, Any]
_SET_BY_US = (REQUEST_ID, versions.HEADER)
CLIENT_CLOSED = 499
"""Logged for a request that ended with no answer: its client went away (nginx's code for it)."""


@dataclass(slots=True)
class Asked:
    """What the gateway needs of a request's headers, read in one pass."""

    request_id: str | None = None
    protocol: bytes | None = None
    accepts_gzip: bool = False
    has_body: bool = False
    length: bytes | None = None
    encoding: bytes = b""
    content_type: bytes = b""


def read_headers(headers: list[tuple[bytes, bytes]]) -> Asked:
    """The request's headers the gateway acts on (ASGI gives their names in lower case)."""
    asked = Asked()
    for key, value in headers:
        if key == REQUEST_ID:
            asked.request_id = value.decode("latin-1")
        elif key == versions.HEADER:
            asked.protocol = value
        elif key == b"accept-encoding":
            asked.accepts_gzip = b"gzip" in value.lower()
        elif key == b"content-length":
            asked.length, asked.has_body = value, True
        elif key == b"transfer-encoding":
            asked.has_body = True
        elif key == b"content-encoding":
            asked.encoding = value.lower()
        elif key == b"content-type":
            asked.content_type = value.lower()
    return asked


class Gateway:
    """Body limits, protocol check, admission, gzip and the access log, in one plain ASGI layer."""

    def __init__(
        self,
        app: Any,
        *,
        rules: BodyRules,
        limit: int,
        queue_timeout: float = 20.0,
        gzip_minimum: int = 2048,
    ) -> None:
        self.app = app
        # Pull pages are large JSON documents: gzip cuts them several-fold, which is what a slow store line needs.
        self.gzipping = GZipMiddleware(app, minimum_size=gzip_minimum, compresslevel=5)
        self.bodies = BodyReader(rules)
        self.gate = Gate(limit, queue_timeout)
        self.access_log = AccessLog()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            try:
                await self.app(scope, receive, send)
            finally:
                if scope["type"] == "lifespan":  # the worker is stopping: the last lines are written
                    self.access_log.flush()
            return
        started = time.perf_counter()
        asked = read_headers(scope["headers"])
        request_id = asked.request_id or new_request_id()
        ours = [(REQUEST_ID, request_id.encode("latin-1")), (versions.HEADER, versions.OURS)]
        status = CLIENT_CLOSED  # unless an answer starts; an exception changes it to 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in _SET_BY_US]
                message = {**message, "headers": headers + ours}
            await send(message)

        try:
            await self._serve(scope, receive, answer, asked)
        except BaseException:
            status = 500 if status == CLIENT_CLOSED else status  # left to the server's error handler
            raise
        finally:
            self.access_log.record(request_id, scope["method"], scope["path"], status, started)

    async def _serve(self, scope: Scope, receive: Any, send: Any, asked: Asked) -> None:
        if asked.has_body:
            try:
                taken = await self.bodies.bounded(
                    scope,
                    receive,
                    encoding=asked.encoding,
                    length=asked.length,
                    content_type=asked.content_type,
                )
            except BodyRefused as refused:
                # The rest of the body is never read: the connection cannot be reused, so close it.
                closing = {"Connection": "close"}
                await problem_response(refused.status, refused.detail, slug=refused.slug, headers=closing)(
                    scope, receive, send
                )
                return
            if taken is None:
                return  # the client went away
            scope, receive = taken
        if (refused_version := versions.refusal(asked.protocol)) is not None:
            await refused_version(scope, receive, send)
            return
        app = self.gzipping if asked.accepts_gzip else self.app
        if scope["path"] in UNGATED:
            await app(scope, receive, send)
            return
        if not await self.gate.enter():
            busy = problem_response(
                503, "the server is busy; try again shortly", slug="busy", headers={"Retry-After": "2"}
            )
            await busy(scope, receive, send)
            return
        try:
            await app(scope, receive, send)
        finally:
            self.gate.leave()
