"""A brake on password guessing: failed sign-ins are counted per user name and per client address.

After ``PER_USER`` failures for one user name (from anywhere) or ``PER_ADDRESS`` failures from one
address within the window, sign-in answers "too many attempts" (HTTP 429) until the oldest failure
leaves the window, even with the right password; a success does not reset the count. Like the
pairing throttle the counts live in this worker's memory (``limits`` moving window): N workers allow
N times as many guesses, still far too few for a 10-character password.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

PER_USER = "5/15 minutes"
PER_ADDRESS = "20/15 minutes"


class LoginThrottle:
    """Counts failed sign-ins; ``retry_after`` says how long a name or address must wait (0: go on)."""

    def __init__(self, *, per_user: str = PER_USER, per_address: str = PER_ADDRESS) -> None:
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)
        self.per_user: RateLimitItem = parse(per_user)
        self.per_address: RateLimitItem = parse(per_address)

    def _keys(self, username: str, address: str) -> tuple[tuple[RateLimitItem, tuple[str, ...]], ...]:
        return (
            (self.per_user, ("hq-login", "user", username.strip().lower()[:64])),
            (self.per_address, ("hq-login", "address", address)),
        )

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed for this name and address (0 when it is now)."""
        wait = 0
        for item, keys in self._keys(username, address):
            if not self._limiter.test(item, *keys):
                reset_at = self._limiter.get_window_stats(item, *keys).reset_time
                wait = max(wait, max(1, math.ceil(reset_at - time.time())))
        return wait

    def failed(self, username: str, address: str) -> None:
        """Count one failed sign-in."""
        for item, keys in self._keys(username, address):
            self._limiter.hit(item, *keys)

    def reset(self) -> None:
        """Forget every count."""
        self._storage.reset()
