"""Holds: points and coupons set aside for a sale in progress, captured by its push, released otherwise.

A terminal that is online takes a hold when the cashier applies points or a coupon; the server
takes the points off the balance (or marks the single-use code as taken) at once, so a second
terminal is refused. The ``sale.completed`` event names the hold and the server captures it at
ingest; a removed coupon, changed points or a suspended cart release it, and an abandoned one
expires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

HoldKey = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
MemberNo = Annotated[str, StringConstraints(pattern=r"^[0-9]{4,20}$")]
MAX_HOLD = 10**9


class PointsHoldRequest(BaseModel):
    """Hold ``points`` of a customer for a sale in progress; a resend with the same key is harmless."""

    model_config = ConfigDict(extra="forbid")

    customer_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    points: Annotated[int, Field(ge=1, le=MAX_HOLD)]
    idempotency_key: HoldKey


class PointsHoldOut(BaseModel):
    """A points hold and the balance left after it (``held``, ``captured`` or ``released``)."""

    hold_id: str
    status: str
    points: int
    expires_at: datetime
    balance_after: int


class PointsHoldCapture(BaseModel):
    """The sale that used the held points."""

    model_config = ConfigDict(extra="forbid")

    sale_id: HoldKey


class CouponHoldRequest(BaseModel):
    """Set a code aside for a sale in progress; ``redemption_id`` is the caller's key for the hold."""

    model_config = ConfigDict(extra="forbid")

    redemption_id: HoldKey
    member_no: MemberNo | None = None
    amount: Annotated[int, Field(ge=1, le=MAX_HOLD)]


class CouponHoldOut(BaseModel):
    """A coupon hold: until ``expires_at`` nobody else can use a single-use code."""

    redemption_id: str
    code: str
    status: str
    amount: int
    expires_at: datetime
