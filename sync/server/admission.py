"""Admission control: at most N requests of a worker are inside the app at once; the rest wait outside.

A request on a sync endpoint holds its database connection across several threadpool steps (the
endpoint, FastAPI's check of its answer, the session's close); the hot endpoints do their database
work in one step (``deps.Database``), but the rest still hold and wait. When more requests are inside than
there are connections, the threads can all be taken by new requests waiting for a connection while
the requests holding the connections wait for a thread: the worker stops until the 30 s pool
timeout, then does it again (bench/LOAD.md, sections 1 and 6). Admitting fewer requests than the
pool has connections makes that impossible: every admitted request can get a connection and a thread.
Waiting requests cost only a coroutine on the event loop; one that waits too long gets a 503 with
``Retry-After``, which the terminals' agent and the online shop treat as "try again shortly".

The limit is per worker process on purpose, unlike the pairing and sign-in throttles (which count in
the database): what it protects is this process's own connection pool and threads, so N workers or
N instances rightly admit N times as many requests. The database's ``max_connections`` bounds their
sum (docs/deploy.md, "Several instances").
"""

from __future__ import annotations

import asyncio
from typing import Any

from sync.server.problems import problem_response

Scope = dict[str, Any]
UNGATED = frozenset({"/healthz"})


class AdmissionLimit:
    """Pure ASGI middleware; ``limit`` requests inside at once, others queue for up to ``queue_timeout`` s."""

    def __init__(self, app: Any, *, limit: int, queue_timeout: float = 20.0) -> None:
        self.app = app
        self.limit = limit
        self.queue_timeout = queue_timeout
        self._gate: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") in UNGATED:
            await self.app(scope, receive, send)
            return
        if self._gate is None:  # made on the worker's own event loop
            self._gate = asyncio.Semaphore(self.limit)
        try:
            if self._gate.locked():  # full, or others queue before this one: wait in turn, for so long
                await asyncio.wait_for(self._gate.acquire(), timeout=self.queue_timeout)
            else:  # a free place: taken at once, without a timer task for every request
                await self._gate.acquire()
        except TimeoutError:
            busy = problem_response(
                503, "the server is busy; try again shortly", slug="busy", headers={"Retry-After": "2"}
            )
            await busy(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._gate.release()
