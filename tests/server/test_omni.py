"""Click & collect, browsing events and coupons through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from sync.server.omni.models import BrowsingEvent, CouponRedemption
from tests.server.conftest import Api, product

NOW = datetime.now(UTC)


def _chain(api: Api) -> None:
    api.products(product("TEA", 151, "reduced", category="飲料"), product("BAT", 657, category="日用品"))
    for store in ("S001", "S002"):
        api.store(store)
        body = {"store": store, "code": "1001", "name": "山田", "pin": "1234", "role": "cashier"}
        assert api.client.post("/v1/admin/clerks", json=body, headers=api.admin).status_code in (200, 201)
        move = {"location": store, "sku": "TEA", "delta": 10, "reason": "入荷"}
        assert api.client.post("/v1/admin/stock", json=move, headers=api.admin).status_code == 201


def _order(order_id: str, store: str = "S001", **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "customer": {"member_no": "000000000042", "name": "鈴木花子"},
        "ordered_at": NOW.isoformat(),
        "lines": [{"sku": "TEA", "qty": 2, "unit_price": 151}],
        "fulfilment": {"type": "pickup", "store": store},
        **extra,
    }


def _place(api: Api, order_id: str, store: str = "S001") -> None:
    answer = api.client.post("/v1/channel/orders", json=_order(order_id, store), headers=api.channel)
    assert answer.status_code == 200, answer.text


def _tea_level(api: Api, store: str) -> int:
    levels = api.client.get("/v1/stock/TEA", headers=api.device(store)).json()["levels"]
    return next(level["quantity"] for level in levels if level["location"] == store)


def test_pickup_waits_at_its_store_and_is_collected_once(api: Api) -> None:
    _chain(api)
    _place(api, "C-1", "S001")
    _place(api, "C-2", "S002")
    waiting = api.client.get("/v1/pickups", headers=api.device("S001")).json()
    assert [p["order_id"] for p in waiting] == ["C-1"]
    assert waiting[0]["member_no"] == "000000000042"
    assert waiting[0]["items"] == [{"sku": "TEA", "name": "商品TEA", "quantity": 2, "amount": 302}]
    assert (waiting[0]["status"], waiting[0]["amount_due"], waiting[0]["overdue"]) == ("placed", 0, False)
    assert _tea_level(api, "S001") == 8  # reserved when the order was placed
    assert api.client.get("/v1/pickups/C-2", headers=api.device("S001")).status_code == 404

    collect = {"clerk_code": "1001"}
    first = api.client.post("/v1/pickups/C-1/collect", json=collect, headers=api.device("S001"))
    assert first.status_code == 200, first.text
    again = api.client.post(
        "/v1/pickups/C-1/collect", json={"clerk_code": "1001"}, headers=api.device("S001")
    )
    assert again.json()["collected_at"] == first.json()["collected_at"]
    assert first.json()["status"] == "collected" and first.json()["collected_by"] == "1001"
    assert _tea_level(api, "S001") == 8  # the hand-over moves nothing more
    assert api.client.get("/v1/pickups", headers=api.device("S001")).json() == []
    status = api.client.get("/v1/channel/orders/C-1", headers=api.channel).json()
    assert status["status"] == "collected" and status["collected_at"] is not None
    cancelled = api.client.post("/v1/channel/orders/C-1/cancel", headers=api.channel)
    assert cancelled.status_code == 409, "goods handed over are returned in the store, not cancelled online"


def test_pay_at_store_needs_payment_and_cancelled_orders_cannot_be_collected(api: Api) -> None:
    _chain(api)
    _place(api, "P-1")
    _place(api, "P-2")
    terms = api.client.post("/v1/channel/orders/P-1/pickup", json={"pay_at_store": True}, headers=api.channel)
    assert terms.status_code == 204, terms.text
    assert api.client.get("/v1/pickups/P-1", headers=api.device()).json()["amount_due"] == 302
    short = api.client.post(
        "/v1/pickups/P-1/collect",
        json={"clerk_code": "1001", "payments": [{"kind": "cash", "amount": 300}]},
        headers=api.device(),
    )
    assert short.status_code == 422 and short.json()["type"].endswith("payment-due")
    paid = api.client.post(
        "/v1/pickups/P-1/collect",
        json={"clerk_code": "1001", "payments": [{"kind": "cash", "amount": 500}]},
        headers=api.device(),
    )
    assert paid.status_code == 200, paid.text
    assert api.client.post("/v1/pickups/P-2/ready", headers=api.device()).json()["status"] == "ready"
    assert api.client.get("/v1/channel/orders/P-2", headers=api.channel).json()["status"] == "ready"
    api.client.post("/v1/channel/orders/P-2/cancel", headers=api.channel)
    refused = api.client.post("/v1/pickups/P-2/collect", json={"clerk_code": "1001"}, headers=api.device())
    assert refused.status_code == 409
    assert api.client.get("/v1/channel/orders/P-2", headers=api.channel).json()["status"] == "cancelled"
    unknown = api.client.post("/v1/pickups/P-1/collect", json={"clerk_code": "7777"}, headers=api.device())
    assert unknown.status_code == 200  # already collected: the first answer stands


def test_overdue_pickups(api: Api) -> None:
    _chain(api)
    old = _order("OLD-1") | {"ordered_at": (NOW - timedelta(days=5)).isoformat()}
    assert api.client.post("/v1/channel/orders", json=old, headers=api.channel).status_code == 200
    _place(api, "NEW-1")
    overdue = api.client.get("/v1/pickups", params={"overdue": "true"}, headers=api.device()).json()
    assert [p["order_id"] for p in overdue] == ["OLD-1"]


def _events(*rows: tuple[str, str, str, str, datetime]) -> dict[str, Any]:
    return {
        "events": [
            {"event_id": eid, "member_no": member, "sku": sku, "kind": kind, "at": at.isoformat()}
            for eid, member, sku, kind, at in rows
        ]
    }


def test_browsing_events_are_idempotent_and_show_as_interests(api: Api) -> None:
    _chain(api)
    customer = api.customer(member_no="000000000042")
    _place(api, "I-1")
    batch = _events(
        ("e1", "000000000042", "TEA", "viewed", NOW - timedelta(hours=3)),
        ("e2", "000000000042", "TEA", "added_to_cart", NOW - timedelta(hours=2)),
        ("e3", "000000000042", "BAT", "cart_abandoned", NOW - timedelta(hours=1)),
        ("e4", "999999999999", "TEA", "viewed", NOW),
        ("e5", "000000000042", "TEA", "viewed", NOW - timedelta(days=400)),
    )
    first = api.client.post("/v1/channel/events", json=batch, headers=api.channel).json()
    assert first == {"accepted": 3, "duplicates": 0, "dropped": 2}
    second = api.client.post("/v1/channel/events", json=batch, headers=api.channel).json()
    assert second == {"accepted": 0, "duplicates": 3, "dropped": 2}
    interests = api.client.get(f"/v1/customers/{customer['id']}/interests", headers=api.device()).json()
    assert [p["sku"] for p in interests["products"]] == ["BAT", "TEA"]
    tea = interests["products"][1]
    assert (tea["viewed"], tea["added_to_cart"], tea["stock_here"]) == (1, 1, 8)
    assert interests["categories"] == [{"category": "飲料", "quantity": 2}]

    excluded = api.client.post(
        f"/v1/admin/customers/{customer['id']}/exclude-tracking", headers=api.admin
    ).json()
    assert excluded["deleted"] == 3
    later = _events(("e9", "000000000042", "TEA", "viewed", NOW))
    assert api.client.post("/v1/channel/events", json=later, headers=api.channel).json()["dropped"] == 1
    after = api.client.get(f"/v1/customers/{customer['id']}/interests", headers=api.device()).json()
    assert after["tracking_excluded"] and after["products"] == []
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(BrowsingEvent)) == 0


def test_a_thousand_events_in_one_batch(api: Api) -> None:
    _chain(api)
    api.customer(member_no="000000000042")
    batch = _events(*((f"b{i}", "000000000042", "TEA", "viewed", NOW) for i in range(1000)))
    assert api.client.post("/v1/channel/events", json=batch, headers=api.channel).json()["accepted"] == 1000
    too_many = _events(*((f"x{i}", "000000000042", "TEA", "viewed", NOW) for i in range(1001)))
    assert api.client.post("/v1/channel/events", json=too_many, headers=api.channel).status_code == 422
    assert api.client.post("/v1/channel/events", json=batch, headers=api.device()).status_code == 403


def _campaign(api: Api, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "秋のクーポン",
        "kind": "amount",
        "value": 100,
        "min_spend": 300,
        "valid_from": (NOW - timedelta(days=1)).isoformat(),
        "valid_to": (NOW + timedelta(days=30)).isoformat(),
        "single_use": True,
        "open_code": "AUTUMN-100",
        **fields,
    }
    answer = api.client.post("/v1/admin/coupon-campaigns", json=body, headers=api.admin)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _redeem(api: Api, code: str, rid: str, headers: dict[str, str], **extra: Any) -> Any:
    body = {"redemption_id": rid, "order_or_sale_id": f"sale-{rid}", "amount": 100, **extra}
    return api.client.post(f"/v1/coupons/{code}/redeem", json=body, headers=headers)


def test_single_use_code_is_used_once_across_channels(api: Api) -> None:
    _chain(api)
    _campaign(api)
    check = api.client.get("/v1/coupons/autumn-100", params={"subtotal": 500}, headers=api.device()).json()
    assert (check["valid"], check["discount"]) == (True, 100)
    low = api.client.get("/v1/coupons/AUTUMN-100", params={"subtotal": 200}, headers=api.channel).json()
    assert (low["valid"], low["reason"]) == (False, "coupon-min-spend")
    store = _redeem(api, "AUTUMN-100", "r-store", api.device())
    assert store.status_code == 200, store.text
    assert _redeem(api, "AUTUMN-100", "r-store", api.device()).json() == store.json()
    online = _redeem(api, "AUTUMN-100", "r-web", api.channel)
    assert online.status_code == 409 and online.json()["type"].endswith("coupon-used")
    used = api.client.get("/v1/coupons/AUTUMN-100", headers=api.channel).json()
    assert (used["valid"], used["reason"]) == (False, "coupon-used")
    released = api.client.post(
        "/v1/coupons/AUTUMN-100/release", json={"redemption_id": "r-store"}, headers=api.device()
    )
    assert released.json()["status"] == "released"
    assert _redeem(api, "AUTUMN-100", "r-web", api.channel).status_code == 200


def test_member_codes_percent_and_validity(api: Api) -> None:
    _chain(api)
    api.customer(member_no="000000000042")
    api.customer(member_no="000000000043", email="b@example.jp")
    _campaign(
        api,
        kind="percent",
        value=10,
        min_spend=0,
        open_code=None,
        codes=[{"code": "M42-TEN", "member_no": "000000000042"}],
        categories=["飲料"],
    )
    mine = api.client.get(
        "/v1/coupons/M42-TEN", params={"member_no": "000000000042", "subtotal": 1001}, headers=api.device()
    ).json()
    assert (mine["valid"], mine["discount"], mine["categories"]) == (True, 100, ["飲料"])
    theirs = api.client.get("/v1/coupons/M42-TEN", params={"member_no": "000000000043"}, headers=api.device())
    assert theirs.json()["reason"] == "coupon-other-member"
    assert _redeem(api, "M42-TEN", "x1", api.device(), member_no="000000000043").status_code == 422
    _campaign(api, open_code="OLD-CODE", valid_to=(NOW - timedelta(hours=1)).isoformat(),
              valid_from=(NOW - timedelta(days=9)).isoformat())  # fmt: skip
    assert _redeem(api, "OLD-CODE", "x2", api.channel).json()["type"].endswith("coupon-expired")
    assert api.client.get("/v1/coupons/NOPE-1", headers=api.channel).status_code == 404
    assert api.client.get("/v1/coupons/OLD-CODE", headers=api.admin).status_code == 403
    clash = {"open_code": "old-code"}
    assert (
        api.client.post(
            "/v1/admin/coupon-campaigns",
            json=_campaign_body(clash),
            headers=api.admin,
        ).status_code
        == 409
    )


def _campaign_body(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "重複",
        "kind": "amount",
        "value": 100,
        "valid_from": NOW.isoformat(),
        "valid_to": (NOW + timedelta(days=1)).isoformat(),
        **fields,
    }


@pytest.mark.integration
def test_twenty_concurrent_uses_of_one_code_succeed_exactly_once(api: Api) -> None:
    _chain(api)
    _campaign(api, open_code="RACE-CODE")
    callers = [api.device("S001"), api.device("S002"), api.channel]

    def use(number: int) -> int:
        return int(_redeem(api, "RACE-CODE", f"race-{number}", callers[number % 3]).status_code)

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(use, range(20)))
    assert sorted(statuses) == [200] + [409] * 19, statuses
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(CouponRedemption)) == 1
