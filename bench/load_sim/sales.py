"""Sale events built the way a terminal builds them (``sync.protocol.sale_payload.sale_completed``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from uuid6 import uuid7

from posapp.domain.cart import Cart, CartLine, LineMerge
from posapp.domain.points import PointsPolicy, points_earned
from posapp.domain.tax import TaxClass, TaxPolicy
from posapp.domain.tender import Tender, TenderKind, settle
from sync.protocol.events import EventKind, SaleCompleted
from sync.protocol.sale_payload import sale_completed


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """A product as a terminal's cache knows it."""

    sku: str
    name: str
    price: int
    tax_class: str


@dataclass(frozen=True, slots=True)
class Member:
    """A member a clerk may scan or look up."""

    member_no: str
    name_kana: str
    balance: int


def _cash_tendered(due: int) -> int:
    """What a customer hands over: the next ¥1,000 note above the amount due (exact for round sums)."""
    return due if due % 1000 == 0 else (due // 1000 + 1) * 1000


def build_sale(
    rng: random.Random,
    *,
    catalog: list[CatalogItem],
    members: list[Member],
    receipt_no: str,
    member_share: float = 0.2,
    points_share: float = 0.3,
) -> SaleCompleted:
    """A sale of 1–5 random lines, sometimes with a member who sometimes spends points."""
    cart = Cart(policy=TaxPolicy())
    for item in rng.sample(catalog, rng.randint(1, 5)):
        line = CartLine(item.sku, item.name, item.price, rng.randint(1, 3), TaxClass(item.tax_class))
        cart = cart.add(line, merge=LineMerge.NEW_LINE)
    member = rng.choice(members) if members and rng.random() < member_share else None
    due = cart.totals().amount_due
    # Points never cover a whole sale here: a sale needs a tender, and a tender of ¥0 is refused.
    if member is not None and member.balance >= 100 and due > 1 and rng.random() < points_share:
        cart = cart.with_points(min(rng.randint(1, 50), due - 1))
    totals = cart.totals()
    earned = points_earned(totals, PointsPolicy()) if member else 0
    now = datetime.now(UTC)
    tendered = _cash_tendered(totals.amount_due)
    return sale_completed(
        sale_id=str(uuid7()),
        receipt_no=receipt_no,
        business_day=now.date(),
        sold_at=now,
        clerk_code="1001",
        cart=cart,
        settlement=settle(totals.amount_due, (Tender(TenderKind.CASH, tendered),)),
        member_no=member.member_no if member else None,
        points_earned=earned,
    )


def envelope(sale: SaleCompleted, *, seq: int, store_code: str, terminal_code: str) -> dict[str, Any]:
    """The outbox event around ``sale``, as the push request carries it."""
    return {
        "id": str(uuid7()),
        "seq": seq,
        "kind": EventKind.SALE_COMPLETED.value,
        "terminal_code": terminal_code,
        "store_code": store_code,
        "created_at": datetime.now(UTC).isoformat(),
        "payload": sale.model_dump(mode="json"),
    }
