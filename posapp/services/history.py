"""A member's history at the counter: fresh from the server, and true offline.

- Every attach asks the server (``max_age=0``); other looks within ``HISTORY_TTL`` reuse the last
  answer, unless this terminal sold to the member since (then it asks again).
- This terminal's own sales, returns and voids the server has not acknowledged yet are merged in,
  so the sale just made is there before the sync agent has sent it.
- The last history seen live is kept in SQLite (``history_cache``) and shown offline with its age,
  with this terminal's records since added. Voids and returns are shown as what they are.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from posapp.store.models import Customer, HistoryCacheRow, OutboxEvent, Sale
from sync.client.errors import ServerRefused, ServerUnavailable
from sync.protocol.live import HISTORY, HistoryEntry, HistoryKind, LiveItem

if TYPE_CHECKING:
    from posapp.services.counter import Counter
    from posapp.services.link import ServerLink

HISTORY_TTL = timedelta(seconds=20)
"""How long a history fetched for one member is reused by later looks (not by a new attach)."""
HISTORY_LIMIT = 100
CACHED_MEMBERS = 500
"""Members whose last history this terminal keeps for offline use (the oldest are dropped)."""
NEVER = datetime.min.replace(tzinfo=UTC)
LOCAL_KINDS: dict[str, HistoryKind] = {"sale": "store_sale", "return": "store_return", "void": "store_void"}


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    """The timeline, newest first.

    ``live`` is True when the server answered now; otherwise the entries are the last history seen
    live here (``as_of`` says when; ``None`` if never) plus this terminal's own records.
    ``unsent`` names the references (receipt numbers) the server has not received yet.
    """

    entries: tuple[HistoryEntry, ...]
    as_of: datetime | None
    live: bool
    unsent: frozenset[str] = field(default_factory=frozenset)

    def age(self, now: datetime) -> timedelta | None:
        """How old the server's part of this history is (``None`` when the server never said)."""
        return None if self.as_of is None else max(now - self.as_of, timedelta(0))


@dataclass(slots=True)
class _Remembered:
    history: CustomerHistory
    fetched_at: datetime


class HistoryMemory:
    """The last answer per member, in memory, for looks within ``HISTORY_TTL``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_member: dict[str, _Remembered] = {}

    def get(self, member_no: str) -> _Remembered | None:
        with self._lock:
            return self._by_member.get(member_no)

    def put(self, member_no: str, history: CustomerHistory, fetched_at: datetime) -> None:
        with self._lock:
            self._by_member[member_no] = _Remembered(history, fetched_at)


@dataclass(frozen=True, slots=True)
class _Local:
    entry: HistoryEntry
    sent: bool


def _local_records(session: Session, counter: Counter, member_no: str) -> list[_Local]:
    """This terminal's sales, returns and voids for the member, newest first, signed as the server signs them."""
    sales = list(
        session.scalars(
            select(Sale).where(Sale.member_no == member_no).order_by(Sale.at.desc()).limit(HISTORY_LIMIT)
        )
    )
    pending = set(
        session.scalars(
            select(OutboxEvent.aggregate_id).where(
                OutboxEvent.aggregate_id.in_([sale.id for sale in sales]), OutboxEvent.status != "sent"
            )
        )
    )
    settings = counter.settings
    records = []
    for sale in sales:
        sign = 1 if sale.kind == "sale" else -1
        entry = HistoryEntry(
            kind=LOCAL_KINDS.get(sale.kind, "store_sale"),
            channel="store",
            location=settings.store_code,
            location_name=settings.store_name or None,
            occurred_at=sale.at,
            reference=sale.receipt_no,
            items=tuple(
                LiveItem(sku=line.sku, name=line.name, quantity=line.quantity, amount=line.amount)
                for line in sale.lines
            ),
            amount=sign * sale.total,
            points=sign * (sale.points_earned - sale.points_used),
        )
        records.append(_Local(entry, sent=sale.id not in pending))
    return records


def _merge(
    base: tuple[HistoryEntry, ...], local: list[_Local], *, sent_after: datetime | None
) -> tuple[tuple[HistoryEntry, ...], frozenset[str]]:
    """``base`` plus the local records it lacks: the unsent ones, and those sent after ``sent_after``
    (offline: the server's part is as old as the cache; ``None`` when the server's part is current)."""
    known = {entry.reference for entry in base if entry.channel == "store"}
    extra = [
        record.entry
        for record in local
        if record.entry.reference not in known
        and (not record.sent or (sent_after is not None and record.entry.occurred_at > sent_after))
    ]
    unsent = frozenset(record.entry.reference for record in local if not record.sent)
    merged = sorted((*base, *extra), key=lambda entry: entry.occurred_at, reverse=True)
    return tuple(merged[:HISTORY_LIMIT]), unsent


def _remember(session: Session, member_no: str, entries: tuple[HistoryEntry, ...], now: datetime) -> None:
    row = session.get(HistoryCacheRow, member_no)
    documents = [entry.model_dump(mode="json") for entry in entries]
    if row is None:
        session.add(HistoryCacheRow(member_no=member_no, fetched_at=now, entries=documents))
    else:
        row.fetched_at, row.entries = now, documents
    session.flush()
    oldest_kept = session.scalar(
        select(HistoryCacheRow.fetched_at)
        .order_by(HistoryCacheRow.fetched_at.desc())
        .offset(CACHED_MEMBERS - 1)
        .limit(1)
    )
    if oldest_kept is not None:
        session.execute(delete(HistoryCacheRow).where(HistoryCacheRow.fetched_at < oldest_kept))


def customer_history(
    counter: Counter, link: ServerLink | None, member_no: str, *, max_age: timedelta = HISTORY_TTL
) -> CustomerHistory:
    """The member's history: live when the server answers, else the last one seen here, with its age."""
    now = counter.now()
    with counter.db.read() as session:
        customer = session.scalar(select(Customer).where(Customer.member_no == member_no))
        server_id = customer.server_id if customer else None
        local = _local_records(session, counter, member_no)
    remembered = counter.history_memory.get(member_no)
    newest_local = max((record.entry.occurred_at for record in local), default=None)
    if (
        remembered is not None
        and remembered.history.live
        and now - remembered.fetched_at < max_age
        and (newest_local is None or newest_local < remembered.fetched_at)
    ):
        base = tuple(e for e in remembered.history.entries if e.reference not in remembered.history.unsent)
        entries, unsent = _merge(base, local, sent_after=None)
        return CustomerHistory(entries, remembered.history.as_of, live=True, unsent=unsent)
    if link is not None and server_id is not None:
        try:
            rows = link.client.get_json(
                f"/v1/customers/{server_id}/history",
                timeout=counter.settings.lookup_timeout_seconds,
                params={"limit": HISTORY_LIMIT},
            )
        except (ServerUnavailable, ServerRefused):
            pass
        else:
            fetched = tuple(HISTORY.validate_python(rows))
            with counter.db.write() as session:
                _remember(session, member_no, fetched, now)
            entries, unsent = _merge(fetched, local, sent_after=None)
            history = CustomerHistory(entries, now, live=True, unsent=unsent)
            counter.history_memory.put(member_no, history, now)
            return history
    with counter.db.read() as session:
        row = session.get(HistoryCacheRow, member_no)
        if row is not None:
            cached, as_of = tuple(HISTORY.validate_python(row.entries)), row.fetched_at
        else:  # never seen live here: all this terminal knows is its own records
            cached, as_of = (), None
    entries, unsent = _merge(cached, local, sent_after=as_of or NEVER)
    return CustomerHistory(entries, as_of, live=False, unsent=unsent)


__all__ = ["HISTORY_TTL", "CustomerHistory", "HistoryMemory", "customer_history"]
