"""The HQ console's contacts page: every channel's complaints and inquiries, newest first, with a
status change (who and when are kept). Each member listed is written to the customer-access log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from sync.protocol.contacts import ContactKind, ContactStatus
from sync.server.auth.service import Caller
from sync.server.contacts import service
from sync.server.customers.access import record_access
from sync.server.customers.models import Customer
from sync.server.deps import SessionDep
from sync.server.hq.web import PREFIX, FormDep, PageDep, field, redirect, render

router = APIRouter()
ContactNo = Annotated[int, Path(ge=1, le=2**31 - 1)]
LIMIT = 200


@router.get("/contacts")
def contacts(
    request: Request,
    page: PageDep,
    session: SessionDep,
    status: Annotated[str, Query(max_length=12)] = "open",
    kind: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """Contacts across the chain (a store manager sees those of their stores and their members)."""
    chosen_status = ContactStatus(status) if status in ContactStatus._value2member_map_ else None
    chosen_kind = ContactKind(kind) if kind in ContactKind._value2member_map_ else None
    found = service.listing(session, status=chosen_status, kind=chosen_kind, limit=LIMIT)
    if page.viewer.role == "manager":
        homes = dict(
            session.execute(
                select(Customer.id, Customer.home_store_id).where(
                    Customer.id.in_({c.customer_id for c in found})
                )
            ).all()
        )
        found = [
            c
            for c in found
            if c.store_id in page.viewer.store_ids or homes.get(c.customer_id) in page.viewer.store_ids
        ]
    reader = service.Author("hq", page.viewer.username, page.viewer.username)
    rows = service.answers(session, found, reader=reader)
    if rows:
        record_access(
            session, Caller("hq_user", page.viewer.username), [row.customer_id for row in rows], "contacts"
        )
        session.commit()
    return render(page, request, "contacts.html", contacts=rows, chosen=status, kind=kind,
                  statuses=[s.value for s in ContactStatus], kinds=[k.value for k in ContactKind])  # fmt: skip


@router.post("/contacts/{contact_no}/status")
def change_status(contact_no: ContactNo, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Move a contact to in progress or resolved, with an optional note; audited."""
    page.require_change()
    contact = service.get(session, contact_no)
    if page.viewer.role == "manager":
        home = session.scalar(select(Customer.home_store_id).where(Customer.id == contact.customer_id))
        if contact.store_id not in page.viewer.store_ids and home not in page.viewer.store_ids:
            page.require_admin()
    wanted = field(form, "status")
    if wanted not in ContactStatus._value2member_map_:
        return redirect(f"{PREFIX}/contacts", done="contact_status_invalid")
    note = field(form, "note")[:2000]
    author = service.Author("hq", page.viewer.username, page.viewer.username)
    if note:
        service.add_note(session, contact, author=author, body=note, internal=field(form, "internal") == "1")
    service.set_status(session, contact, status=ContactStatus(wanted), by=page.viewer.username)
    page.audit(session, "contact.status", str(contact.id), status=wanted, note=note)
    session.commit()
    return redirect(f"{PREFIX}/contacts", done="contact_status")
