"""The floor ``bench_requests.py`` compares against: FastAPI with one sync endpoint and nothing else."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
def bare() -> dict[str, object]:
    """A small JSON answer from the threadpool, as a sync endpoint of the real server would give."""
    return {"status": "ok", "answer": 42}
