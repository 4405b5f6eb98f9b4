"""What an applied event does to the store's records: the sale, void or return stored with the server's
figures, its stock moved, its points and coupon settled; a member registered, stock adjusted, a contact kept.

``ingest`` calls ``apply_effects`` inside the event's savepoint; raising ``EventRefused`` or
``EventDeferred`` drops everything the event did (the trust model in docs/sync.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from posapp.domain.errors import DomainError
from posapp.domain.tax import TaxPolicy
from sync.protocol.events import (
    CashMoved,
    ContactRecorded,
    DayClosed,
    Event,
    MemberRegistered,
    ReturnCompleted,
    SaleCompleted,
    SaleVoided,
    StockAdjusted,
    TypedPayload,
)
from sync.protocol.flags import FlagReason, flag
from sync.server.auth.service import Caller
from sync.server.customers import service as customers_service
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.omni import coupons
from sync.server.points import holds
from sync.server.points import service as points_service
from sync.server.problems import ProblemError
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.stock import service as stock_service
from sync.server.syncfeed import figures, rows


class EventRefused(Exception):
    """The event cannot be applied as it stands; it goes to the dead-letter list."""


class EventDeferred(Exception):
    """The event refers to one that has not arrived yet; nothing is recorded and the terminal resends it."""


@dataclass(frozen=True, slots=True)
class StoreRules:
    """What the server judges a store's events by: its tax rounding and who may approve."""

    tax: TaxPolicy
    managers: frozenset[str]


def _customer_id(session: Session, member_no: str | None) -> int | None:
    if not member_no:
        return None
    found = session.scalar(select(Customer).where(Customer.member_no == member_no))
    if found is None:
        return None
    while found.merged_into_id is not None:  # history and points follow the surviving record
        found = session.get_one(Customer, found.merged_into_id)
    return found.id


def apply_effects(
    session: Session,
    caller: Caller,
    rules: StoreRules,
    event: Event,
    flags: list[str],
    *,
    payload: TypedPayload | ValidationError,
) -> None:
    """Do what ``event`` records, inside the caller's savepoint; each claim that differed adds to ``flags``.

    ``payload`` is the event's payload validated once per push (``ingest``), or why it is invalid.
    """
    if isinstance(payload, ValidationError):
        raise payload
    store = caller.store_code
    assert store is not None
    if isinstance(payload, SaleCompleted):
        _apply_sale(session, caller, rules, payload, flags)
    elif isinstance(payload, SaleVoided):
        _apply_void(session, caller, payload, flags)
    elif isinstance(payload, ReturnCompleted):
        _apply_return(session, caller, rules, payload, flags)
    elif isinstance(payload, MemberRegistered):
        if session.scalar(select(Customer.id).where(Customer.member_no == payload.member_no)) is None:
            customers_service.register(
                session,
                name=payload.name,
                name_kana=payload.name_kana,
                email=payload.email or None,
                phone=payload.phone or None,
                member_no=payload.member_no,
                home_store_id=caller.store_id,
            )
    elif isinstance(payload, StockAdjusted):
        stock_service.move(
            session, location=store, sku=payload.sku, delta=payload.delta, reason=payload.reason,
            source_id=payload.adjustment_id,
        )  # fmt: skip
    elif isinstance(payload, ContactRecorded):
        from sync.server.contacts.service import record_from_counter  # keeps ingest's imports lean

        record_from_counter(session, store_id=caller.store_id or 0, payload=payload)
    elif not isinstance(payload, CashMoved | DayClosed):  # cash and closings are kept as the event itself
        raise EventRefused(f"unknown event kind {event.kind}")


def _apply_sale(
    session: Session, caller: Caller, rules: StoreRules, sale: SaleCompleted, flags: list[str]
) -> None:
    if session.get(StoreSale, sale.sale_id) is not None:
        raise EventRefused("a sale with this id was already stored by another event")
    customer_id = _customer_id(session, sale.member_no)
    if sale.member_no and customer_id is None:
        raise EventRefused(f"unknown member {sale.member_no}")
    try:
        verdict = figures.judge_sale(
            sale, tax=rules.tax, member=customer_id is not None, managers=rules.managers
        )
    except (DomainError, ValueError) as error:
        raise EventRefused(f"the lines of this sale are impossible: {error}") from error
    flags.extend(verdict.flags)
    session.add(StoreSale(**rows.sale_row(caller, sale, verdict, customer_id, utcnow())))
    _add_rates(session, rows.rate_rows(sale.sale_id, verdict.by_rate))
    _move_stock(session, caller, [(line.sku, -line.quantity) for line in sale.lines], sale.sale_id, flags)
    if sale.coupon is not None:  # the sale's coupon is used here, exactly once (issue 16)
        flags.extend(coupons.redeem_for_sale(session, use=sale.coupon, sale_id=sale.sale_id,
                                             member_no=sale.member_no, caller=f"store:{caller.store_code}"))  # fmt: skip
    if customer_id is None:
        return
    if sale.points_used and not holds.captured_by_sale(
        session, hold_id=sale.points_hold_id, customer_id=customer_id, points=sale.points_used,
        sale_id=sale.sale_id, store_code=caller.store_code,
    ):  # fmt: skip
        try:
            with session.begin_nested():
                points_service.spend(
                    session, customer_id=customer_id, points=sale.points_used,
                    idempotency_key=f"sale:{sale.sale_id}:redeem", reason=f"store sale {sale.receipt_no}",
                    source=sale.sale_id, location=caller.store_code,
                )  # fmt: skip
        except DomainError:
            # Spent offline beyond what was left: the sale stands; the overdraft is recorded and flagged.
            points_service.adjust(
                session, customer_id=customer_id, points=-sale.points_used,
                idempotency_key=f"sale:{sale.sale_id}:redeem", reason=f"offline overdraft {sale.receipt_no}",
                kind="overdraft",
            )  # fmt: skip
            flags.append(flag(FlagReason.POINTS_OVERDRAFT))
    if verdict.points_earned:
        # The policy's figure, never the terminal's claim (a claim that differs is flagged above).
        points_service.earn(
            session, customer_id=customer_id, points=verdict.points_earned, source=sale.sale_id,
            reason=f"store sale {sale.receipt_no}", location=caller.store_code,
        )  # fmt: skip


def _original(
    session: Session, caller: Caller, sale_id: str, what: str
) -> tuple[StoreSale, figures.Original]:
    """The original sale of a return or void, locked against a concurrent one, with what was done to it."""
    original = session.scalar(select(StoreSale).where(StoreSale.id == sale_id).with_for_update())
    if original is None:
        raise EventDeferred(f"the {what} has not arrived yet")
    if original.store_id != caller.store_id:
        raise EventRefused(f"the {what} belongs to another store")
    after = list(session.scalars(select(StoreSale).where(StoreSale.original_id == sale_id)))
    returns = tuple(
        figures.Original(kind=r.kind, total=r.total, items=r.items, points_used=r.points_used,
                         points_earned=r.points_earned)
        for r in after if r.kind == "return"
    )  # fmt: skip
    return original, figures.Original(
        kind=original.kind, total=original.total, items=original.items, points_used=original.points_used,
        points_earned=original.points_earned, returns=returns, voided=any(r.kind == "void" for r in after),
    )  # fmt: skip


def _apply_void(session: Session, caller: Caller, void: SaleVoided, flags: list[str]) -> None:
    original, judged = _original(session, caller, void.original_sale_id, "voided sale")
    flags.extend(figures.judge_void(void, judged))
    session.add(
        StoreSale(
            id=void.void_id, store_id=caller.store_id, kind="void", receipt_no=void.receipt_no,
            customer_id=original.customer_id, sold_at=void.voided_at, total=-original.total, items=original.items,
            points_used=-original.points_used, points_earned=-original.points_earned, original_id=original.id,
        )
    )  # fmt: skip
    session.flush()  # a second void racing this one fails here, on the one-void-per-sale index
    original_rates = list(session.scalars(select(StoreSaleRate).where(StoreSaleRate.sale_id == original.id)))
    _add_rates(session, rows.rate_rows(void.void_id, original_rates, sign=-1))
    _move_stock(session, caller, [(i["sku"], i["quantity"]) for i in original.items], void.void_id, [])
    coupons.release_for_sale(session, sale_id=original.id)
    points_service.reverse(
        session, entry_key=holds.redeem_entry_key(session, original.id), idempotency_key=f"void:{void.void_id}:redeem",
        reason=f"void {void.receipt_no}",
    )  # fmt: skip
    points_service.reverse(
        session, entry_key=f"earn:{original.id}", idempotency_key=f"void:{void.void_id}:earn",
        reason=f"void {void.receipt_no}",
    )  # fmt: skip


def _apply_return(
    session: Session, caller: Caller, rules: StoreRules, ret: ReturnCompleted, flags: list[str]
) -> None:
    original, judged = _original(session, caller, ret.original_sale_id, "original sale of this return")
    verdict = figures.judge_return(ret, judged, rules.tax)
    flags.extend(verdict.flags)
    session.add(
        StoreSale(
            id=ret.return_id, store_id=caller.store_id, kind="return", receipt_no=ret.receipt_no,
            customer_id=original.customer_id, sold_at=ret.returned_at, total=-verdict.total, items=verdict.items,
            points_used=-verdict.points_restored, points_earned=-verdict.points_taken_back,
            original_id=original.id,
        )
    )  # fmt: skip
    _add_rates(session, rows.rate_rows(ret.return_id, verdict.by_rate, sign=-1))
    _move_stock(session, caller, [(line.sku, line.quantity) for line in ret.lines], ret.return_id, [])
    if original.customer_id is not None:
        delta = verdict.points_restored - verdict.points_taken_back
        if delta:
            points_service.adjust(
                session, customer_id=original.customer_id, points=delta,
                idempotency_key=f"return:{ret.return_id}", reason=f"return {ret.receipt_no}", kind="return",
            )  # fmt: skip


def _add_rates(session: Session, rate_rows: list[dict[str, Any]]) -> None:
    session.add_all(StoreSaleRate(**row) for row in rate_rows)


def _move_stock(
    session: Session, caller: Caller, moves: list[tuple[str, int]], source: str, flags: list[str]
) -> None:
    assert caller.store_code is not None
    for sku, delta in moves:
        try:
            with session.begin_nested():
                movement = stock_service.move(
                    session,
                    location=caller.store_code,
                    sku=sku,
                    delta=delta,
                    reason="store sale",
                    source_id=source,
                )
        except ProblemError:
            flags.append(flag(FlagReason.UNKNOWN_SKU, sku))  # sold anyway (a local item or a stale catalog)
            continue
        if movement.negative:
            flags.append(flag(FlagReason.NEGATIVE_STOCK))
