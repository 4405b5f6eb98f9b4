"""Cash in and out, no-sale openings, and the X (点検) and Z (精算) reports of a period.

A period is everything since the last Z report: sales, voids, returns and cash movements whose
``closing_no`` is still empty. The Z report stamps its number on all of them in one transaction, so
a crash during closing leaves either the open period or a closed one, never half of each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from posapp.domain.closing import CashCount, CashReconciliation, ClosingFigures
from posapp.domain.tax import RateTotal
from posapp.services.errors import ApprovalRequired, InvalidCashMovement
from posapp.services.records import CLOSING_COUNTER, append_event, audit, new_id, next_number
from posapp.store.models import CashMovement, Closing, Sale
from sync.protocol.events import CashMoved, DayClosed, EventKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from posapp.services.terminal import Approval, Terminal

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
    terminal: Terminal, *, direction: str, amount: int, reason: str, approval: Approval | None
) -> None:
    """Record cash put in or taken out, with its outbox event."""
    clerk = terminal.require_clerk()
    settings = terminal.require_configured()
    if not isinstance(amount, int) or not 0 < amount <= MAX_CASH_MOVEMENT:
        raise InvalidCashMovement("enter an amount between ¥1 and ¥10,000,000", value=amount)
    if direction == "out" and approval is None and not clerk.is_manager:
        raise ApprovalRequired("taking cash out needs a manager")
    now = terminal.now()
    movement_id = new_id()
    approved_by = approval.manager_code if approval else None
    with terminal.db.write() as session:
        session.add(
            CashMovement(
                id=movement_id,
                kind=direction,
                amount=amount,
                reason=reason[:200],
                clerk_code=clerk.code,
                approved_by=approved_by,
                at=now,
                business_day=terminal.business_day(now),
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
        append_event(
            session,
            settings=settings,
            kind=EventKind.CASH_MOVED,
            aggregate_id=movement_id,
            payload=payload.model_dump(mode="json"),
            now=now,
        )
        audit(
            session,
            now=now,
            clerk_code=clerk.code,
            action=f"cash_{direction}",
            approved_by=approved_by,
            amount=amount,
        )


def record_no_sale(terminal: Terminal, *, approval: Approval) -> None:
    """Audit a drawer opened without a sale (the drawer kick itself is the device layer's)."""
    clerk = terminal.require_clerk()
    now = terminal.now()
    with terminal.db.write() as session:
        session.add(
            CashMovement(
                id=new_id(),
                kind="no_sale",
                amount=0,
                clerk_code=clerk.code,
                approved_by=approval.manager_code,
                at=now,
                business_day=terminal.business_day(now),
            )
        )
        audit(session, now=now, clerk_code=clerk.code, action="no_sale", approved_by=approval.manager_code)


def _opening_float(session: Session) -> int:
    last = session.scalar(select(Closing).order_by(Closing.closing_no.desc()).limit(1))
    return last.next_float if last else 0


def period_figures(session: Session) -> ClosingFigures:
    """The open period's figures, from the stored facts."""
    sales = list(session.scalars(select(Sale).where(Sale.closing_no.is_(None))))
    movements = list(session.scalars(select(CashMovement).where(CashMovement.closing_no.is_(None))))
    by_rate: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_tender: dict[str, int] = defaultdict(int)
    gross = discounts = points_used = points_earned = customers = items = 0
    voids_count = voids_amount = returns_count = returns_amount = cash_sales = cash_refunds = 0
    for sale in sales:
        sign = 1 if sale.kind == "sale" else -1
        for r in sale.by_rate:
            bucket = by_rate[r["rate"]]
            bucket[0] += sign * r["taxable"]
            bucket[1] += sign * r["tax"]
            bucket[2] += sign * r["gross"]
        for payment in sale.payments:
            amount = payment.amount - (sale.change if payment.kind == "cash" and sale.kind == "sale" else 0)
            by_tender[payment.kind] += sign * amount
            if payment.kind == "cash":
                if sign > 0:
                    cash_sales += amount
                else:
                    cash_refunds += amount
        if sale.kind == "sale":
            gross += sale.subtotal
            discounts += sale.discount + sale.points_discount
            points_used += sale.points_used
            points_earned += sale.points_earned
            customers += 1
            items += sale.item_count
        elif sale.kind == "void":
            voids_count += 1
            voids_amount += sale.total
            points_used -= sale.points_used
            points_earned -= sale.points_earned
            customers -= 1
            items -= sale.item_count
        else:
            returns_count += 1
            returns_amount += sale.total
            points_used -= sale.points_used
            points_earned -= sale.points_earned
    net = sum(bucket[2] for bucket in by_rate.values())
    return ClosingFigures(
        gross_sales=gross,
        net_sales=net,
        by_rate=tuple(RateTotal(rate, b[0], b[1], b[2]) for rate, b in sorted(by_rate.items(), reverse=True)),
        by_tender=dict(by_tender),
        customers=customers,
        items=items,
        discounts=discounts,
        points_used=points_used,
        points_earned=points_earned,
        voids_count=voids_count,
        voids_amount=voids_amount,
        returns_count=returns_count,
        returns_amount=returns_amount,
        cash_in=sum(m.amount for m in movements if m.kind == "in"),
        cash_out=sum(m.amount for m in movements if m.kind == "out"),
        opening_float=_opening_float(session),
        cash_sales=cash_sales,
        cash_refunds=cash_refunds,
    )


def x_report(terminal: Terminal) -> ClosingReport:
    """The open period's figures; nothing is changed."""
    terminal.require_clerk()
    with terminal.db.read() as session:
        return ClosingReport(figures=period_figures(session), at=terminal.now())


def z_report(
    terminal: Terminal, *, counts: dict[int, int], next_float: int, approval: Approval
) -> ClosingReport:
    """Close the period: count, reconcile, number it, stamp its facts, queue ``day.closed``."""
    clerk = terminal.require_clerk()
    settings = terminal.require_configured()
    count = CashCount(counts)
    if not isinstance(next_float, int) or not 0 <= next_float <= MAX_CASH_MOVEMENT:
        raise InvalidCashMovement("the next float must be between ¥0 and ¥10,000,000", value=next_float)
    now = terminal.now()
    day = terminal.business_day(now)
    with terminal.db.write() as session:
        figures = period_figures(session)
        reconciliation = figures.reconcile(counted=count.total)
        closing_no = next_number(session, CLOSING_COUNTER)
        session.execute(update(Sale).where(Sale.closing_no.is_(None)).values(closing_no=closing_no))
        session.execute(
            update(CashMovement).where(CashMovement.closing_no.is_(None)).values(closing_no=closing_no)
        )
        session.add(
            Closing(
                closing_no=closing_no,
                at=now,
                business_day=day,
                clerk_code=clerk.code,
                figures={
                    "gross_sales": figures.gross_sales,
                    "net_sales": figures.net_sales,
                    "by_tender": dict(figures.by_tender),
                    "customers": figures.customers,
                },
                counts={str(face): n for face, n in count.pieces.items()},
                counted=count.total,
                expected=reconciliation.expected,
                over_short=reconciliation.over_short,
                next_float=next_float,
            )
        )
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
        append_event(
            session,
            settings=settings,
            kind=EventKind.DAY_CLOSED,
            aggregate_id=str(closing_no),
            payload=payload.model_dump(mode="json"),
            now=now,
        )
        audit(
            session,
            now=now,
            clerk_code=clerk.code,
            action="z_report",
            approved_by=approval.manager_code,
            closing_no=closing_no,
            over_short=reconciliation.over_short,
        )
    return ClosingReport(figures, now, closing_no, reconciliation, count, next_float)
