"""A brake on password guessing: failed sign-ins are counted per user name and per client address.

After ``PER_USER`` failures for one user name (from anywhere) or ``PER_ADDRESS`` failures from one
address within the window, sign-in answers "too many attempts" (HTTP 429) until the oldest failure
leaves the window, even with the right password; a success does not reset the count. Like the
pairing throttle's, the counts live in the database (``throttles.counter``, a moving window): every
worker and instance draws on one allowance.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from sqlalchemy.orm import Session

from sync.server.throttles.counter import SharedCounter

PER_USER = "5/15 minutes"
PER_ADDRESS = "20/15 minutes"


class LoginThrottle:
    """Counts failed sign-ins; ``retry_after`` says how long a name or address must wait (0: go on)."""

    def __init__(self, *, per_user: str = PER_USER, per_address: str = PER_ADDRESS) -> None:
        self.counter = SharedCounter()
        self.per_user: RateLimitItem = parse(per_user)
        self.per_address: RateLimitItem = parse(per_address)

    def _keys(self, username: str, address: str) -> tuple[tuple[RateLimitItem, str], ...]:
        return (
            (self.per_user, f"hq-login:user:{username.strip().lower()[:64]}"),
            (self.per_address, f"hq-login:address:{address}"),
        )

    def retry_after(self, session: Session, username: str, address: str) -> int:
        """Seconds until another attempt is allowed for this name and address (0 when it is now)."""
        return max(
            self.counter.retry_after(session, item, key) for item, key in self._keys(username, address)
        )

    def failed(self, session: Session, username: str, address: str) -> None:
        """Count one failed sign-in."""
        for item, key in self._keys(username, address):
            self.counter.hit(session, item, key)

    def reset(self, session: Session) -> None:
        """Forget every count (committed with ``session``)."""
        self.counter.reset(session, "hq-login:")
