"""Applying pushed terminal events: each exactly once, one bad event never blocking the rest.

A batch shares one transaction (one disk flush for the lot) with a savepoint per event: an event's
effects and the record of its id are kept or dropped together. Sales are facts — the money changed
hands — so stale prices, negative stock and offline points overdrafts are accepted and flagged,
never refused. The terminal's figures are claims: every sale, return and void is stored with the
server's own (``figures``), the points the policy gives, and a flag for each claim that differed;
a return or void asking for more than its sale left is refused (the trust model in docs/sync.md).
What each kind of event does is in ``effects``; runs of plain sales take the bulk path (``bulk``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from posapp.domain.errors import DomainError
from posapp.domain.tax import TaxPolicy
from sync.protocol.events import Event, TypedPayload
from sync.protocol.flags import ordered
from sync.protocol.messages import EventResult, EventStatus
from sync.server.auth.service import Caller
from sync.server.db.base import utcnow
from sync.server.problems import ProblemError
from sync.server.stores.models import Clerk
from sync.server.syncfeed import bulk, figures, rows
from sync.server.syncfeed.effects import EventDeferred, EventRefused, StoreRules, apply_effects
from sync.server.syncfeed.models import DeadLetter, ReceivedEvent

logger = logging.getLogger(__name__)


def store_rules(session: Session, store_id: int) -> StoreRules:
    """The rules of ``store_id`` (read once per push)."""
    managers = session.scalars(
        select(Clerk.code).where(Clerk.store_id == store_id, Clerk.role == "manager", Clerk.active.is_(True))
    )
    return StoreRules(tax=TaxPolicy(), managers=frozenset(managers))


def apply_batch(
    session: Session, *, caller: Caller, terminal_code: str, events: list[Event]
) -> list[EventResult]:
    """Apply ``events`` in order inside the caller's transaction; one result per event.

    Runs of consecutive plain sales go through the bulk path, everything else one by one, in the
    order sent: both paths judge with ``figures`` and build rows with ``rows``, so which one takes an
    event never changes what is stored. If a bulk run fails for any reason (a driver error from
    ``COPY`` included), its savepoint is rolled back and the rest of the batch goes one by one.
    """
    assert caller.store_id is not None and caller.store_code is not None
    seen = {
        row.id: row
        for row in session.scalars(
            select(ReceivedEvent).where(bulk.among(session, ReceivedEvent.id, [e.id for e in events]))
        )
    }
    rules = store_rules(session, caller.store_id)
    # Each unseen event's payload is validated against its kind's schema here, once: both paths use it.
    typed = {i: _typed(e) for i, e in enumerate(events) if e.id not in seen}
    candidates = {
        index: (event, sale)
        for index, event, sale in bulk.fast_candidates(
            caller, terminal_code, [(i, events[i], payload) for i, payload in typed.items()]
        )
    }
    results: list[EventResult] = []
    answered: set[str] = set()
    while len(results) < len(events):
        index = len(results)
        run: list[bulk.FastSale] = []
        while index + len(run) in candidates:
            event, sale = candidates[index + len(run)]
            run.append((index + len(run), event, sale))
        if run:
            try:
                taken = bulk.apply_fast(session, caller, rules, run)
            except Exception as error:  # noqa: BLE001 - any failure, SQLAlchemy's or the driver's (COPY), falls back
                logger.warning("bulk ingest fell back to the per-event path: %s", type(error).__name__)
                candidates.clear()
                taken = []
            results.extend(taken)
            answered.update(result.id for result in taken)
            if taken:
                continue
        event = events[index]
        if (previous := seen.get(event.id)) is not None:
            results.append(_replay_answer(session, caller, event, previous))
        elif event.id in answered and (previous := _stored(session, event.id)) is not None:
            results.append(_replay_answer(session, caller, event, previous))  # the same id twice in a batch
        else:
            results.append(_apply_one(session, caller, rules, terminal_code, event, typed[index]))
        answered.add(event.id)
    return results


def _typed(event: Event) -> TypedPayload | ValidationError:
    """The event's payload as its kind's model, or why it is not one (the careful path refuses it so)."""
    try:
        return event.typed_payload()
    except ValidationError as error:
        return error


def _stored(session: Session, event_id: str) -> ReceivedEvent | None:
    """The event as stored now (by this batch, or by another request that committed meanwhile)."""
    return session.scalar(
        select(ReceivedEvent).where(ReceivedEvent.id == event_id).execution_options(populate_existing=True)
    )


def _replay_answer(session: Session, caller: Caller, event: Event, previous: ReceivedEvent) -> EventResult:
    if previous.payload_hash != event.payload_hash() or previous.store_id != caller.store_id:
        detail = "this event id was already used with different content; the first one stands"
        _dead_letter(session, caller, event, "conflict", detail)
        return EventResult(id=event.id, status=EventStatus.CONFLICT, detail=detail)
    if previous.status == EventStatus.REJECTED:
        return EventResult(id=event.id, status=EventStatus.REJECTED, detail=previous.detail)
    return EventResult(id=event.id, status=EventStatus.DUPLICATE, flags=list(previous.flags))


def _apply_one(
    session: Session,
    caller: Caller,
    rules: StoreRules,
    terminal_code: str,
    event: Event,
    payload: TypedPayload | ValidationError,
) -> EventResult:
    flags: list[str] = []
    try:
        with session.begin_nested():
            if event.store_code != caller.store_code or event.terminal_code != terminal_code:
                raise EventRefused("the event belongs to another store or terminal")
            apply_effects(session, caller, rules, event, flags, payload=payload)
            flags = ordered(flags)
            session.add(_received(caller, event, EventStatus.APPLIED, "", flags))
            session.flush()
        return EventResult(id=event.id, status=EventStatus.APPLIED, flags=flags)
    except EventDeferred as deferred:
        return EventResult(id=event.id, status=EventStatus.RETRY, detail=str(deferred))
    except (EventRefused, figures.Refused, ValidationError, DomainError, ProblemError, LookupError) as error:
        detail = _describe(error)
    except OperationalError:
        # A deadlock or a lock timeout: nothing was kept (the savepoint rolled back); sent again, it applies.
        return EventResult(id=event.id, status=EventStatus.RETRY, detail="the server was busy; send it again")
    except Exception as error:  # noqa: BLE001 - whatever else one event's content causes, it never fails the whole push
        detail = f"the server could not store this event ({type(error).__name__})"
    return _refuse(session, caller, event, detail)


def _refuse(session: Session, caller: Caller, event: Event, detail: str) -> EventResult:
    """Keep the event as rejected with its reason, unless another request stored it meanwhile."""
    if (stored := _stored(session, event.id)) is not None:
        return _replay_answer(session, caller, event, stored)
    try:
        with session.begin_nested():
            session.add(_received(caller, event, EventStatus.REJECTED, detail, []))
            _dead_letter(session, caller, event, "rejected", detail)
            session.flush()
    except IntegrityError:
        if (stored := _stored(session, event.id)) is None:
            raise
        return _replay_answer(session, caller, event, stored)
    except SQLAlchemyError:
        with session.begin_nested():  # not even its record fits: the dead letter alone keeps it for people
            _dead_letter(session, caller, event, "rejected", detail)
            session.flush()
    return EventResult(id=event.id, status=EventStatus.REJECTED, detail=detail)


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())[:500]
    return str(getattr(error, "detail", None) or error)[:500]


def _received(
    caller: Caller, event: Event, status: EventStatus, detail: str, flags: list[str]
) -> ReceivedEvent:
    return ReceivedEvent(**rows.received_row(caller, event, status, detail, flags, utcnow()))


def _dead_letter(session: Session, caller: Caller, event: Event, reason: str, detail: str) -> None:
    session.add(
        DeadLetter(
            event_id=event.id,
            store_id=caller.store_id,
            device_id=caller.credential_id,
            reason=reason,
            detail=detail[:1000],
            envelope=event.model_dump(mode="json"),
        )
    )


def server_time() -> datetime:
    """The server's clock, for the terminal to notice its own skew."""
    return utcnow()
