"""A brake on guessing pairing codes: failed ``POST /v1/devices/pair`` attempts are counted and limited.

A pairing code is 8 digits (10^8 values) and lives for minutes, so a few guesses cannot find one, but an
unlimited stream could. Only *failed* attempts count: after ``per_address`` failures from one client
address within the window that address gets 429 (with ``Retry-After``) until the oldest failure leaves
the window; after ``overall`` failures from all addresses together everybody gets 429, so spreading the
guesses over many addresses does not help either. A successful pairing costs nothing.

The counts live in this process's memory (``limits`` moving window on ``MemoryStorage``): with N
uvicorn workers the effective limit is N times the configured one, and a restart forgets it. That is
still far too few guesses for a 10^8 space; a global limit, if wanted, belongs in the reverse proxy.
One throttle is made per app (``app.state.pairing_throttle`` in ``create_app``), so tests get a fresh one
and may replace it with other limits.
"""

from __future__ import annotations

import logging
import math
import time

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from sync.server.problems import TooManyRequests

log = logging.getLogger("sync.server.auth.throttle")

PER_ADDRESS = "10/10 minutes"
OVERALL = "200/10 minutes"


class PairingThrottle:
    """Counts failed pairing attempts per client address and overall, and refuses once either is spent."""

    def __init__(self, *, per_address: str = PER_ADDRESS, overall: str = OVERALL) -> None:
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)
        self.per_address: RateLimitItem = parse(per_address)
        self.overall: RateLimitItem = parse(overall)

    def _limits(self, address: str) -> tuple[tuple[RateLimitItem, tuple[str, ...], str], ...]:
        return (
            (self.per_address, ("pair-failed", "address", address), "from this address"),
            (self.overall, ("pair-failed", "overall"), "from all addresses"),
        )

    def check(self, address: str) -> None:
        """Raise 429 when ``address`` (or everybody) has used up its failed attempts for now."""
        for item, keys, scope in self._limits(address):
            if not self._limiter.test(item, *keys):
                reset_at = self._limiter.get_window_stats(item, *keys).reset_time
                raise TooManyRequests(
                    f"too many failed pairing attempts {scope}; try again later",
                    retry_after=math.ceil(reset_at - time.time()),
                )

    def failed(self, address: str) -> None:
        """Count one failed attempt from ``address``."""
        for item, keys, scope in self._limits(address):
            self._limiter.hit(item, *keys)
            if not self._limiter.test(item, *keys):
                log.warning(
                    "pairing refused %s for now (%s failed attempts)", scope, item, extra={"client": address}
                )

    def reset(self) -> None:
        """Forget every count."""
        self._storage.reset()


def client_address(request: Request) -> str:
    """The address the request came from.

    Behind nginx on the same host (docs/deploy.md) this is the real client: uvicorn takes
    ``X-Forwarded-For`` from 127.0.0.1 by default. A proxy elsewhere must be listed in
    ``FORWARDED_ALLOW_IPS``, or every store shares the proxy's address and its limit.
    """
    return request.client.host if request.client else "unknown"


def get_pairing_throttle(request: Request) -> PairingThrottle:
    """The app's throttle (a FastAPI dependency)."""
    throttle: PairingThrottle = request.app.state.pairing_throttle
    return throttle
