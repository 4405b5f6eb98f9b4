"""A moving-window failure counter on a database table, shared by every worker and instance.

Each key has one row per millisecond in which it failed (``window`` is Unix time in ms); a hit is one
atomic upsert (``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1``, on SQLite and PostgreSQL
alike), so concurrent failures in several workers are all counted. A key is over its limit while the
failures of the last ``length`` seconds reach it, exactly as the ``limits`` moving window counted in
memory before: the block lifts when enough of the oldest failures have left the window. (A coarse
window with a weighted estimate let three failures through a limit of two when they straddled a
window's edge.) Rows older than the window are deleted on the key's next hit; a key blocked stays
at about ``limit`` rows, since a refused attempt is not tried and so not counted.

The work runs in the request's session, which the caller commits (a refused pairing rolls its own
work back first). Not a connection of its own: on SQLite that would wait for the write lock the
request's session holds.
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
        now_ms = int(self.clock() * 1000)
        row_key = self._row_key(item, key)
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        upsert = insert(ThrottleCount).values(key=row_key, window=now_ms, hits=1)
        upsert = upsert.on_conflict_do_update(
            index_elements=[ThrottleCount.key, ThrottleCount.window], set_={"hits": ThrottleCount.hits + 1}
        )
        session.execute(upsert)
        session.execute(
            delete(ThrottleCount).where(
                ThrottleCount.key == row_key, ThrottleCount.window <= now_ms - item.get_expiry() * 1000
            )
        )

    def retry_after(self, session: Session, item: RateLimitItem, key: str) -> int:
        """Seconds until ``key`` is under its limit again (0: it is now)."""
        now_ms = int(self.clock() * 1000)
        length_ms = item.get_expiry() * 1000
        rows = session.execute(
            select(ThrottleCount.window, ThrottleCount.hits)
            .where(ThrottleCount.key == self._row_key(item, key), ThrottleCount.window > now_ms - length_ms)
            .order_by(ThrottleCount.window)
        ).all()
        remaining = sum(hits for _window, hits in rows)
        for window, hits in rows:  # oldest first: when has enough of the window's count left it?
            if remaining < item.amount:
                break
            remaining -= hits
            if remaining < item.amount:
                return max(1, math.ceil((window + length_ms - now_ms) / 1000))
        return 0

    def reset(self, session: Session, prefix: str) -> None:
        """Forget the counts of every key starting with ``prefix`` (committed with ``session``)."""
        session.execute(delete(ThrottleCount).where(ThrottleCount.key.startswith(prefix)))
