"""Contacts over HTTP: the channel API (web shop, call centre), the counter's reads and notes, HQ.

Every read of a member's contacts is written to the customer-access log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sync.protocol.contacts import (
    ContactChannel,
    ContactIn,
    ContactKind,
    ContactNoteIn,
    ContactOut,
    ContactStatus,
    ContactStatusIn,
    HqContactIn,
)
from sync.server.auth.models import Channel
from sync.server.auth.service import Caller
from sync.server.contacts import service
from sync.server.customers import service as customers_service
from sync.server.customers.access import record_access
from sync.server.customers.privacy import merged_ids
from sync.server.db.base import utcnow
from sync.server.deps import AdminDep, ChannelDep, DeviceDep, DeviceOrAdminDep, SessionDep
from sync.server.problems import PROBLEM_RESPONSES, NotFound

channel_router = APIRouter(prefix="/v1/channel", tags=["channel"], responses=PROBLEM_RESPONSES)
device_router = APIRouter(prefix="/v1", tags=["device"], responses=PROBLEM_RESPONSES)
admin_router = APIRouter(prefix="/v1/admin/contacts", tags=["admin"], responses=PROBLEM_RESPONSES)

CustomerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ContactNo = Annotated[int, Path(ge=1, le=2**31 - 1)]
ContactRefPath = Annotated[str, Path(min_length=1, max_length=64)]
MemberNoPath = Annotated[str, Path(min_length=1, max_length=20)]


def _member(session: SessionDep, member_no: str) -> int:
    customer = customers_service.find_match(session, member_no=member_no, email=None, phone=None)
    if customer is None:
        raise NotFound(f"no member {member_no}")
    return customer.id


@channel_router.post("/contacts", response_model=ContactOut)
def record_contact(body: ContactIn, session: SessionDep, caller: ChannelDep) -> ContactOut:
    """Record a contact the web shop or call centre took (idempotent on ``contact_id``; 409 if reused)."""
    channel = session.get_one(Channel, int(caller.credential_id))
    customer = customers_service.get_customer(session, _member(session, body.member_no))
    contact = service.record(
        session,
        source=service.channel_source(channel.id),
        contact_ref=body.contact_id,
        customer=customer,
        kind=body.kind,
        channel=ContactChannel(channel.kind),
        subject=body.subject,
        body=body.body,
        opened_at=body.opened_at or utcnow(),
        channel_id=channel.id,
        order_id=body.order_id,
        receipt_no=body.receipt_no,
    )
    answer = service.answer(session, contact, reader=service.author_of(session, caller))
    session.commit()
    return answer


@channel_router.get("/members/{member_no}/contacts", response_model=list[ContactOut])
def member_contacts_for_channel(
    member_no: MemberNoPath, session: SessionDep, caller: ChannelDep
) -> list[ContactOut]:
    """A member's contacts from every channel; other channels' internal notes are left out."""
    customer_id = _member(session, member_no)
    answer = _read(session, caller, customer_id)
    session.commit()
    return answer


@channel_router.post("/contacts/{contact_id}/notes", response_model=ContactOut)
def channel_note(
    contact_id: ContactRefPath, body: ContactNoteIn, session: SessionDep, caller: ChannelDep
) -> ContactOut:
    """Add a note to one of this channel's contacts (``internal``: for this channel and HQ only)."""
    contact = service.get_by_ref(session, service.channel_source(int(caller.credential_id)), contact_id)
    author = service.author_of(session, caller)
    service.add_note(session, contact, author=author, body=body.body, internal=body.internal)
    answer = service.answer(session, contact, reader=author)
    session.commit()
    return answer


@channel_router.post("/contacts/{contact_id}/status", response_model=ContactOut)
def channel_status(
    contact_id: ContactRefPath, body: ContactStatusIn, session: SessionDep, caller: ChannelDep
) -> ContactOut:
    """Move one of this channel's contacts to in progress or resolved."""
    contact = service.get_by_ref(session, service.channel_source(int(caller.credential_id)), contact_id)
    return _change_status(session, caller, contact.id, body)


def _read(session: SessionDep, caller: Caller, customer_id: int) -> list[ContactOut]:
    customer = customers_service.get_customer(session, customer_id)
    contacts = service.contacts_of(session, [customer.id, *merged_ids(session, customer.id)])
    record_access(session, caller, [customer.id], "contacts")
    return service.answers(session, contacts, reader=service.author_of(session, caller))


def _change_status(session: SessionDep, caller: Caller, contact_id: int, body: ContactStatusIn) -> ContactOut:
    author = service.author_of(session, caller)
    contact = service.get(session, contact_id)
    if body.note:
        service.add_note(session, contact, author=author, body=body.note, internal=False)
    service.set_status(session, contact, status=body.status, by=author.name)
    answer = service.answer(session, contact, reader=author)
    session.commit()
    return answer


@device_router.get("/customers/{customer_id}/contacts", response_model=list[ContactOut])
def customer_contacts(
    customer_id: CustomerId, session: SessionDep, caller: DeviceOrAdminDep
) -> list[ContactOut]:
    """A member's contacts from every channel, newest first, for the counter (the read is logged)."""
    answer = _read(session, caller, customer_id)
    session.commit()
    return answer


@device_router.post("/contacts/{contact_no}/notes", response_model=ContactOut, status_code=201)
def device_note(
    contact_no: ContactNo, body: ContactNoteIn, session: SessionDep, device: DeviceDep
) -> ContactOut:
    """The cashier adds a note to a contact, signed with the store."""
    contact = service.get(session, contact_no)
    author = service.author_of(session, device)
    service.add_note(session, contact, author=author, body=body.body, internal=body.internal)
    answer = service.answer(session, contact, reader=author)
    session.commit()
    return answer


@admin_router.get("", response_model=list[ContactOut])
def list_contacts(
    session: SessionDep,
    admin: AdminDep,
    status: Annotated[ContactStatus | None, Query()] = None,
    kind: Annotated[ContactKind | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[ContactOut]:
    """Contacts across the chain, newest first (each member listed is logged as read)."""
    contacts = service.listing(session, status=status, kind=kind, limit=limit)
    record_access(session, admin, [contact.customer_id for contact in contacts], "contacts")
    answer = service.answers(session, contacts, reader=service.author_of(session, admin))
    session.commit()
    return answer


@admin_router.post("", response_model=ContactOut)
def hq_record(body: HqContactIn, session: SessionDep, admin: AdminDep) -> ContactOut:
    """HQ records a contact it took itself (a letter, a call to head office); idempotent on ``contact_id``."""
    customer = customers_service.get_customer(session, _member(session, body.member_no))
    contact = service.record(
        session,
        source=service.HQ_SOURCE,
        contact_ref=body.contact_id,
        customer=customer,
        kind=body.kind,
        channel=body.channel,
        subject=body.subject,
        body=body.body,
        opened_at=body.opened_at or utcnow(),
        order_id=body.order_id,
        receipt_no=body.receipt_no,
    )
    answer = service.answer(session, contact, reader=service.author_of(session, admin))
    session.commit()
    return answer


@admin_router.post("/{contact_no}/status", response_model=ContactOut)
def admin_status(
    contact_no: ContactNo, body: ContactStatusIn, session: SessionDep, admin: AdminDep
) -> ContactOut:
    """HQ moves a contact to in progress or resolved."""
    return _change_status(session, admin, contact_no, body)


@admin_router.post("/{contact_no}/notes", response_model=ContactOut, status_code=201)
def admin_note(
    contact_no: ContactNo, body: ContactNoteIn, session: SessionDep, admin: AdminDep
) -> ContactOut:
    """HQ adds a note to a contact."""
    contact = service.get(session, contact_no)
    author = service.author_of(session, admin)
    service.add_note(session, contact, author=author, body=body.body, internal=body.internal)
    answer = service.answer(session, contact, reader=author)
    session.commit()
    return answer
