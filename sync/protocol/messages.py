"""Push and pull messages: what the terminal's agent and the server's sync endpoints exchange."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import PROTOCOL_VERSION
from sync.protocol.events import Event

MAX_PUSH_EVENTS = 1_000
MAX_PULL_LIMIT = 50_000
PENDING_HEADER = "X-Outbox-Pending"
"""A terminal's requests say how many events its outbox holds; HQ's device list shows it."""
PROTOCOL_HEADER = "X-OmniPOS-Protocol"
"""The protocol version a terminal's request speaks, and the one the server's answers speak: a terminal
the server cannot serve gets 426 and knows from the answer's header whether it is older or newer."""


class PushRequest(BaseModel):
    """A batch of outbox events, oldest first."""

    model_config = ConfigDict(extra="forbid")

    protocol_version: Annotated[int, Field(ge=1)] = PROTOCOL_VERSION
    terminal_code: Annotated[str, Field(min_length=1, max_length=10)]
    events: list[Event] = Field(max_length=MAX_PUSH_EVENTS)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An outbox event as the terminal keeps it, its payload still the JSON text the outbox stored.

    A push of a thousand sales built through ``Event`` models parses every payload and walks it for
    NUL and NaN only to write it out again; the server validates every event anyway. So the agent
    sends stored events with ``push_request_json``, which writes exactly the ``PushRequest`` shape
    (``tests/protocol/test_push_body.py`` pins it against the model).
    """

    id: str
    seq: int
    kind: str
    created_at: datetime
    payload_json: str


def push_request_json(terminal_code: str, store_code: str, events: Sequence[StoredEvent]) -> bytes:
    """A ``PushRequest`` of ``events`` as JSON, their payloads spliced in as stored."""
    terminal, store = json.dumps(terminal_code), json.dumps(store_code)
    envelopes = ",".join(
        f'{{"id":{json.dumps(e.id)},"seq":{int(e.seq)},"kind":{json.dumps(e.kind)},"terminal_code":{terminal},'
        f'"store_code":{store},"created_at":"{_utc_text(e.created_at)}","payload":{e.payload_json}}}'
        for e in events
    )
    head = f'{{"protocol_version":{PROTOCOL_VERSION},"terminal_code":{terminal},"events":['
    return (head + envelopes + "]}").encode("utf-8")


def _utc_text(moment: datetime) -> str:
    """``moment`` (naive means UTC, as the terminal stores it) in UTC as ISO 8601 with ``Z``."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


class EventStatus(StrEnum):
    """What the server did with one event."""

    APPLIED = "applied"  # stored now
    DUPLICATE = "duplicate"  # seen before with the same content: nothing changed
    REJECTED = "rejected"  # invalid: kept on the server's dead-letter list, never retried
    CONFLICT = "conflict"  # same id, different content: quarantined, the first one stands
    RETRY = "retry"  # depends on an event not yet here (a void before its sale): send again later


class EventResult(BaseModel):
    """The server's answer for one event; the terminal marks it sent only after reading this."""

    id: str
    status: EventStatus
    detail: str = ""
    flags: list[str] = Field(default_factory=list)


class PushReply(BaseModel):
    """One result per event, in the order sent."""

    protocol_version: int = PROTOCOL_VERSION
    results: list[EventResult]
    server_time: datetime


class ChangeRow(BaseModel):
    """One change of data a terminal caches; ``version`` is its position in the feed.

    Strict: the server writes these, so a string where a number belongs is a fault, not a format.
    """

    model_config = ConfigDict(strict=True)

    version: int
    entity: str
    key: str
    payload: dict[str, Any]


class PullReply(BaseModel):
    """A page of changes after the cursor; ``resync`` means: drop the cache and start from an empty cursor."""

    protocol_version: int = PROTOCOL_VERSION
    changes: list[ChangeRow]
    cursor: str
    has_more: bool
    resync: bool = False
    server_time: datetime
    # How many changes are left after the cursor (this page included); given when the terminal asks,
    # at the start of a catalog download, so it can show rows / total.
    remaining: Annotated[int, Field(ge=0)] | None = None


def make_cursor(epoch: str, position: int) -> str:
    """The opaque cursor: the server's epoch and a feed position."""
    return f"{epoch}:{position}"


def read_cursor(cursor: str) -> tuple[str, int] | None:
    """``(epoch, position)``, or ``None`` for an empty or malformed cursor.

    The position is ASCII digits within 64 bits: "²" passes ``isdigit`` but not ``int``, and a
    longer number does not fit the column that remembers a device's feed position (both were 500s).
    """
    epoch, _, position = cursor.rpartition(":")
    if not epoch or not position.isascii() or not position.isdigit() or len(position) > 18:
        return None
    return epoch, int(position)
