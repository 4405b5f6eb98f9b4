"""Erasing a member on request: their contacts and notes go, and the stores' feeds forget them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sync.server.changes.models import ChangeLog
from sync.server.changes.service import record_change
from sync.server.contacts.feed import FEED_ENTITY, feed_stores
from sync.server.contacts.models import Contact, ContactNote
from sync.server.customers.models import Customer


def erase_for(session: Session, customer_ids: list[int]) -> int:
    """Delete the contacts of erased customers with their notes; the feed forgets them too. Returns how many."""
    contacts = list(session.scalars(select(Contact).where(Contact.customer_id.in_(customer_ids))))
    if not contacts:
        return 0
    ids = [contact.id for contact in contacts]
    feeds = {contact.id: feed_stores(session, contact) for contact in contacts}
    members = dict(
        session.execute(select(Customer.id, Customer.member_no).where(Customer.id.in_(customer_ids))).all()
    )
    for contact in contacts:
        gone = {"id": contact.id, "deleted": True, "member_no": members.get(contact.customer_id, "")}
        # Earlier rows keep their ids (a reader's cursor is unaffected) and lose their words.
        session.execute(
            update(ChangeLog)
            .where(ChangeLog.entity == FEED_ENTITY, ChangeLog.key == str(contact.id))
            .values(payload=gone)
            .execution_options(synchronize_session=False)
        )
        for code in feeds[contact.id]:
            record_change(session, entity=FEED_ENTITY, key=str(contact.id), store_code=code, payload=gone)
    session.execute(delete(ContactNote).where(ContactNote.contact_id.in_(ids)))
    session.execute(delete(Contact).where(Contact.id.in_(ids)))
    return len(ids)


def erased_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A terminal's ``contact.recorded`` event without the words of an erased member."""
    return {**payload, "subject": "-", "body": ""}
