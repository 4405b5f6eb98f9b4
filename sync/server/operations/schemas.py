"""Bodies for the operations endpoints: what needs a person, and whether the sync keeps up."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from sync.protocol.flags import FlagReason


class ResolveIn(BaseModel):
    """What the person did about it."""

    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class ResolutionOut(BaseModel):
    """Who resolved it, when, and how."""

    note: str
    resolved_by: str
    resolved_at: datetime


class DeadLetterRow(BaseModel):
    """An event the server refused, with its reason."""

    id: int
    event_id: str
    store: str | None
    device_id: str
    reason: str
    detail: str
    kind: str | None
    received_at: datetime
    envelope: dict[str, Any]
    resolution: ResolutionOut | None


class FlaggedEventRow(BaseModel):
    """An applied event the server flagged (a sale stands; a person should look)."""

    event_id: str
    store: str | None
    device_id: str
    terminal_code: str
    kind: str
    flags: list[str]
    reasons: list[FlagReason]
    received_at: datetime
    resolution: ResolutionOut | None


class OperationsStatus(BaseModel):
    """Open dead letters and flags, and how far behind the change feed the terminals are."""

    dead_letters_open: int
    flagged_open: int
    feed_latest_id: int
    feed_lag_seconds: float | None
    devices_behind: int
