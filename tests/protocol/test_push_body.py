"""The agent's push body, written without a model per event, is exactly a ``PushRequest``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.protocol.events import Event, EventKind
from sync.protocol.messages import PushRequest, StoredEvent, push_request_json

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12
)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)
moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1))
stored_events = st.builds(
    lambda seq, kind, at, zone, payload, ascii_only: (
        StoredEvent(
            id=f"01a23ad0-637e-7e83-8ad3-{seq:012d}",
            seq=seq,
            kind=kind.value,
            created_at=at
            if zone is None
            else at.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=zone))),
            payload_json=json.dumps(payload, ensure_ascii=ascii_only),
        ),
        payload,
    ),
    st.integers(1, 2**31 - 1),
    st.sampled_from(list(EventKind)),
    moments,
    st.none() | st.integers(-12, 14),  # the outbox keeps naive UTC; anything aware is converted
    st.dictionaries(texts, values, max_size=5),
    st.booleans(),
)


@settings(max_examples=200)
@given(events=st.lists(stored_events, max_size=5), terminal=st.sampled_from(["01", '0"9', "終"]))
def test_push_body_is_the_push_request_the_models_would_write(
    events: list[tuple[StoredEvent, dict[str, object]]], terminal: str
) -> None:
    stored = [event for event, _ in events]
    sent = PushRequest.model_validate_json(push_request_json(terminal, "S001", stored))
    expected = PushRequest(
        terminal_code=terminal,
        events=[
            Event(
                id=event.id,
                seq=event.seq,
                kind=EventKind(event.kind),
                terminal_code=terminal,
                store_code="S001",
                created_at=event.created_at.replace(tzinfo=UTC)
                if event.created_at.tzinfo is None
                else event.created_at,
                payload=payload,
            )
            for event, payload in events
        ],
    )
    assert sent == expected
    assert [e.created_at.utcoffset() for e in sent.events] == [timedelta(0)] * len(stored)  # UTC on the wire
