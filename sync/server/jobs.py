"""Work a server process does once a minute while it runs (scheduled prices, the report's day tables).

Each job runs in a worker thread with its own session and commits what it did; a failure is logged and
the next minute tries again. With several workers every process runs the jobs: each job makes its
own work safe to race (conditional updates, a lock).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

log = logging.getLogger("sync.server.jobs")
EVERY_SECONDS = 60
Job = Callable[[Session], object]


def install_minutely(app: FastAPI, *jobs: Job) -> None:
    """Run ``jobs`` at start and then once a minute while ``app`` runs."""
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[Any]:
        async with outer(running) as state:
            task = asyncio.create_task(_loop(running, jobs))
            try:
                yield state
            finally:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan


async def _loop(app: FastAPI, jobs: tuple[Job, ...]) -> None:
    while True:
        for job in jobs:
            try:
                await run_in_threadpool(_run, app, job)
            except Exception:  # the loop must outlive a failed round (database restarting, …)
                log.exception("the minutely job %s failed", getattr(job, "__name__", job))
        await asyncio.sleep(EVERY_SECONDS)


def _run(app: FastAPI, job: Job) -> None:
    with app.state.session_factory() as session:
        job(session)
        session.commit()
