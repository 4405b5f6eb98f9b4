"""Carts put aside (保留) on this counter, kept as plain JSON until a clerk takes them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from posapp.services.errors import ReceiptNotFound
from posapp.services.records import new_id
from posapp.store.models import SuspendedSale

if TYPE_CHECKING:
    from posapp.services.counter import Counter


@dataclass(frozen=True, slots=True)
class SuspendedSaleInfo:
    """A cart put aside."""

    id: str
    at: datetime
    clerk_code: str
    label: str
    item_count: int


def put_aside(counter: Counter, *, cart: dict[str, Any], clerk_code: str, label: str) -> str:
    """Keep ``cart`` (a cart's plain dict, with the sale's member and coupon) aside; returns its id."""
    suspended_id = new_id()
    with counter.db.write() as session:
        session.add(
            SuspendedSale(id=suspended_id, at=counter.now(), clerk_code=clerk_code, label=label, cart=cart)
        )
    return suspended_id


def list_suspended(counter: Counter) -> list[SuspendedSaleInfo]:
    """The suspended carts, oldest first."""
    with counter.db.read() as session:
        rows = session.scalars(select(SuspendedSale).order_by(SuspendedSale.at))
        return [
            SuspendedSaleInfo(r.id, r.at, r.clerk_code, r.label, sum(x["quantity"] for x in r.cart["lines"]))
            for r in rows
        ]


def take_back(counter: Counter, suspended_id: str) -> dict[str, Any]:
    """The cart put aside as ``suspended_id``, taken off the list in the same step."""
    with counter.db.write() as session:
        row = session.get(SuspendedSale, suspended_id)
        if row is None:
            raise ReceiptNotFound("no such suspended sale", value=suspended_id)
        data: dict[str, Any] = row.cart
        session.delete(row)
    return data
