"""Click & collect at the counter: this store's web orders waiting, found by order number or member
card, handed over with the payment still due (the drawer keeps the cash).

Pickups live on the central server and are asked for live through the terminal's link; offline they
are refused with ``error.omni.offline``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from posapp.domain.barcodes import MemberCard, parse_scan
from posapp.domain.errors import DomainError, InvalidBarcode
from posapp.domain.tender import Tender, TenderKind
from posapp.services import closing, members
from posapp.services.omni import OmniOffline, get_json, post_json
from sync.client.errors import ServerRefused
from sync.protocol import live

if TYPE_CHECKING:
    from posapp.services.counter import Counter


class PickupNotFound(DomainError):
    """No pickup order of this store matches the order number or member card."""

    message_key = "error.pickup.not_found"


class PickupRefused(DomainError):
    """The server refused the hand-over (cancelled order, payment short); ``detail`` says why."""

    message_key = "error.pickup.refused"


@dataclass(frozen=True, slots=True)
class PickupLine:
    """One item to hand over."""

    sku: str
    name: str
    quantity: int
    amount: int


@dataclass(frozen=True, slots=True)
class Pickup:
    """A pickup order at this store; ``amount_due`` is what the customer still pays here."""

    order_id: str
    member_no: str
    customer_name: str
    lines: tuple[PickupLine, ...]
    total: int
    amount_due: int
    status: str
    ordered_at: datetime
    waiting_since: datetime
    overdue: bool
    collected_at: datetime | None
    collected_by: str | None


def _pickup(data: Any) -> Pickup:
    reply = live.Pickup.model_validate(data)
    return Pickup(
        order_id=reply.order_id,
        member_no=reply.member_no,
        customer_name=reply.customer_name,
        lines=tuple(PickupLine(i.sku, i.name, i.quantity, i.amount) for i in reply.items),
        total=reply.total,
        amount_due=reply.amount_due,
        status=reply.status,
        ordered_at=reply.ordered_at,
        waiting_since=reply.waiting_since,
        overdue=reply.overdue,
        collected_at=reply.collected_at,
        collected_by=reply.collected_by,
    )


def pickups_waiting(counter: Counter, *, overdue: bool = False) -> list[Pickup]:
    """This store's pickups waiting to be collected, oldest first (``overdue``: past the store's limit)."""
    rows = get_json(counter, "/v1/pickups", offline=OmniOffline, overdue="true" if overdue else None)
    return [_pickup(row) for row in rows]


def find_pickup(counter: Counter, text: str) -> list[Pickup]:
    """Pickups of a scanned member card, or the one with a typed or scanned order number."""
    try:
        scan = parse_scan(text, layouts=counter.in_store_layouts)
    except InvalidBarcode:
        scan = None
    if isinstance(scan, MemberCard):
        member_no = members.member_info(counter, scan.member_no).member_no
        rows = get_json(counter, "/v1/pickups", offline=OmniOffline, member_no=member_no)
        if not rows:
            raise PickupNotFound("this member has no pickup waiting here", value=member_no)
        return [_pickup(row) for row in rows]
    order_id = text.strip().removeprefix("ORDER:")
    try:
        return [_pickup(get_json(counter, f"/v1/pickups/{order_id}", offline=OmniOffline))]
    except ServerRefused as error:
        raise PickupNotFound("no pickup order with this number here", value=order_id) from error


def collect_pickup(counter: Counter, *, order_id: str, tenders: Sequence[Tender] = ()) -> Pickup:
    """Hand an order over, with the payment when it is due; repeating it is harmless."""
    clerk = counter.require_clerk()
    body = {
        "clerk_code": clerk.code,
        "payments": [{"kind": t.kind.value, "amount": t.amount, "reference": t.reference} for t in tenders],
    }
    try:
        data = post_json(counter, f"/v1/pickups/{order_id}/collect", body, offline=OmniOffline)
    except ServerRefused as error:
        if error.status == 404:
            raise PickupNotFound("no pickup order with this number here", value=order_id) from error
        raise PickupRefused(error.detail, value=order_id) from error
    # The drawer keeps the cash less any change: what was due less what other tenders covered.
    cash = sum(t.amount for t in tenders if t.kind is TenderKind.CASH)
    other = sum(t.amount for t in tenders if t.kind is not TenderKind.CASH)
    kept = min(cash, max(0, int(data["total"]) - other))
    closing.record_pickup_cash(counter, order_id=order_id, amount=kept)
    return _pickup(data)
