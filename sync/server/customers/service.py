"""Customers: one record across channels, matched by member number, else email, else phone."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from sync.server.changes.service import record_change
from sync.server.customers.models import Customer
from sync.server.db import locks
from sync.server.points import service as points_service
from sync.server.points.models import PointsAccount
from sync.server.problems import Conflict, NotFound
from sync.server.stores.models import Store

SEARCH_LIMIT = 50


def normalise_phone(phone: str | None) -> str | None:
    """Digits only (full-width digits folded), so ``03-1234-5678`` finds ``0312345678``."""
    if not phone:
        return None
    digits = "".join(char for char in unicodedata.normalize("NFKC", phone) if char.isdigit())
    return digits or None


MAX_MERGE_HOPS = 10
"""Merge redirects followed to find a survivor (a chain is never this long; a cycle must not hang)."""


def get_customer(session: Session, customer_id: int, *, follow_merge: bool = True) -> Customer:
    """The customer with ``customer_id`` (or the survivor it was merged into), or 404."""
    customer = session.get(Customer, customer_id)
    seen = 0
    while (
        follow_merge
        and customer is not None
        and customer.merged_into_id is not None
        and seen < MAX_MERGE_HOPS
    ):
        customer = session.get(Customer, customer.merged_into_id)
        seen += 1
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    return customer


def find_match(
    session: Session, *, member_no: str | None, email: str | None, phone: str | None
) -> Customer | None:
    """The customer these identifiers belong to: by member number, else email, else phone."""
    candidates = (
        (Customer.member_no, member_no),
        (Customer.email, email.lower() if email else None),
        (Customer.phone, normalise_phone(phone)),
    )
    for column, value in candidates:
        if value:
            found = session.scalars(select(Customer).where(column == value).order_by(Customer.id)).first()
            if found is not None:
                return get_customer(session, found.id)
    return None


def find_or_register(
    session: Session, *, name: str, email: str | None, phone: str | None, member_no: str | None
) -> Customer:
    """The customer these identifiers belong to, registered if there is none: one record per member
    number, e-mail and phone even when ten first orders of a new customer arrive at once (each key is
    locked until the transaction ends, so the second request finds the first one's record)."""
    keys = [
        f"customer:{kind}:{value}"
        for kind, value in (
            ("member_no", member_no), ("email", email.lower() if email else None), ("phone", normalise_phone(phone))
        )
        if value
    ]  # fmt: skip
    locks.hold(session, *keys)
    found = find_match(session, member_no=member_no, email=email, phone=phone)
    if found is not None:
        return found
    return register(session, name=name, email=email, phone=phone, member_no=member_no)


def register(
    session: Session,
    *,
    name: str,
    name_kana: str = "",
    email: str | None = None,
    phone: str | None = None,
    member_no: str | None = None,
    home_store_id: int | None = None,
) -> Customer:
    """Create a customer with an empty points account; a taken member number is a conflict."""
    if member_no:
        locks.hold(session, f"customer:member_no:{member_no}")  # two at once: the second gets the 409
    if member_no and session.scalar(select(Customer.id).where(Customer.member_no == member_no)) is not None:
        raise Conflict(f"member number {member_no} is taken")
    customer = Customer(
        member_no=member_no or uuid.uuid4().hex[:20],
        name=name,
        name_kana=name_kana,
        email=email.lower() if email else None,
        phone=normalise_phone(phone),
        home_store_id=home_store_id,
    )
    session.add(customer)
    session.flush()
    if not member_no:
        # Numbers the server gives are the id, zero-padded: unique and short enough for a card.
        customer.member_no = f"{customer.id:012d}"
    points_service.ensure_account(session, customer_id=customer.id)
    session.flush()
    publish_customer(session, customer)
    return customer


def search(session: Session, *, q: str) -> list[Customer]:
    """Customers whose member number, phone or email is ``q``, or whose name or kana contains it
    (never an erased member)."""
    terms = search_terms(q)
    query = (
        select(Customer)
        .where(search_condition(phone=terms["phone"] is not None, names=terms["pattern"] is not None))
        .order_by(Customer.id)
        .limit(SEARCH_LIMIT)
    )
    return list(session.scalars(query, {name: value for name, value in terms.items() if value is not None}))


def search_terms(q: str) -> dict[str, str | None]:
    """The parameters of ``search_condition`` for the text a clerk typed or scanned.

    Text of digits only (a scanned member card, a phone number) is a number, not part of a name: names
    are not searched for it. Matching digits inside every name was most of the search's cost (a
    case-insensitive scan of two Japanese columns, bench/REQUESTS.md) and found nobody a clerk wanted.
    """
    text = unicodedata.normalize("NFKC", q).strip()
    phone = normalise_phone(text)
    number = text.isascii() and text.isdigit()
    return {
        "text": text,
        "email": text.lower(),
        "pattern": None if number else f"%{text.replace('%', '').replace('_', '')}%",
        "phone": phone if phone and len(phone) >= 6 else None,
    }


def search_condition(*, phone: bool, names: bool) -> ColumnElement[bool]:
    """Which customers a search finds, with the bound parameters of ``search_terms`` (``phone``: whether
    the text is also a phone number; ``names``: whether names are searched too). Shared by the thread
    path and the one-statement look-up (``customers.lookup``)."""
    conditions = [Customer.member_no == bindparam("text"), Customer.email == bindparam("email")]
    if names:
        conditions += [
            Customer.name.ilike(bindparam("pattern")),
            Customer.name_kana.ilike(bindparam("pattern")),
        ]
    if phone:
        conditions.append(Customer.phone == bindparam("phone"))
    return and_(Customer.merged_into_id.is_(None), Customer.erased_at.is_(None), or_(*conditions))


def page_extras(session: Session, customers: list[Customer]) -> tuple[dict[int, int], dict[int, str]]:
    """Balances by customer id and store codes by store id for a page of customers, in one query
    (one look-up per customer made a 50-row page cost 101 queries under load: bench/LOAD.md; the
    page's access-log insert needs the round trip the second query used to take)."""
    ids = [customer.id for customer in customers]
    if not ids:
        return {}, {}
    balances: dict[int, int] = {}
    codes: dict[int, str] = {}
    rows = session.execute(
        select(Customer.id, PointsAccount.balance, Store.id, Store.code)
        .select_from(Customer)
        .outerjoin(PointsAccount, PointsAccount.customer_id == Customer.id)
        .outerjoin(Store, Store.id == Customer.home_store_id)
        .where(Customer.id.in_(ids))
    )
    for customer_id, balance, store_id, code in rows:
        if balance is not None:
            balances[customer_id] = balance
        if store_id is not None:
            codes[store_id] = code
    return balances, codes


def feed_payload(customer: Customer) -> dict[str, Any]:
    """A customer's profile as the change feed carries it."""
    return {
        "id": customer.id,
        "member_no": customer.member_no,
        "name": customer.name,
        "name_kana": customer.name_kana,
        "email": customer.email,
        "phone": customer.phone,
        "merged_into_id": customer.merged_into_id,
        "erased": customer.erased_at is not None,
    }


def publish_customer(session: Session, customer: Customer) -> None:
    """Put a customer's profile on the chain-wide change feed (terminals cache customers of interest)."""
    record_change(
        session, entity="customer", key=str(customer.id), store_code=None, payload=feed_payload(customer)
    )
