"""A brake on guessing pairing codes: failed ``POST /v1/devices/pair`` attempts are counted and limited.

A pairing code is 8 digits (10^8 values) and lives for minutes, so a few guesses cannot find one, but an
unlimited stream could. Only *failed* attempts count: after ``per_address`` failures from one client
address within the window that address gets 429 (with ``Retry-After``) until the oldest failure leaves
the window; after ``overall`` failures from all addresses together everybody gets 429, so spreading the
guesses over many addresses does not help either. A successful pairing costs nothing.

The counts live in the database (``throttles.counter``, a moving window), so the limits hold for
the whole installation: every worker and every instance behind a proxy draws on one allowance, and a
restart forgets nothing. One throttle object is made per app (``app.state.pairing_throttle``);
tests may replace it with other limits.
"""

from __future__ import annotations

import logging

from fastapi import Request
from limits import RateLimitItem, parse
from sqlalchemy.orm import Session

from sync.server.problems import TooManyRequests
from sync.server.throttles.counter import SharedCounter

log = logging.getLogger("sync.server.auth.throttle")

PER_ADDRESS = "10/10 minutes"
OVERALL = "200/10 minutes"


class PairingThrottle:
    """Counts failed pairing attempts per client address and overall, and refuses once either is spent."""

    def __init__(self, *, per_address: str = PER_ADDRESS, overall: str = OVERALL) -> None:
        self.counter = SharedCounter()
        self.per_address: RateLimitItem = parse(per_address)
        self.overall: RateLimitItem = parse(overall)

    def _limits(self, address: str) -> tuple[tuple[RateLimitItem, str, str], ...]:
        return (
            (self.per_address, f"pair-failed:address:{address}", "from this address"),
            (self.overall, "pair-failed:overall", "from all addresses"),
        )

    def check(self, session: Session, address: str) -> None:
        """Raise 429 when ``address`` (or everybody) has used up its failed attempts for now."""
        for item, key, scope in self._limits(address):
            wait = self.counter.retry_after(session, item, key)
            if wait:
                raise TooManyRequests(
                    f"too many failed pairing attempts {scope}; try again later", retry_after=wait
                )

    def failed(self, session: Session, address: str) -> None:
        """Count one failed attempt from ``address``."""
        for item, key, scope in self._limits(address):
            self.counter.hit(session, item, key)
            if self.counter.retry_after(session, item, key):
                log.warning(
                    "pairing refused %s for now (%s failed attempts)", scope, item, extra={"client": address}
                )

    def reset(self, session: Session) -> None:
        """Forget every count (committed with ``session``)."""
        self.counter.reset(session, "pair-failed:")


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
