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


def _printable(value: str) -> str:
    if any(ord(char) < 32 and char not in "\r\n" for char in value):
        raise ValueError("control characters are not allowed")
    return value.replace("\r\n", "\n")


StoreText200 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_printable)
]
StoreText500 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_printable)
]


class StoreIn(BaseModel):
    """A new store (or new details for an existing code)."""

    code: Code
    name: Name
    registration_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_timezone)] = (
        "Asia/Tokyo"
    )
    address: StoreText200 | None = Field(default=None, description="printed on receipts; omitted: unchanged")
    receipt_header: StoreText500 | None = Field(
        default=None, description="lines above a receipt; omitted: unchanged"
    )
    receipt_footer: StoreText500 | None = Field(
        default=None, description="lines below a receipt; omitted: unchanged"
    )


class StoreOut(BaseModel):
    """A store as stored, with any warnings about its registration number."""

    code: str
    name: str
    registration_number: str | None
    timezone: str
    address: str = ""
    receipt_header: str = ""
    receipt_footer: str = ""
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
