"""Customers at the counter: find by member number, phone or name; register a member, offline too."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from posapp.services.catalog import fold_text, to_katakana
from posapp.services.errors import UnknownCustomer
from posapp.store.models import Customer, OutboxEvent, Sale


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    """What the customer panel shows; ``available_points`` already allows for unsynced spending here."""

    member_no: str
    name: str
    name_kana: str
    phone: str
    email: str
    points_balance: int
    available_points: int
    rank: str
    note: str
    last_visit: datetime | None
    balance_as_of: datetime | None
    registered_here_offline: bool


def member_key(member_no: str) -> str:
    """Member numbers compare as numbers: a card carries them without the leading zeros."""
    return member_no.lstrip("0") or "0"


def _find_row(session: Session, member_no: str) -> Customer | None:
    return session.scalar(
        select(Customer).where(func.ltrim(Customer.member_no, "0") == member_key(member_no))
    )


def unsynced_points_used(session: Session, member_no: str) -> int:
    """Points this terminal spent for the member in sales the server has not acknowledged yet."""
    spent = session.scalar(
        select(func.coalesce(func.sum(Sale.points_used), 0))
        .join(OutboxEvent, OutboxEvent.aggregate_id == Sale.id)
        .where(Sale.member_no == member_no, Sale.kind == "sale", OutboxEvent.status != "sent")
    )
    return int(spent or 0)


def info(session: Session, customer: Customer) -> CustomerInfo:
    """The counter's view of a cached customer."""
    available = max(customer.points_balance - unsynced_points_used(session, customer.member_no), 0)
    return CustomerInfo(
        member_no=customer.member_no,
        name=customer.name,
        name_kana=customer.name_kana,
        phone=customer.phone,
        email=customer.email,
        points_balance=customer.points_balance,
        available_points=available,
        rank=customer.rank,
        note=customer.note,
        last_visit=customer.last_visit,
        balance_as_of=customer.balance_as_of,
        registered_here_offline=customer.server_id is None,
    )


def get_customer(session: Session, member_no: str) -> CustomerInfo:
    """The member ``member_no``; raises ``UnknownCustomer``."""
    customer = _find_row(session, member_no)
    if customer is None:
        raise UnknownCustomer("no member with this number here", value=member_no)
    return info(session, customer)


def digits_only(text: str) -> str:
    """The digits of a phone number typed any way (full-width, hyphens, spaces)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())


def find_customers(session: Session, query: str, *, limit: int = 30) -> list[CustomerInfo]:
    """Members matching a member number, a phone number, or part of a name or its kana.

    Text of digits only (a scanned card, a typed number or phone, hyphens and spaces allowed) is a
    number and is not looked for inside names, as on the server (``search_terms`` there). What a clerk
    types is matched literally: ``%`` and ``_`` are characters, not wildcards.
    """
    needle = fold_text(query)
    if not needle:
        return []
    digits = digits_only(query)
    conditions: list[ColumnElement[bool]]
    if digits and len(digits) == len(needle.replace("-", "").replace(" ", "")):
        conditions = [func.ltrim(Customer.member_no, "0") == member_key(digits)]
        if len(digits) >= 4:  # the last four digits of a phone, as a customer says them
            conditions.append(Customer.phone.contains(digits))
    else:
        kana = to_katakana(needle)
        conditions = [
            Customer.name.contains(needle, autoescape=True),
            Customer.name_kana.contains(kana, autoescape=True),
            func.replace(Customer.name_kana, " ", "").contains(kana.replace(" ", ""), autoescape=True),
        ]
    rows = session.scalars(select(Customer).where(or_(*conditions)).order_by(Customer.name_kana).limit(limit))
    return [info(session, row) for row in rows]
