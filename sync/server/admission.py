"""Admission control: at most N requests of a worker are inside the app at once; the rest wait outside.

The gateway (``gateway.py``) takes a place for every request but health checks, once its body is in.

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

UNGATED = frozenset({"/healthz"})
"""Paths never queued: a monitor must see a busy worker as alive."""


class Gate:
    """At most ``limit`` requests inside at once; the others wait in turn for up to ``queue_timeout`` s."""

    def __init__(self, limit: int, queue_timeout: float = 20.0) -> None:
        self.limit = limit
        self.queue_timeout = queue_timeout
        self._places: asyncio.Semaphore | None = None

    async def enter(self) -> bool:
        """Take a place, waiting in turn; ``False`` when none came free in time (answer 503 then)."""
        if self._places is None:  # made on the worker's own event loop
            self._places = asyncio.Semaphore(self.limit)
        try:
            if self._places.locked():  # full, or others queue before this one: wait in turn, for so long
                await asyncio.wait_for(self._places.acquire(), timeout=self.queue_timeout)
            else:  # a free place: taken at once, without a timer task for every request
                await self._places.acquire()
        except TimeoutError:
            return False
        return True

    def leave(self) -> None:
        """Give back the place ``enter`` took."""
        assert self._places is not None
        self._places.release()
