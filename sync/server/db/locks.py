"""Transaction-scoped locks on a name, for work that must not run twice at once.

On PostgreSQL an advisory lock held until the transaction ends: a second request for the same name
waits for the first to commit, then sees what it stored. SQLite needs none: every writing
transaction starts with ``BEGIN IMMEDIATE``, so writers already take turns.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def hold(session: Session, *names: str) -> None:
    """Take the locks on ``names`` (sorted, so two callers never wait on each other in a circle)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in sorted(set(names)):
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name})
