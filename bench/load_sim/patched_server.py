"""A prototype, measured only: the server with three fixes the load test points at (see bench/LOAD.md).

1. At most ``ADMITTED`` requests per worker run at once (an asyncio semaphore around the app), fewer
   than the 20 connections of the worker's pool. Without it up to 40 threadpool threads block in
   ``pool.connect()`` while the requests that hold the 20 connections wait for a thread to run their
   next step (dependency → endpoint): the worker stalls until the 30 s pool timeout, clients time
   out, and sessions are left "idle in transaction".
2. ``POST /v1/sync/push`` runs its database work in the threadpool (a sync endpoint, the body read
   by an async dependency) instead of on the event loop.
3. ``GET /v1/customers?q=`` fetches balances and home stores for the whole page (three queries
   instead of 2N+1: a kana fragment matching 50 members cost 101 round trips). The server now does
   this itself (``customers.router.profiles``), so the launcher no longer patches it.

This launcher patches its own processes only; the server code is untouched.

    python -m bench.load_sim.patched_server DATABASE_URL HOST PORT WORKERS
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from pydantic import ValidationError

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.messages import PushReply, PushRequest
from sync.server.deps import DeviceDep, SessionDep
from sync.server.problems import Invalid
from sync.server.syncfeed import ingest

ADMITTED = 16  # per worker; its pool holds 10 + 10 overflow connections


class AdmissionLimit:
    """Queue requests on the event loop (holding no thread and no connection) beyond ``limit`` in flight."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.gate: asyncio.Semaphore | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.gate is None:
            self.gate = asyncio.Semaphore(self.limit)
        async with self.gate:
            await self.app(scope, receive, send)


async def raw_body(request: Request) -> bytes:
    """The push body, un-gzipped, read on the event loop."""
    from sync.server.syncfeed import router as sync_router

    return await sync_router._body(request)  # noqa: SLF001 - the simulator times the router's own body parser


def push(body: Annotated[bytes, Depends(raw_body)], session: SessionDep, caller: DeviceDep) -> PushReply:
    """The same push, as a sync endpoint: FastAPI runs it in the threadpool."""
    from sync.server.syncfeed import router as sync_router

    try:
        batch = PushRequest.model_validate_json(body)
    except ValidationError as error:
        raise Invalid(f"invalid push request: {error.error_count()} problems") from error
    if batch.protocol_version != PROTOCOL_VERSION:
        raise sync_router.UnsupportedProtocol(batch.protocol_version)
    results = ingest.apply_batch(
        session, caller=caller, terminal_code=batch.terminal_code, events=batch.events
    )
    session.commit()
    return PushReply(results=results, server_time=ingest.server_time())


def _replace_push() -> None:
    from sync.server.syncfeed import router as sync_router

    routes = sync_router.router.routes
    routes[:] = [r for r in routes if getattr(r, "path", "") != "/v1/sync/push"]
    sync_router.router.add_api_route("/push", push, methods=["POST"], response_model=PushReply)


def create_app_from_env() -> FastAPI:
    """The normal app factory, patched first (each spawned worker imports this module again)."""
    _replace_push()
    from sync.server.app import create_app_from_env as create

    app = create()
    app.add_middleware(AdmissionLimit, limit=ADMITTED)
    return app


def main(argv: list[str], target: str = "bench.load_sim.patched_server:create_app_from_env") -> Any:
    """Serve like ``posapp-server run`` does."""
    import uvicorn

    database, host, port, workers = argv
    os.environ["POSAPP_DATABASE_URL"] = database
    uvicorn.run(target, factory=True, host=host, port=int(port),
                workers=int(workers), log_config=None, access_log=False)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
