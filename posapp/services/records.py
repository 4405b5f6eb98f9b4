"""Writing facts: gapless counters, and the outbox event and audit rows that go with each fact, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy.event
from pydantic import BaseModel
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posapp.store.models import AuditEntry, Counter, OutboxEvent
from posapp.store.settings import TerminalSettings
from sync.protocol.events import PAYLOAD_TYPES, EventKind

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


@dataclass(frozen=True, slots=True)
class AuditNote:
    """One audit row written with a fact: who did what, who approved it, and the details worth keeping."""

    action: str
    clerk_code: str | None
    approved_by: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


_KIND_OF_PAYLOAD: dict[type[BaseModel], EventKind] = {model: kind for kind, model in PAYLOAD_TYPES.items()}


def record_fact(
    session: Session,
    payload: BaseModel,
    *,
    aggregate_id: str,
    now: datetime,
    wake: Callable[[], None],
    audits: Iterable[AuditNote] = (),
) -> OutboxEvent:
    """Queue ``payload`` for the server (its kind follows from its type) with its audit rows, in the
    caller's transaction; ``wake`` (the sync agent) is called once that transaction commits."""
    event = OutboxEvent(
        seq=next_number(session, OUTBOX_COUNTER),
        id=new_id(),
        kind=_KIND_OF_PAYLOAD[type(payload)].value,
        aggregate_id=aggregate_id,
        payload=payload.model_dump(mode="json"),
        created_at=now,
    )
    session.add(event)
    for note in audits:
        audit(
            session,
            now=now,
            clerk_code=note.clerk_code,
            action=note.action,
            approved_by=note.approved_by,
            **note.detail,
        )
    # Not before the commit: an agent woken early reads an outbox without this event and goes back to sleep.
    sqlalchemy.event.listen(session, "after_commit", lambda _session: wake(), once=True)
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
