"""A short-lived, per-worker memory of who a bearer token belongs to.

Without it every request hashes its token and joins the device (or admin token, or channel) row to
its store before any work: one more query and one more threadpool hop per request (bench/LOAD.md).
With it, a token seen in the last ``TTL_SECONDS`` is answered from memory on the event loop.

The price is the revocation bound (docs/security.md, "Revocation"): a revocation committed by this
worker's own sessions (the admin API, the HQ console) empties the cache at commit, so it counts at
once here; one committed anywhere else (another worker, another server instance, the CLI) is seen
when the entry expires, at most ``TTL_SECONDS`` later. Unknown and revoked tokens are never cached,
so a new token works at once and a wrong one costs a look-up every time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from sync.server.auth.service import REVOKED_IN_SESSION, Caller

TTL_SECONDS = 10.0
"""How long a token's caller is believed without asking the database. Terminals call about every
5 s (a push and a pull each 10 s), so most of a terminal's requests are answered from memory, and a
revocation made elsewhere still takes effect within seconds, well before anyone could act on a
stolen terminal's token by hand."""
MAX_ENTRIES = 20_000
"""Bounds the memory (~300 bytes an entry): a chain of 1,000 stores × 3 registers, HQ and the shops
fit several times over; beyond it the oldest entries make room."""


@dataclass(frozen=True, slots=True)
class Known:
    """A cached caller, until when it is believed, and the software a device said it runs."""

    caller: Caller
    expires: float
    client_version: str | None


class TokenCache:
    """token sha256 → caller for ``ttl`` seconds, at most ``max_entries``; ``clock`` is injectable for tests."""

    def __init__(
        self,
        *,
        ttl: float = TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[str, Known] = {}
        self._lock = threading.Lock()
        self.generation = 0
        """Bumped by every ``clear``: a look-up that began before it must not cache what it read."""

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, digest: str) -> Known | None:
        """The caller of a token hash while its entry is fresh, else ``None``."""
        known = self._entries.get(digest)
        if known is None:
            return None
        if known.expires <= self.clock():
            with self._lock:
                self._entries.pop(digest, None)
            return None
        return known

    def put(self, digest: str, caller: Caller, *, client_version: str | None, generation: int) -> None:
        """Remember ``caller`` unless the cache was cleared since ``generation`` was read."""
        with self._lock:
            if generation != self.generation:
                return  # a revocation committed while this caller was being read
            self._entries.pop(digest, None)
            while len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]  # insertion order: the oldest first
            self._entries[digest] = Known(caller, self.clock() + self.ttl, client_version)

    def clear(self) -> None:
        """Forget every token (a revocation committed in this process)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()


def forget_on_revocation(factory: sessionmaker[Session], cache: TokenCache) -> None:
    """Clear ``cache`` whenever a session of ``factory`` commits a revocation (``auth.service.revoke_*``)."""

    @event.listens_for(factory, "after_commit")
    def after_commit(session: Session) -> None:
        if session.info.pop(REVOKED_IN_SESSION, False):
            cache.clear()
