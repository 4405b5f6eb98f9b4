"""A contact as the stores' change feed carries it, and which stores' feeds carry it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.contacts import ContactChannel, ContactKind, ContactStatus, ContactSummary
from sync.server.auth.models import Channel
from sync.server.changes.service import record_change
from sync.server.contacts.models import Contact
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.stores.models import Store

FEED_ENTITY = "contact"


def names_of(
    session: Session, contacts: list[Contact]
) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """The codes of the contacts' stores, the names of their channels and their members' numbers."""
    store_ids = {c.store_id for c in contacts if c.store_id is not None}
    channel_ids = {c.channel_id for c in contacts if c.channel_id is not None}
    customer_ids = {c.customer_id for c in contacts}
    stores = (
        dict(session.execute(select(Store.id, Store.code).where(Store.id.in_(store_ids))).all())
        if store_ids
        else {}
    )
    channels = (
        dict(session.execute(select(Channel.id, Channel.name).where(Channel.id.in_(channel_ids))).all())
        if channel_ids
        else {}
    )
    members = dict(
        session.execute(select(Customer.id, Customer.member_no).where(Customer.id.in_(customer_ids))).all()
    )
    return stores, channels, members


def taken_by(contact: Contact, stores: dict[int, str], channels: dict[int, str]) -> str:
    """Who took the contact: a store's code, a channel's name, or HQ."""
    if contact.store_id is not None:
        return stores.get(contact.store_id, "")
    if contact.channel_id is not None:
        return channels.get(contact.channel_id, "")
    return "HQ"


def summary(session: Session, contact: Contact) -> ContactSummary:
    """The contact as the change feed carries it (no notes, no body)."""
    stores, channels, members = names_of(session, [contact])
    return ContactSummary(
        id=contact.id,
        contact_id=contact.contact_ref,
        member_no=members.get(contact.customer_id, ""),
        kind=ContactKind(contact.kind),
        channel=ContactChannel(contact.channel),
        taken_by=taken_by(contact, stores, channels),
        subject=contact.subject,
        status=ContactStatus(contact.status),
        opened_at=contact.opened_at,
    )


def feed_stores(session: Session, contact: Contact) -> list[str]:
    """The stores whose terminals keep this contact offline: those that serve the member (home store, or
    shopped there lately — as the feed's ``members_served``) and the store that took it."""
    from sync.server.sales.models import StoreSale
    from sync.server.syncfeed.feed import DEFAULT_MEMBER_DAYS

    home = session.scalar(select(Customer.home_store_id).where(Customer.id == contact.customer_id))
    shopped = session.scalars(
        select(StoreSale.store_id)
        .where(
            StoreSale.customer_id == contact.customer_id,
            StoreSale.sold_at >= utcnow() - timedelta(days=DEFAULT_MEMBER_DAYS),
        )
        .distinct()
    )
    ids = {store_id for store_id in (home, contact.store_id, *shopped) if store_id is not None}
    if not ids:
        return []
    return sorted(session.scalars(select(Store.code).where(Store.id.in_(ids))))


def publish(session: Session, contact: Contact) -> None:
    """Put the contact on the feed of the stores that serve its member."""
    payload = summary(session, contact).model_dump(mode="json")
    for code in feed_stores(session, contact):
        record_change(session, entity=FEED_ENTITY, key=str(contact.id), store_code=code, payload=payload)
