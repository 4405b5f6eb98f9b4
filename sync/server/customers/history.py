"""One timeline per customer across store sales, returns, voids, online orders, points and notes, newest first.

Entries are ``sync.protocol.live.HistoryEntry``: the terminal reads them with the same model. Stores
are given by code and name (the counter shows 新宿店, not S002).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.live import HistoryEntry, HistoryKind, LiveItem
from sync.server.auth.models import Channel
from sync.server.channel.models import OnlineOrder
from sync.server.contacts.models import Contact
from sync.server.customers.models import CustomerNote
from sync.server.points.models import PointsEntry
from sync.server.sales.models import StoreSale
from sync.server.stores.models import Store

STORE_KINDS: dict[str, HistoryKind] = {"sale": "store_sale", "return": "store_return", "void": "store_void"}


def _lines(items: list[dict[str, Any]]) -> tuple[LiveItem, ...]:
    """Stored items as the one item shape (store sales keep ``quantity``, online orders ``qty``)."""
    return tuple(LiveItem.model_validate(item) for item in items)


@dataclass(frozen=True, slots=True)
class _Places:
    """The stores (id → code, name) and channels an entry names."""

    stores: dict[int, tuple[str, str]]
    channels: dict[int, Channel]

    @classmethod
    def load(cls, session: Session) -> _Places:
        stores = {
            row.id: (row.code, row.name) for row in session.execute(select(Store.id, Store.code, Store.name))
        }
        return cls(stores, {row.id: row for row in session.scalars(select(Channel))})

    def code(self, store_id: int | None) -> str | None:
        return self.stores[store_id][0] if store_id in self.stores else None

    def name(self, store_id: int | None) -> str | None:
        return self.stores[store_id][1] if store_id in self.stores else None

    @property
    def codes(self) -> dict[int, str]:
        return {store_id: store_code for store_id, (store_code, _name) in self.stores.items()}

    @property
    def names(self) -> dict[str, str]:
        """Store code → store name."""
        return dict(self.stores.values())


def customer_history(session: Session, *, customer_id: int, limit: int) -> list[HistoryEntry]:
    """The newest ``limit`` events of every kind for the customer."""
    places = _Places.load(session)
    entries = [
        *_sale_entries(session, customer_id, limit, places),
        *_order_entries(session, customer_id, limit, places),
        *_points_entries(session, customer_id, limit, places.names),
        *_note_entries(session, customer_id, limit, places.names),
        *_contact_entries(session, customer_id, limit, places.codes, places.channels, places.names),
    ]
    entries.sort(key=lambda entry: entry.occurred_at, reverse=True)
    return entries[:limit]


def _sale_entries(session: Session, customer_id: int, limit: int, places: _Places) -> list[HistoryEntry]:
    sales = session.scalars(
        select(StoreSale)
        .where(StoreSale.customer_id == customer_id)
        .order_by(StoreSale.sold_at.desc())
        .limit(limit)
    )
    return [
        HistoryEntry(
            kind=STORE_KINDS.get(sale.kind, "store_sale"),
            channel="store",
            location=places.code(sale.store_id),
            location_name=places.name(sale.store_id),
            occurred_at=sale.sold_at,
            reference=sale.receipt_no,
            items=_lines(sale.items),
            amount=sale.total,
            points=sale.points_earned - sale.points_used,
        )
        for sale in sales
    ]


def _order_entries(session: Session, customer_id: int, limit: int, places: _Places) -> list[HistoryEntry]:
    """Each online order, and its cancellation (a second entry) when it was cancelled."""
    orders = session.scalars(
        select(OnlineOrder)
        .where(OnlineOrder.customer_id == customer_id)
        .order_by(OnlineOrder.ordered_at.desc())
        .limit(limit)
    )
    entries: list[HistoryEntry] = []
    for order in orders:
        channel = places.channels.get(order.channel_id)
        entries.append(
            HistoryEntry(
                kind="online_order",
                channel="online",
                location=places.code(order.location_id),
                location_name=places.name(order.location_id),
                occurred_at=order.ordered_at,
                reference=order.order_id,
                items=_lines(order.items),
                amount=order.total,
                points=order.points_earned - order.points_used,
                detail=order.fulfilment_type,
                taken_by=channel.name if channel is not None else None,
            )
        )
        if order.cancelled_at is not None:
            entries.append(
                HistoryEntry(
                    kind="online_cancel",
                    channel="online",
                    location=places.code(order.location_id),
                    location_name=places.name(order.location_id),
                    occurred_at=order.cancelled_at,
                    reference=order.order_id,
                    amount=-order.total,
                )
            )
    return entries


def _points_entries(
    session: Session, customer_id: int, limit: int, names: dict[str, str]
) -> list[HistoryEntry]:
    points = session.scalars(
        select(PointsEntry)
        .where(PointsEntry.customer_id == customer_id)
        .order_by(PointsEntry.created_at.desc(), PointsEntry.id.desc())
        .limit(limit)
    )
    return [
        HistoryEntry(
            kind="points",
            channel="online"
            if (entry.source or "").startswith("order:")
            else "store"
            if entry.location
            else "hq",
            location=entry.location,
            location_name=names.get(entry.location) if entry.location else None,
            occurred_at=entry.created_at,
            reference=entry.source or entry.idempotency_key or str(entry.id),
            points=entry.points,
            detail=f"{entry.kind}: {entry.reason}",
        )
        for entry in points
    ]


def _note_entries(
    session: Session, customer_id: int, limit: int, names: dict[str, str]
) -> list[HistoryEntry]:
    notes = session.scalars(
        select(CustomerNote)
        .where(CustomerNote.customer_id == customer_id)
        .order_by(CustomerNote.created_at.desc())
        .limit(limit)
    )
    return [
        HistoryEntry(
            kind="note",
            channel="store" if note.store_code else "hq",
            location=note.store_code,
            location_name=names.get(note.store_code) if note.store_code else None,
            occurred_at=note.created_at,
            reference=str(note.id),
            detail=note.body,
        )
        for note in notes
    ]


def _contact_entries(
    session: Session,
    customer_id: int,
    limit: int,
    codes: dict[int, str],
    channels: dict[int, Channel],
    names: dict[str, str],
) -> list[HistoryEntry]:
    contacts = session.scalars(
        select(Contact)
        .where(Contact.customer_id == customer_id)
        .order_by(Contact.opened_at.desc(), Contact.id.desc())
        .limit(limit)
    )
    return [
        HistoryEntry(
            kind="contact",
            channel="store"
            if contact.channel == "store"
            else "online"
            if contact.channel == "web"
            else "call_centre",
            location=codes.get(contact.store_id) if contact.store_id is not None else None,
            location_name=names.get(codes.get(contact.store_id, ""))
            if contact.store_id is not None
            else None,
            occurred_at=contact.opened_at,
            reference=str(contact.id),
            detail=contact.subject,
            taken_by=(
                codes.get(contact.store_id)
                if contact.store_id is not None
                else channels[contact.channel_id].name
                if contact.channel_id in channels
                else "HQ"
            ),
            contact_kind=contact.kind,
            status=contact.status,
        )
        for contact in contacts
    ]
