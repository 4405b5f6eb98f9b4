"""Applying pushed terminal events: each exactly once, one bad event never blocking the rest.

A batch shares one transaction (one disk flush for the lot) with a savepoint per event: an event's
effects and the record of its id are kept or dropped together. Sales are facts — the money changed
hands — so stale prices, negative stock and offline points overdrafts are accepted and flagged,
never refused. The terminal's figures are claims: every sale, return and void is stored with the
server's own (``figures``), the points the policy gives, and a flag for each claim that differed;
a return or void asking for more than its sale left is refused (the trust model in docs/sync.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
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
)
from sync.protocol.flags import FlagReason, flag, ordered
from sync.protocol.messages import EventResult, EventStatus
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
from sync.server.stores.models import Clerk
from sync.server.syncfeed import bulk, figures, rows
from sync.server.syncfeed.models import DeadLetter, ReceivedEvent

logger = logging.getLogger(__name__)


class EventRefused(Exception):
    """The event cannot be applied as it stands; it goes to the dead-letter list."""


class EventDeferred(Exception):
    """The event refers to one that has not arrived yet; nothing is recorded and the terminal resends it."""


@dataclass(frozen=True, slots=True)
class StoreRules:
    """What the server judges a store's events by: its tax rounding and who may approve."""

    tax: TaxPolicy
    managers: frozenset[str]


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
    candidates = {
        index: (event, sale)
        for index, event, sale in bulk.fast_candidates(
            caller, terminal_code, [(i, e) for i, e in enumerate(events) if e.id not in seen]
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
            results.append(_apply_one(session, caller, rules, terminal_code, event))
        answered.add(event.id)
    return results


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
    session: Session, caller: Caller, rules: StoreRules, terminal_code: str, event: Event
) -> EventResult:
    flags: list[str] = []
    try:
        with session.begin_nested():
            if event.store_code != caller.store_code or event.terminal_code != terminal_code:
                raise EventRefused("the event belongs to another store or terminal")
            _apply_effects(session, caller, rules, event, flags)
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


def _customer_id(session: Session, member_no: str | None) -> int | None:
    if not member_no:
        return None
    found = session.scalar(select(Customer).where(Customer.member_no == member_no))
    if found is None:
        return None
    while found.merged_into_id is not None:  # history and points follow the surviving record
        found = session.get_one(Customer, found.merged_into_id)
    return found.id


def _apply_effects(
    session: Session, caller: Caller, rules: StoreRules, event: Event, flags: list[str]
) -> None:
    payload = event.typed_payload()
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
    if sum(p.amount for p in sale.payments) - sale.change != sale.total:
        raise EventRefused("payments do not add up to the total")
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


def server_time() -> datetime:
    """The server's clock, for the terminal to notice its own skew."""
    return utcnow()
