"""Clerks at the counter: sign-in by code and PIN (offline, with a lockout) and a manager's approval."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from posapp.domain.pins import verify_pin
from posapp.services.counter import MANAGER_ROLES, Approval, ClerkInfo
from posapp.services.errors import ApprovalRefused, ClerkLocked, SignInFailed
from posapp.services.records import audit
from posapp.store.models import Clerk

if TYPE_CHECKING:
    from posapp.services.counter import Counter

MAX_PIN_FAILURES = 5
LOCKOUT = timedelta(minutes=5)


def sign_in(counter: Counter, *, code: str, pin: str) -> ClerkInfo:
    """Check a clerk's code and PIN; five wrong PINs lock the clerk for five minutes. Sets nobody in:
    the ``Terminal`` keeps who is signed in."""
    now = counter.now()
    # Failures are committed before the error is raised: a rolled-back failure would never lock.
    failure: Exception | None = None
    signed_in: ClerkInfo | None = None
    with counter.db.write() as session:
        clerk = session.get(Clerk, code.strip())
        if clerk is None or not clerk.active:
            audit(session, now=now, clerk_code=None, action="sign_in_failed", code=code[:20])
            failure = SignInFailed("wrong clerk code or PIN")
        elif clerk.locked_until is not None and clerk.locked_until > now:
            failure = ClerkLocked("too many wrong PINs; try again later", until=clerk.locked_until)
        elif not verify_pin(pin, clerk.pin_hash):
            clerk.failed_attempts += 1
            if clerk.failed_attempts >= MAX_PIN_FAILURES:
                clerk.locked_until = now + LOCKOUT
                clerk.failed_attempts = 0
            audit(session, now=now, clerk_code=clerk.code, action="sign_in_failed")
            failure = SignInFailed("wrong clerk code or PIN")
        else:
            clerk.failed_attempts = 0
            clerk.locked_until = None
            audit(session, now=now, clerk_code=clerk.code, action="sign_in")
            signed_in = ClerkInfo(clerk.code, clerk.name, clerk.role)
    if failure is not None:
        raise failure
    assert signed_in is not None
    return signed_in


def approve(counter: Counter, *, code: str, pin: str, action: str) -> Approval:
    """A manager's approval for ``action`` (code + PIN), audited whether given or refused."""
    now = counter.now()
    with counter.db.write() as session:
        manager = session.get(Clerk, code.strip())
        ok = (
            manager is not None
            and manager.active
            and manager.role in MANAGER_ROLES
            and not (manager.locked_until is not None and manager.locked_until > now)
            and verify_pin(pin, manager.pin_hash)
        )
        audit(
            session,
            now=now,
            clerk_code=counter.clerk.code if counter.clerk else None,
            action="approval" if ok else "approval_refused",
            approved_by=code if ok else None,
            for_action=action,
        )
    if not ok or manager is None:
        raise ApprovalRefused("a manager's code and PIN are needed")
    return Approval(manager.code, manager.name)
