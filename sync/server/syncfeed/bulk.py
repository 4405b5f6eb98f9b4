"""The fast path for the common case: plain store sales stored in a handful of statements per batch.

Per-event savepoints cost a round trip or more per statement; a batch of 500 sales with 3 lines each
is then thousands of round trips. Runs of plain sales (no points spent, known products, known
member, unseen ids) are judged by the same ``figures`` functions as the per-event path, turned into
rows by the same ``rows`` builders, and written with multi-row statements inside one savepoint. If
anything in that savepoint fails, it is rolled back and the same events go through the careful
per-event path, so the fast path can never change an outcome, only its cost
(``tests/server/test_trust_differential.py`` pins it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol

from sqlalchemy import JSON, ColumnElement, String, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import QueryableAttribute, Session

from posapp.domain.errors import DomainError
from posapp.domain.tax import TaxPolicy
from sync.protocol.events import Event, SaleCompleted, TypedPayload
from sync.protocol.flags import FlagReason, flag, ordered
from sync.protocol.messages import EventResult, EventStatus
from sync.server.auth.service import Caller
from sync.server.changes.service import record_change
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.points import service as points_service
from sync.server.points.models import PointsAccount, PointsEntry
from sync.server.products.models import Product
from sync.server.sales.models import StoreSale, StoreSaleRate
from sync.server.stock.models import StockLevel, StockMovement
from sync.server.syncfeed import figures, rows
from sync.server.syncfeed.figures import SaleFigures
from sync.server.syncfeed.models import ReceivedEvent


class StoreRulesLike(Protocol):
    """The store's rules as ``effects.StoreRules`` carries them."""

    @property
    def tax(self) -> TaxPolicy: ...
    @property
    def managers(self) -> Collection[str]: ...


FastSale = tuple[int, Event, SaleCompleted]
Judged = tuple[int, Event, SaleCompleted, SaleFigures, int | None]


def among(session: Session, column: QueryableAttribute[str], values: Collection[str]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL as ``= ANY`` of one array: an IN list of a thousand ids
    costs PostgreSQL four times as much to plan as the look-up itself."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def fast_candidates(
    caller: Caller, terminal_code: str, indexed: list[tuple[int, Event, TypedPayload | ValueError]]
) -> list[FastSale]:
    """The plain sales among ``indexed`` events (with their payloads validated once per push, or the
    error): well-formed (so paid in full: ``SaleCompleted`` refuses payments that do not add up to the
    total, ``tests/protocol/test_wire_money.py``), in scope, no points spent, no coupon."""
    chosen: list[FastSale] = []
    for index, event, sale in indexed:
        if event.kind.value != "sale.completed" or event.store_code != caller.store_code:
            continue
        if event.terminal_code != terminal_code:
            continue
        if not isinstance(sale, SaleCompleted):
            continue  # invalid: the careful path gives the exact refusal
        if sale.points_used or sale.coupon:
            continue
        chosen.append((index, event, sale))
    return chosen


def apply_fast(
    session: Session, caller: Caller, rules: StoreRulesLike, run: list[FastSale]
) -> list[EventResult]:
    """Store the longest prefix of ``run`` it can take with bulk statements; their results, in order.

    A sale it cannot take (an id already stored or repeated, an unknown SKU or member, impossible
    lines) ends the prefix: the caller sends it through the per-event path, so events are still
    applied in the order sent.
    """
    assert caller.store_id is not None and caller.store_code is not None
    batch, products = _judged_prefix(session, rules, run)
    if not batch:
        return []
    flags = _store_batch(session, caller, batch, products)
    return [
        EventResult(id=event.id, status=EventStatus.APPLIED, flags=flags[index]) for index, event, *_ in batch
    ]


def _judged_prefix(
    session: Session, rules: StoreRulesLike, run: list[FastSale]
) -> tuple[list[Judged], dict[str, int]]:
    """The prefix of ``run`` the bulk path can take, each sale judged; and the product id of each SKU."""
    sale_ids = [sale.sale_id for _, _, sale in run]
    taken = set(session.scalars(select(StoreSale.id).where(among(session, StoreSale.id, sale_ids))))
    members = {sale.member_no for _, _, sale in run if sale.member_no}
    customers = {
        row.member_no: row
        for row in session.execute(
            select(Customer.member_no, Customer.id, Customer.merged_into_id).where(
                among(session, Customer.member_no, members)
            )
        )
    }
    skus = {line.sku for _, _, sale in run for line in sale.lines}
    products = dict(
        session.execute(select(Product.sku, Product.id).where(among(session, Product.sku, skus))).all()
    )
    batch: list[Judged] = []
    used: set[str] = set(taken)
    for index, event, sale in run:
        if sale.sale_id in used or event.id in used:
            break
        if any(line.sku not in products for line in sale.lines):
            break
        customer = customers.get(sale.member_no) if sale.member_no else None
        if sale.member_no and (customer is None or customer.merged_into_id is not None):
            break
        try:
            verdict = figures.judge_plain_sale(
                sale, tax=rules.tax, member=customer is not None, managers=rules.managers
            )
        except (DomainError, ValueError):
            break  # impossible lines: the careful path refuses them with the reason
        used.update((sale.sale_id, event.id))
        batch.append((index, event, sale, verdict, customer.id if customer is not None else None))
    return batch, products


def _store_batch(
    session: Session, caller: Caller, batch: list[Judged], products: dict[str, int]
) -> dict[int, list[str]]:
    """Write ``batch`` in one savepoint: sales, their rates, stock, points, the events; each one's flags."""
    now = utcnow()
    flags: dict[int, list[str]] = {index: list(verdict.flags) for index, _, _, verdict, _ in batch}
    with session.begin_nested():
        _bulk_insert(
            session,
            StoreSale,
            [
                rows.sale_row(caller, sale, verdict, customer_id, now)
                for _, _, sale, verdict, customer_id in batch
            ],
        )
        _bulk_insert(
            session,
            StoreSaleRate,
            [
                row
                for _, _, sale, verdict, _ in batch
                for row in rows.rate_rows(sale.sale_id, verdict.by_rate)
            ],
        )
        _move_stock(session, caller, batch, products, flags, now)
        _earn_points(session, caller, batch, now)
        for index in flags:
            flags[index] = ordered(flags[index])
        _bulk_insert(
            session,
            ReceivedEvent,
            [received_row(caller, event, flags[index], now) for index, event, *_ in batch],
        )
    return flags


@dataclass(frozen=True, slots=True)
class Written:
    """A JSON value with its text already written (an event's payload is written for its hash anyway)."""

    value: Any
    text: str


def received_row(caller: Caller, event: Event, flags: list[str], now: datetime) -> dict[str, Any]:
    """The event's ``received_events`` row; its payload written once, for the hash and for the column."""
    canonical = event.canonical_payload()
    row = rows.received_row(
        caller, event, EventStatus.APPLIED, "", flags, now, payload_hash=event.payload_hash(canonical)
    )
    row["payload"] = Written(event.payload, canonical)
    return row


def _as_written(text: str) -> str:
    return text


def _bulk_insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``; on PostgreSQL through COPY, several times faster than a pipelined executemany."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(
            insert(model),
            [{k: v.value if isinstance(v, Written) else v for k, v in row.items()} for row in rows],
        )
        return
    from psycopg.types.json import Json, Jsonb

    def cell(value: Any, wrapper: type[Json | Jsonb]) -> Any:
        if isinstance(value, Written):
            return wrapper(value.text, dumps=_as_written)
        return wrapper(value) if isinstance(value, dict | list) else value

    columns = list(rows[0])
    # Only the JSON columns need a wrapper; the rest go to COPY as they are, read in one C call a row.
    dialect = session.get_bind().dialect
    json_at = [
        (i, Jsonb if isinstance(column.type.dialect_impl(dialect), JSONB) else Json)
        for i, column in enumerate(model.__table__.c[c] for c in columns)
        if isinstance(column.type, JSON)
    ]
    values_of = itemgetter(*columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = list(values_of(row)) if len(columns) > 1 else [row[columns[0]]]
            for i, wrapper in json_at:
                values[i] = cell(values[i], wrapper)
            copy.write_row(values)


def _move_stock(
    session: Session,
    caller: Caller,
    batch: list[Judged],
    products: dict[str, int],
    flags: dict[int, list[str]],
    now: datetime,
) -> None:
    totals: dict[int, int] = defaultdict(int)
    for _, _, sale, *_ in batch:
        for line in sale.lines:
            totals[products[line.sku]] -= line.quantity
    final = _add_to_levels(session, caller.store_id, sorted(totals.items()), now)
    running = {pid: final[pid] - delta for pid, delta in totals.items()}
    movements = []
    for index, _, sale, *_ in batch:
        for line in sale.lines:
            pid = products[line.sku]
            running[pid] -= line.quantity
            movements.append(
                {
                    "location_id": caller.store_id,
                    "product_id": pid,
                    "delta": -line.quantity,
                    "quantity_after": running[pid],
                    "reason": "store sale",
                    "source_id": sale.sale_id,
                    "negative": running[pid] < 0,
                    "created_at": now,
                }
            )
            if running[pid] < 0:
                flags[index].append(flag(FlagReason.NEGATIVE_STOCK))
    _bulk_insert(session, StockMovement, movements)
    sku_of = {pid: sku for sku, pid in products.items()}
    for pid, quantity in final.items():
        record_change(
            session, entity="stock", key=f"{caller.store_code}:{sku_of[pid]}", store_code=caller.store_code,
            payload={"location": caller.store_code, "sku": sku_of[pid], "quantity": quantity, "updated_at": now.isoformat()},
        )  # fmt: skip


_ADD_TO_LEVELS = text("""
    INSERT INTO stock_levels (location_id, product_id, quantity, updated_at)
    SELECT :location, product_id, delta, :now
    FROM unnest(CAST(:products AS integer[]), CAST(:deltas AS bigint[])) AS moved(product_id, delta)
    ON CONFLICT (location_id, product_id)
    DO UPDATE SET quantity = stock_levels.quantity + excluded.quantity, updated_at = excluded.updated_at
    RETURNING product_id, quantity
""")


def _add_to_levels(
    session: Session, location: int | None, deltas: list[tuple[int, int]], now: datetime
) -> dict[int, int]:
    """Add ``deltas`` (product id, change; in product order, so two pushes lock rows in the same order)
    to the location's levels; each product's new quantity."""
    if session.get_bind().dialect.name == "postgresql":
        # Two arrays, not a VALUES row per product: the statement is the same text for every push.
        answer = session.execute(
            _ADD_TO_LEVELS,
            {"location": location, "now": now, "products": [p for p, _ in deltas], "deltas": [d for _, d in deltas]},
        )  # fmt: skip
        return {row[0]: row[1] for row in answer}
    statement = sqlite_insert(StockLevel).values(
        [{"location_id": location, "product_id": pid, "quantity": delta, "updated_at": now} for pid, delta in deltas]
    )  # fmt: skip
    upsert = statement.on_conflict_do_update(
        index_elements=[StockLevel.location_id, StockLevel.product_id],
        set_={
            "quantity": StockLevel.quantity + statement.excluded.quantity,
            "updated_at": statement.excluded.updated_at,
        },
    ).returning(StockLevel.product_id, StockLevel.quantity)
    return {row[0]: row[1] for row in session.execute(upsert)}


def _earn_points(session: Session, caller: Caller, batch: list[Judged], now: datetime) -> None:
    earning = [
        (customer_id, sale, verdict.points_earned)  # the policy's figure, not the claim
        for _, _, sale, verdict, customer_id in batch
        if customer_id is not None and verdict.points_earned
    ]
    added: dict[int, int] = defaultdict(int)
    for customer_id, _, points in earning:
        added[customer_id] += points
    running: dict[int, int] = {}
    for customer_id in sorted(added):  # one statement per customer, always in the same order (no deadlock)
        points_service.ensure_account(session, customer_id=customer_id)
        balance = session.execute(
            update(PointsAccount)
            .where(PointsAccount.customer_id == customer_id)
            .values(balance=PointsAccount.balance + added[customer_id])
            .returning(PointsAccount.balance)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        running[customer_id] = balance - added[customer_id]
        points_service.publish_balance(session, customer_id=customer_id, balance=balance)
    entries = []
    for customer_id, sale, points in earning:  # in the order sold, as the per-event path writes them
        running[customer_id] += points
        entries.append(
            {
                "customer_id": customer_id,
                "kind": "earn",
                "points": points,
                "balance_after": running[customer_id],
                "idempotency_key": f"earn:{sale.sale_id}",
                "source": sale.sale_id,
                "reason": f"store sale {sale.receipt_no}"[:200],
                "location": caller.store_code,
                "flagged": running[customer_id] < 0,
                "created_at": now,
            }
        )
    _bulk_insert(session, PointsEntry, entries)
