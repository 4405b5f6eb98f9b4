"""Dead letters and flagged events with their resolutions; change-feed lag across the terminals.

A terminal tells the server at each contact which feed position it has applied (the pull cursor):
its lag is the age of the oldest change of its feed it has not pulled yet. The chain's lag is the
largest lag of the terminals seen within ``ACTIVE``; a terminal switched off for the night is not
"behind".
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from sync.protocol.flags import FlagReason, reason_of
from sync.server.auth.models import Device
from sync.server.changes.models import ChangeLog
from sync.server.changes.service import feed_ranges, latest_change_id
from sync.server.db.base import utcnow
from sync.server.operations.models import Resolution
from sync.server.operations.schemas import (
    DeadLetterRow,
    FlaggedEventRow,
    OperationsStatus,
    ResolutionOut,
)
from sync.server.problems import Conflict, NotFound
from sync.server.stores.models import Store
from sync.server.syncfeed.models import DeadLetter, ReceivedEvent

DEAD_LETTER = "dead_letter"
FLAGGED_EVENT = "flagged_event"
ACTIVE = timedelta(hours=24)
LIST_LIMIT = 200
_NO_FLAGS = "[]"


def _resolutions(session: Session, kind: str, refs: list[str]) -> dict[str, ResolutionOut]:
    if not refs:
        return {}
    rows = session.scalars(select(Resolution).where(Resolution.kind == kind, Resolution.ref.in_(refs)))
    return {
        row.ref: ResolutionOut(note=row.note, resolved_by=row.resolved_by, resolved_at=row.resolved_at)
        for row in rows
    }


def _open(kind: str, ref_column: object) -> object:
    return ~select(Resolution.id).where(Resolution.kind == kind, Resolution.ref == ref_column).exists()


def dead_letters(
    session: Session,
    *,
    store_ids: Collection[int] | None = None,
    include_resolved: bool = False,
    limit: int = LIST_LIMIT,
) -> list[DeadLetterRow]:
    """Refused events, newest first (only those of ``store_ids`` when given; open ones unless asked)."""
    query = (
        select(DeadLetter, Store.code)
        .outerjoin(Store, Store.id == DeadLetter.store_id)
        .order_by(DeadLetter.id.desc())
        .limit(limit)
    )
    if store_ids is not None:
        query = query.where(DeadLetter.store_id.in_(list(store_ids)))
    if not include_resolved:
        query = query.where(_open(DEAD_LETTER, cast(DeadLetter.id, Text)))  # type: ignore[arg-type]
    rows = session.execute(query).all()
    resolved = _resolutions(session, DEAD_LETTER, [str(row.id) for row, _code in rows])
    return [
        DeadLetterRow(
            id=row.id,
            event_id=row.event_id,
            store=code,
            device_id=row.device_id,
            reason=row.reason,
            detail=row.detail,
            kind=str(row.envelope.get("kind")) if row.envelope.get("kind") else None,
            received_at=row.received_at,
            envelope=row.envelope,
            resolution=resolved.get(str(row.id)),
        )
        for row, code in rows
    ]


def flagged_events(
    session: Session,
    *,
    store_ids: Collection[int] | None = None,
    include_resolved: bool = False,
    limit: int = LIST_LIMIT,
) -> list[FlaggedEventRow]:
    """Applied events that carry flags (a price that differed, negative stock, a points overdraft…)."""
    query = (
        select(ReceivedEvent, Store.code)
        .outerjoin(Store, Store.id == ReceivedEvent.store_id)
        .where(cast(ReceivedEvent.flags, Text) != _NO_FLAGS)
        .order_by(ReceivedEvent.received_at.desc())
        .limit(limit)
    )
    if store_ids is not None:
        query = query.where(ReceivedEvent.store_id.in_(list(store_ids)))
    if not include_resolved:
        query = query.where(_open(FLAGGED_EVENT, ReceivedEvent.id))  # type: ignore[arg-type]
    rows = session.execute(query).all()
    resolved = _resolutions(session, FLAGGED_EVENT, [row.id for row, _code in rows])
    return [
        FlaggedEventRow(
            event_id=row.id,
            store=code,
            device_id=row.device_id,
            terminal_code=row.terminal_code,
            kind=row.kind,
            flags=list(row.flags),
            reasons=known_reasons(row.flags),
            received_at=row.received_at,
            resolution=resolved.get(row.id),
        )
        for row, code in rows
        if row.flags
    ]


def known_reasons(flags: list[str]) -> list[FlagReason]:
    """The typed reasons of stored flags, once each (a flag older servers wrote in another form is skipped)."""
    reasons = []
    for value in flags:
        try:
            reason = reason_of(value)
        except ValueError:
            continue
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def target_store(session: Session, kind: str, ref: str) -> int | None:
    """The store a dead letter or flagged event belongs to (404 when there is no such thing)."""
    if kind == DEAD_LETTER:
        letter = session.get(DeadLetter, int(ref)) if ref.isdigit() else None
        if letter is None:
            raise NotFound(f"no dead letter {ref}")
        return letter.store_id
    event = session.get(ReceivedEvent, ref)
    if event is None or not event.flags:
        raise NotFound(f"no flagged event {ref}")
    return event.store_id


def resolve(session: Session, *, kind: str, ref: str, note: str, by: str) -> ResolutionOut:
    """Mark a dead letter or flagged event as dealt with (once: 409 when it already is)."""
    target_store(session, kind, ref)
    if session.scalar(select(Resolution.id).where(Resolution.kind == kind, Resolution.ref == ref)):
        raise Conflict(f"{kind} {ref} is already resolved", slug="already-resolved")
    row = Resolution(kind=kind, ref=ref, note=note[:500], resolved_by=by[:40])
    session.add(row)
    session.flush()
    return ResolutionOut(note=row.note, resolved_by=row.resolved_by, resolved_at=row.resolved_at)


def open_dead_letters(session: Session) -> int:
    """How many dead letters nobody has resolved yet."""
    query = select(func.count()).select_from(DeadLetter).where(_open(DEAD_LETTER, cast(DeadLetter.id, Text)))  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)


def open_flagged(session: Session) -> int:
    """How many flagged events nobody has resolved yet."""
    query = (
        select(func.count())
        .select_from(ReceivedEvent)
        .where(cast(ReceivedEvent.flags, Text) != _NO_FLAGS, _open(FLAGGED_EVENT, ReceivedEvent.id))  # type: ignore[arg-type]
    )
    return int(session.scalar(query) or 0)


def feed_lag(session: Session) -> tuple[int, float | None, int]:
    """The newest change id, the largest lag of the active terminals, and how many are behind.

    A terminal's lag is the age of the oldest change of its feed (its store's or the chain's) after its
    position, 0 when there is none. Two statements however many terminals (``/healthz`` asks this on
    every monitor's poll, and one query per terminal is 3,000 at a chain's size): the first unpulled id
    of each by two probes of the change log's (store_code, id) index, then those changes' times.
    """
    latest = latest_change_id(session)
    after_position = ChangeLog.id > Device.feed_position

    # ORDER BY … LIMIT 1, not min(): PostgreSQL walks the index for "store_code IS NULL" only so
    firsts = session.execute(
        select(
            *(
                select(ChangeLog.id)
                .where(rows, after_position)
                .order_by(ChangeLog.id)
                .limit(1)
                .scalar_subquery()
                for rows in feed_ranges(Store.code)
            )
        )
        .select_from(Device)
        .join(Store, Store.id == Device.store_id)
        .where(
            Device.revoked_at.is_(None),
            Device.last_seen_at >= utcnow() - ACTIVE,
            Device.feed_position.is_not(None),
        )
    ).all()
    oldest = [min((i for i in first if i is not None), default=None) for first in firsts]
    pending = {i for i in oldest if i is not None}
    times = select(ChangeLog.id, ChangeLog.created_at).where(ChangeLog.id.in_(pending))
    # None behind: no second round trip.
    written = {i: at for i, at in session.execute(times)} if pending else {}
    now = utcnow()
    lags = [0.0 if first is None else max(0.0, (now - written[first]).total_seconds()) for first in oldest]
    return latest, (max(lags) if lags else None), sum(1 for lag in lags if lag > 0)


def status(session: Session) -> OperationsStatus:
    """Open dead letters and flags, and the change-feed lag."""
    latest, lag, behind = feed_lag(session)
    return OperationsStatus(
        dead_letters_open=open_dead_letters(session),
        flagged_open=open_flagged(session),
        feed_latest_id=latest,
        feed_lag_seconds=lag,
        devices_behind=behind,
    )
