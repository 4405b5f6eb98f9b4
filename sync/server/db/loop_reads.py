"""Look-ups answered on the event loop: PostgreSQL through an async psycopg pool, no thread hop.

A look-up through ``Database.read`` costs a threadpool hop and an ORM session around one statement;
on this kind of request those, not the query, were most of the server's CPU (bench/REQUESTS.md).
``LoopReads`` runs a ``db.query.Query`` on the event loop over connections of its own (autocommit: a
look-up needs no BEGIN/ROLLBACK). SQLite has no async driver here: there ``Database.fetch_one`` and
``fetch_all`` run the same statement on a thread.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from sync.server.db import session as db_session
from sync.server.db.query import Query, Row

APPLICATION_NAME = "omnipos-loop-reads"
"""How its connections show in ``pg_stat_activity``."""


class LoopReads:
    """An async psycopg pool for ``Query`` look-ups; opened and closed with the app (its lifespan)."""

    def __init__(self, engine: Engine, *, size: int) -> None:
        url = make_url(engine.url).set(drivername="postgresql")
        self._pool = AsyncConnectionPool(
            url.render_as_string(hide_password=False),
            min_size=1,
            max_size=size,
            open=False,
            # UTC, as every timestamp of the API; prepared after the 5th use, as the sync engine's. Its only
            # writes are the customer look-ups' access-log rows: committed without waiting for the WAL
            # flush, a customer search costs PostgreSQL a third less CPU and half the time (bench/REQUESTS.md);
            # a database crash can lose the last fraction of a second of those rows (docs/security.md).
            kwargs={
                "autocommit": True,
                "options": "-c TimeZone=UTC -c synchronous_commit=off",
                "application_name": APPLICATION_NAME,
            },
            check=self._check_if_idle,
            reset=self._note_returned,
            name="loop-reads",
        )
        self.opened = False
        self._returned_at: weakref.WeakKeyDictionary[AsyncConnection[Any], float] = (
            weakref.WeakKeyDictionary()
        )

    async def _note_returned(self, connection: AsyncConnection[Any]) -> None:
        self._returned_at[connection] = time.monotonic()

    async def _check_if_idle(self, connection: AsyncConnection[Any]) -> None:
        # Like the sync engine (session.py): only a connection idle for a while is pinged before use.
        returned_at = self._returned_at.get(connection)
        if returned_at is not None and time.monotonic() - returned_at >= db_session.IDLE_PING_SECONDS:
            await AsyncConnectionPool.check_connection(connection)

    async def open(self) -> None:
        """Open the pool (at the app's start, on its event loop)."""
        await self._pool.open(wait=False)
        self.opened = True

    async def close(self) -> None:
        """Close the pool (at the app's shutdown)."""
        self.opened = False
        await self._pool.close()

    async def fetch_all(self, query: Query, params: Mapping[str, Any]) -> list[Row]:
        """Every row ``query`` answers for ``params``."""
        async with self._pool.connection() as connection:
            return [query.row(values) for values in await _fetch(connection, query, params)]


async def _fetch(connection: AsyncConnection[Any], query: Query, params: Mapping[str, Any]) -> list[Any]:
    cursor = await connection.execute(query.sql, query.parameters(params))
    return await cursor.fetchall()
