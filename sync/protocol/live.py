"""Live look-ups: what the server answers a terminal asking now (history, stock, pickups, coupons).

One model per shape, used by the server as its response model and by the terminal to read the
answer (``model_validate``), so the two cannot drift. Replies ignore fields they do not know: a
newer server may add some without breaking older terminals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, TypeAdapter


class _Reply(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class LiveItem(_Reply):
    """One item of a store sale, a return, an online order or a pickup.

    Store sales keep ``quantity`` and online orders ``qty`` in their stored documents; both read
    into ``quantity`` here, which is the only name on the wire.
    """

    sku: str
    name: str
    quantity: int = Field(validation_alias=AliasChoices("quantity", "qty"))
    amount: int


HistoryKind = Literal[
    "store_sale", "store_return", "store_void", "online_order", "online_cancel", "points", "note", "contact"
]
HistoryChannel = Literal["store", "online", "hq", "call_centre"]


class HistoryEntry(_Reply):
    """One event of a customer's life with the chain, whatever the channel.

    ``amount`` is signed: a return or a void is negative, and its ``kind`` says which it is.
    ``location`` is the store's code (``ONLINE`` for the web warehouse), ``location_name`` its name.
    """

    kind: HistoryKind
    channel: HistoryChannel
    location: str | None = None
    location_name: str | None = None
    occurred_at: datetime
    reference: str
    items: tuple[LiveItem, ...] = ()
    amount: int | None = None
    points: int | None = None
    detail: str = ""
    taken_by: str | None = Field(
        default=None, description="the store or channel (web shop, call centre) that took it"
    )
    contact_kind: str | None = Field(default=None, description="for a contact: complaint, inquiry, …")
    status: str | None = Field(default=None, description="for a contact: open, in_progress, resolved")


HISTORY = TypeAdapter(list[HistoryEntry])
"""The history endpoint's answer, newest first."""


class StockLevel(_Reply):
    """A location's level of a product."""

    location: str
    quantity: int
    updated_at: datetime | None = None


class StockLevels(_Reply):
    """A product's level at every location."""

    sku: str
    levels: tuple[StockLevel, ...]


PickupStatus = Literal["placed", "ready", "collected", "cancelled"]


class Pickup(_Reply):
    """A pickup order as the counter sees it; ``amount_due`` is what the customer pays at the store."""

    order_id: str
    store: str
    customer_id: int
    member_no: str
    customer_name: str
    items: tuple[LiveItem, ...]
    total: int
    pay_at_store: bool
    amount_due: int
    status: PickupStatus
    ordered_at: datetime
    waiting_since: datetime
    overdue: bool
    ready_at: datetime | None = None
    collected_at: datetime | None = None
    collected_by: str | None = None
    cancelled_at: datetime | None = None


PICKUPS = TypeAdapter(list[Pickup])


class CouponCheck(_Reply):
    """Whether a code can be used now, why not, and the discount it gives on ``subtotal``."""

    code: str
    valid: bool
    reason: str | None = None
    discount: int
    kind: str
    value: int
    min_spend: int
    categories: tuple[str, ...] = ()
    single_use: bool
    member_no: str | None = None
    valid_to: datetime


__all__ = [
    "HISTORY",
    "PICKUPS",
    "CouponCheck",
    "HistoryChannel",
    "HistoryEntry",
    "HistoryKind",
    "LiveItem",
    "Pickup",
    "PickupStatus",
    "StockLevel",
    "StockLevels",
]
