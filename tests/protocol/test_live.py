"""The live contracts: one item shape whatever the stored document called its quantity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from sync.protocol.live import HISTORY, HistoryEntry, LiveItem


def test_store_and_online_items_read_into_one_quantity() -> None:
    store = LiveItem.model_validate({"sku": "A", "name": "お茶", "quantity": 3, "amount": 453, "rate": 8})
    online = LiveItem.model_validate({"sku": "A", "name": "お茶", "qty": 2, "amount": 302})
    assert (store.quantity, online.quantity) == (3, 2)
    assert online.model_dump() == {"sku": "A", "name": "お茶", "quantity": 2, "amount": 302}


def test_history_reads_voids_and_returns_as_themselves() -> None:
    at = datetime(2026, 12, 1, 3, tzinfo=UTC).isoformat()
    rows = [
        {"kind": "store_void", "channel": "store", "location": "S002", "location_name": "新宿店",
         "occurred_at": at, "reference": "S002-01-000002", "amount": -100, "items": [],
         "added_by_a_newer_server": True},
        {"kind": "store_return", "channel": "store", "occurred_at": at, "reference": "R1", "amount": -151},
    ]  # fmt: skip
    entries = HISTORY.validate_python(rows)
    assert [entry.kind for entry in entries] == ["store_void", "store_return"]
    assert entries[0].location_name == "新宿店" and entries[0].amount == -100


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError):
        HistoryEntry.model_validate(
            {"kind": "gift", "channel": "store", "occurred_at": "2026-12-01T00:00:00+00:00", "reference": "x"}
        )
