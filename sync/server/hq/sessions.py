"""Signed-in browsers: a random token in a cookie, its sha256 and a CSRF token in ``hq_sessions``.

A session ends at sign-out, after ``IDLE`` without a request, or ``ABSOLUTE`` after sign-in,
whichever comes first. Changing a user's password or disabling them ends all their sessions.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.server.db.base import utcnow
from sync.server.hq.models import HqSession, HqUser
from sync.server.security import hash_token

IDLE = timedelta(hours=2)
ABSOLUTE = timedelta(hours=12)
_TOUCH_EVERY = timedelta(minutes=1)


def open_session(session: Session, user: HqUser, *, address: str) -> tuple[str, HqSession]:
    """A new session for ``user``: returns the cookie value (shown only here) and the row."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = HqSession(
        token_hash=hash_token(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + ABSOLUTE,
        address=address[:64],
    )
    session.add(row)
    session.flush()
    return token, row


def find_session(session: Session, token: str) -> tuple[HqSession, HqUser] | None:
    """The live session of a cookie and its (enabled) user; an expired one is deleted."""
    if not token or len(token) > 100:
        return None
    found = session.execute(
        select(HqSession, HqUser)
        .join(HqUser, HqUser.id == HqSession.user_id)
        .where(HqSession.token_hash == hash_token(token))
    ).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if row.expires_at <= now or row.last_seen_at + IDLE <= now or user.disabled_at is not None:
        session.delete(row)
        session.flush()
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        session.flush()
    return row, user


def close_session(session: Session, token: str) -> None:
    """Sign out: forget the session of this cookie."""
    session.execute(delete(HqSession).where(HqSession.token_hash == hash_token(token)))


def close_sessions_of(session: Session, user_id: int) -> None:
    """End every session of a user (after a password change or when they are disabled)."""
    session.execute(delete(HqSession).where(HqSession.user_id == user_id))


def csrf_matches(expected: str, given: str | None) -> bool:
    """Whether a form's CSRF token is the session's (compared in constant time)."""
    return bool(given) and secrets.compare_digest(expected.encode(), (given or "").encode())
