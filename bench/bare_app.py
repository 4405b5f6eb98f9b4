"""The floors ``bench_requests.py`` compares against: FastAPI with nothing of ours.

``/bare`` is a sync endpoint returning a small JSON (the issue's floor). ``/bare-query`` is an async
endpoint that also runs one PostgreSQL look-up by primary key over psycopg's async pool (the product
read's statement, by SKU): the floor of any read that must ask the database, on the same uvicorn.
It is served only when ``BARE_DATABASE_URL`` names a database with the server's schema.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool

DATABASE = os.environ.get("BARE_DATABASE_URL", "").replace("postgresql+psycopg://", "postgresql://")
pool = AsyncConnectionPool(DATABASE, min_size=1, max_size=5, open=False, kwargs={"autocommit": True})


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:  # noqa: ARG001 - FastAPI's lifespan signature
    if DATABASE:
        await pool.open()
    yield
    if DATABASE:
        await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/bare")
def bare() -> dict[str, object]:
    """A small JSON answer from the threadpool, as a sync endpoint of the real server would give."""
    return {"status": "ok", "answer": 42}


@app.get("/bare-query/{sku}")
async def bare_query(sku: str) -> dict[str, Any]:
    """One row by key from PostgreSQL, as a JSON object."""
    async with pool.connection() as connection:
        cursor = await connection.execute(
            "SELECT sku, name, price, tax_class, updated_at FROM products WHERE sku = %s", (sku,)
        )
        row = await cursor.fetchone()
    assert row is not None
    return dict(zip(("sku", "name", "price", "tax_class", "updated_at"), row, strict=True))
