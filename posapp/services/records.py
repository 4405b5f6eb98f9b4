"""Writing facts: gapless counters and the outbox event that goes with each fact, in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posapp.store.models import AuditEntry, Counter, OutboxEvent
from posapp.store.settings import TerminalSettings
from sync.protocol.events import EventKind

RECEIPT_COUNTER = "receipt"
CLOSING_COUNTER = "closing"
OUTBOX_COUNTER = "outbox"


def new_id() -> str:
    """A time-ordered UUIDv7, so ids made on two terminals never collide and sort by time."""
    return str(uuid7())


def next_number(session: Session, name: str) -> int:
    """Advance the counter ``name`` inside the caller's transaction; a rollback gives the number back."""
    # Core on the session's connection: the hot path of every sale, so no ORM autoflush here.
    advanced = (
        session.connection()
        .execute(
            update(Counter)
            .where(Counter.name == name)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        )
        .scalar()
    )
    if advanced is None:
        session.connection().execute(insert(Counter).values(name=name, value=1))
        return 1
    return int(advanced)


def receipt_no(settings: TerminalSettings, seq: int) -> str:
    """``S001-02-000123``: store, terminal, sequence — printed and scanned back for returns."""
    return f"{settings.store_code}-{settings.terminal_code}-{seq:06d}"


def append_event(
    session: Session,
    *,
    settings: TerminalSettings,
    kind: EventKind,
    aggregate_id: str,
    payload: dict[str, Any],
    now: datetime,
) -> OutboxEvent:
    """Queue an event for the server in the caller's transaction."""
    event = OutboxEvent(
        seq=next_number(session, OUTBOX_COUNTER),
        id=new_id(),
        kind=kind.value,
        aggregate_id=aggregate_id,
        payload=payload,
        created_at=now,
    )
    session.add(event)
    return event


def audit(
    session: Session,
    *,
    now: datetime,
    clerk_code: str | None,
    action: str,
    approved_by: str | None = None,
    **detail: Any,
) -> None:
    """Record who did what (and who approved it) in the caller's transaction."""
    session.add(
        AuditEntry(at=now, clerk_code=clerk_code, action=action, approved_by=approved_by, detail=detail)
    )


def pending_event_count(session: Session) -> int:
    """Events not yet acknowledged by the server."""
    return (
        session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == "pending"))
        or 0
    )


def dead_letter_count(session: Session) -> int:
    """Events the server refused, kept for a manager."""
    return (
        session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == "dead")) or 0
    )
