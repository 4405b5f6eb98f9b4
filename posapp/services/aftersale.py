"""After the sale: voids and returns by receipt number (their receipts: posapp.services.receipts).

A void or a return is a new fact (with its own receipt number and outbox event) that names the
original; the original is only flagged, never rewritten, so the server sees an append-only history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from posapp.domain.points import points_returned, returned_goods_value
from posapp.domain.proration import share_of
from posapp.domain.receipt import ReceiptKind
from posapp.domain.tax import TaxPolicy, rate_totals
from posapp.domain.tender import Tender, TenderKind
from posapp.services.errors import SaleNotReturnable
from posapp.services.receipts import CompletedSale, find_sale, stored_receipt
from posapp.services.records import RECEIPT_COUNTER, AuditNote, new_id, next_number, record_fact
from posapp.services.records import receipt_no as format_receipt_no
from posapp.store.models import Customer, PaymentRow, Sale, SaleLine
from posapp.store.settings import TerminalSettings
from posapp.store.stock import move_stock
from sync.protocol.events import RateLine, ReturnCompleted, SaleVoided, SoldLine
from sync.protocol.tenders import Refund

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from posapp.services.counter import Approval, Counter


@dataclass(frozen=True, slots=True)
class ReturnableLine:
    """A line of the original sale and how much of it can still come back."""

    line_no: int
    sku: str
    name: str
    sold: int
    returnable: int
    unit_price: int
    net_amount: int


def returnable_lines(counter: Counter, number: str) -> list[ReturnableLine]:
    """What can still be returned from the sale ``number``."""
    with counter.db.read() as session:
        sale = find_sale(session, number)
        if sale.kind != "sale" or sale.voided:
            raise SaleNotReturnable("this receipt cannot be returned against", value=number)
        return [
            ReturnableLine(
                line.line_no,
                line.sku,
                line.name,
                line.quantity,
                line.quantity - line.returned_quantity,
                line.unit_price,
                line.net_amount,
            )
            for line in sale.lines
        ]


def void_sale(counter: Counter, *, receipt_no: str, approval: Approval) -> CompletedSale:
    """Cancel a sale of the open period as a whole: refund every tender, take points and stock back."""
    clerk = counter.require_clerk()
    settings = counter.require_configured()
    now = counter.now()
    with counter.db.write() as session:
        original = _voidable(session, receipt_no)
        seq, number = _next_receipt(session, settings)
        void = _void_of(original, seq=seq, number=number, day=counter.business_day(now), at=now,
                        clerk_code=clerk.code, approved_by=approval.manager_code)  # fmt: skip
        original.voided = True
        session.add(void)
        _adjust_member(session, original.member_no, original.points_used - original.points_earned)
        _restock(session, settings, [(line.sku, line.quantity) for line in original.lines], now)
        record_fact(
            session,
            _void_event(void, original, approved_by=approval.manager_code),
            aggregate_id=void.id,
            now=now,
            wake=counter.wake,
            audits=[_audit_note("void", void, original)],
        )
        session.flush()
        document = stored_receipt(counter, void, original.lines, ReceiptKind.VOID, original.receipt_no)
        return CompletedSale(void.id, number, void.total, 0, void.points_used, void.points_earned, document)


def _voidable(session: Session, receipt_no: str) -> Sale:
    """The sale ``receipt_no`` if it can still be voided: not voided, of the open period, nothing returned."""
    original = find_sale(session, receipt_no)
    if original.kind != "sale" or original.voided:
        raise SaleNotReturnable("this sale was already voided", value=receipt_no)
    if original.closing_no is not None or any(line.returned_quantity for line in original.lines):
        raise SaleNotReturnable(
            "only a sale of the open period with no returns can be voided", value=receipt_no
        )
    return original


def _void_of(
    original: Sale, *, seq: int, number: str, day: date, at: datetime, clerk_code: str, approved_by: str
) -> Sale:
    """The void's own row: the original's figures, every tender refunded (cash net of the change given)."""
    void = Sale(
        id=new_id(), kind="void", receipt_no=number, receipt_seq=seq, business_day=day, at=at,
        clerk_code=clerk_code, approved_by=approved_by, member_no=original.member_no, eat_in=original.eat_in,
        subtotal=original.subtotal, discount=original.discount, points_discount=original.points_discount,
        total=original.total, by_rate=original.by_rate, item_count=original.item_count,
        points_used=original.points_used, points_earned=original.points_earned, original_sale_id=original.id,
    )  # fmt: skip
    void.payments = [
        PaymentRow(
            seq=p.seq,
            kind=p.kind,
            amount=p.amount - (original.change if p.kind == "cash" else 0),
            reference=p.reference,
        )
        for p in original.payments
    ]
    return void


def _void_event(void: Sale, original: Sale, *, approved_by: str) -> SaleVoided:
    return SaleVoided(
        void_id=void.id, original_sale_id=original.id, original_receipt_no=original.receipt_no,
        receipt_no=void.receipt_no, voided_at=void.at, clerk_code=void.clerk_code,
        approved_by=approved_by, total=void.total, points_used=void.points_used,
        points_earned=void.points_earned,
    )  # fmt: skip


def return_items(
    counter: Counter,
    *,
    receipt_no: str,
    quantities: dict[int, int],
    refund_kind: str,
    refund_reference: str | None,
    approval: Approval,
) -> CompletedSale:
    """Refund returned goods at what the customer actually paid for them; restore points and stock."""
    clerk = counter.require_clerk()
    settings = counter.require_configured()
    refund_tender_kind = TenderKind(refund_kind)
    wanted = _wanted(quantities)
    now = counter.now()
    with counter.db.write() as session:
        original = _returnable(session, receipt_no)
        before = _returned_before(session, original)
        returned = _returned_lines(original, wanted)
        total = sum(r.refund for r in returned)
        refund = Tender(refund_tender_kind, max(total, 1), refund_reference)  # refuses card numbers
        seq, number = _next_receipt(session, settings)
        ret = _return_of(original, returned, before, seq=seq, number=number, day=counter.business_day(now), at=now,
                         clerk_code=clerk.code, approved_by=approval.manager_code,
                         policy=settings.tax_policy())  # fmt: skip
        ret.payments = [PaymentRow(seq=1, kind=refund.kind.value, amount=total, reference=refund.reference)]
        _mark_returned(returned)
        session.add(ret)
        _adjust_member(session, original.member_no, ret.points_used - ret.points_earned)
        _restock(session, settings, [(r.line.sku, r.quantity) for r in returned], now)
        record_fact(
            session,
            _return_event(ret, original, approved_by=approval.manager_code),
            aggregate_id=ret.id,
            now=now,
            wake=counter.wake,
            audits=[_audit_note("return", ret, original)],
        )
        session.flush()
        document = stored_receipt(counter, ret, ret.lines, ReceiptKind.RETURN, original.receipt_no)
        return CompletedSale(ret.id, number, ret.total, 0, ret.points_used, ret.points_earned, document)


@dataclass(frozen=True, slots=True)
class _Returned:
    """A line of the original coming back: how many, and what is refunded for them."""

    line: SaleLine
    quantity: int
    refund: int


@dataclass(frozen=True, slots=True)
class _EarlierReturns:
    """What the returns already made against a sale refunded and moved."""

    refunded: int
    points_restored: int
    points_taken_back: int


def _returned_before(session: Session, original: Sale) -> _EarlierReturns:
    """Sums over the earlier returns against ``original`` (read before this return is added)."""
    refunded, restored, taken = session.execute(
        select(
            func.coalesce(func.sum(Sale.total), 0),
            func.coalesce(func.sum(Sale.points_used), 0),
            func.coalesce(func.sum(Sale.points_earned), 0),
        ).where(Sale.original_sale_id == original.id, Sale.kind == "return")
    ).one()
    return _EarlierReturns(int(refunded), int(restored), int(taken))


def _wanted(quantities: dict[int, int]) -> dict[int, int]:
    """Line number → quantity coming back, without the zeros; refuses nothing or a negative quantity."""
    wanted = {line_no: qty for line_no, qty in quantities.items() if qty}
    if not wanted or any(qty < 0 for qty in wanted.values()):
        raise SaleNotReturnable("choose what comes back", value=quantities)
    return wanted


def _returnable(session: Session, receipt_no: str) -> Sale:
    original = find_sale(session, receipt_no)
    if original.kind != "sale" or original.voided:
        raise SaleNotReturnable("this receipt cannot be returned against", value=receipt_no)
    return original


def _returned_lines(original: Sale, wanted: dict[int, int]) -> list[_Returned]:
    """The lines coming back, refunded at their share of what was paid; refuses more than is left."""
    by_no = {line.line_no: line for line in original.lines}
    returned: list[_Returned] = []
    for line_no, qty in sorted(wanted.items()):
        line = by_no.get(line_no)
        if line is None or qty > line.quantity - line.returned_quantity:
            raise SaleNotReturnable("more than was sold (or already returned)", value=line_no)
        # What the units returned so far carry of what the line paid, less what was refunded before:
        # the last unit takes the remainder, so a line returned in parts refunds exactly what it paid.
        refund = share_of(line.net_amount, line.returned_quantity + qty, line.quantity) - line.refunded_amount
        returned.append(_Returned(line, qty, max(refund, 0)))
    return returned


def _return_of(  # noqa: PLR0913 - keyword-only, one per fact of the return row
    original: Sale,
    returned: list[_Returned],
    before: _EarlierReturns,
    *,
    seq: int,
    number: str,
    day: date,
    at: datetime,
    clerk_code: str,
    approved_by: str,
    policy: TaxPolicy,
) -> Sale:
    """The return's own row and lines: the refund per rate, and the points it gives back and takes back."""
    total = sum(r.refund for r in returned)
    refunded = before.refunded + total
    amounts_by_rate: dict[int, int] = {}
    for r in returned:
        amounts_by_rate[r.line.rate] = amounts_by_rate.get(r.line.rate, 0) + r.refund
    by_rate = rate_totals(amounts_by_rate, policy)
    now_returned: dict[str, int] = {}
    for line in original.lines:
        now_returned[line.sku] = now_returned.get(line.sku, 0) + line.returned_quantity
    for r in returned:
        now_returned[r.line.sku] += r.quantity
    goods = returned_goods_value([(x.sku, x.quantity, x.amount) for x in original.lines], now_returned)
    ret = Sale(
        id=new_id(), kind="return", receipt_no=number, receipt_seq=seq, business_day=day, at=at,
        clerk_code=clerk_code, approved_by=approved_by, member_no=original.member_no, subtotal=total,
        total=total, item_count=sum(r.quantity for r in returned),
        by_rate=[{"rate": r.rate, "taxable": r.taxable, "tax": r.tax, "gross": r.gross} for r in by_rate],
        points_used=points_returned(original.points_used, refunded=refunded, paid=original.total,
                                    moved_before=before.points_restored, goods_returned=goods[0], goods_sold=goods[1]),
        points_earned=points_returned(original.points_earned, refunded=refunded, paid=original.total,
                                      moved_before=before.points_taken_back, goods_returned=goods[0],
                                      goods_sold=goods[1]),
        original_sale_id=original.id,
    )  # fmt: skip
    ret.lines = [_return_line(i, r) for i, r in enumerate(returned, start=1)]
    return ret


def _mark_returned(returned: list[_Returned]) -> None:
    """Count what came back on the original's lines, so it cannot come back twice."""
    for r in returned:
        r.line.returned_quantity += r.quantity
        r.line.refunded_amount += r.refund


def _return_line(line_no: int, returned: _Returned) -> SaleLine:
    line = returned.line
    return SaleLine(
        line_no=line_no, sku=line.sku, name=line.name, quantity=returned.quantity, unit_price=line.unit_price,
        catalog_price=line.catalog_price, amount=returned.refund, net_amount=returned.refund,
        tax_class=line.tax_class, rate=line.rate,
    )  # fmt: skip


def _return_event(ret: Sale, original: Sale, *, approved_by: str) -> ReturnCompleted:
    return ReturnCompleted(
        return_id=ret.id, original_sale_id=original.id, original_receipt_no=original.receipt_no,
        receipt_no=ret.receipt_no, returned_at=ret.at, clerk_code=ret.clerk_code,
        approved_by=approved_by, member_no=ret.member_no,
        lines=[
            SoldLine(line_no=x.line_no, sku=x.sku, name=x.name, quantity=x.quantity, unit_price=x.unit_price,
                     amount=x.amount, tax_class=x.tax_class, rate=x.rate)
            for x in ret.lines
        ],
        by_rate=[RateLine(rate=r["rate"], taxable=r["taxable"], tax=r["tax"]) for r in ret.by_rate],
        total=ret.total,
        refunds=[Refund(kind=TenderKind(p.kind), amount=p.amount, reference=p.reference) for p in ret.payments],
        points_restored=ret.points_used, points_taken_back=ret.points_earned,
    )  # fmt: skip


def _next_receipt(session: Session, settings: TerminalSettings) -> tuple[int, str]:
    """The next receipt sequence number and the receipt number printed with it."""
    seq = next_number(session, RECEIPT_COUNTER)
    return seq, format_receipt_no(settings, seq)


def _restock(
    session: Session, settings: TerminalSettings, moves: list[tuple[str, int]], now: datetime
) -> None:
    move_stock(session, location=settings.store_code, moves=moves, now=now)


def _audit_note(action: str, record: Sale, original: Sale) -> AuditNote:
    """A void or return, audited under the original's receipt number with who approved it."""
    return AuditNote(
        action,
        record.clerk_code,
        approved_by=record.approved_by,
        detail={"receipt_no": original.receipt_no, "total": record.total},
    )


def _adjust_member(session: Session, member_no: str | None, delta: int) -> None:
    if member_no and delta:
        customer = session.scalar(select(Customer).where(Customer.member_no == member_no))
        if customer is not None:
            customer.points_balance += delta
