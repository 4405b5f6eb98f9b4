"""A member's rights under the Act on the Protection of Personal Information (個人情報保護法):
disclosure of everything held about them (export) and deletion on request (erasure).

Erasure anonymises rather than deletes: store sales and the points ledger are tax records kept for
seven years, and a customer's balance must keep equalling the sum of their ledger. So the row stays
with its member number (which is what sales, orders and points point at, and what stops a replayed
registration from creating the person again), and everything that names the person goes: name,
kana, email, phone, notes, contacts (complaints, inquiries…) with their notes, browsing events, the search texts in the access log, and the earlier
profiles on the change feed. Terminals receive the anonymised profile through the feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sync.server.changes.models import ChangeLog
from sync.server.channel.models import OnlineOrder
from sync.server.customers.access import CustomerAccess
from sync.server.customers.models import ERASED_NAME, Customer, CustomerNote
from sync.server.customers.service import feed_payload, get_customer, publish_customer
from sync.server.db.base import utcnow
from sync.server.omni.models import BrowsingEvent, TrackingExclusion
from sync.server.points.models import PointsEntry
from sync.server.sales.models import StoreSale
from sync.server.syncfeed.models import ReceivedEvent

PURPOSE_OF_USE = (
    "会員の本人確認、ポイントの付与・利用、購入履歴に基づく店頭およびオンラインでのご案内、"
    "法令に基づく取引記録の保存のために利用します。"
)
"""The purpose of use (利用目的) told to members; the export answer carries it."""

MEMBER_REGISTERED = "member.registered"
CONTACT_RECORDED = "contact.recorded"
MERGE_DEPTH = 10


def merged_ids(session: Session, survivor_id: int) -> list[int]:
    """The ids of the records merged (directly or through others) into ``survivor_id``."""
    found: list[int] = []
    frontier = [survivor_id]
    for _ in range(MERGE_DEPTH):
        frontier = list(session.scalars(select(Customer.id).where(Customer.merged_into_id.in_(frontier))))
        frontier = [customer_id for customer_id in frontier if customer_id not in found]
        if not frontier:
            break
        found.extend(frontier)
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Holdings:
    """Everything held about one customer (and the records merged into it)."""

    customer: Customer
    merged_ids: list[int]
    notes: list[CustomerNote]
    points: list[PointsEntry]
    sales: list[StoreSale]
    orders: list[OnlineOrder]
    browsing: list[BrowsingEvent]
    accesses: list[CustomerAccess]


def holdings(session: Session, customer: Customer) -> Holdings:
    """All the rows about ``customer``, oldest first (the access log newest first)."""
    merged = merged_ids(session, customer.id)
    ids = [customer.id, *merged]

    def rows(model: Any, *order: Any) -> list[Any]:
        return list(session.scalars(select(model).where(model.customer_id.in_(ids)).order_by(*order)))

    return Holdings(
        customer=customer,
        merged_ids=merged,
        notes=rows(CustomerNote, CustomerNote.created_at, CustomerNote.id),
        points=rows(PointsEntry, PointsEntry.created_at, PointsEntry.id),
        sales=rows(StoreSale, StoreSale.sold_at, StoreSale.id),
        orders=rows(OnlineOrder, OnlineOrder.ordered_at, OnlineOrder.id),
        browsing=rows(BrowsingEvent, BrowsingEvent.at, BrowsingEvent.id),
        accesses=rows(CustomerAccess, CustomerAccess.at.desc(), CustomerAccess.id.desc()),
    )


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure did; a repeated erasure deletes nothing more."""

    customer: Customer
    erased_at: datetime
    notes_deleted: int
    browsing_events_deleted: int
    contacts_deleted: int = 0


def erase_customer(session: Session, customer_id: int) -> Erasure:
    """Anonymise a customer and every record merged into it; idempotent. The caller commits."""
    survivor = get_customer(session, customer_id)
    ids = [survivor.id, *merged_ids(session, survivor.id)]
    records = list(session.scalars(select(Customer).where(Customer.id.in_(ids)).order_by(Customer.id)))
    now = utcnow()
    for record in records:
        record.name = ERASED_NAME
        record.name_kana = ""
        record.email = None
        record.phone = None
        if record.erased_at is None:
            record.erased_at = now
    notes = session.execute(delete(CustomerNote).where(CustomerNote.customer_id.in_(ids)))
    from sync.server.contacts.erasure import erase_for  # contacts depend on customers, not back

    contacts = erase_for(session, ids)
    events = session.execute(delete(BrowsingEvent).where(BrowsingEvent.customer_id.in_(ids)))
    # The web shop may keep sending events for the member number: drop them on arrival from now on.
    excluded = set(
        session.scalars(select(TrackingExclusion.customer_id).where(TrackingExclusion.customer_id.in_(ids)))
    )
    session.add_all(
        TrackingExclusion(customer_id=record_id, excluded_at=now)
        for record_id in ids
        if record_id not in excluded
    )
    # Who looked stays on record; what they typed (a name, a phone number) does not.
    session.execute(
        update(CustomerAccess)
        .where(CustomerAccess.customer_id.in_(ids), CustomerAccess.query.is_not(None))
        .values(query=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    for record in records:
        _scrub_feed(session, record)
    _scrub_registrations(session, [record.member_no for record in records])
    _scrub_contact_events(session, [record.member_no for record in records])
    for record in records:
        publish_customer(session, record)
    session.flush()
    return Erasure(
        customer=survivor,
        erased_at=survivor.erased_at or now,
        notes_deleted=int(getattr(notes, "rowcount", 0) or 0),
        browsing_events_deleted=int(getattr(events, "rowcount", 0) or 0),
        contacts_deleted=contacts,
    )


def _scrub_feed(session: Session, record: Customer) -> None:
    """Earlier profiles of the customer on the change feed become the anonymised one (same ids, so a
    reader's cursor is unaffected; a terminal catching up never sees the old data)."""
    session.execute(
        update(ChangeLog)
        .where(ChangeLog.entity == "customer", ChangeLog.key == str(record.id))
        .values(payload=feed_payload(record))
        .execution_options(synchronize_session=False)
    )


def _scrub_registrations(session: Session, member_nos: list[str]) -> None:
    """Blank the personal fields of the terminals' registration events of these members. The stored
    payload hash stays, so a resent registration is still recognised as already received."""
    events = session.scalars(
        select(ReceivedEvent).where(
            ReceivedEvent.kind == MEMBER_REGISTERED,
            ReceivedEvent.payload["member_no"].as_string().in_(member_nos),
        )
    )
    for event in events:
        event.payload = {**event.payload, "name": ERASED_NAME, "name_kana": "", "phone": "", "email": ""}


def _scrub_contact_events(session: Session, member_nos: list[str]) -> None:
    """Blank what the terminals' contact events said about these members (the hash stays, as above)."""
    from sync.server.contacts.erasure import erased_payload

    events = session.scalars(
        select(ReceivedEvent).where(
            ReceivedEvent.kind == CONTACT_RECORDED,
            ReceivedEvent.payload["member_no"].as_string().in_(member_nos),
        )
    )
    for event in events:
        event.payload = erased_payload(event.payload)
