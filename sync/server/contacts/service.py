"""Recording contacts from every channel, their status and notes, and who may read which note.

Every contact belongs to a member. A channel (web shop, call centre) gives its own ticket number, a
terminal a UUID made at the counter (offline too), HQ a number of its own; each is unique within its
author, so a resend answers with the first contact and a reused id with a different body is a conflict.

Notes marked ``internal`` are read by HQ and by their author only: one channel (an outsourced call
centre, say) never reads what another channel or a store wrote for itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.protocol.contacts import (
    ContactChannel,
    ContactKind,
    ContactNoteOut,
    ContactOut,
    ContactStatus,
)
from sync.protocol.events import ContactRecorded
from sync.server.auth.models import Channel
from sync.server.auth.service import Caller
from sync.server.contacts.feed import names_of, publish, taken_by
from sync.server.contacts.models import Contact, ContactNote
from sync.server.customers.models import Customer
from sync.server.db.base import utcnow
from sync.server.problems import Conflict, NotFound

STORE_SOURCE = "store"
HQ_SOURCE = "hq"


@dataclass(frozen=True, slots=True)
class Author:
    """Who writes or reads: ``kind`` and ``key`` decide which internal notes are theirs."""

    kind: str  # "store", "channel" or "hq"
    key: str  # store code, channel id, HQ user or token id
    name: str  # what a reader is shown: store code, channel name, HQ user

    @property
    def sees_everything(self) -> bool:
        """HQ reads every note."""
        return self.kind == "hq"


def author_of(session: Session, caller: Caller) -> Author:
    """The author a caller writes and reads as."""
    if caller.kind == "device":
        code = caller.store_code or ""
        return Author("store", code, code)
    if caller.kind == "channel":
        channel = session.get_one(Channel, int(caller.credential_id))
        return Author("channel", str(channel.id), channel.name)
    return Author(
        "hq",
        caller.credential_id,
        f"HQ {caller.credential_id}" if caller.kind == "admin" else caller.credential_id,
    )


def body_hash(fields: dict[str, Any]) -> str:
    """A hash of what a contact says, to tell a resend from a different contact under the same id."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(  # noqa: PLR0913 - keyword-only, one per field of the contact
    session: Session,
    *,
    source: str,
    contact_ref: str,
    customer: Customer,
    kind: ContactKind,
    channel: ContactChannel,
    subject: str,
    body: str,
    opened_at: datetime,
    store_id: int | None = None,
    channel_id: int | None = None,
    order_id: str | None = None,
    receipt_no: str | None = None,
) -> Contact:
    """A new contact, or the one already recorded under ``(source, contact_ref)``; the caller commits.

    A reused id with a different content is a 409: the first contact stands.
    """
    digest = body_hash(
        {"member_no": customer.member_no, "kind": kind.value, "subject": subject, "body": body,
         "order_id": order_id, "receipt_no": receipt_no}
    )  # fmt: skip
    existing = _by_ref(session, source, contact_ref)
    if existing is not None:
        if existing.request_hash != digest:
            raise Conflict(
                f"contact {contact_ref} was already recorded with a different body", slug="contact-id-reused"
            )
        return existing
    _check_links(session, customer, source=source, order_id=order_id, receipt_no=receipt_no)
    contact = Contact(
        source=source,
        contact_ref=contact_ref,
        customer_id=customer.id,
        kind=kind.value,
        channel=channel.value,
        store_id=store_id,
        channel_id=channel_id,
        subject=subject,
        body=body,
        status=ContactStatus.OPEN.value,
        order_id=order_id,
        receipt_no=receipt_no,
        opened_at=opened_at,
        request_hash=digest,
    )
    _insert(session, contact)
    publish(session, contact)
    return contact


def _check_links(
    session: Session, customer: Customer, *, source: str, order_id: str | None, receipt_no: str | None
) -> None:
    """Refuse a contact about an erased member, or naming an order or receipt the server does not know."""
    if customer.erased_at is not None:
        raise Conflict(
            "this member was erased on request; nothing more is recorded about them", slug="member-erased"
        )
    if order_id is not None:
        _check_order(session, order_id, customer.id)
    if receipt_no is not None and source != STORE_SOURCE:
        # A terminal's contact may name a receipt still in another register's outbox; a channel's or
        # HQ's names one the server has.
        _check_receipt(session, receipt_no)


def _insert(session: Session, contact: Contact) -> None:
    session.add(contact)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"contact {contact.contact_ref} is being recorded by another request", slug="contact-id-reused"
        ) from exc


def _by_ref(session: Session, source: str, contact_ref: str) -> Contact | None:
    return session.scalar(select(Contact).where(Contact.source == source, Contact.contact_ref == contact_ref))


def _check_order(session: Session, order_id: str, customer_id: int) -> None:
    from sync.server.channel.models import OnlineOrder
    from sync.server.customers.privacy import merged_ids

    owner = session.scalar(select(OnlineOrder.customer_id).where(OnlineOrder.order_id == order_id))
    if owner is None or owner not in {customer_id, *merged_ids(session, customer_id)}:
        raise NotFound(f"no order {order_id} of this member")


def _check_receipt(session: Session, receipt_no: str) -> None:
    from sync.server.sales.models import StoreSale

    if session.scalar(select(StoreSale.id).where(StoreSale.receipt_no == receipt_no).limit(1)) is None:
        raise NotFound(f"no receipt {receipt_no}")


def channel_source(channel_id: int) -> str:
    """The namespace of a channel's own contact ids."""
    return f"channel:{channel_id}"


def get(session: Session, contact_id: int) -> Contact:
    """The contact with the server's id ``contact_id``, or 404."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    return contact


def get_by_ref(session: Session, source: str, contact_ref: str) -> Contact:
    """The contact an author knows by its own id, or 404."""
    contact = _by_ref(session, source, contact_ref)
    if contact is None:
        raise NotFound(f"no contact {contact_ref}")
    return contact


def add_note(session: Session, contact: Contact, *, author: Author, body: str, internal: bool) -> ContactNote:
    """Write a note on a contact; the caller commits."""
    note = ContactNote(
        contact_id=contact.id,
        body=body,
        internal=internal,
        author_kind=author.kind,
        author_id=author.key[:36],
        author=author.name[:100],
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    return note


def set_status(session: Session, contact: Contact, *, status: ContactStatus, by: str) -> Contact:
    """Move a contact to ``status``, saying who and when (a repeat changes nothing); the caller commits."""
    if contact.status != status.value:
        contact.status = status.value
        contact.status_by = by[:100]
        contact.status_at = utcnow()
        session.flush()
        publish(session, contact)
    return contact


def contacts_of(session: Session, customer_ids: Iterable[int]) -> list[Contact]:
    """The contacts of these customers, newest first."""
    return list(
        session.scalars(
            select(Contact)
            .where(Contact.customer_id.in_(list(customer_ids)))
            .order_by(Contact.opened_at.desc(), Contact.id.desc())
        )
    )


def listing(
    session: Session,
    *,
    status: ContactStatus | None = None,
    kind: ContactKind | None = None,
    limit: int = 200,
) -> list[Contact]:
    """Contacts across the chain for HQ, newest first."""
    query = select(Contact).order_by(Contact.opened_at.desc(), Contact.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Contact.status == status.value)
    if kind is not None:
        query = query.where(Contact.kind == kind.value)
    return list(session.scalars(query))


def visible(note: ContactNote, reader: Author) -> bool:
    """Whether ``reader`` may read ``note``: shared notes by anyone, internal ones by HQ and their author."""
    if not note.internal or reader.sees_everything:
        return True
    return note.author_kind == reader.kind and note.author_id == reader.key[:36]


def answers(session: Session, contacts: list[Contact], *, reader: Author) -> list[ContactOut]:
    """The contacts as ``reader`` may see them (names and notes looked up in one query each)."""
    if not contacts:
        return []
    stores, channels, members = names_of(session, contacts)
    notes: dict[int, list[ContactNote]] = {}
    for note in session.scalars(
        select(ContactNote)
        .where(ContactNote.contact_id.in_([c.id for c in contacts]))
        .order_by(ContactNote.created_at, ContactNote.id)
    ):
        if visible(note, reader):
            notes.setdefault(note.contact_id, []).append(note)
    return [
        ContactOut(
            id=contact.id,
            contact_id=contact.contact_ref,
            customer_id=contact.customer_id,
            member_no=members.get(contact.customer_id, ""),
            kind=ContactKind(contact.kind),
            channel=ContactChannel(contact.channel),
            taken_by=taken_by(contact, stores, channels),
            subject=contact.subject,
            body=contact.body,
            status=ContactStatus(contact.status),
            status_by=contact.status_by,
            status_at=contact.status_at,
            order_id=contact.order_id,
            receipt_no=contact.receipt_no,
            opened_at=contact.opened_at,
            notes=[
                ContactNoteOut(
                    id=note.id,
                    body=note.body,
                    internal=note.internal,
                    author=note.author,
                    written_at=note.created_at,
                )
                for note in notes.get(contact.id, [])
            ],
        )
        for contact in contacts
    ]


def answer(session: Session, contact: Contact, *, reader: Author) -> ContactOut:
    """One contact as ``reader`` may see it."""
    return answers(session, [contact], reader=reader)[0]


def record_from_counter(session: Session, *, store_id: int, payload: ContactRecorded) -> Contact | None:
    """A contact a terminal took (pushed as ``contact.recorded``); nothing is kept for an erased member."""
    customer = session.scalar(select(Customer).where(Customer.member_no == payload.member_no))
    if customer is None:
        raise NotFound(f"no member {payload.member_no}")
    while customer.merged_into_id is not None:  # contacts follow the surviving record, as sales do
        customer = session.get_one(Customer, customer.merged_into_id)
    if customer.erased_at is not None:
        return None
    return record(
        session,
        source=STORE_SOURCE,
        contact_ref=payload.contact_id,
        customer=customer,
        kind=ContactKind(payload.kind),
        channel=ContactChannel.STORE,
        subject=payload.subject,
        body=payload.body,
        opened_at=payload.recorded_at,
        store_id=store_id,
        receipt_no=payload.receipt_no,
    )
