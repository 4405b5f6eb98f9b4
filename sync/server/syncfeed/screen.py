"""Screening a push: one event's content never fails the batch.

The request is validated as a whole first (the common case costs nothing more). When only some
events are invalid — a 37-character sale id, a naive ``created_at``, a NUL in a text, a ``seq``
beyond 32 bits — those are answered ``rejected`` one by one and kept on the dead-letter list with
the reason, and the rest of the batch is applied: the terminal marks them dead and its later sales
go through. A problem outside the events (the terminal code, the protocol version, not JSON) is
still a 4xx for the whole request.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from sync.protocol.events import PAYLOADS_SCREENED, json_is_plain
from sync.protocol.messages import EventResult, EventStatus, PushRequest
from sync.server.auth.service import Caller
from sync.server.db import locks
from sync.server.problems import Invalid
from sync.server.syncfeed import ingest
from sync.server.syncfeed.models import DeadLetter

MAX_ENVELOPE_DEPTH = 32
"""Deeper structures are cut in the dead-letter copy (no event of ours nests more than five levels)."""


@dataclass(frozen=True)
class RefusedEvent:
    """An event that failed validation: the id to answer with, why, and a copy safe to store."""

    id: str
    detail: str
    envelope: dict[str, Any]


@dataclass(frozen=True)
class ScreenedPush:
    """The valid events as a request, where each sat in the batch, and the refused ones by position."""

    request: PushRequest
    positions: list[int]
    refused: dict[int, RefusedEvent] = field(default_factory=dict)


def screen(body: bytes | str) -> ScreenedPush:
    """Validate a push body; 400 when the request itself is wrong, per-event refusals otherwise."""
    raw_bytes = body.encode() if isinstance(body, str) else body
    screened = {PAYLOADS_SCREENED: json_is_plain(raw_bytes)}
    try:
        request = PushRequest.model_validate_json(body, context=screened)
        return ScreenedPush(request=request, positions=list(range(len(request.events))))
    except ValidationError as error:
        problems = error.errors()
        if any(len(p["loc"]) < 2 or p["loc"][0] != "events" or not isinstance(p["loc"][1], int)
               for p in problems):  # fmt: skip
            raise Invalid(f"invalid push request: {error.error_count()} problems") from error
    try:
        raw = json.loads(body)
        sent: list[Any] = raw["events"]
        by_event: dict[int, list[str]] = {}
        for problem in problems:
            where = ".".join(map(str, problem["loc"][2:])) or "event"
            by_event.setdefault(int(problem["loc"][1]), []).append(f"{where}: {problem['msg']}")
        valid = [i for i in range(len(sent)) if i not in by_event]
        request = PushRequest.model_validate({**raw, "events": [sent[i] for i in valid]})
    except (ValueError, TypeError, KeyError, RecursionError) as error:  # ValidationError is a ValueError
        raise Invalid("invalid push request") from error
    refused = {index: _refused(sent[index], "; ".join(details)[:500]) for index, details in by_event.items()}
    return ScreenedPush(request=request, positions=valid, refused=refused)


def apply(session: Session, *, caller: Caller, pushed: ScreenedPush) -> list[EventResult]:
    """Apply the valid events and dead-letter the refused ones; one result per event sent, in order."""
    # Pushes of one terminal take turns: two identical pushes at the same moment would otherwise both
    # find their events unseen and race to store them; the second now finds them stored: "duplicate".
    locks.hold(session, f"push:{caller.store_id}:{pushed.request.terminal_code}")
    applied = ingest.apply_batch(
        session, caller=caller, terminal_code=pushed.request.terminal_code, events=pushed.request.events
    )
    results: list[EventResult | None] = [None] * (len(pushed.positions) + len(pushed.refused))
    for position, result in zip(pushed.positions, applied, strict=True):
        results[position] = result
    for position, refused in pushed.refused.items():
        session.add(
            DeadLetter(
                event_id=refused.id[:36], store_id=caller.store_id, device_id=caller.credential_id,
                reason="rejected", detail=refused.detail, envelope=refused.envelope,
            )
        )  # fmt: skip
        results[position] = EventResult(id=refused.id, status=EventStatus.REJECTED, detail=refused.detail)
    session.flush()
    return [result for result in results if result is not None]


def _refused(sent: Any, detail: str) -> RefusedEvent:
    event_id = sent.get("id") if isinstance(sent, dict) else None
    # The terminal finds its outbox row by the id it sent; anything else is answered with an empty id.
    answer_id = _storable(event_id) if isinstance(event_id, str) and len(event_id) <= 100 else ""
    envelope = _storable(sent)
    return RefusedEvent(
        id=answer_id, detail=detail, envelope=envelope if isinstance(envelope, dict) else {"sent": envelope}
    )


def _storable(value: Any, depth: int = 0) -> Any:  # noqa: PLR0911 - one return per JSON type
    """A copy of ``value`` any database keeps as JSON: NUL shown as U+FFFD, odd numbers as text."""
    if depth > MAX_ENVELOPE_DEPTH:
        return "…"
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v, depth + 1) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value if -(2**63) < value < 2**63 else f"<an integer of {value.bit_length()} bits>"
    return str(value)[:100]
