"""Bodies for points holds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from sync.server.validation import Key, Points


class HoldIn(BaseModel):
    """Hold ``points`` of a customer for a sale in progress; a resend with the same key is harmless."""

    customer_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    points: Points
    idempotency_key: Key


class HoldOut(BaseModel):
    """A hold and the balance left after it."""

    hold_id: str
    status: str
    points: int
    expires_at: datetime
    balance_after: int


class CaptureIn(BaseModel):
    """The sale that used the held points."""

    sale_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
