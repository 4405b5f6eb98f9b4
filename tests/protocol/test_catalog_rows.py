"""The fast catalog row readers refuse exactly what the contract models refuse, and store the same values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sync.protocol.catalog import (
    BadChange,
    ProductPayload,
    StockPayload,
    product_row,
    read_pull_page,
    stock_row,
)
from sync.protocol.messages import PullReply

TEXTS = st.one_of(
    st.text(max_size=8),
    st.text(alphabet="0123456789", min_size=0, max_size=16),
    st.text(alphabet="明治牛乳ｶｯﾌﾟ ー\x00\x1f\x7f\x85\u3000a", max_size=12),
    st.just("x" * 201),
    st.just("4" * 15),
    st.sampled_from(["standard", "reduced", "Standard", ""]),
)
VALUES = st.one_of(
    TEXTS,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**10), max_value=10**10),
    st.sampled_from([0, 99_999_999, 100_000_000, -1, 1.0, 2.5]),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(
        ["2026-11-29T10:00:00+09:00", "2026-11-29T10:00:00", "2026-11-29T01:00:00Z", "yesterday"]
    ),
)
PRODUCT_KEYS = [
    "sku",
    "jan",
    "item_code",
    "name",
    "name_kana",
    "price",
    "tax_class",
    "category",
    "active",
    "extra",
]
STOCK_KEYS = ["location", "sku", "quantity", "updated_at", "extra"]
GOOD_PRODUCT = {"sku": "P1", "jan": "4901234567894", "name": "牛乳", "name_kana": "ギュウニュウ", "price": 198,
                "tax_class": "reduced", "category": "乳製品", "active": True}  # fmt: skip
GOOD_STOCK = {"location": "S001", "sku": "P1", "quantity": -3, "updated_at": "2026-11-29T10:00:00+09:00"}


def _model_row(model: Any, payload: Any, version: int) -> tuple[Any, ...] | None:
    try:
        return tuple(model.model_validate(payload).row(version))
    except ValidationError:
        return None


def _fast_row(reader: Any, payload: Any, version: int) -> tuple[Any, ...] | None:
    try:
        return tuple(reader(payload, version))
    except ValueError:
        return None


def mutated(base: dict[str, Any], keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with some keys removed and some set to arbitrary values (mostly valid, often not)."""
    changes = st.dictionaries(st.sampled_from(keys), st.one_of(VALUES, st.just("__drop__")), max_size=4)
    return changes.map(lambda c: {k: v for k, v in {**base, **c}.items() if v != "__drop__"})


@settings(max_examples=600, deadline=None)
@given(payload=mutated(GOOD_PRODUCT, PRODUCT_KEYS), version=st.integers(min_value=1, max_value=10**12))
def test_product_reader_agrees_with_the_model(payload: dict[str, Any], version: int) -> None:
    assert _fast_row(product_row, payload, version) == _model_row(ProductPayload, payload, version)


@settings(max_examples=300, deadline=None)
@given(payload=mutated(GOOD_STOCK, STOCK_KEYS), version=st.integers(min_value=1, max_value=10**12))
def test_stock_reader_agrees_with_the_model(payload: dict[str, Any], version: int) -> None:
    assert _fast_row(stock_row, payload, version) == _model_row(StockPayload, payload, version)


@settings(max_examples=200, deadline=None)
@given(payload=st.one_of(VALUES, st.dictionaries(st.sampled_from(PRODUCT_KEYS), VALUES, max_size=9)))
def test_arbitrary_payloads_agree_too(payload: Any) -> None:
    assert _fast_row(product_row, payload, 1) == _model_row(ProductPayload, payload, 1)
    assert _fast_row(stock_row, payload, 1) == _model_row(StockPayload, payload, 1)


def test_a_good_row_is_stored_as_the_model_says() -> None:
    assert product_row(GOOD_PRODUCT, 7) == ("P1", "4901234567894", None, "牛乳", "ギュウニュウ", 198, "reduced",
                                            "乳製品", True, 7)  # fmt: skip
    assert product_row({**GOOD_PRODUCT, "jan": "", "category": ""}, 7)[1::6] == (None, None)
    assert stock_row(GOOD_STOCK, 3)[3] == datetime(2026, 11, 29, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"price": "198"}, "price must be a whole number"),
        ({"price": -1}, "price must be 0..99999999"),
        ({"name": "牛\x00乳"}, "name: control characters are not allowed"),
        ({"tax_class": "zero"}, "tax_class must be standard or reduced"),
        ({"jan": "49O1"}, "jan: only digits are allowed"),
    ],
)
def test_a_bad_row_is_refused_with_what_is_wrong(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        product_row({**GOOD_PRODUCT, **change}, 1)


def page(changes: list[Any], **envelope: Any) -> bytes:
    body = {"changes": changes, "cursor": "e:9", "has_more": False, "resync": False,
            "server_time": "2026-11-29T10:00:00+00:00", "protocol_version": 1, **envelope}  # fmt: skip
    return json.dumps(body).encode()


def test_the_page_reader_reads_what_the_reply_model_reads() -> None:
    raw = page([{"version": 5, "entity": "product", "key": "P1", "payload": GOOD_PRODUCT}], remaining=1)
    fast, model = read_pull_page(raw), PullReply.model_validate_json(raw)
    assert (fast.cursor, fast.has_more, fast.resync, fast.server_time, fast.remaining) == (
        model.cursor, model.has_more, model.resync, model.server_time, model.remaining)  # fmt: skip
    assert fast.changes == [change.model_dump() for change in model.changes]


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        page([{"version": "5", "entity": "product", "key": "P1", "payload": {}}]),
        page([{"version": 5, "entity": "product", "key": "P1"}]),
        page([], has_more="maybe"),
        page([], cursor=None),
    ],
)
def test_a_malformed_page_is_refused_like_the_reply_model_refuses_it(raw: bytes) -> None:
    with pytest.raises(ValidationError):
        PullReply.model_validate_json(raw)
    with pytest.raises(BadChange):
        read_pull_page(raw)
