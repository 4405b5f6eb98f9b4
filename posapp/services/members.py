"""Members at the counter: looked up in the cache or, for a member this store does not keep offline, on
the server; registered online or not (the member number is made here, unique chain-wide)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from posapp.domain.errors import DomainError
from posapp.services import customers, link
from posapp.services.customers import CustomerInfo, digits_only, info
from posapp.services.errors import UnknownCustomer
from posapp.services.records import AuditNote, audit, next_number, record_fact
from posapp.store.models import Customer
from sync.protocol.events import MemberRegistered

if TYPE_CHECKING:
    from posapp.services.counter import Counter

MEMBER_COUNTER = "member"


class InvalidMember(DomainError):
    """A member needs a name; phone and e-mail must look like one."""

    message_key = "error.member.invalid"


def local_member_no(store_code: str, terminal_code: str, seq: int) -> str:
    """``9`` + store digits (3) + terminal (2) + sequence (4): ten digits that fit a member card and
    cannot collide with the server's own numbers, which count up from 1."""
    store_digits = "".join(c for c in store_code if c.isdigit())[-3:].rjust(3, "0")
    return f"9{store_digits}{terminal_code[-2:].rjust(2, '0')}{seq:04d}"


def find_members(counter: Counter, query: str) -> list[CustomerInfo]:
    """Members by number, phone or name (the look-up is audited: it is personal data)."""
    clerk = counter.require_clerk()
    with counter.db.read() as session:
        found = customers.find_customers(session, query)
    if not found and link.live_customers(counter, counter.link, query):
        # Not a member this store keeps offline: the server found them (and logged the look-up).
        with counter.db.read() as session:
            found = customers.find_customers(session, query)
    with counter.db.write() as session:
        audit(session, now=counter.now(), clerk_code=clerk.code, action="customer_search", results=len(found))
    return found


def member_info(counter: Counter, member_no: str) -> CustomerInfo:
    """One member from the cache, or from the server when this store does not keep them offline."""
    try:
        with counter.db.read() as session:
            return customers.get_customer(session, member_no)
    except UnknownCustomer:
        if not link.live_customers(counter, counter.link, member_no):
            raise
    with counter.db.read() as session:
        return customers.get_customer(session, member_no)


def register_member(counter: Counter, *, name: str, name_kana: str, phone: str, email: str) -> CustomerInfo:
    """Create the member locally and queue ``member.registered`` for the server, in one transaction."""
    clerk = counter.require_clerk()
    settings = counter.require_configured()
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidMember("a member needs a name", value=name)
    phone_digits = digits_only(phone)
    if phone and not 9 <= len(phone_digits) <= 15:
        raise InvalidMember("this phone number is not valid", value=phone)
    if email and ("@" not in email or len(email) > 200):
        raise InvalidMember("this e-mail address is not valid", value=email)
    now = counter.now()
    with counter.db.write() as session:
        member_no = local_member_no(
            settings.store_code, settings.terminal_code, next_number(session, MEMBER_COUNTER)
        )
        customer = Customer(
            member_no=member_no,
            name=name,
            name_kana=name_kana.strip(),
            phone=phone_digits,
            email=email.strip(),
        )
        session.add(customer)
        payload = MemberRegistered(
            member_no=member_no,
            name=name,
            name_kana=customer.name_kana,
            phone=phone_digits,
            email=customer.email,
            registered_at=now,
        )
        record_fact(
            session,
            payload,
            aggregate_id=member_no,
            now=now,
            wake=counter.wake,
            audits=[AuditNote("member_registered", clerk.code, detail={"member_no": member_no})],
        )
        session.flush()
        return info(session, customer)
