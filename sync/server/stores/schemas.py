"""Request and response bodies for stores, pairing codes and clerks."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from sync.server.validation import Code, Name


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except Exception as exc:  # ZoneInfo raises several types for bad keys
        raise ValueError("unknown time zone") from exc
    return value


class StoreIn(BaseModel):
    """A new store (or new details for an existing code)."""

    code: Code
    name: Name
    registration_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_timezone)] = (
        "Asia/Tokyo"
    )


class StoreOut(BaseModel):
    """A store as stored, with any warnings about its registration number."""

    code: str
    name: str
    registration_number: str | None
    timezone: str
    warnings: list[str] = Field(default_factory=list)


class PairingCodeOut(BaseModel):
    """A one-use pairing code; it is shown only here."""

    code: str
    expires_at: datetime


PIN = Annotated[str, StringConstraints(pattern=r"^[0-9]{4,8}$")]


class ClerkIn(BaseModel):
    """A clerk to create or update (by store and code)."""

    store: Code
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,8}$")]
    name: Name
    pin: PIN
    role: Literal["cashier", "manager"]


class ClerkOut(BaseModel):
    """A clerk without the PIN."""

    store: str
    code: str
    name: str
    role: str
    created: bool
