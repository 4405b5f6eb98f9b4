"""The store manager's stock work (receive, adjust, reorder points) and closing the day with a sync first.

Every stock change is a local ``stock_levels`` movement, a ``stock.adjusted`` outbox event and an
audit entry in one transaction, so the server applies exactly what the terminal shows. Only a
signed-in manager, or a clerk with a manager's approval, may change stock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from posapp.domain.errors import DomainError
from posapp.services import catalog, closing
from posapp.services.closing import ClosingReport
from posapp.services.errors import ApprovalRequired
from posapp.services.records import (
    AuditNote,
    audit,
    dead_letter_count,
    new_id,
    pending_event_count,
    record_fact,
)
from posapp.store.models import Product, ReorderPoint, StockLevel
from posapp.store.stock import move_stock
from sync.client.errors import ServerRefused, ServerUnavailable
from sync.protocol.events import StockAdjusted

if TYPE_CHECKING:
    from posapp.services.counter import Approval, ClerkInfo, Counter

ADJUST_REASONS = frozenset({"counted", "damaged", "lost"})
MAX_STOCK_MOVE = 1_000_000  # the protocol's bound on one adjustment


class InvalidStockChange(DomainError):
    """A stock quantity, delta, reason or reorder point is out of range."""

    message_key = "error.stock.invalid"


@dataclass(frozen=True, slots=True)
class StockChange:
    """A stored stock movement: the level after it and the id the server will see."""

    adjustment_id: str
    sku: str
    delta: int
    reason: str
    quantity_after: int


@dataclass(frozen=True, slots=True)
class LowStockItem:
    """A product of this store at or below its reorder point."""

    sku: str
    name: str
    quantity: int
    reorder_point: int

    @property
    def shortfall(self) -> int:
        """How many units below the reorder point (0 when exactly at it)."""
        return max(self.reorder_point - self.quantity, 0)


@dataclass(frozen=True, slots=True)
class DayClose:
    """A Z report made by ``close_day``, with what was still unsynced when it was made."""

    report: ClosingReport
    unsynced_events: int
    dead_letters: int
    sync_attempted: bool
    sync_error: str = ""

    @property
    def needs_warning(self) -> bool:
        """True when the server has not yet seen everything this period did (or refused some of it)."""
        return self.unsynced_events > 0 or self.dead_letters > 0


def _require_manager(counter: Counter, approval: Approval | None, action: str) -> tuple[ClerkInfo, str]:
    """The signed-in clerk and the manager answerable for ``action``; raises ``ApprovalRequired``."""
    clerk = counter.require_clerk()
    if clerk.is_manager:
        return clerk, clerk.code
    if approval is None:
        raise ApprovalRequired(f"{action} needs a manager", value=action)
    return clerk, approval.manager_code


def receive_stock(
    counter: Counter, *, sku: str, quantity: int, approval: Approval | None = None
) -> StockChange:
    """Goods delivered to this store: add ``quantity`` units of ``sku``."""
    if not isinstance(quantity, int) or not 0 < quantity <= MAX_STOCK_MOVE:
        raise InvalidStockChange("enter a quantity between 1 and 1,000,000", value=quantity)
    return _change_stock(counter, sku=sku, delta=quantity, reason="received", approval=approval)


def adjust_stock(
    counter: Counter, *, sku: str, delta: int, reason: str, approval: Approval | None = None
) -> StockChange:
    """Correct this store's stock of ``sku`` by ``delta`` after a count, damage or loss."""
    if reason not in ADJUST_REASONS:
        raise InvalidStockChange("the reason must be counted, damaged or lost", value=reason)
    if not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_STOCK_MOVE:
        raise InvalidStockChange("enter a non-zero change of at most 1,000,000", value=delta)
    return _change_stock(counter, sku=sku, delta=delta, reason=reason, approval=approval)


def _change_stock(
    counter: Counter, *, sku: str, delta: int, reason: str, approval: Approval | None
) -> StockChange:
    clerk, manager_code = _require_manager(counter, approval, f"stock_{reason}")
    settings = counter.require_configured()
    now = counter.now()
    adjustment_id = new_id()
    with counter.db.write() as session:
        catalog.product_by_sku(session, sku)  # raises UnknownProduct before anything is written
        move_stock(session, location=settings.store_code, moves=[(sku, delta)], now=now)
        session.flush()
        after = session.scalar(
            select(StockLevel.quantity).where(
                StockLevel.location == settings.store_code, StockLevel.sku == sku
            )
        )
        payload = StockAdjusted(
            adjustment_id=adjustment_id, sku=sku, delta=delta, reason=reason, clerk_code=clerk.code, at=now
        )
        record_fact(
            session,
            payload,
            aggregate_id=adjustment_id,
            now=now,
            wake=counter.wake,
            audits=[
                AuditNote(
                    f"stock_{reason}",
                    clerk.code,
                    approved_by=manager_code,
                    detail={"sku": sku, "delta": delta},
                )
            ],
        )
    return StockChange(adjustment_id, sku, delta, reason, int(after or 0))


def set_reorder_point(
    counter: Counter, *, sku: str, reorder_point: int, approval: Approval | None = None
) -> None:
    """Set the level at which ``sku`` shows on this store's low-stock list (0 or more)."""
    clerk, manager_code = _require_manager(counter, approval, "reorder_point")
    if not isinstance(reorder_point, int) or not 0 <= reorder_point <= MAX_STOCK_MOVE:
        raise InvalidStockChange("the reorder point must be between 0 and 1,000,000", value=reorder_point)
    with counter.db.write() as session:
        catalog.product_by_sku(session, sku)
        row = session.get(ReorderPoint, sku)
        if row is None:
            session.add(ReorderPoint(sku=sku, reorder_point=reorder_point, version=1))
        else:
            row.reorder_point = reorder_point
            row.version += 1
        audit(
            session,
            now=counter.now(),
            clerk_code=clerk.code,
            action="reorder_point",
            approved_by=manager_code,
            sku=sku,
            reorder_point=reorder_point,
        )


def low_stock(counter: Counter) -> list[LowStockItem]:
    """This store's active products at or below their reorder point, the furthest below first."""
    store = counter.require_configured().store_code
    with counter.db.read() as session:
        rows = session.execute(
            select(Product.sku, Product.name, StockLevel.quantity, ReorderPoint.reorder_point)
            .join(ReorderPoint, ReorderPoint.sku == Product.sku)
            .outerjoin(StockLevel, (StockLevel.sku == Product.sku) & (StockLevel.location == store))
            .where(Product.active)
        ).all()
    # A product never stocked here has no level row: it counts as zero on hand.
    items = [LowStockItem(sku, name, quantity or 0, point) for sku, name, quantity, point in rows]
    low = [item for item in items if item.quantity <= item.reorder_point]
    return sorted(low, key=lambda item: (item.quantity - item.reorder_point, item.sku))


def close_day(
    counter: Counter,
    *,
    counts: dict[int, int],
    next_float: int,
    approval: Approval,
    sync_timeout: float = 5.0,
    repeat: bool = False,
) -> DayClose:
    """The Z report, after trying to send what is still waiting; says what the server has not seen.

    A second Z of the same period is refused before anything is sent unless ``repeat``.
    """
    counter.require_clerk()
    closing.check_z_allowed(counter, repeat=repeat)
    attempted, error = False, ""
    if counter.link is not None and _pending(counter) > 0:
        attempted = True
        error = _sync_within(counter, sync_timeout)
    with counter.db.read() as session:
        unsynced = pending_event_count(session)
        dead = dead_letter_count(session)
    report = closing.z_report(counter, counts=counts, next_float=next_float, approval=approval, repeat=repeat)
    return DayClose(report, unsynced, dead, attempted, error)


def _pending(counter: Counter) -> int:
    with counter.db.read() as session:
        return pending_event_count(session)


def _sync_within(counter: Counter, timeout: float) -> str:
    """One sync round, waited for at most ``timeout`` seconds; the error text, or "" when it worked."""
    assert counter.link is not None
    agent = counter.link.agent
    outcome: list[str] = []

    def run() -> None:
        try:
            agent.sync_once()
            outcome.append("")
        except (ServerUnavailable, ServerRefused) as error:
            outcome.append(str(error) or type(error).__name__)

    # A worker thread, so a slow server costs the manager at most ``timeout``: the round carries on
    # in the background and the Z report is made with whatever has been acknowledged by then.
    worker = threading.Thread(target=run, name="close-day-sync", daemon=True)
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else "the server did not answer in time"
