"""Bodies of the click & collect, browsing-event and coupon endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, model_validator

from posapp.domain.money import MAX_AMOUNT
from sync.protocol.live import CouponCheck, LiveItem, Pickup
from sync.protocol.live import PickupStatus as PickupStatus
from sync.server.customers.schemas import MemberNo
from sync.server.validation import Code, Key, Name, OptionalText, Yen

BrowsingKind = Literal["viewed", "added_to_cart", "wishlist", "cart_abandoned"]
CouponCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=4, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
]
Amount = Annotated[int, Field(ge=1, le=MAX_AMOUNT)]
MAX_EVENTS_PER_BATCH = 1_000


PickupItem = LiveItem
"""One line of a pickup order (the live contract's item)."""
PickupOut = Pickup
"""A pickup order as the counter sees it (``sync.protocol.live.Pickup``)."""


class PaymentIn(BaseModel):
    """A payment taken at the counter for a pay-at-store pickup."""

    kind: Literal["cash", "card", "emoney", "qr", "voucher"]
    amount: Amount
    reference: OptionalText | None = None


class CollectIn(BaseModel):
    """The hand-over: who gave the goods, and the payment when some is due."""

    clerk_code: Code
    payments: Annotated[list[PaymentIn], Field(max_length=10)] = []


class PickupTermsIn(BaseModel):
    """The web shop says whether the customer pays at the store (else the order was paid online)."""

    pay_at_store: bool


class ChannelOrderStatusOut(BaseModel):
    """An online order's status for the web shop: placed, ready, collected or cancelled, with times."""

    order_id: str
    fulfilment: str
    store: str
    status: PickupStatus
    ordered_at: datetime
    ready_at: datetime | None
    collected_at: datetime | None
    cancelled_at: datetime | None


class BrowsingEventIn(BaseModel):
    """Something a member did in the web shop."""

    event_id: Key
    member_no: MemberNo
    sku: Key
    kind: BrowsingKind
    at: AwareDatetime


class BrowsingBatchIn(BaseModel):
    """Up to 1,000 events; a resent ``event_id`` is ignored."""

    events: Annotated[list[BrowsingEventIn], Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)]


class BrowsingBatchOut(BaseModel):
    """What became of a batch: stored, already known, or dropped (unknown, excluded or too old)."""

    accepted: int
    duplicates: int
    dropped: int


class InterestProduct(BaseModel):
    """A product the member looked at or left in a cart online, with counts per kind."""

    sku: str
    name: str
    category: str | None
    viewed: int
    added_to_cart: int
    wishlist: int
    cart_abandoned: int
    last_at: datetime
    stock_here: int | None


class CategoryCount(BaseModel):
    """A category and how many items of it the member bought (store and online)."""

    category: str
    quantity: int


class InterestsOut(BaseModel):
    """The member's recent online interests and favourite categories."""

    customer_id: int
    member_no: str
    tracking_excluded: bool
    since: datetime
    products: list[InterestProduct]
    categories: list[CategoryCount]


class ExclusionOut(BaseModel):
    """A member excluded from tracking; ``deleted`` events were erased."""

    customer_id: int
    excluded_at: datetime
    deleted: int


class MemberCode(BaseModel):
    """A code that only one member may use."""

    code: CouponCode
    member_no: MemberNo


class CampaignIn(BaseModel):
    """A coupon campaign with per-member codes or one open code."""

    name: Name
    kind: Literal["amount", "percent"]
    value: Amount
    min_spend: Yen = 0
    categories: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=60)]], Field(max_length=50)
    ] = []
    valid_from: AwareDatetime
    valid_to: AwareDatetime
    single_use: bool = True
    codes: Annotated[list[MemberCode], Field(max_length=10_000)] = []
    open_code: CouponCode | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CampaignIn:
        if bool(self.codes) == bool(self.open_code):
            raise ValueError("give per-member codes or an open code, not both")
        if self.kind == "percent" and self.value > 100:
            raise ValueError("a percent is at most 100")
        if self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self


class CampaignOut(BaseModel):
    """A campaign as stored."""

    id: int
    name: str
    kind: str
    value: int
    min_spend: int
    categories: list[str]
    valid_from: datetime
    valid_to: datetime
    single_use: bool
    codes: int


CouponCheckOut = CouponCheck
"""Whether a code can be used now (``sync.protocol.live.CouponCheck``)."""


class RedeemIn(BaseModel):
    """A use of a code; ``redemption_id`` is the caller's idempotency key."""

    redemption_id: Key
    member_no: MemberNo | None = None
    order_or_sale_id: Key
    amount: Amount


class ReleaseIn(BaseModel):
    """Give back a redemption (the sale or order was voided)."""

    redemption_id: Key


class RedemptionOut(BaseModel):
    """A redemption as stored."""

    redemption_id: str
    code: str
    status: str
    amount: int
    order_or_sale_id: str
    created_at: datetime
    released_at: datetime | None
