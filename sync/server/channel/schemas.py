"""Bodies of the online-shop (channel) API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from posapp.domain.money import MAX_AMOUNT
from sync.server.customers.schemas import Email, MemberNo, Phone
from sync.server.validation import Code, Key, Name, Quantity, Yen


class OrderCustomer(BaseModel):
    """Who ordered: matched by member number, else email, else phone; a new customer otherwise."""

    member_no: MemberNo | None = None
    email: Email | None = None
    phone: Phone | None = None
    name: Name | None = None

    @model_validator(mode="after")
    def _identified(self) -> OrderCustomer:
        if not (self.member_no or self.email or self.phone):
            raise ValueError("give a member_no, an email or a phone")
        return self


class OrderLine(BaseModel):
    """One line; ``unit_price`` is the tax-inclusive price charged online."""

    sku: Key
    qty: Quantity
    unit_price: Yen


class Fulfilment(BaseModel):
    """Shipped from the online warehouse, or picked up at (and taken from the stock of) a store."""

    type: Literal["ship", "pickup"]
    store: Code | None = None

    @model_validator(mode="after")
    def _store_for_pickup(self) -> Fulfilment:
        if self.type == "pickup" and not self.store:
            raise ValueError("a pickup needs a store")
        return self


class OrderIn(BaseModel):
    """An order the online shop took."""

    order_id: Key
    customer: OrderCustomer
    ordered_at: AwareDatetime
    lines: Annotated[list[OrderLine], Field(min_length=1, max_length=200)]
    points_used: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] = 0
    fulfilment: Fulfilment


class RateTotalOut(BaseModel):
    """Total (tax included) and tax at one rate."""

    rate: int
    taxable: int
    tax: int


class OrderTotals(BaseModel):
    """The amount due and its tax per rate, after points."""

    total: int
    by_rate: list[RateTotalOut]


class OrderOut(BaseModel):
    """The server's answer to an order; the same answer for a resend."""

    order_id: str
    customer_id: int
    totals: OrderTotals
    points_earned: int
    points_balance: int


class CancelOut(BaseModel):
    """An order after cancellation."""

    order_id: str
    status: str
    points_balance: int
    cancelled_at: datetime | None


class LocationStock(BaseModel):
    """Stock at one location."""

    location: str
    quantity: int
    updated_at: datetime | None


class AvailabilityOut(BaseModel):
    """Stock of a SKU per store and online."""

    sku: str
    locations: list[LocationStock]


class MemberPointsOut(BaseModel):
    """A member's points balance."""

    member_no: str
    customer_id: int
    balance: int
