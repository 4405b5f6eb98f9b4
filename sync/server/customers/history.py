"""One timeline per customer across store sales, online orders, points and notes, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.auth.models import Channel
from sync.server.channel.models import OnlineOrder
from sync.server.contacts.models import Contact
from sync.server.customers.models import CustomerNote
from sync.server.customers.schemas import HistoryEntry, HistoryLine
from sync.server.points.models import PointsEntry
from sync.server.sales.models import StoreSale
from sync.server.stores.models import Store


def _lines(items: list[dict[str, Any]]) -> list[HistoryLine]:
    return [
        HistoryLine(
            sku=str(item.get("sku", "")),
            name=str(item.get("name", "")),
            qty=int(item.get("qty", 0)),
            amount=int(item.get("amount", 0)),
        )
        for item in items
    ]


def customer_history(session: Session, *, customer_id: int, limit: int) -> list[HistoryEntry]:
    """The newest ``limit`` events of every kind for the customer."""
    codes = dict(session.execute(select(Store.id, Store.code)).all())
    channels = {row.id: row for row in session.scalars(select(Channel))}
    entries: list[HistoryEntry] = []
    sales = session.scalars(
        select(StoreSale)
        .where(StoreSale.customer_id == customer_id)
        .order_by(StoreSale.sold_at.desc())
        .limit(limit)
    )
    for sale in sales:
        entries.append(
            HistoryEntry(
                kind="store_return" if sale.kind == "return" else "store_sale",
                channel="store",
                location=codes.get(sale.store_id),
                occurred_at=sale.sold_at,
                reference=sale.receipt_no,
                items=_lines(sale.items),
                amount=sale.total,
                points=sale.points_earned - sale.points_used,
            )
        )
    orders = session.scalars(
        select(OnlineOrder)
        .where(OnlineOrder.customer_id == customer_id)
        .order_by(OnlineOrder.ordered_at.desc())
        .limit(limit)
    )
    for order in orders:
        entries.append(
            HistoryEntry(
                kind="online_order",
                channel="online",
                location=codes.get(order.location_id),
                occurred_at=order.ordered_at,
                reference=order.order_id,
                items=_lines(order.items),
                amount=order.total,
                points=order.points_earned - order.points_used,
                detail=order.fulfilment_type,
                taken_by=channels[order.channel_id].name if order.channel_id in channels else None,
            )
        )
        if order.cancelled_at is not None:
            entries.append(
                HistoryEntry(
                    kind="online_cancel",
                    channel="online",
                    location=codes.get(order.location_id),
                    occurred_at=order.cancelled_at,
                    reference=order.order_id,
                    amount=-order.total,
                )
            )
    points = session.scalars(
        select(PointsEntry)
        .where(PointsEntry.customer_id == customer_id)
        .order_by(PointsEntry.created_at.desc(), PointsEntry.id.desc())
        .limit(limit)
    )
    for entry in points:
        entries.append(
            HistoryEntry(
                kind="points",
                channel="online"
                if (entry.source or "").startswith("order:")
                else "store"
                if entry.location
                else "hq",
                location=entry.location,
                occurred_at=entry.created_at,
                reference=entry.source or entry.idempotency_key or str(entry.id),
                points=entry.points,
                detail=f"{entry.kind}: {entry.reason}",
            )
        )
    notes = session.scalars(
        select(CustomerNote)
        .where(CustomerNote.customer_id == customer_id)
        .order_by(CustomerNote.created_at.desc())
        .limit(limit)
    )
    for note in notes:
        entries.append(
            HistoryEntry(
                kind="note",
                channel="store" if note.store_code else "hq",
                location=note.store_code,
                occurred_at=note.created_at,
                reference=str(note.id),
                detail=note.body,
            )
        )
    entries.extend(_contact_entries(session, customer_id, limit, codes, channels))
    entries.sort(key=lambda entry: entry.occurred_at, reverse=True)
    return entries[:limit]


def _contact_entries(
    session: Session, customer_id: int, limit: int, codes: dict[int, str], channels: dict[int, Channel]
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
