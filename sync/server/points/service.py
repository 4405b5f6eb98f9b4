"""The points ledger: every change is an appended entry plus a serialized update of the balance row.

Spending lowers the balance with ``UPDATE … SET balance = balance - n WHERE balance >= n``: the
database serializes concurrent updates of one row, so two channels can never spend the same points.
These functions take a session and never commit; the caller's transaction makes them atomic with
whatever else it records (an order, a sale).
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from posapp.domain.errors import InsufficientPoints
from sync.server.changes.service import record_change
from sync.server.customers.models import Customer
from sync.server.points.models import PointsAccount, PointsEntry
from sync.server.problems import Conflict


def ensure_account(session: Session, *, customer_id: int) -> None:
    """Create the customer's balance row if it is missing."""
    if session.get(PointsAccount, customer_id) is None:
        session.add(PointsAccount(customer_id=customer_id, balance=0))
        session.flush()


def balance(session: Session, *, customer_id: int) -> int:
    """The customer's current balance (0 without an account)."""
    return session.scalar(select(PointsAccount.balance).where(PointsAccount.customer_id == customer_id)) or 0


def ledger_sum(session: Session, *, customer_id: int) -> int:
    """The sum of the customer's ledger (equals ``balance`` by construction; used by checks and tests)."""
    return (
        session.scalar(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
                PointsEntry.customer_id == customer_id
            )
        )
        or 0
    )


def entry_by_key(session: Session, idempotency_key: str) -> PointsEntry | None:
    """The ledger entry recorded under ``idempotency_key``, if any."""
    return session.scalar(select(PointsEntry).where(PointsEntry.idempotency_key == idempotency_key))


def spend(
    session: Session,
    *,
    customer_id: int,
    points: int,
    idempotency_key: str,
    reason: str,
    kind: str = "redeem",
    source: str | None = None,
    location: str | None = None,
) -> PointsEntry:
    """Take ``points`` from the balance or raise ``InsufficientPoints``; a repeated key returns the first entry."""
    if points <= 0:
        raise InsufficientPoints("points to spend must be positive", value=points)
    previous = _replayed(session, idempotency_key, customer_id=customer_id, points=-points)
    if previous is not None:
        return previous
    ensure_account(session, customer_id=customer_id)
    new_balance = session.execute(
        update(PointsAccount)
        .where(PointsAccount.customer_id == customer_id, PointsAccount.balance >= points)
        .values(balance=PointsAccount.balance - points)
        .returning(PointsAccount.balance)
        .execution_options(synchronize_session=False)
    ).scalar()
    if new_balance is None:
        available = balance(session, customer_id=customer_id)
        raise InsufficientPoints(f"only {available} points available", value=points, limit=available)
    return _append(
        session, customer_id, kind, -points, new_balance, idempotency_key, source, reason, location
    )


def earn(
    session: Session,
    *,
    customer_id: int,
    points: int,
    source: str,
    reason: str,
    location: str | None = None,
) -> PointsEntry | None:
    """Add ``points`` earned by ``source`` (a sale or order id); a resend of the same source changes nothing."""
    if points < 0:
        raise InsufficientPoints("points earned cannot be negative", value=points)
    key = f"earn:{source}"
    previous = _replayed(session, key, customer_id=customer_id, points=points)
    if previous is not None or points == 0:
        return previous
    return _change(
        session,
        customer_id=customer_id,
        kind="earn",
        points=points,
        idempotency_key=key,
        source=source,
        reason=reason,
        location=location,
    )


def adjust(
    session: Session,
    *,
    customer_id: int,
    points: int,
    idempotency_key: str,
    reason: str,
    kind: str = "adjust",
) -> PointsEntry:
    """Add (or, if negative, take) points without a balance check; a negative result is flagged."""
    previous = _replayed(session, idempotency_key, customer_id=customer_id, points=points)
    if previous is not None:
        return previous
    return _change(
        session,
        customer_id=customer_id,
        kind=kind,
        points=points,
        idempotency_key=idempotency_key,
        source=None,
        reason=reason,
        location=None,
    )


def reverse(session: Session, *, entry_key: str, idempotency_key: str, reason: str) -> PointsEntry | None:
    """Undo the entry recorded under ``entry_key`` (if any) with an opposite ``reversal`` entry, once."""
    original = entry_by_key(session, entry_key)
    if original is None or original.points == 0:
        return None
    previous = entry_by_key(session, idempotency_key)
    if previous is not None:
        return previous
    return _change(
        session,
        customer_id=original.customer_id,
        kind="reversal",
        points=-original.points,
        idempotency_key=idempotency_key,
        source=original.source,
        reason=reason,
        location=original.location,
    )


def _change(
    session: Session,
    *,
    customer_id: int,
    kind: str,
    points: int,
    idempotency_key: str | None,
    source: str | None,
    reason: str,
    location: str | None,
) -> PointsEntry:
    ensure_account(session, customer_id=customer_id)
    new_balance = session.execute(
        update(PointsAccount)
        .where(PointsAccount.customer_id == customer_id)
        .values(balance=PointsAccount.balance + points)
        .returning(PointsAccount.balance)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return _append(session, customer_id, kind, points, new_balance, idempotency_key, source, reason, location)


def _append(  # noqa: PLR0913, PLR0917 - one per column of the ledger row; TODO(issue 21): keyword-only
    session: Session,
    customer_id: int,
    kind: str,
    points: int,
    new_balance: int,
    idempotency_key: str | None,
    source: str | None,
    reason: str,
    location: str | None,
) -> PointsEntry:
    entry = PointsEntry(
        customer_id=customer_id,
        kind=kind,
        points=points,
        balance_after=new_balance,
        idempotency_key=idempotency_key,
        source=source,
        reason=reason[:200],
        location=location,
        flagged=new_balance < 0,
    )
    session.add(entry)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        # Another transaction used the key between our check and our insert: refuse, never double up.
        raise Conflict(f"idempotency key {idempotency_key} is in use", slug="idempotency-key") from exc
    publish_balance(session, customer_id=customer_id, balance=new_balance)
    return entry


def _replayed(session: Session, key: str, *, customer_id: int, points: int) -> PointsEntry | None:
    previous = entry_by_key(session, key)
    if previous is None:
        return None
    if previous.customer_id != customer_id or previous.points != points:
        raise Conflict(f"idempotency key {key} was used for a different request", slug="idempotency-key")
    return previous


def publish_balance(session: Session, *, customer_id: int, balance: int) -> None:
    """Put a customer's points balance on the chain-wide change feed."""
    member_no = session.scalar(select(Customer.member_no).where(Customer.id == customer_id))
    record_change(
        session,
        entity="points_balance",
        key=str(customer_id),
        store_code=None,
        payload={"customer_id": customer_id, "member_no": member_no, "balance": balance},
    )
