"""Bodies for pairing, devices, channels and HQ tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from sync.server.validation import Name


class PairIn(BaseModel):
    """A terminal trading its pairing code for a token."""

    pairing_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    device_name: Name


class PairOut(BaseModel):
    """The device's identity and token (shown once; the terminal keeps it in the OS keyring)."""

    device_id: str
    token: str
    store_code: str
    terminal_code: str = Field(description="the register number within the store, for receipt numbers")


class DeviceOut(BaseModel):
    """A paired device."""

    device_id: str
    name: str
    store_code: str
    terminal_code: str = Field(description="its register number in the store (01, 02, … 100, …)")
    created_at: datetime
    revoked_at: datetime | None


class ChannelIn(BaseModel):
    """A new channel: a web shop or a call centre, named as HQ reports and the counter show it."""

    name: Name
    kind: Literal["web", "call_centre"] = "web"


class ChannelOut(BaseModel):
    """The integration's id and API key (the key is shown once; the id is what HQ revokes)."""

    id: int
    name: str
    kind: str
    api_key: str


class ChannelInfo(BaseModel):
    """An online-shop integration, without its key."""

    id: int
    name: str
    kind: str
    created_at: datetime
    revoked_at: datetime | None


class AdminTokenInfo(BaseModel):
    """An HQ token, without the token."""

    id: int
    label: str
    created_at: datetime
    revoked_at: datetime | None
