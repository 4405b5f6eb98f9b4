"""Contacts at the counter: a member's complaints, inquiries, return requests and compliments.

The cashier records one (offline too: it is kept here and queued as ``contact.recorded``), sees the
member's contacts from every channel (live from the server, else the open ones this terminal keeps
for its store's members), and adds notes (those need the server: a note goes on the server's record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from posapp.domain.errors import DomainError
from posapp.services.customers import _find_row
from posapp.services.errors import UnknownCustomer
from posapp.services.records import AuditNote, audit, new_id, record_fact
from posapp.store.models import Contact, Customer, SyncState
from sync.client.errors import ServerRefused, ServerUnavailable
from sync.protocol.contacts import ContactKind, ContactOut, ContactStatus, is_open_complaint
from sync.protocol.events import ContactRecorded

if TYPE_CHECKING:
    from posapp.services.counter import Counter
    from posapp.services.link import ServerLink

SUBJECT_MAX = 200
BODY_MAX = 4000
NOTE_MAX = 2000


class InvalidContact(DomainError):
    """A contact needs a kind and a subject; subject and text have a length limit."""

    message_key = "error.contact.invalid"


class ContactOffline(DomainError):
    """A note goes on the server's record of the contact: the server must be reachable."""

    message_key = "error.contact.offline"


class ContactNotSent(DomainError):
    """The contact was taken here and has not reached the server yet: a note must wait for it."""

    message_key = "error.contact.unsent"


@dataclass(frozen=True, slots=True)
class ContactNote:
    """A note on a contact as this terminal may read it."""

    body: str
    author: str
    written_at: datetime


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """A contact as the counter shows it; ``server_id`` is empty until the server has it."""

    contact_id: str
    server_id: int | None
    member_no: str
    kind: str
    channel: str
    taken_by: str
    subject: str
    body: str
    status: str
    opened_at: datetime
    notes: tuple[ContactNote, ...] = ()

    @property
    def open_complaint(self) -> bool:
        """A complaint nobody has resolved yet."""
        return is_open_complaint(self.kind, self.status)

    @property
    def unsent(self) -> bool:
        """Taken here and not on the server yet."""
        return self.server_id is None


@dataclass(frozen=True, slots=True)
class MemberContacts:
    """A member's contacts, newest first; ``live`` is False when they come from this terminal's cache."""

    contacts: tuple[ContactInfo, ...]
    as_of: datetime | None
    live: bool

    @property
    def open_complaints(self) -> tuple[ContactInfo, ...]:
        """The complaints still open."""
        return tuple(contact for contact in self.contacts if contact.open_complaint)


def _info(row: Contact) -> ContactInfo:
    return ContactInfo(
        contact_id=row.contact_id,
        server_id=row.server_id,
        member_no=row.member_no,
        kind=row.kind,
        channel=row.channel,
        taken_by=row.taken_by,
        subject=row.subject,
        body=row.body,
        status=row.status,
        opened_at=row.opened_at,
    )


def record_contact(
    counter: Counter, *, member_no: str, kind: str, subject: str, body: str = "", receipt_no: str = ""
) -> ContactInfo:
    """Keep the contact here and queue ``contact.recorded`` for the server, in one transaction."""
    clerk = counter.require_clerk()
    settings = counter.require_configured()
    subject, body, receipt_no = subject.strip(), body.strip(), receipt_no.strip()
    try:
        contact_kind = ContactKind(kind)
    except ValueError:
        raise InvalidContact("choose what the customer came about", value=kind) from None
    if not subject or len(subject) > SUBJECT_MAX:
        raise InvalidContact("a contact needs a subject of at most 200 characters", value=subject)
    if len(body) > BODY_MAX:
        raise InvalidContact("the text is longer than 4,000 characters", value=str(len(body)))
    if len(receipt_no) > 40:
        raise InvalidContact("this is not a receipt number", value=receipt_no)
    now = counter.now()
    with counter.db.write() as session:
        customer = _find_row(session, member_no)
        if customer is None:
            raise UnknownCustomer("no member with this number here", value=member_no)
        contact_id = new_id()
        row = Contact(
            contact_id=contact_id,
            member_no=customer.member_no,
            kind=contact_kind.value,
            channel="store",
            taken_by=settings.store_code,
            subject=subject,
            body=body,
            status=ContactStatus.OPEN.value,
            opened_at=now,
        )
        session.add(row)
        payload = ContactRecorded(
            contact_id=contact_id,
            member_no=customer.member_no,
            kind=contact_kind.value,
            subject=subject,
            body=body,
            receipt_no=receipt_no or None,
            clerk_code=clerk.code,
            recorded_at=now,
        )
        record_fact(
            session,
            payload,
            aggregate_id=contact_id,
            now=now,
            wake=counter.wake,
            audits=[AuditNote("contact_recorded", clerk.code, detail={"member_no": customer.member_no})],
        )
        session.flush()
        return _info(row)


def cached_contacts(counter: Counter, member_no: str) -> MemberContacts:
    """The open contacts this terminal keeps for the member (its own and its store's members')."""
    with counter.db.read() as session:
        customer = _find_row(session, member_no)
        number = customer.member_no if customer is not None else member_no
        rows = session.scalars(
            select(Contact)
            .where(Contact.member_no == number)
            .order_by(Contact.opened_at.desc(), Contact.id.desc())
        )
        contacts = tuple(_info(row) for row in rows)
        as_of = session.scalar(select(SyncState.last_pull_at).where(SyncState.id == 1))
    return MemberContacts(contacts, as_of, live=False)


def member_contacts(counter: Counter, link: ServerLink | None, member_no: str) -> MemberContacts:
    """The member's contacts from every channel, live from the server (the read is logged there), else
    the open ones cached here; contacts taken here and not sent yet are always included."""
    cached = cached_contacts(counter, member_no)
    with counter.db.read() as session:
        server_id = session.scalar(select(Customer.server_id).where(Customer.member_no == member_no))
    if link is None or server_id is None:
        return cached
    try:
        rows: list[dict[str, Any]] = link.client.get_json(
            f"/v1/customers/{server_id}/contacts", timeout=counter.settings.lookup_timeout_seconds
        )
    except (ServerUnavailable, ServerRefused):
        return cached
    live = [_from_server(ContactOut.model_validate(row)) for row in rows]
    known = {contact.contact_id for contact in live if contact.channel == "store"}
    unsent = [contact for contact in cached.contacts if contact.unsent and contact.contact_id not in known]
    contacts = sorted([*unsent, *live], key=lambda contact: contact.opened_at, reverse=True)
    return MemberContacts(tuple(contacts), counter.now(), live=True)


def _from_server(contact: ContactOut) -> ContactInfo:
    return ContactInfo(
        contact_id=contact.contact_id,
        server_id=contact.id,
        member_no=contact.member_no,
        kind=contact.kind.value,
        channel=contact.channel.value,
        taken_by=contact.taken_by,
        subject=contact.subject,
        body=contact.body,
        status=contact.status.value,
        opened_at=contact.opened_at,
        notes=tuple(ContactNote(note.body, note.author, note.written_at) for note in contact.notes),
    )


def add_note(counter: Counter, link: ServerLink | None, *, server_id: int | None, body: str) -> ContactInfo:
    """Write a note on a contact the server has, signed with this store; ``ContactOffline`` without it."""
    clerk = counter.require_clerk()
    body = body.strip()
    if not body or len(body) > NOTE_MAX:
        raise InvalidContact("a note needs text of at most 2,000 characters", value=str(len(body)))
    if server_id is None:
        raise ContactNotSent("this contact has not reached the server yet")
    if link is None:
        raise ContactOffline("this register is not connected to the server")
    try:
        answer = link.client.post_json(
            f"/v1/contacts/{server_id}/notes",
            {"body": body},
            timeout=counter.settings.server_call_timeout_seconds,
        )
    except ServerUnavailable as error:
        raise ContactOffline("the server cannot be reached") from error
    except ServerRefused as error:
        raise InvalidContact(f"the server refused the note: {error}", value=str(server_id)) from error
    with counter.db.write() as session:
        audit(session, now=counter.now(), clerk_code=clerk.code, action="contact_note", contact=server_id)
    return _from_server(ContactOut.model_validate(answer))
