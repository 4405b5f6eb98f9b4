"""The payload hash the server keeps for every event never changes: a resend is recognised by it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from sync.protocol.events import Event, EventKind

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=8
)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=10,
)


def event(kind: EventKind, payload: dict[str, object]) -> Event:
    return Event(
        id="01a23ad0-637e-7e83-8ad3-a9937f7bf2b4", seq=1, kind=kind, terminal_code="01", store_code="S001",
        created_at=datetime(2026, 12, 3, tzinfo=UTC), payload=payload,
    )  # fmt: skip


@given(kind=st.sampled_from(list(EventKind)), payload=st.dictionaries(texts, values, max_size=5))
def test_the_hash_is_of_the_sorted_compact_kind_and_payload(
    kind: EventKind, payload: dict[str, object]
) -> None:
    written = json.dumps({"kind": kind.value, "payload": payload}, sort_keys=True, separators=(",", ":"))
    expected = hashlib.sha256(written.encode("utf-8")).hexdigest()
    made = event(kind, payload)
    assert made.payload_hash() == made.payload_hash(made.canonical_payload()) == expected


def test_a_stored_hash_stays_valid() -> None:
    # Hashes stored by earlier servers must still match a resend of the same event.
    payload = {"sale_id": "s-1", "名前": "緑茶", "lines": [{"b": 1, "a": None}], "total": 138}
    expected = "dd3e9e148c35dd81d35568b35bec90b5cbbcc4567767ee683963290c8f0563ad"
    assert event(EventKind.SALE_COMPLETED, payload).payload_hash() == expected
