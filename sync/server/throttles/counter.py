"""A sliding-window failure counter on a database table, shared by every worker and instance.

Each key has one row per fixed window (``Unix time // length``); a hit is one atomic upsert
(``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1``, on SQLite and PostgreSQL alike) in the
request's session, which the caller commits (a refused pairing rolls its own work back first). Not a
connection of its own: on SQLite that would wait for the write lock the request's session holds. A key is over its limit while ``previous window × (the share of it still inside the last
length of time) + current window`` reaches the limit: the sliding-window estimate, which, unlike a
plain fixed window, does not let twice the limit through across a window's edge. Rows older than the
previous window are deleted on the next hit of the same key.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from limits import RateLimitItem
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sync.server.throttles.models import ThrottleCount


class SharedCounter:
    """Failure counts per key in ``throttle_counts``; ``clock`` is Unix time (tests may move it)."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    @staticmethod
    def _row_key(item: RateLimitItem, key: str) -> str:
        # The length is part of the key: limits of other lengths on one name count apart.
        return f"{key}/{item.get_expiry()}s"[:200]

    def hit(self, session: Session, item: RateLimitItem, key: str) -> None:
        """Count one failure of ``key`` (committed with ``session``)."""
        length = item.get_expiry()
        window = int(self.clock() // length)
        row_key = self._row_key(item, key)
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        upsert = insert(ThrottleCount).values(key=row_key, window=window, hits=1)
        upsert = upsert.on_conflict_do_update(
            index_elements=[ThrottleCount.key, ThrottleCount.window], set_={"hits": ThrottleCount.hits + 1}
        )
        session.execute(upsert)
        session.execute(
            delete(ThrottleCount).where(ThrottleCount.key == row_key, ThrottleCount.window < window - 1)
        )

    def retry_after(self, session: Session, item: RateLimitItem, key: str) -> int:
        """Seconds until ``key`` is under its limit again (0: it is now)."""
        length = item.get_expiry()
        now = self.clock()
        window = int(now // length)
        rows = session.execute(
            select(ThrottleCount.window, ThrottleCount.hits).where(
                ThrottleCount.key == self._row_key(item, key), ThrottleCount.window >= window - 1
            )
        )
        counts: dict[int, int] = {row[0]: row[1] for row in rows}
        previous, current, limit = counts.get(window - 1, 0), counts.get(window, 0), item.amount
        into = now - window * length  # seconds into the current window
        if previous * (1 - into / length) + current < limit:
            return 0
        if current < limit:  # the previous window's weight decays below the limit within this one
            wait = length * (1 - (limit - current) / previous) - into
        else:  # the current window must become the previous one and decay enough
            wait = (length - into) + length * (1 - limit / current)
        return max(1, math.ceil(wait))

    def reset(self, session: Session, prefix: str) -> None:
        """Forget the counts of every key starting with ``prefix`` (committed with ``session``)."""
        session.execute(delete(ThrottleCount).where(ThrottleCount.key.startswith(prefix)))
