"""Cash in and out, no-sale openings, and the X (点検) and Z (精算) reports of a period.

A period is everything since the last Z report: sales, voids, returns and cash movements whose
``closing_no`` is still empty. The Z report stamps its number on all of them in one transaction, so
a crash during closing leaves either the open period or a closed one, never half of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from posapp.domain.closing import CashCount, CashReconciliation, ClosingFigures
from posapp.domain.period import CashFact, CashKind, FactKind, SaleFact, fold_period
from posapp.domain.tax import RateTotal
from posapp.services.errors import ApprovalRequired, InvalidCashMovement, PeriodAlreadyClosed
from posapp.services.records import CLOSING_COUNTER, AuditNote, audit, new_id, next_number, record_fact
from posapp.store.models import CashMovement, Closing, Sale
from sync.protocol.events import CashMoved, DayClosed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from posapp.services.counter import Approval, Counter

MAX_CASH_MOVEMENT = 10_000_000


@dataclass(frozen=True, slots=True)
class ClosingReport:
    """An X or Z report: the figures, and for a Z its number and the drawer count."""

    figures: ClosingFigures
    at: datetime
    closing_no: int | None = None
    reconciliation: CashReconciliation | None = None
    counts: CashCount | None = None
    next_float: int = 0


def move_cash(
    counter: Counter, *, direction: str, amount: int, reason: str, approval: Approval | None
) -> None:
    """Record cash put in or taken out, with its outbox event."""
    clerk = counter.require_clerk()
    counter.require_configured()
    if not isinstance(amount, int) or not 0 < amount <= MAX_CASH_MOVEMENT:
        raise InvalidCashMovement("enter an amount between ¥1 and ¥10,000,000", value=amount)
    if direction == "out" and approval is None and not clerk.is_manager:
        raise ApprovalRequired("taking cash out needs a manager")
    now = counter.now()
    movement_id = new_id()
    approved_by = approval.manager_code if approval else None
    with counter.db.write() as session:
        session.add(
            CashMovement(
                id=movement_id,
                kind=direction,
                amount=amount,
                reason=reason[:200],
                clerk_code=clerk.code,
                approved_by=approved_by,
                at=now,
                business_day=counter.business_day(now),
            )
        )
        payload = CashMoved(
            movement_id=movement_id,
            direction=direction,
            amount=amount,
            reason=reason[:200],
            clerk_code=clerk.code,
            at=now,
        )
        record_fact(
            session,
            payload,
            aggregate_id=movement_id,
            now=now,
            wake=counter.wake,
            audits=[
                AuditNote(f"cash_{direction}", clerk.code, approved_by=approved_by, detail={"amount": amount})
            ],
        )


def record_no_sale(counter: Counter, *, approval: Approval) -> None:
    """Audit a drawer opened without a sale (the drawer kick itself is the device layer's)."""
    clerk = counter.require_clerk()
    now = counter.now()
    with counter.db.write() as session:
        session.add(
            CashMovement(
                id=new_id(),
                kind="no_sale",
                amount=0,
                clerk_code=clerk.code,
                approved_by=approval.manager_code,
                at=now,
                business_day=counter.business_day(now),
            )
        )
        audit(session, now=now, clerk_code=clerk.code, action="no_sale", approved_by=approval.manager_code)


def _opening_float(session: Session) -> int:
    last = _last_closing(session)
    return last.next_float if last else 0


def _last_closing(session: Session) -> Closing | None:
    return session.scalar(select(Closing).order_by(Closing.closing_no.desc()).limit(1))


def sale_fact(sale: Sale) -> SaleFact:
    """What a stored sale, void or return contributes to the period's figures."""
    return SaleFact(
        kind=FactKind(sale.kind),
        subtotal=sale.subtotal,
        total=sale.total,
        by_rate=tuple(RateTotal(r["rate"], r["taxable"], r["tax"], r["gross"]) for r in sale.by_rate),
        payments=tuple((p.kind, p.amount) for p in sale.payments),
        change=sale.change,
        item_count=sale.item_count,
        discount=sale.discount,
        points_discount=sale.points_discount,
        points_used=sale.points_used,
        points_earned=sale.points_earned,
        member=bool(sale.member_no),
    )


def cash_fact(movement: CashMovement) -> CashFact:
    """What a stored cash movement contributes to the drawer."""
    return CashFact(CashKind(movement.kind), movement.amount)


def period_figures(session: Session) -> ClosingFigures:
    """The open period's figures, from the stored facts (the same fold as the day report's)."""
    sales = session.scalars(select(Sale).where(Sale.closing_no.is_(None)))
    movements = session.scalars(select(CashMovement).where(CashMovement.closing_no.is_(None)))
    period = fold_period(map(sale_fact, sales), map(cash_fact, movements))
    return ClosingFigures.of(period, opening_float=_opening_float(session))


def record_pickup_cash(counter: Counter, *, order_id: str, amount: int) -> None:
    """Put the cash taken for a pay-at-store online order into this drawer's figures.

    The server records the payment itself (no outbox event: it would count it twice); the drawer
    only needs to expect the cash. Handing the same order over again adds nothing.
    """
    clerk = counter.require_clerk()
    if amount <= 0:
        return
    now = counter.now()
    movement_id = f"pickup:{order_id}"[:36]
    with counter.db.write() as session:
        if session.get(CashMovement, movement_id) is not None:
            return
        session.add(
            CashMovement(
                id=movement_id,
                kind=CashKind.PICKUP.value,
                amount=amount,
                reason=order_id[:200],
                clerk_code=clerk.code,
                at=now,
                business_day=counter.business_day(now),
            )
        )
        audit(session, now=now, clerk_code=clerk.code, action="pickup_cash", order_id=order_id, amount=amount)


def x_report(counter: Counter) -> ClosingReport:
    """The open period's figures; nothing is changed."""
    counter.require_clerk()
    with counter.db.read() as session:
        return ClosingReport(figures=period_figures(session), at=counter.now())


def _refuse_repeat(session: Session, day: date) -> None:
    """A second Z of the same business day, or one with nothing since the last, is refused.

    A double press of 精算 must not close an empty period against the same count (it would record
    the whole drawer as missing); a deliberate second Z passes ``repeat=True``.
    """
    last = _last_closing(session)
    if last is None:
        return
    empty = (
        session.scalar(select(Sale.id).where(Sale.closing_no.is_(None)).limit(1)) is None
        and session.scalar(select(CashMovement.id).where(CashMovement.closing_no.is_(None)).limit(1)) is None
    )
    if last.business_day == day or empty:
        raise PeriodAlreadyClosed(
            f"Z No.{last.closing_no} already closed this period",
            value=last.closing_no,
            closed_at=last.at,
            nothing_since=empty,
        )


def check_z_allowed(counter: Counter, *, repeat: bool = False) -> None:
    """Raise ``PeriodAlreadyClosed`` when a Z now would be a second one (unless ``repeat``)."""
    if repeat:
        return
    with counter.db.read() as session:
        _refuse_repeat(session, counter.business_day())


def _stamp_period(session: Session, closing_no: int) -> None:
    """Give every sale and cash movement not yet in a Z this Z's number: they are its period."""
    session.execute(update(Sale).where(Sale.closing_no.is_(None)).values(closing_no=closing_no))
    session.execute(
        update(CashMovement).where(CashMovement.closing_no.is_(None)).values(closing_no=closing_no)
    )


def _closing_row(closed: DayClosed, figures: ClosingFigures, count: CashCount) -> Closing:
    """The terminal's own record of a Z: the event's figures plus the tenders and the drawer count."""
    return Closing(
        closing_no=closed.closing_no,
        at=closed.closed_at,
        business_day=closed.business_day,
        clerk_code=closed.clerk_code,
        figures={
            "gross_sales": figures.gross_sales,
            "net_sales": figures.net_sales,
            "by_tender": dict(figures.by_tender),
            "customers": figures.customers,
            "pickup_cash": figures.pickup_cash,
        },
        counts={str(face): n for face, n in count.pieces.items()},
        counted=closed.counted_cash,
        expected=closed.expected_cash,
        over_short=closed.over_short,
        next_float=closed.next_float,
    )


def _z_audit(closed: DayClosed, approval: Approval, *, repeat: bool) -> AuditNote:
    return AuditNote(
        "z_report",
        closed.clerk_code,
        approved_by=approval.manager_code,
        detail={"closing_no": closed.closing_no, "over_short": closed.over_short, "repeat": repeat},
    )


def z_report(
    counter: Counter,
    *,
    counts: dict[int, int],
    next_float: int,
    approval: Approval,
    repeat: bool = False,
) -> ClosingReport:
    """Close the period: count, reconcile, number it, stamp its facts, queue ``day.closed``.

    Refused with ``PeriodAlreadyClosed`` when a Z already closed this business day or nothing
    happened since the last one, unless ``repeat`` says the second Z is meant.
    """
    clerk = counter.require_clerk()
    counter.require_configured()
    count = CashCount(counts)
    if not isinstance(next_float, int) or not 0 <= next_float <= MAX_CASH_MOVEMENT:
        raise InvalidCashMovement("the next float must be between ¥0 and ¥10,000,000", value=next_float)
    now = counter.now()
    day = counter.business_day(now)
    with counter.db.write() as session:
        # Checked inside the write transaction: two presses queued back to back see each other.
        if not repeat:
            _refuse_repeat(session, day)
        figures = period_figures(session)
        reconciliation = figures.reconcile(counted=count.total)
        closing_no = next_number(session, CLOSING_COUNTER)
        _stamp_period(session, closing_no)
        payload = DayClosed(
            closing_no=closing_no,
            closed_at=now,
            business_day=day,
            clerk_code=clerk.code,
            gross_sales=figures.gross_sales,
            net_sales=figures.net_sales,
            expected_cash=reconciliation.expected,
            counted_cash=count.total,
            over_short=reconciliation.over_short,
            next_float=next_float,
        )
        session.add(_closing_row(payload, figures, count))
        record_fact(
            session,
            payload,
            aggregate_id=str(closing_no),
            now=now,
            wake=counter.wake,
            audits=[_z_audit(payload, approval, repeat=repeat)],
        )
    return ClosingReport(figures, now, closing_no, reconciliation, count, next_float)
